"""The cohort progress report for instructors: a cohort's members × a course's modules, with each
member's percentage, each module's completion count, a bar chart of completion per module and a
CSV export of the same table.

Progress is kept per module translation group (`curriculum.models.ModuleProgress`), so reading the
Arabic or the English module counts the same. A member's percentage counts the modules they may read
today, as on their own dashboard; a module they may not read shows as "no access".
"""

from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
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


def write_csv(report: CohortProgress, response: HttpResponse) -> None:
    writer = csv.writer(response)
    writer.writerow(
        [_("Username"), _("Name"), _("Nation"), *(c.module.title for c in report.modules), _("Percent")]
    )
    for row in report.rows:
        nation = getattr(getattr(row.member, "profile", None), "nation", None)
        writer.writerow(
            [
                row.member.get_username(),
                row.member.get_full_name(),
                nation.code if nation else "",
                *(cell.label for cell in row.cells),
                row.progress.percent,
            ]
        )
    writer.writerow([_("Completed by"), "", "", *(c.completed for c in report.modules), ""])


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


def default_cohort(day: datetime.date) -> Cohort | None:
    """The cohort that started most recently among those open today, else the latest one."""
    cohorts = list(Cohort.objects.order_by("-starts_on", "name"))
    return next((c for c in cohorts if c.is_open_on(day)), cohorts[0] if cohorts else None)


def default_course(cohort: Cohort | None, courses: list[CoursePage]) -> CoursePage | None:
    """The first course that a rule grants to the cohort, else the first course."""
    if cohort is not None:
        granted = set(cohort.access_rules.values_list("page__translation_key", flat=True))
        for course in courses:
            if course.translation_key in granted:
                return course
    return courses[0] if courses else None


class ReportForm(forms.Form):
    cohort = forms.ModelChoiceField(queryset=Cohort.objects.all(), label=_("Cohort"), required=False)
    course = forms.TypedChoiceField(label=_("Course"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, courses: list[CoursePage] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.courses = course_choices() if courses is None else courses
        self.fields["course"].choices = [(course.pk, course.title) for course in self.courses]

    def selection(self, day: datetime.date) -> tuple[Cohort | None, CoursePage | None]:
        """The chosen cohort and course, with sensible defaults for what was not chosen."""
        data = self.cleaned_data if self.is_valid() else {}
        cohort = data.get("cohort") or default_cohort(day)
        course_id = data.get("course")
        course = next((c for c in self.courses if c.pk == course_id), None)
        return cohort, course or default_course(cohort, self.courses)


class CohortProgressView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "curriculum/reports/cohort_progress.html"
    page_title = _("Cohort progress")
    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        if not can_see_report(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        day = access.today_for(None)
        chosen = ReportForm(request.GET)
        cohort, course = chosen.selection(day)
        report = cohort_progress(cohort, course, today=day) if cohort and course else None
        if report is not None and request.GET.get("export") == "csv":
            return self.csv_response(report)
        # Show what the report is for, defaults included.
        form = ReportForm(
            initial={"cohort": cohort, "course": course.pk if course else None}, courses=chosen.courses
        )
        return self.render_to_response(self.get_context_data(form=form, report=report))

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def csv_response(self, report: CohortProgress) -> HttpResponse:
        name = f"progress-{report.cohort.slug}-{report.course.slug}-{report.day:%Y-%m-%d}.csv"
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response.write("\ufeff")  # a byte-order mark, so that spreadsheets read Arabic names as UTF-8
        write_csv(report, response)
        return response


class CohortProgressMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see_report(request.user)
