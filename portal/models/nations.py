from django.db import models
from django.utils.translation import gettext_lazy as _


class Nation(models.Model):
    """A nation that sends or receives officers; releasability lists name nations."""

    code = models.CharField(_("ISO code"), max_length=2, unique=True, help_text=_("ISO 3166-1 alpha-2"))
    name = models.CharField(_("name"), max_length=100)
    name_ar = models.CharField(_("Arabic name"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("nation")
        verbose_name_plural = _("nations")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
