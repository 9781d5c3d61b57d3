from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OfficerProfile(models.Model):
    """What the portal needs to know about an officer beyond the sign-in: nation, rank, language."""

    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        ARABIC = "ar", "العربية"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    nation = models.ForeignKey(
        "portal.Nation", null=True, blank=True, on_delete=models.PROTECT, related_name="officers"
    )
    rank = models.CharField(_("rank"), max_length=60, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.ENGLISH
    )

    class Meta:
        verbose_name = _("officer profile")
        verbose_name_plural = _("officer profiles")

    def __str__(self) -> str:
        return f"{self.rank} {self.user.get_full_name() or self.user.get_username()}".strip()
