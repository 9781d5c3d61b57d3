"""Factories for every model the tests build; pages go under their real section parents."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import translation

import factory
import wagtail_factories
from factory.django import DjangoModelFactory

from curriculum import models as curriculum
from curriculum.roles import assign_role
from portal import models as portal


class NationFactory(DjangoModelFactory):
    class Meta:
        model = portal.Nation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}")
    name = factory.LazyAttribute(lambda o: f"Nation {o.code}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if create and extracted:
            assign_role(user, extracted)
        if create:
            user.save()


class OfficerFactory(UserFactory):
    """A signed-in officer with a profile (nation) and the given cohorts."""

    @factory.post_generation
    def nation(user, create, extracted, **kwargs):
        if create:
            portal.OfficerProfile.objects.update_or_create(user=user, defaults={"nation": extracted})

    @factory.post_generation
    def cohorts(user, create, extracted, **kwargs):
        for cohort in extracted or []:
            portal.CohortMembership.objects.get_or_create(user=user, cohort=cohort)


class CohortFactory(DjangoModelFactory):
    class Meta:
        model = portal.Cohort

    slug = factory.Sequence(lambda n: f"cohort-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())
    starts_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=30))
    grace_days = 0


class AccessRuleFactory(DjangoModelFactory):
    class Meta:
        model = portal.AccessRule
        skip_postgeneration_save = True

    @factory.post_generation
    def cohorts(rule, create, extracted, **kwargs):
        rule.cohorts.set(extracted or [])

    @factory.post_generation
    def releasable_to(rule, create, extracted, **kwargs):
        rule.releasable_to.set(extracted or [])


class TrackFactory(DjangoModelFactory):
    class Meta:
        model = curriculum.Track
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"track-{n}")
    title = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())


class GlossaryTermFactory(DjangoModelFactory):
    class Meta:
        model = curriculum.GlossaryTerm

    term = factory.Sequence(lambda n: f"Term {n}")
    definition = "A word the course uses with a precise meaning."
    live = True


class ProgrammeFactory(wagtail_factories.PageFactory):
    class Meta:
        model = curriculum.ProgrammePage

    title = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")


class CourseFactory(wagtail_factories.PageFactory):
    class Meta:
        model = curriculum.CoursePage

    title = factory.Sequence(lambda n: f"Course {n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    track = factory.SubFactory(TrackFactory)
    summary = "What this course teaches."


class ModuleFactory(wagtail_factories.PageFactory):
    class Meta:
        model = curriculum.ModulePage

    title = factory.Sequence(lambda n: f"Module {n}")
    slug = factory.Sequence(lambda n: f"module-{n}")
    summary = "What this module covers."
    estimated_minutes = 30
    body = factory.LazyFunction(
        lambda: [
            {"type": "heading", "value": {"text": "Overview", "level": "h2"}},
            {"type": "rich_text", "value": "<p>Planning starts with the mission.</p>"},
        ]
    )


class GuideFactory(wagtail_factories.PageFactory):
    class Meta:
        model = curriculum.CultureGuidePage

    title = factory.Sequence(lambda n: f"Guide {n}")
    slug = factory.Sequence(lambda n: f"guide-{n}")
    region = "Host nation"


def translate(page, locale, **fields):
    """The translation of `page` into `locale`, published, with the given fields (its parent must be
    translated already)."""
    with translation.override(locale.language_code):
        copy = page.copy_for_translation(locale, copy_parents=False, alias=False).specific
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save_revision().publish()
    return copy


def check_questions(*questions: tuple[str, str, list[tuple[str, bool, str]], str]) -> list[dict]:
    """A knowledge check's questions as ModulePage.check_questions takes them: each
    `(kind, text, [(option text, correct, feedback), ...], explanation)`."""
    return [
        {
            "type": "question",
            "value": {
                "kind": kind,
                "text": text,
                "explanation": explanation,
                "options": [
                    {"text": option, "correct": correct, "feedback": feedback}
                    for option, correct, feedback in options
                ],
            },
        }
        for kind, text, options, explanation in questions
    ]
