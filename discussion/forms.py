"""The forms of the discussion: they validate what a participant sends; `discussion.rules` acts."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from discussion.models import CohortDiscussionSettings, Post, Report
from discussion.rules import MAX_POST_LENGTH

MARKDOWN_HELP = _(
    "Write in English or Arabic. You can use *emphasis*, **strong**, `code`, > quotes, lists and "
    "links to http(s) addresses; HTML is shown as text."
)


class PostForm(forms.ModelForm):
    body = forms.CharField(
        label=_("Your post"),
        help_text=MARKDOWN_HELP,
        max_length=MAX_POST_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 6, "dir": "auto"}),
    )

    class Meta:
        model = Post
        fields = ["body"]


class EditForm(PostForm):
    body = forms.CharField(
        label=_("Text of the post"),
        help_text=MARKDOWN_HELP,
        max_length=MAX_POST_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 8, "dir": "auto"}),
    )


class ReasonForm(forms.Form):
    """A moderator's reason (required: members and the log show it)."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("Recorded in the moderation log."),
    )


class OptionalReasonForm(ReasonForm):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("Recorded in the moderation log."),
    )


class ReportForm(forms.ModelForm):
    reason = forms.CharField(
        label=_("Why should the moderators look at this post?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        help_text=_("Only the cohort’s moderators read your report."),
    )

    class Meta:
        model = Report
        fields = ["reason"]


MUTE_DURATIONS = [
    ("1", _("1 hour")),
    ("24", _("1 day")),
    ("72", _("3 days")),
    ("168", _("1 week")),
    ("720", _("30 days")),
]


class MuteForm(ReasonForm):
    hours = forms.TypedChoiceField(label=_("Mute for"), choices=MUTE_DURATIONS, coerce=int, initial="24")

    field_order = ["hours", "reason"]

    def until(self, now: datetime.datetime) -> datetime.datetime:
        return now + datetime.timedelta(hours=self.cleaned_data["hours"])


class SettingsForm(forms.ModelForm):
    class Meta:
        model = CohortDiscussionSettings
        fields = ["premoderate_first_posts"]
