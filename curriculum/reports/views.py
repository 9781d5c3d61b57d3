"""The cohort progress report's admin screen and its entry in the Reports menu.

Built on Wagtail's `ReportView`, which gives the admin's report furniture (header, breadcrumbs,
permission check) and the spreadsheet export (CSV and XLSX, `?export=csv|xlsx`, with the download
buttons in the header). Where the report does not fit a listing of a queryset, the view says so:

- The rows are computed (each member against each module, through the access policy), not a
  queryset: the cohort and course are chosen by `ReportForm`, with defaults for what was not chosen,
  instead of a django-filter filterset that narrows a queryset, and a cohort is one page (no
  pagination), because the completion counts and the chart are over all its members.
- The columns depend on the course (one per module), so `list_export` is built per request.
- The members × modules table, with its footer of completion counts, and the bar chart are drawn
  by the template: a Wagtail `Table` has a fixed set of columns and no footer, and there is no chart
  component in the admin.
"""

from __future__ import annotations

import datetime
from functools import cached_property
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from wagtail.admin.menu import MenuItem
from wagtail.admin.views.reports import ReportView

from curriculum.models import CoursePage
from curriculum.reports import cohort_progress
from portal import access
from portal.models import Cohort


class ReportForm(forms.Form):
    cohort = forms.ModelChoiceField(queryset=Cohort.objects.none(), label=_("Cohort"), required=False)
    course = forms.TypedChoiceField(label=_("Course"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, cohorts, courses: list[CoursePage] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = self.cohorts = cohorts
        self.courses = cohort_progress.course_choices() if courses is None else courses
        self.fields["course"].choices = [(course.pk, course.title) for course in self.courses]

    def selection(self, day: datetime.date) -> tuple[Cohort | None, CoursePage | None]:
        """The chosen cohort and course, with sensible defaults for what was not chosen."""
        data = self.cleaned_data if self.is_valid() else {}
        cohort = data.get("cohort") or cohort_progress.default_cohort(day, self.cohorts)
        course_id = data.get("course")
        course = next((c for c in self.courses if c.pk == course_id), None)
        return cohort, course or cohort_progress.default_course(cohort, self.courses)


class CohortProgressView(ReportView):
    template_name = "curriculum/reports/cohort_progress.html"
    page_title = _("Cohort progress")
    header_icon = "tasks"
    paginate_by = None

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not cohort_progress.can_see_report(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def cohorts(self):
        """The cohorts this user may see reports of (the access policy decides)."""
        return access.reportable_cohorts(self.request.user)

    @cached_property
    def chosen(self) -> ReportForm:
        form = ReportForm(self.request.GET, cohorts=self.cohorts)
        if self.request.GET.get("cohort") and not form.is_valid() and "cohort" in form.errors:
            raise Http404  # a cohort they do not teach is, for them, not there
        return form

    @cached_property
    def report(self) -> cohort_progress.CohortProgress | None:
        day = access.today_for(None)
        cohort, course = self.chosen.selection(day)
        return cohort_progress.cohort_progress(cohort, course, today=day) if cohort and course else None

    @cached_property
    def table(self) -> cohort_progress.Spreadsheet | None:
        return cohort_progress.spreadsheet(self.report) if self.report else None

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if self.report is None:
            self.is_export = False  # nothing to export: the page says there is no report yet
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> list[cohort_progress.MemberRow]:
        return self.report.rows if self.report else []

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        chosen = self.report
        # Show what the report is for, defaults included.
        context["form"] = ReportForm(
            initial={"cohort": chosen.cohort, "course": chosen.course.pk} if chosen else {},
            cohorts=self.cohorts,
            courses=self.chosen.courses,
        )
        context["report"] = chosen
        return context

    # --- the spreadsheet (SpreadsheetExportMixin) ------------------------------------------------

    @property
    def list_export(self) -> list[str]:
        return self.table.columns if self.table else []

    @property
    def export_headings(self) -> dict[str, str]:
        return self.table.headings if self.table else {}

    def to_row_dict(self, item: list[str | int]) -> dict[str, str | int]:
        return dict(zip(self.list_export, item, strict=True))

    def as_spreadsheet(self, queryset, spreadsheet_format: str) -> HttpResponse:
        # The rows with the footer of completion counts, as the screen shows them.
        return super().as_spreadsheet(self.table.rows, spreadsheet_format)

    def get_filename(self) -> str:
        chosen = self.report
        return f"progress-{chosen.cohort.slug}-{chosen.course.slug}-{chosen.day:%Y-%m-%d}"

    def get_export_url(self, format: str) -> str:
        # The cohort and course on the screen, defaults included, so the file is what was shown.
        chosen = self.report
        query = {"cohort": chosen.cohort.pk, "course": chosen.course.pk, "export": format}
        return f"{self.request.path}?{urlencode(query)}"

    def write_csv_response(self, queryset) -> HttpResponse:
        # A cohort's table is small: one response (with its length) rather than Wagtail's stream,
        # starting with a byte-order mark so that spreadsheets read Arabic names as UTF-8.
        response = HttpResponse("\ufeff", content_type="text/csv; charset=utf-8")
        response.writelines(self.stream_csv(queryset))
        response["Content-Disposition"] = f'attachment; filename="{self.get_filename()}.csv"'
        return response


class CohortProgressMenuItem(MenuItem):
    """Under Reports, as Wagtail's own reports: shown to whoever may open the report."""

    def is_shown(self, request: HttpRequest) -> bool:
        return cohort_progress.can_see_report(request.user)
