from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessRule(models.Model):
    """A restriction on a page and everything below it (see portal.access for the semantics).

    Rules are their own records, not page content: a programme admin's change takes effect at once,
    without a page revision to publish. A rule stored on any page of a translation group governs the
    whole group, so an Arabic module is exactly as restricted as its English source.
    """

    # One rule per page, as in the curriculum bundle; rules on ancestors combine with it.
    page = models.OneToOneField(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="access_rule", verbose_name=_("page")
    )
    cohorts = models.ManyToManyField("portal.Cohort", related_name="access_rules", verbose_name=_("cohorts"))
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    releasable_to = models.ManyToManyField(
        "portal.Nation",
        blank=True,
        related_name="releasable_rules",
        verbose_name=_("releasable to"),
        help_text=_("Leave empty to release to every nation."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["page_id", "pk"]
        verbose_name = _("access rule")
        verbose_name_plural = _("access rules")

    def __str__(self) -> str:
        return _("Access rule on “%(page)s”") % {"page": self.page}

    def clean(self) -> None:
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("The rule cannot close before it opens.")})
