"""The page tree: home → programmes, curriculum (courses → modules), cultural orientation.

Parent and subpage rules make the tree impossible to build wrong in the admin.
"""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from curriculum import navigation, panels, progress, routing
from curriculum.blocks import BodyBlock, rich_text_url_errors
from curriculum.checks.blocks import CheckQuestionsBlock
from curriculum.forms import PortalPageForm


def objectives_field(**kwargs) -> StreamField:
    """An ordered list of objectives, each a short sentence starting with a verb."""
    return StreamField(
        [("objective", blocks.CharBlock(label=_("objective"), icon="tick"))], blank=True, **kwargs
    )


class PortalPage(Page):
    """Common ground of every page type: a summary, breadcrumbs that respect access, and an "Access"
    tab in the editor (the rules on the page and its ancestors, who can read it)."""

    summary = models.TextField(_("summary"), blank=True)
    # The portal app gives the editor of every page type that says so an "Access" tab
    # (portal.apps); page models import no admin screens.
    access_tab = True
    # Every field of a page edits in its language's direction (Arabic right-to-left).
    base_form_class = PortalPageForm

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["breadcrumbs"] = navigation.breadcrumbs(request.user, self)
        return context

    def route(self, request, path_components):
        """A child is looked for among the children of every page of this page's translation group,
        so `/ar/<path>` of a page with no Arabic translation serves its source (inside the Arabic
        chrome). Whether the reader may see what is found is asked when it is served, as ever."""
        if not path_components:
            return super().route(request, path_components)
        # A page passed through on the way only routes, by its tree fields (curriculum.routing): the
        # page served is read whole once it is found.
        child = routing.route_child(self, path_components[0], request)
        if child is None:
            raise Http404
        if child.path[: -self.steplen] == self.path:
            child._cached_parent_obj = self
        return child.route(request, path_components[1:])

    def get_view_restrictions(self):
        return routing.view_restrictions(self, super().get_view_restrictions)

    def get_url_parts(self, request=None):
        # A listing in the reader's language marks a page shown outside its own language with its
        # address in the reader's part of the site (curriculum.navigation.mark_shown_in).
        parts = super().get_url_parts(request)
        shown_at = getattr(self, "shown_at", None)
        if shown_at is None or parts is None or parts[1] is None:
            return parts
        return parts[0], parts[1], shown_at

    search_fields = [*Page.search_fields, index.SearchField("summary", boost=2)]

    class Meta:
        abstract = True


class PdfDownloadMixin:
    """`<page-url>pdf/` serves the page as a PDF (curriculum.pdf). It is routed to the page itself,
    so serving it asks the access policy exactly as serving the page does (`before_serve_page`): 404
    where the page would be 404, the sign-in page for anonymous visitors. Any other path below the
    page is routed as before (children, else 404); a module may not take "pdf" as its slug.
    `curriculum.pdf` (WeasyPrint, Pango) is imported on the first download, not by every process."""

    PDF_PATH = "pdf"

    def route(self, request, path_components):
        if list(path_components) == [self.PDF_PATH]:
            if not self.live:
                raise Http404
            return RouteResult(self, kwargs={"as_pdf": True})
        return super().route(request, path_components)

    def serve(self, request, *args, as_pdf=False, **kwargs):
        if as_pdf:
            return self.serve_pdf(request)
        return super().serve(request, *args, **kwargs)

    def pdf_url(self, request) -> str | None:
        """The download's address in the reader's part of the site (the page's own address there);
        None in previews, since the PDF is always of the live page."""
        if getattr(request, "is_preview", False) or not self.live:
            return None
        locale = navigation.current_locale()
        if self.locale_id == locale.pk:
            url = self.get_url(request)
        else:
            url = navigation.url_in_language(self, locale, request)
        return f"{url}{self.PDF_PATH}/" if url else None

    def serve_pdf(self, request):
        raise NotImplementedError

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["pdf_url"] = self.pdf_url(request)
        return context


