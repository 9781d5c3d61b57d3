"""The cohort progress report for instructors: a cohort's members × a course's modules, with each
member's percentage, each module's completion count, each member's knowledge-check attempts (how
many, the best score, passed or not) and the same table as a spreadsheet. (The admin
screen, with its chart and its CSV and XLSX downloads, is `curriculum.reports.views`.)

Progress is kept per module translation group (`curriculum.models.ModuleProgress`), so reading the
Arabic or the English module counts the same. A member's percentage counts the modules they may read
today, as on their own dashboard; a module they may not read shows as "no access".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.models import Locale
from wagtail.permission_policies.pages import PagePermissionPolicy

from curriculum import progress
from curriculum.checks import definition
from curriculum.models import CheckAttempt, CoursePage, ModulePage, ModuleProgress
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
class CheckResult:
    """A member's attempts at a module's knowledge check."""

    attempts: int
    best_score: int
    passed: bool

    @property
    def label(self) -> str:
        verdict = _("passed") if self.passed else _("not passed")
        return str(_("%(attempts)d attempt(s), best %(score)d%%, %(verdict)s")) % {
            "attempts": self.attempts,
            "score": self.best_score,
            "verdict": verdict,
        }


@dataclass(frozen=True)
class Cell:
    state: str
    completed_on: datetime.date | None = None
    check: CheckResult | None = None

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
    has_check: bool = False
    attempted: int = 0
    passed: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.members) if self.members else 0

    @property
    def passed_percent(self) -> int:
        return round(100 * self.passed / self.members) if self.members else 0


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
    checks = _check_results(members, modules)
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
            check = checks.get((member.pk, module.translation_key))
            if module.pk not in readable:
                cells.append(Cell(State.NO_ACCESS, check=check))
            elif entry is None:
                cells.append(Cell(State.NOT_STARTED, check=check))
            elif entry.is_complete:
                cells.append(Cell(State.COMPLETE, entry.completed_at.astimezone(zone).date(), check))
            else:
                cells.append(Cell(State.IN_PROGRESS, check=check))
        mine = {key: entry for (user_id, key), entry in entries.items() if user_id == member.pk}
        readable_modules = [module for module in modules if module.pk in readable]
        rows.append(MemberRow(member, cells, progress.course_progress(member, readable_modules, mine)))
    columns = [
        ModuleColumn(
            module,
            completed=sum(1 for row in rows if row.cells[index].state == State.COMPLETE),
            members=len(rows),
            has_check=definition.of_page(module) is not None,
            attempted=sum(1 for row in rows if row.cells[index].check),
            passed=sum(1 for row in rows if row.cells[index].check and row.cells[index].check.passed),
        )
        for index, module in enumerate(modules)
    ]
    return CohortProgress(cohort=cohort, course=course, day=day, modules=columns, rows=rows)


def _check_results(members, modules) -> dict[tuple[int, object], CheckResult]:
    """Each member's attempts at each module's check (in any language), in one query."""
    rows = (
        CheckAttempt.objects.filter(user__in=members, module_key__in=[m.translation_key for m in modules])
        .values("user_id", "module_key")
        .annotate(attempts=Count("pk"), best=Max("score"), passes=Count("pk", filter=Q(passed=True)))
    )
    return {
        (row["user_id"], row["module_key"]): CheckResult(row["attempts"], row["best"], row["passes"] > 0)
        for row in rows
    }


@dataclass(frozen=True)
class Spreadsheet:
    """The report as a spreadsheet: a heading per column, a row per member, and a last row of the
    modules' completion counts (the table's footer)."""

    columns: list[str]
    headings: dict[str, str]
    rows: list[list[str | int]]


def spreadsheet(report: CohortProgress) -> Spreadsheet:
    """A column per module (its state), and for a module with a knowledge check three more: each
    member's attempts, best score and whether they passed."""
    modules = [f"module-{index}" for index in range(len(report.modules))]
    per_module: list[str] = []
    headings: dict = {}
    for key, column in zip(modules, report.modules, strict=True):
        per_module.append(key)
        headings[key] = column.module.title
        if column.has_check:
            per_module += [f"{key}-attempts", f"{key}-best", f"{key}-passed"]
            headings[f"{key}-attempts"] = _("%(module)s: attempts") % {"module": column.module.title}
            headings[f"{key}-best"] = _("%(module)s: best score (%%)") % {"module": column.module.title}
            headings[f"{key}-passed"] = _("%(module)s: check passed") % {"module": column.module.title}
    columns = ["username", "name", "nation", *per_module, "percent"]
    headings = {"username": _("Username"), "name": _("Name"), "nation": _("Nation"), **headings}
    headings["percent"] = _("Percent")
    rows: list[list[str | int]] = []
    for row in report.rows:
        nation = getattr(getattr(row.member, "profile", None), "nation", None)
        cells: list[str | int] = []
        for cell, column in zip(row.cells, report.modules, strict=True):
            cells.append(cell.label)
            if column.has_check:
                check = cell.check
                cells += [
                    check.attempts if check else 0,
                    check.best_score if check else "",
                    (str(_("yes")) if check.passed else str(_("no"))) if check else "",
                ]
        rows.append(
            [row.member.get_username(), row.member.get_full_name(), nation.code if nation else "", *cells]
            + [row.progress.percent]
        )
    footer: list[str | int] = []
    for column in report.modules:
        footer.append(column.completed)
        if column.has_check:
            footer += [column.attempted, "", column.passed]
    rows.append([str(_("Completed by")), "", "", *footer, ""])
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
