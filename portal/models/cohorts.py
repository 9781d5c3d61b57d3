import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel


class Cohort(ClusterableModel):
    """A group of officers studying together for a period; access rules grant pages to cohorts.

    Membership grants access from `starts_on` to `ends_on` plus `grace_days`, inclusive.
    """

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)
    # Points at a curriculum.ProgrammePage; typed as a page so the portal never imports curriculum.
    programme = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cohorts",
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    grace_days = models.PositiveIntegerField(
        _("grace days"), default=0, help_text=_("Days after the end during which members keep access.")
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="CohortMembership", related_name="cohorts", blank=True
    )
    # The staff who teach the cohort: an instructor sees the progress reports of these cohorts only
    # (portal.access.reportable_cohorts). Offered in the admin: people who may use the admin.
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("instructors"),
        related_name="taught_cohorts",
        blank=True,
        limit_choices_to=models.Q(is_superuser=True) | models.Q(groups__permissions__codename="access_admin"),
        help_text=_("They see this cohort’s progress reports."),
    )

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The cohort cannot end before it starts.")})

    @property
    def access_ends_on(self) -> datetime.date:
        """The last day on which membership still grants access."""
        return self.ends_on + datetime.timedelta(days=self.grace_days)

    @staticmethod
    def window_contains(
        starts_on: datetime.date, ends_on: datetime.date, grace_days: int, day: datetime.date
    ) -> bool:
        """The cohort window rule: from the start to the end plus the grace days, inclusive."""
        return starts_on <= day <= ends_on + datetime.timedelta(days=grace_days)

    def is_open_on(self, day: datetime.date) -> bool:
        """Does membership grant access on `day`?"""
        return self.window_contains(self.starts_on, self.ends_on, self.grace_days, day)

    def state_on(self, day: datetime.date) -> str:
        """ "future", "open", "grace" or "expired" on `day`."""
        if day < self.starts_on:
            return "future"
        if day <= self.ends_on:
            return "open"
        return "grace" if day <= self.access_ends_on else "expired"


class CohortMembership(models.Model):
    # A parental key so programme admins add and remove members inline in the cohort editor.
    cohort = ParentalKey(Cohort, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cohort", "user"], name="unique_cohort_member")]
        verbose_name = _("cohort membership")
        verbose_name_plural = _("cohort memberships")

    def __str__(self) -> str:
        return f"{self.user} in {self.cohort}"
