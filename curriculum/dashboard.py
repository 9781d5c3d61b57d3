"""The officer's home: cohorts, courses with progress, where to continue, what changed, and
cultural-orientation picks for their direction. Every list asks the access policy."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import cached_property

from wagtail.models import Page

from curriculum import navigation, progress
from curriculum.models import (
    Certificate,
    CoursePage,
    CultureGuidePage,
    ModulePage,
    ModuleProgress,
    ProgrammePage,
)
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
    certificate: Certificate | None = None


class Dashboard:
    def __init__(self, user) -> None:
        self.user = user
        self.today = access.today_for(user)

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
    def _modules(self) -> tuple[list[ModulePage], list[ModulePage]]:
        """Every module the officer may read, one per translation group in their language (as
        `navigation.readable` chooses), and every page of those groups they may read (any language):
        one query for the course cards, the module to continue and the recent modules. Each chosen
        module has its parent read (the cards name their course), in one query for all."""
        chosen, members = navigation.readable_with_members(self.user, ModulePage.objects.all())
        return navigation.with_parents(chosen), members

    @cached_property
    def courses(self) -> list[CourseCard]:
        """Every course the officer may read, in their language where it is translated, each with the
        modules of it they may read (in any language, one per translation group): progress is kept
        by translation key, so reading either language counts."""
        courses = navigation.readable_courses(self.user)
        modules = self._modules[0]
        entries = progress.progress_by_key(self.user, modules)
        by_course: dict = {}
        for module in modules:
            parent = getattr(module, "_cached_parent_obj", None)  # read by `_modules`
            by_course.setdefault(parent.translation_key if parent else None, []).append(module)
        certificates = self.certificates_by_course
        cards = []
        for course in courses:
            course_modules = by_course.get(course.translation_key, [])
            if course_modules:
                done = progress.course_progress(self.user, course_modules, entries)
                cards.append(CourseCard(course, done, certificates.get(course.translation_key)))
        # Courses in progress first, then the rest in tree order.
        return sorted(cards, key=lambda card: (card.progress.started == 0, card.progress.percent == 100))

    @cached_property
    def certificates_by_course(self) -> dict:
        """The officer's valid certificates, by course translation key (none for "view as")."""
        if not access.is_account_holder(self.user):
            return {}
        return {
            certificate.course_key: certificate
            for certificate in Certificate.objects.valid().filter(user=self.user).order_by("issued_at")
        }

    @cached_property
    def continue_module(self) -> Page | None:
        """The most recently opened module not yet completed, in the reader's language if translated."""
        if not access.is_account_holder(self.user):
            return None
        keys = list(
            ModuleProgress.objects.filter(user=self.user, completed_at__isnull=True)
            .order_by("-last_viewed_at")
            .values_list("module_key", flat=True)[:10]
        )
        readable = self._readable_by_key  # with its parent: the card names its course
        return next((readable[key] for key in keys if key in readable), None)

    @cached_property
    def recent_modules(self) -> list[Page]:
        """The most recently published modules, one per translation group, in the reader's language."""
        # A group is as recent as the latest published of its pages the officer may read.
        published = [page for page in self._modules[1] if page.last_published_at is not None]
        published.sort(key=lambda page: page.last_published_at, reverse=True)
        keys = list(dict.fromkeys(page.translation_key for page in published))[:RECENT_MODULES]
        readable = self._readable_by_key  # each with its parent: the list names their courses
        return [readable[key] for key in keys if key in readable]

    @cached_property
    def _readable_by_key(self) -> dict:
        return {module.translation_key: module for module in self._modules[0]}

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
        guides = navigation.readable(self.user, CultureGuidePage.objects.all())
        mine = [guide for guide in guides if guide.audience in self.directions]
        everyone = [guide for guide in guides if guide.audience == CultureGuidePage.Audience.EVERYONE]
        return (mine + everyone)[:CULTURE_PICKS]
