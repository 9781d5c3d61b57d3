import factory
from factory.django import DjangoModelFactory

from lessons.models import Lesson, LessonTransition
from tests.factories import OfficerFactory


class LessonFactory(DjangoModelFactory):
    """A lesson at any stage (`status`), with its audience; its history holds the submission."""

    class Meta:
        model = Lesson
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Lesson {n}")
    author = factory.SubFactory(OfficerFactory)
    observation = "Radio discipline broke down at the second phase line."
    discussion = "Nobody owned the net."
    conclusion = "Net control must be named."
    recommendation = "Name a net control station in every order."

    @factory.post_generation
    def releasable_to(lesson, create, extracted, **kwargs):
        lesson.releasable_to.set(extracted or [])

    @factory.post_generation
    def cohorts(lesson, create, extracted, **kwargs):
        lesson.cohorts.set(extracted or [])

    @factory.post_generation
    def modules(lesson, create, extracted, **kwargs):
        lesson.modules.set(extracted or [])

    @factory.post_generation
    def history(lesson, create, extracted, **kwargs):
        if create:
            lesson.save()  # after its audience: the save is what search reindexes
            LessonTransition.objects.create(lesson=lesson, actor=lesson.author, to_status="submitted")
