"""Cohort members from a CSV upload: all or nothing, with a per-row report of what stops it.

The file has a header row naming a `username` or an `email` column (other columns are ignored, so a
spreadsheet exported from elsewhere works as is). Empty rows are skipped; a person who is already a
member is fine (uploading the same file twice changes nothing); an unknown or ambiguous account, a
row without a username or email, or a person listed twice is an error, and any error adds nobody.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import FormView

from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import Button, HeaderButton
from wagtail.log_actions import log
from wagtail.snippets.views import snippets as snippet_views

from portal.models import Cohort, CohortMembership

MAX_UPLOAD_BYTES = 1024 * 1024
IDENTIFIER_COLUMNS = ("username", "email")
UPLOAD_PERMISSIONS = ("portal.change_cohort", "portal.add_cohortmembership")


class MemberFileError(ValueError):
    """The upload as a whole is unusable: not UTF-8 text, not CSV, or no usable header row."""


@dataclass(frozen=True)
class RowProblem:
    row: int
    value: str
    reason: str


@dataclass
class MemberList:
    """The people a file names, or the problems that stop the upload."""

    users: list[AbstractBaseUser] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


@dataclass(frozen=True)
class AddedMembers:
    added: int
    already_members: int


def read_member_file(data: bytes) -> MemberList:
    """Parse an uploaded member list and resolve every row to an account (a few queries in all)."""
    rows = _csv_rows(data)
    header_row, header = next(((n, cells) for n, cells in rows if any(c.strip() for c in cells)), (0, []))
    columns = [cell.strip().lower() for cell in header]
    wanted = {name: columns.index(name) for name in IDENTIFIER_COLUMNS if name in columns}
    if not wanted:
        found = ", ".join(f"“{cell.strip()}”" for cell in header if cell.strip()) or _("nothing")
        raise MemberFileError(
            _("The first row must be a header naming a “username” or “email” column (found: %(found)s).")
            % {"found": found}
        )

    entries: list[tuple[int, str, str]] = []  # (row number, column, value)
    problems: list[RowProblem] = []
    for number, cells in rows:
        if number <= header_row or not any(cell.strip() for cell in cells):
            continue
        values = {name: cells[index].strip() if index < len(cells) else "" for name, index in wanted.items()}
        column = next((name for name in IDENTIFIER_COLUMNS if values.get(name)), None)
        if column is None:
            shown = ", ".join(cell.strip() for cell in cells if cell.strip())
            problems.append(RowProblem(number, shown, _("no username or email in this row")))
        else:
            entries.append((number, column, values[column]))

    if not entries and not problems:
        raise MemberFileError(_("The file names nobody: add one row per person below the header."))

    accounts = _accounts_by_key(entries)
    users, first_row_of = [], {}
    for number, column, value in entries:
        matches = accounts.get((column, value.lower()), [])
        if not matches:
            reason = (
                _("no account has this username")
                if column == "username"
                else _("no account has this email address")
            )
            problems.append(RowProblem(number, value, reason))
        elif len(matches) > 1:
            problems.append(RowProblem(number, value, _("several accounts have this email address")))
        elif matches[0].pk in first_row_of:
            reason = _("listed already in row %(row)d") % {"row": first_row_of[matches[0].pk]}
            problems.append(RowProblem(number, value, reason))
        else:
            first_row_of[matches[0].pk] = number
            users.append(matches[0])
    problems.sort(key=lambda problem: problem.row)
    return MemberList(users=users, problems=problems)


def _csv_rows(data: bytes) -> list[tuple[int, list[str]]]:
    """(line number, cells) for every record; whole-file problems raise MemberFileError."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise MemberFileError(
            _("The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again.")
        ) from error
    if "\x00" in text:
        raise MemberFileError(_("The file is not a CSV text file."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # a single column has no delimiter to find
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        return [(reader.line_num, cells) for cells in reader]
    except csv.Error as error:
        raise MemberFileError(
            _("The file could not be read as CSV (line %(line)d: %(error)s).")
            % {"line": reader.line_num, "error": error}
        ) from error


def _accounts_by_key(entries: list[tuple[int, str, str]]) -> dict[tuple[str, str], list]:
    """Accounts matching the entries, case-insensitively, keyed by (column, lower-cased value)."""
    accounts: dict[tuple[str, str], list] = {}
    for column in IDENTIFIER_COLUMNS:
        values = {value.lower() for _, name, value in entries if name == column}
        if not values:
            continue
        users = get_user_model().objects.annotate(key=Lower(column)).filter(key__in=values)
        for user in users.order_by("pk"):
            accounts.setdefault((column, user.key), []).append(user)
    return accounts


def add_members(cohort: Cohort, users: list[AbstractBaseUser]) -> AddedMembers:
    """Make `users` members of `cohort`; those who already are stay as they are."""
    with transaction.atomic():
        existing = set(cohort.memberships.values_list("user_id", flat=True))
        new = [CohortMembership(cohort=cohort, user=user) for user in users if user.pk not in existing]
        CohortMembership.objects.bulk_create(new, ignore_conflicts=True)
    return AddedMembers(added=len(new), already_members=len(users) - len(new))


class MemberUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8, at most 1 MB. The first row is a header with a “username” or “email” column; "
            "each further row names one person."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB. Split it and upload each part."))
        try:
            self.members = read_member_file(upload.read())
        except MemberFileError as error:
            raise forms.ValidationError(str(error)) from error
        return upload


class UploadMembersView(WagtailAdminTemplateMixin, FormView):
    """Upload a CSV of members for one cohort (reached from the cohort listing and editor)."""

    form_class = MemberUploadForm
    template_name = "portal/admin/upload_members.html"
    header_icon = "group"
    page_title = _("Upload members")
    # Set by the cohort viewset (portal.wagtail_hooks), like its own views.
    edit_url_name = None
    index_url_name = None

    def dispatch(self, request, *args, pk, **kwargs):
        if not request.user.has_perms(UPLOAD_PERMISSIONS):
            raise PermissionDenied
        self.cohort = get_object_or_404(Cohort, pk=pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.cohort)

    @property
    def edit_url(self) -> str:
        return reverse(self.edit_url_name, args=[self.cohort.pk])

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": Cohort._meta.verbose_name_plural.capitalize()},
            {"url": self.edit_url, "label": str(self.cohort)},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(cohort=self.cohort, cancel_url=self.edit_url, **kwargs)

    def form_valid(self, form):
        members = form.members
        if members.problems:
            return self.render_to_response(self.get_context_data(form=form, report=members))
        result = add_members(self.cohort, members.users)
        if result.added:
            log(instance=self.cohort, action="wagtail.edit", user=self.request.user)
        summary = ngettext(
            "%(count)d member added to “%(cohort)s”.",
            "%(count)d members added to “%(cohort)s”.",
            result.added,
        ) % {"count": result.added, "cohort": self.cohort}
        if result.already_members:
            summary += " " + ngettext(
                "%(count)d person in the file was a member already.",
                "%(count)d people in the file were members already.",
                result.already_members,
            ) % {"count": result.already_members}
        messages.success(self.request, summary)
        return redirect(self.edit_url)


# --- reaching the upload from the cohort screens ------------------------------------------------


def upload_members_button(view, cohort, button_class, **kwargs):
    """A link to the CSV upload for `cohort`, for those allowed to add members."""
    if not view.request.user.has_perms(UPLOAD_PERMISSIONS):
        return None
    url = reverse(view.upload_members_url_name, args=[cohort.pk])
    return button_class(_("Upload members (CSV)"), url=url, icon_name="upload", **kwargs)


class CohortIndexView(snippet_views.IndexView):
    upload_members_url_name = None

    def get_list_more_buttons(self, instance):
        button = upload_members_button(self, instance, Button, priority=15)
        return [*super().get_list_more_buttons(instance), *([button] if button else [])]


class CohortEditView(snippet_views.EditView):
    upload_members_url_name = None

    @cached_property
    def header_buttons(self):
        button = upload_members_button(self, self.object, HeaderButton)
        return [*super().header_buttons, *([button] if button else [])]
