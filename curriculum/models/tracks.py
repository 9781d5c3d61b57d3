from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from curriculum.forms import ARABIC
from portal.i18n import in_active_language


class Track(index.Indexed, models.Model):
    """A subject track (defense methodology, cyber security, ...): courses belong to one."""

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=150)
    title_ar = models.CharField(_("Arabic title"), max_length=150, blank=True)
    description = models.TextField(_("description"), blank=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("title_ar", widget=forms.TextInput(attrs=ARABIC)),
        FieldPanel("slug"),
        FieldPanel("description"),
    ]
    search_fields = [index.SearchField("title"), index.SearchField("title_ar")]

    class Meta:
        ordering = ["title"]
        verbose_name = _("track")
        verbose_name_plural = _("tracks")

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        """The title in the active language, falling back to English."""
        return in_active_language(self.title, self.title_ar)
