from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ModuleProgress(models.Model):
    """An officer's progress through one module, whichever language they read it in.

    Keyed by the module's translation key, so reading the Arabic translation and the English source
    count as the same module.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="module_progress"
    )
    module_key = models.UUIDField(_("module translation key"), db_index=True)
    last_page = models.ForeignKey(
        "curriculum.ModulePage",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The page (in whichever language) the officer last opened."),
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    last_viewed_at = models.DateTimeField(_("last viewed"), default=timezone.now, db_index=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "module_key"], name="unique_progress_per_module")
        ]
        verbose_name = _("module progress")
        verbose_name_plural = _("module progress")

    def __str__(self) -> str:
        return f"{self.user} – {self.module_key} – {'complete' if self.completed_at else 'in progress'}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None