class HomePage(PortalPage):
    """The landing page: the only page anonymous visitors may see."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    access_tab = False  # the public landing page: its editor keeps Wagtail's usual tabs

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "curriculum.ProgrammeIndexPage",
        "curriculum.CurriculumIndexPage",
        "curriculum.CultureIndexPage",
    ]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def clean(self) -> None:
        super().clean()
        # The same rule as the body blocks: links are http/https only (curriculum.blocks).
        if errors := rich_text_url_errors(self.intro or ""):
            raise ValidationError({"intro": errors})


class SectionIndexPage(PortalPage):
    """A section of the home page (`/programmes/`, `/curriculum/`, `/culture/`), one per language:
    it holds pages of one type and lists those of them the reader may view."""

    # The name the section's template reads the listing by, and the relations it shows.
    listing_name: ClassVar[str]
    listing_related: ClassVar[tuple[str, ...]] = ()

    content_panels = [*Page.content_panels, FieldPanel("summary")]
    parent_page_types = ["curriculum.HomePage"]
    max_count_per_parent = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The listed type is the one `subpage_types` names, so the two cannot disagree.
        (listed,) = self.clean_subpage_models()
        context[self.listing_name] = navigation.children_for(
            request.user, self, listed, related=list(self.listing_related)
        )
        return context

    class Meta:
        abstract = True


class ProgrammeIndexPage(SectionIndexPage):
    """`/programmes/`: the exchange programmes."""

    subpage_types = ["curriculum.ProgrammePage"]
    listing_name = "programmes"

    class Meta:
        verbose_name = _("programme index")


class ProgrammePage(PortalPage):
    """An exchange programme (inbound, outbound or bilateral) such as the yearly joint symposium."""

    class Direction(models.TextChoices):
        INBOUND = "inbound", _("Inbound: partner officers study here")
        OUTBOUND = "outbound", _("Outbound: our officers study abroad")
        BILATERAL = "bilateral", _("Bilateral")

    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default="bilateral"
    )
    partner_nations = ParentalManyToManyField("portal.Nation", blank=True, verbose_name=_("partner nations"))
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel([FieldPanel("direction"), FieldPanel("partner_nations")], heading=_("Exchange")),
        FieldPanel("body"),
    ]
    search_fields = [*PortalPage.search_fields, index.SearchField("body"), index.FilterField("direction")]
    parent_page_types = ["curriculum.ProgrammeIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("programme")


class CurriculumIndexPage(SectionIndexPage):
    """`/curriculum/`: every course, grouped by track."""

    subpage_types = ["curriculum.CoursePage"]
    listing_name = "courses"
    listing_related = ("track",)

    class Meta:
        verbose_name = _("curriculum index")


class CoursePage(PdfDownloadMixin, PortalPage):
    """A course in a track: an ordered set of modules with learning objectives."""

    class Level(models.TextChoices):
        FOUNDATION = "foundation", _("Foundation")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    track = models.ForeignKey("curriculum.Track", on_delete=models.PROTECT, related_name="courses")
    level = models.CharField(_("level"), max_length=12, choices=Level.choices, default="foundation")
    programme = models.ForeignKey(
        "curriculum.ProgrammePage", null=True, blank=True, on_delete=models.SET_NULL, related_name="courses"
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))
    learning_objectives = objectives_field(verbose_name=_("learning objectives"))

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("track"), FieldPanel("level"), FieldPanel("programme")], heading=_("Course")
        ),
        FieldPanel("summary"),
        FieldPanel("learning_objectives"),
        FieldPanel("body"),
    ]
    search_fields = [
        *PortalPage.search_fields,
        index.SearchField("body"),
        index.FilterField("track"),
        index.FilterField("level"),
    ]
    parent_page_types = ["curriculum.CurriculumIndexPage"]
    subpage_types = ["curriculum.ModulePage"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        modules = navigation.modules_for(request.user, course=self)
        context["modules"] = modules
        context["total_minutes"] = sum(m.estimated_minutes or 0 for m in modules)
        return context

    def serve_pdf(self, request):
        """The course summary, a table of contents and the modules the reader may read, in order, in
        the reader's language as the course page lists them."""
        from curriculum import pdf

        listed = navigation.modules_for(request.user, course=self)
        bodies = ModulePage.objects.in_bulk([module.pk for module in listed])
        modules = [bodies[module.pk] for module in listed]
        for module, shown in zip(modules, listed, strict=True):
            module.shown_at = getattr(shown, "shown_at", None)
        return pdf.response(request, self, modules=modules, course=self)

    class Meta:
        verbose_name = _("course")


