"""The tree cannot be built wrong: each page type only where it belongs."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from curriculum.models import (
    CoursePage,
    CultureGuidePage,
    CultureIndexPage,
    CurriculumIndexPage,
    HomePage,
    ModulePage,
    ProgrammeIndexPage,
    ProgrammePage,
)


class PageTreeRules(WagtailPageTestCase):
    def test_home_holds_the_three_sections_only(self):
        self.assertAllowedSubpageTypes(HomePage, {ProgrammeIndexPage, CurriculumIndexPage, CultureIndexPage})
        self.assertAllowedParentPageTypes(HomePage, {Page})

    def test_sections_hold_their_own_pages_only(self):
        self.assertAllowedSubpageTypes(CurriculumIndexPage, {CoursePage})
        self.assertAllowedSubpageTypes(CultureIndexPage, {CultureGuidePage})
        self.assertAllowedSubpageTypes(ProgrammeIndexPage, {ProgrammePage})

    def test_courses_hold_modules_and_modules_hold_nothing(self):
        self.assertAllowedParentPageTypes(CoursePage, {CurriculumIndexPage})
        self.assertAllowedSubpageTypes(CoursePage, {ModulePage})
        self.assertAllowedParentPageTypes(ModulePage, {CoursePage})
        self.assertAllowedSubpageTypes(ModulePage, set())
        self.assertAllowedSubpageTypes(CultureGuidePage, set())
        self.assertAllowedSubpageTypes(ProgrammePage, set())

    def test_a_module_cannot_be_created_outside_a_course(self):
        self.assertCanNotCreateAt(CurriculumIndexPage, ModulePage)
        self.assertCanNotCreateAt(CultureIndexPage, ModulePage)
        self.assertCanNotCreateAt(HomePage, CoursePage)
        self.assertCanCreateAt(CoursePage, ModulePage)

    def test_a_section_exists_once_per_home(self):
        home = HomePage.objects.get(locale__language_code="en", depth=2)
        self.assertFalse(CurriculumIndexPage.can_create_at(home))
        self.assertFalse(CultureIndexPage.can_create_at(home))
        self.assertFalse(ProgrammeIndexPage.can_create_at(home))


class SiteSkeleton(WagtailPageTestCase):
    def test_both_languages_have_the_same_sections_at_the_contract_urls(self):
        english = {p.specific_class: p for p in Page.objects.filter(locale__language_code="en", depth=3)}
        arabic = {p.specific_class: p for p in Page.objects.filter(locale__language_code="ar", depth=3)}
        assert english[CurriculumIndexPage].url == "/curriculum/"
        assert english[CultureIndexPage].url == "/culture/"
        assert english[ProgrammeIndexPage].url == "/programmes/"
        assert arabic[CurriculumIndexPage].url == "/ar/curriculum/"
        assert arabic[CurriculumIndexPage].translation_key == english[CurriculumIndexPage].translation_key
