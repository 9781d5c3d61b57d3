"""The cohort progress report for instructors: a cohort's members × a course's modules, with each
member's percentage, each module's completion count and the same table as a spreadsheet. (The admin
screen, with its chart and its CSV and XLSX downloads, is `curriculum.reports.views`.)

Progress is kept per module translation group (`curriculum.models.ModuleProgress`), so reading the
Arabic or the English module counts the same. A member's percentage counts the modules they may read
today, as on their own dashboard; a module they may not read shows as "no access".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.models import Locale
from wagtail.permission_policies.pages import PagePermissionPolicy

from curriculum import progress
from curriculum.models import CoursePage, ModulePage, ModuleProgress
from portal import access
from portal.models import Cohort


def can_see_report(user) -> bool:
    """Staff who follow cohorts (view cohorts) or author the curriculum (edit pages)."""
    return user.has_perm("portal.view_cohort") or PagePermissionPolicy().user_has_any_permission(
        user, {"change"}
    )


# --- the report --------------------------------------------------------------------------------


class State:
    NO_ACCESS = "no_access"
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"


STATE_LABELS = {
    State.NO_ACCESS: _("No access"),
    State.NOT_STARTED: _("Not started"),
    State.IN_PROGRESS: _("In progress"),
    State.COMPLETE: _("Complete"),
}


@dataclass(frozen=True)
class Cell:
    state: str
    completed_on: datetime.date | None = None

    @property
    def label(self) -> str:
        if self.completed_on:
            return f"{STATE_LABELS[self.state]} {self.completed_on:%Y-%m-%d}"
        return str(STATE_LABELS[self.state])


@dataclass(frozen=True)
class MemberRow:
    member: AbstractBaseUser
    cells: list[Cell]
    progress: progress.CourseProgress


@dataclass(frozen=True)
class ModuleColumn:
    module: ModulePage
    completed: int
    members: int

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.members) if self.members else 0


@dataclass(frozen=True)
class CohortProgress:
    cohort: Cohort
    course: CoursePage
    day: datetime.date
    modules: list[ModuleColumn]
    rows: list[MemberRow]


def cohort_progress(
    cohort: Cohort, course: CoursePage, *, today: datetime.date | None = None
) -> CohortProgress:
    """Every member of `cohort` against every live module of `course`, on `today`."""
    day = access.today_for(None, today)
    modules = list(ModulePage.objects.child_of(course).live().order_by("path"))
    members = list(
        cohort.members.select_related("profile__nation").order_by("last_name", "first_name", "username")
    )
    entries: dict[tuple[int, object], ModuleProgress] = {
        (entry.user_id, entry.module_key): entry
        for entry in ModuleProgress.objects.filter(
            user__in=members, module_key__in=[module.translation_key for module in modules]
        )
    }
    zone = timezone.get_current_timezone()
    rows = []
    for member in members:
        readable = set(
            access.viewable_pages(
                member, day, ModulePage.objects.filter(pk__in=[m.pk for m in modules])
            ).values_list("pk", flat=True)
        )
        cells = []
        for module in modules:
            entry = entries.get((member.pk, module.translation_key))
            if module.pk not in readable:
                cells.append(Cell(State.NO_ACCESS))
            elif entry is None:
                cells.append(Cell(State.NOT_STARTED))
            elif entry.is_complete:
                cells.append(Cell(State.COMPLETE, entry.completed_at.astimezone(zone).date()))
            else:
                cells.append(Cell(State.IN_PROGRESS))
        mine = {key: entry for (user_id, key), entry in entries.items() if user_id == member.pk}
        readable_modules = [module for module in modules if module.pk in readable]
        rows.append(MemberRow(member, cells, progress.course_progress(member, readable_modules, mine)))
    columns = [
        ModuleColumn(
            module,
            completed=sum(1 for row in rows if row.cells[index].state == State.COMPLETE),
            members=len(rows),
        )
        for index, module in enumerate(modules)
    ]
    return CohortProgress(cohort=cohort, course=course, day=day, modules=columns, rows=rows)


@dataclass(frozen=True)
class Spreadsheet:
    """The report as a spreadsheet: a heading per column, a row per member, and a last row of the
    modules' completion counts (the table's footer)."""

    columns: list[str]
    headings: dict[str, str]
    rows: list[list[str | int]]


def spreadsheet(report: CohortProgress) -> Spreadsheet:
    modules = [f"module-{index}" for index in range(len(report.modules))]
    columns = ["username", "name", "nation", *modules, "percent"]
    headings = {
        "username": _("Username"),
        "name": _("Name"),
        "nation": _("Nation"),
        **{key: column.module.title for key, column in zip(modules, report.modules, strict=True)},
        "percent": _("Percent"),
    }
    rows: list[list[str | int]] = []
    for row in report.rows:
        nation = getattr(getattr(row.member, "profile", None), "nation", None)
        rows.append(
            [
                row.member.get_username(),
                row.member.get_full_name(),
                nation.code if nation else "",
                *(cell.label for cell in row.cells),
                row.progress.percent,
            ]
        )
    rows.append([str(_("Completed by")), "", "", *(c.completed for c in report.modules), ""])
    return Spreadsheet(columns, {key: str(heading) for key, heading in headings.items()}, rows)


# --- choosing a cohort and a course ------------------------------------------------------------


def course_choices() -> list[CoursePage]:
    """One course per translation group (the default language's version when there is one)."""
    default = Locale.get_default()
    chosen: dict = {}
    for course in CoursePage.objects.order_by("title").select_related("locale"):
        current = chosen.get(course.translation_key)
        if current is None or (course.locale_id == default.pk and current.locale_id != default.pk):
            chosen[course.translation_key] = course
    return sorted(chosen.values(), key=lambda course: course.title.lower())


def default_cohort(day: datetime.date, cohorts=None) -> Cohort | None:
    """The cohort that started most recently among those open today, else the latest one (of
    `cohorts`, by default all)."""
    cohorts = list((Cohort.objects.all() if cohorts is None else cohorts).order_by("-starts_on", "name"))
    return next((c for c in cohorts if c.is_open_on(day)), cohorts[0] if cohorts else None)


def default_course(cohort: Cohort | None, courses: list[CoursePage]) -> CoursePage | None:
    """The first course that a rule grants to the cohort, else the first course."""
    if cohort is not None:
        granted = set(cohort.access_rules.values_list("page__translation_key", flat=True))
        for course in courses:
            if course.translation_key in granted:
                return course
    return courses[0] if courses else None