class ModulePage(PdfDownloadMixin, PortalPage):
    """A unit of study: objectives, an estimated time, a classification marking, the body and an
    optional knowledge check (curriculum.checks)."""

    CHECK_PATH = "check"

    objectives = objectives_field(verbose_name=_("objectives"))
    estimated_minutes = models.PositiveIntegerField(_("estimated minutes"), null=True, blank=True)
    classification = models.CharField(_("classification marking"), max_length=100, default="UNCLASSIFIED")
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))
    check_questions = StreamField(CheckQuestionsBlock(), blank=True, verbose_name=_("questions"))
    check_pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, validators=[MaxValueValidator(100)]
    )
    check_max_attempts = models.PositiveSmallIntegerField(
        _("attempt limit"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for no limit."),
    )
    check_required = models.BooleanField(
        _("passing is required to complete the module"),
        default=False,
        help_text=_(
            "The module completes when the officer passes the check; it cannot be marked complete by hand."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel([FieldPanel("estimated_minutes"), FieldPanel("classification")], heading=_("Module")),
        FieldPanel("objectives"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("check_questions"),
                FieldPanel("check_pass_mark"),
                FieldPanel("check_max_attempts"),
                FieldPanel("check_required"),
            ],
            heading=_("Knowledge check"),
        ),
    ]
    search_fields = [*PortalPage.search_fields, index.SearchField("body")]
    parent_page_types = ["curriculum.CoursePage"]
    subpage_types: list[str] = []

    def route(self, request, path_components):
        """`<module-url>check/` takes an attempt (POST); `<module-url>check/<n>/` shows attempt n. Both are
        routed to the module itself, so the access policy answers them as it answers the page."""
        components = list(path_components)
        if components and components[0] == self.CHECK_PATH and self.live:
            # The check's views strip these segments off the path for the module's own address.
            request.check_path_segments = len(components)
            if len(components) == 1:
                return RouteResult(self, kwargs={"check_view": "submit"})
            if len(components) == 2 and components[1].isdigit() and len(components[1]) < 6:
                return RouteResult(
                    self, kwargs={"check_view": "attempt", "attempt_number": int(components[1])}
                )
            raise Http404
        return super().route(request, path_components)

    def serve(self, request, *args, as_pdf=False, check_view=None, attempt_number=None, **kwargs):
        if as_pdf:  # a download is not a visit: progress records reading the page
            return super().serve(request, *args, as_pdf=True, **kwargs)
        if check_view is not None:
            from curriculum.checks import views

            if check_view == "submit":
                return views.submit(request, self)
            return views.attempt(request, self, attempt_number)
        # The one place a visit is recorded: Wagtail also builds this page's context for previews
        # (serve_preview) and the password page, which must not count as reading it.
        entry = progress.record_visit(request.user, self) if progress.counts_as_visit(request) else None
        return super().serve(request, *args, progress_entry=entry, **kwargs)

    def get_context(self, request, *args, progress_entry=None, check_form=None, **kwargs):
        from curriculum.checks import views

        context = super().get_context(request, *args, **kwargs)
        context["course"] = context["breadcrumbs"][-1] if context["breadcrumbs"] else None
        context["previous_module"], context["next_module"] = navigation.neighbours(request.user, self)
        # The entry `serve` just recorded, else (a preview, a HEAD) the reader's entry as it stands.
        context["progress"] = progress_entry or progress.entry_for(request.user, self)
        context["completes_by_hand"] = progress.completes_by_hand(self)
        context.update(views.check_context(request, self, check_form))
        context["module_panels"] = panels.for_module(request, self)
        return context

    def clean(self) -> None:
        super().clean()
        if self.slug == self.PDF_PATH:  # `<course-url>pdf/` is the course's PDF
            message = _("“pdf” is the address of the course's PDF: choose another slug.")
            raise ValidationError({"slug": message})
        self.clean_check()

    def clean_check(self) -> None:
        """The check's rules (curriculum.checks.definition), and a translation's agreement with its
        source: the same questions, kinds, options and correct flags, and the same settings."""
        from wagtail.models import Locale

        from curriculum.checks import definition

        check = definition.of_page(self)
        errors = definition.problems(check) if check else []
        default = Locale.get_default()
        if self.translation_key and self.locale_id and self.locale_id != default.pk:
            source = ModulePage.objects.filter(translation_key=self.translation_key, locale=default).first()
            if source is not None:
                errors += definition.structure_problems(check, definition.of_page(source))
        if errors:
            raise ValidationError({"check_questions": errors})

    def serve_pdf(self, request):
        from curriculum import pdf

        crumbs = navigation.breadcrumbs(request.user, self)
        course = crumbs[-1] if crumbs and crumbs[-1].depth == self.depth - 1 else None
        return pdf.response(request, self, modules=[self], course=course)

    class Meta:
        verbose_name = _("module")


class CultureIndexPage(SectionIndexPage):
    """`/culture/`: cultural-orientation material owned by editors."""

    subpage_types = ["curriculum.CultureGuidePage"]
    listing_name = "guides"

    class Meta:
        verbose_name = _("cultural-orientation index")


class CultureGuidePage(PortalPage):
    """A cultural-orientation guide: etiquette, observance, protocol, language, partner nations."""

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Every officer")
        INBOUND = "inbound", _("Inbound officers (studying here)")
        OUTBOUND = "outbound", _("Outbound officers (studying abroad)")

    region = models.CharField(_("region"), max_length=100, blank=True)
    audience = models.CharField(
        _("audience"),
        max_length=10,
        choices=Audience.choices,
        default="everyone",
        help_text=_("The dashboard recommends a guide to officers of this direction first."),
    )
    topics = StreamField(
        [("topic", blocks.CharBlock(label=_("topic")))], blank=True, verbose_name=_("topics")
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("region"), FieldPanel("audience"), FieldPanel("topics")], heading=_("Guide")
        ),
        FieldPanel("body"),
    ]
    search_fields = [*PortalPage.search_fields, index.SearchField("body"), index.SearchField("region")]
    parent_page_types = ["curriculum.CultureIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("cultural-orientation guide")
