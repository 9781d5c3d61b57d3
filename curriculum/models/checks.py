from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CheckAttempt(models.Model):
    """One submitted knowledge check: the answers, and how they scored against the check as it stood.

    Keyed like progress by the module's translation key, so an attempt on the Arabic translation and
    one on the English source count against the same limit and for the same module. `form_token` is
    the token of the form that was submitted: the same form submitted again is this attempt, never a
    second one.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="check_attempts"
    )
    module_key = models.UUIDField(_("module translation key"))
    page = models.ForeignKey(
        "curriculum.ModulePage",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The page (in whichever language) the attempt was made on."),
    )
    number = models.PositiveIntegerField(_("attempt"))
    form_token = models.CharField(max_length=64)
    answers = models.JSONField(_("answers"), help_text=_("Per question, the numbers of the options chosen."))
    correct = models.PositiveIntegerField(_("questions answered correctly"))
    questions = models.PositiveIntegerField(_("questions"))
    score = models.PositiveSmallIntegerField(_("score (%)"))
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"))
    passed = models.BooleanField(_("passed"))
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "form_token"], name="one_attempt_per_form"),
            models.UniqueConstraint(fields=["user", "module_key", "number"], name="unique_attempt_number"),
        ]
        indexes = [models.Index(fields=["module_key", "user"], name="attempts_by_module")]
        ordering = ["submitted_at"]
        verbose_name = _("knowledge check attempt")
        verbose_name_plural = _("knowledge check attempts")

    def __str__(self) -> str:
        return f"{self.user} – {self.module_key} – #{self.number}: {self.score}%"
