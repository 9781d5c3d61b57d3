"""The forms of the lessons-learned process: submit or revise a lesson, and the moves that need
more than a comment (identify: tasking and audience; close: what changed)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail.models import Page

from lessons import pages
from lessons.models import Lesson
from lessons.workflow import Details
from portal.i18n import in_active_language
from portal.models import Cohort, Nation


def nation_label(nation: Nation) -> str:
    return in_active_language(nation.name, nation.name_ar)


class PageChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, page: Page) -> str:
        return page.title


def _offered(user, *kinds: str):
    """The curriculum pages of these kinds the user may read, to choose from."""
    readable = pages.readable(user, pages.of_kind(*kinds))
    return Page.objects.filter(pk__in=[page.pk for page in readable]).order_by("title")


class LessonForm(forms.ModelForm):
    """What an officer or instructor submits, and revises when it is returned. The audience is only
    proposed here; a lessons manager decides it when identifying the lesson."""

    courses = PageChoiceField(
        queryset=Page.objects.none(),
        required=False,
        label=_("Related courses"),
        widget=forms.CheckboxSelectMultiple,
    )
    modules = PageChoiceField(
        queryset=Page.objects.none(),
        required=False,
        label=_("Related modules"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Lesson
        fields = [
            "title",
            "locale",
            "track",
            "event",
            "observation",
            "discussion",
            "conclusion",
            "recommendation",
            "courses",
            "modules",
            "proposed_nations",
            "proposed_cohorts",
        ]
        widgets = {
            **{
                name: forms.Textarea(attrs={"rows": 5, "dir": "auto"})
                for name in ("observation", "discussion", "conclusion", "recommendation")
            },
            "title": forms.TextInput(attrs={"dir": "auto"}),
            "event": forms.TextInput(attrs={"dir": "auto"}),
            "proposed_nations": forms.CheckboxSelectMultiple,
            "proposed_cohorts": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "proposed_nations": _("Who should read it once it is identified (none: every nation)."),
            "proposed_cohorts": _("Only members of these cohorts (none: no cohort condition)."),
        }

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["courses"].queryset = _offered(user, pages.COURSE)
        self.fields["modules"].queryset = _offered(user, pages.MODULE)
        self.fields["proposed_nations"].queryset = Nation.objects.order_by("name")
        self.fields["proposed_cohorts"].queryset = Cohort.objects.order_by("name")
        self.fields["locale"].label = _("Written in")
        self.fields["proposed_nations"].label_from_instance = nation_label
        self.fields["track"].label_from_instance = lambda track: in_active_language(
            track.title, track.title_ar
        )


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"})
    )

    def details(self) -> Details:
        return Details(comment=self.cleaned_data["comment"])


class IdentifyForm(CommentForm):
    """Identify: name the action body and its due date, and decide the final audience."""

    action_body = forms.ChoiceField(label=_("Action body"), choices=Lesson.ActionBody.choices)
    action_page = forms.ModelChoiceField(
        label=_("Course or programme"), queryset=Page.objects.none(), required=True
    )
    action_due_on = forms.DateField(label=_("Action due on"), widget=forms.DateInput(attrs={"type": "date"}))
    releasable_to = forms.ModelMultipleChoiceField(
        label=_("Releasable to"),
        queryset=Nation.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None: every nation."),
    )
    cohorts = forms.ModelMultipleChoiceField(
        label=_("Only members of"),
        queryset=Cohort.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None: no cohort condition."),
    )

    def __init__(self, *args, user, lesson: Lesson, **kwargs) -> None:
        kwargs.setdefault(
            "initial",
            {
                "releasable_to": list(lesson.proposed_nations.all()),
                "cohorts": list(lesson.proposed_cohorts.all()),
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["action_page"].queryset = _offered(user, pages.COURSE, pages.PROGRAMME)
        self.fields["action_page"].label_from_instance = lambda page: page.title
        self.fields["releasable_to"].label_from_instance = nation_label

    def clean(self):
        cleaned = super().clean()
        body, page = cleaned.get("action_body"), cleaned.get("action_page")
        if body and page:
            expected = pages.COURSE if body == Lesson.ActionBody.COURSE else pages.PROGRAMME
            if pages.kind_of(page) != expected:
                self.add_error(
                    "action_page",
                    _("Choose a course for a course’s instructors, a programme for its admins."),
                )
        return cleaned

    def details(self) -> Details:
        data = self.cleaned_data
        return Details(
            comment=data["comment"],
            action_body=data["action_body"],
            action_page=data["action_page"],
            action_due_on=data["action_due_on"],
            releasable_to=data["releasable_to"],
            cohorts=data["cohorts"],
        )


class CloseForm(CommentForm):
    """Close: the remedy, and the modules or courses it changed."""

    closing_note = forms.CharField(
        label=_("What was changed"), widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"})
    )
    changed_pages = PageChoiceField(
        label=_("Changed modules or courses"),
        queryset=Page.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, lesson: Lesson, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["changed_pages"].queryset = _offered(user, pages.COURSE, pages.MODULE)

    def details(self) -> Details:
        data = self.cleaned_data
        return Details(
            comment=data["comment"], closing_note=data["closing_note"], changed_pages=data["changed_pages"]
        )


def form_for(move_name: str):
    return {"identify": IdentifyForm, "close": CloseForm}.get(move_name, CommentForm)
