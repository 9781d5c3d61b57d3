"""The officer's home: cohorts, courses with progress, where to continue, what changed, and
cultural-orientation picks for their direction. Every list asks the access policy."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import cached_property

from wagtail.models import Page

from curriculum import navigation, progress
from curriculum.models import CoursePage, CultureGuidePage, ModulePage, ModuleProgress, ProgrammePage
from portal import access
from portal.models import Cohort

RECENT_MODULES = 6
CULTURE_PICKS = 4


@dataclass(frozen=True)
class CohortCard:
    cohort: Cohort
    state: str
    days_left: int


@dataclass(frozen=True)
class CourseCard:
    course: CoursePage
    progress: progress.CourseProgress


class Dashboard:
    def __init__(self, user) -> None:
        self.user = user
        self.today = access.today_for(user)
        self.locale = navigation.current_locale()

    @cached_property
    def cohorts(self) -> list[CohortCard]:
        if access.is_simulated(self.user):
            cohorts = Cohort.objects.filter(pk__in=self.user.cohort_ids)
        else:
            cohorts = Cohort.objects.filter(memberships__user=self.user)
        return [
            CohortCard(cohort, cohort.state_on(self.today), max((cohort.access_ends_on - self.today).days, 0))
            for cohort in cohorts.select_related("programme").order_by("starts_on")
        ]

    @cached_property
    def courses(self) -> list[CourseCard]:
        courses = navigation.visible(self.user, CoursePage.objects.filter(locale=self.locale)).order_by(
            "path"
        )
        modules = list(
            navigation.visible(self.user, ModulePage.objects.filter(locale=self.locale)).order_by("path")
        )
        entries = progress.progress_by_key(self.user, modules)
        by_course: dict[str, list[Page]] = {}
        for module in modules:
            by_course.setdefault(module.path[: -Page.steplen], []).append(module)
        cards = []
        for course in courses.select_related("track"):
            course_modules = by_course.get(course.path, [])
            if course_modules:
                cards.append(CourseCard(course, progress.course_progress(self.user, course_modules, entries)))
        # Courses in progress first, then the rest in tree order.
        return sorted(cards, key=lambda card: (card.progress.started == 0, card.progress.percent == 100))

    @cached_property
    def continue_module(self) -> Page | None:
        """The most recently opened module not yet completed, in the active language if translated."""
        if access.is_simulated(self.user) or access.is_anonymous(self.user):
            return None
        entries = ModuleProgress.objects.filter(user=self.user, completed_at__isnull=True).order_by(
            "-last_viewed_at"
        )
        for entry in entries[:10]:
            candidates = ModulePage.objects.filter(translation_key=entry.module_key).live()
            module = candidates.filter(locale=self.locale).first() or candidates.first()
            if module and access.can_view(self.user, module):
                return module
        return None

    @cached_property
    def recent_modules(self) -> list[Page]:
        modules = ModulePage.objects.filter(locale=self.locale).exclude(last_published_at=None)
        return list(navigation.visible(self.user, modules).order_by("-last_published_at")[:RECENT_MODULES])

    @cached_property
    def directions(self) -> set[str]:
        programme_ids = [card.cohort.programme_id for card in self.cohorts if card.state != "expired"]
        directions = set(
            ProgrammePage.objects.filter(pk__in=programme_ids).values_list("direction", flat=True)
        )
        if "bilateral" in directions:
            directions |= {"inbound", "outbound"}
        return directions & {"inbound", "outbound"}

    @cached_property
    def culture_picks(self) -> list[Page]:
        guides = list(
            navigation.visible(self.user, CultureGuidePage.objects.filter(locale=self.locale)).order_by(
                "path"
            )
        )
        mine = [guide for guide in guides if guide.audience in self.directions]
        everyone = [guide for guide in guides if guide.audience == CultureGuidePage.Audience.EVERYONE]
        return (mine + everyone)[:CULTURE_PICKS]
