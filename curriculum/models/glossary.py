from django import forms
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.admin.widgets import AdminAutoHeightTextInput
from wagtail.models import DraftStateMixin, RevisionMixin
from wagtail.search import index

from curriculum.forms import ARABIC


class GlossaryTerm(DraftStateMixin, RevisionMixin, index.Indexed, models.Model):
    """A term of the shared vocabulary, in English and Arabic; key-term blocks link here.

    Editors own the glossary and publish changes (draft state), so an instructor's key-term list
    never points at an unreviewed definition.
    """

    term = models.CharField(_("term"), max_length=150, unique=True)
    slug = models.SlugField(_("slug"), max_length=160, unique=True, blank=True)
    term_ar = models.CharField(_("Arabic term"), max_length=150, blank=True)
    transliteration = models.CharField(_("transliteration"), max_length=150, blank=True)
    definition = models.TextField(_("definition"))
    definition_ar = models.TextField(_("Arabic definition"), blank=True)

    panels = [
        FieldPanel("term"),
        FieldPanel("term_ar", widget=forms.TextInput(attrs=ARABIC)),
        FieldPanel("transliteration"),
        FieldPanel("definition"),
        FieldPanel("definition_ar", widget=AdminAutoHeightTextInput(attrs=ARABIC)),
    ]
    search_fields = [
        index.SearchField("term", boost=3),
        index.SearchField("term_ar", boost=3),
        index.SearchField("definition"),
        index.SearchField("definition_ar"),
        index.AutocompleteField("term"),
    ]

    class Meta:
        ordering = ["term"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary")

    def __str__(self) -> str:
        return self.term

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = slugify(self.term, allow_unicode=False) or f"term-{self.pk or ''}".rstrip("-")
        super().save(*args, **kwargs)

    @property
    def anchor(self) -> str:
        return f"term-{self.slug}"
