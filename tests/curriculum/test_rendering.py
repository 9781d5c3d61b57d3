"""Every page type renders; the module page costs the same queries whatever its length; Arabic is RTL."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from curriculum.models import CoursePage, ModulePage
from tests.conftest import force_login_verified
from tests.factories import (
    AccessRuleFactory,
    CohortFactory,
    CourseFactory,
    GlossaryTermFactory,
    GuideFactory,
    ModuleFactory,
    OfficerFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db


def body_of(length: int, terms) -> list[dict]:
    """A module body with every text block type, repeated `length` times."""
    blocks = []
    for n in range(length):
        blocks += [
            {"type": "heading", "value": {"text": f"Section {n}", "level": "h2"}},
            {
                "type": "rich_text",
                "value": f"<p>Paragraph {n} with <b>bold</b> text.</p><ul><li>a point</li></ul>",
            },
            {"type": "callout", "value": {"kind": "warning", "text": "<p>Check the assumptions.</p>"}},
            {
                "type": "quote",
                "value": {"quote": "Plans are nothing; planning is everything.", "attribution": "Eisenhower"},
            },
            {
                "type": "table",
                "value": {
                    "data": [["Step", "Output"], ["Analyse", "Brief"]],
                    "first_row_is_table_header": True,
                },
            },
            {"type": "key_terms", "value": {"terms": [term.pk for term in terms]}},
        ]
    return blocks


def test_every_page_type_renders_for_staff(
    client, superuser, home, programme_index, culture_index, curriculum_index
):
    programme = ProgrammeFactory(parent=programme_index, title="Joint Defense Symposium")
    course = CourseFactory(parent=curriculum_index, title="Defense Planning", programme=programme)
    module = ModuleFactory(parent=course, title="Mission Analysis", body=body_of(1, [GlossaryTermFactory()]))
    guide = GuideFactory(parent=culture_index, title="Host Nation Etiquette")
    force_login_verified(client, superuser)

    for page in (home, programme_index, programme, curriculum_index, course, module, culture_index, guide):
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        assert page.title in response.content.decode()


def test_each_section_lists_the_pages_of_it_the_reader_may_view(
    client, home, programme_index, culture_index, curriculum_index
):
    cohort = CohortFactory(slug="spring")
    ProgrammeFactory(parent=programme_index, title="Joint Defense Symposium")
    CourseFactory(parent=curriculum_index, title="Defense Planning", track__title="Methodology")
    closed = CourseFactory(parent=curriculum_index, title="Closed Course")
    AccessRuleFactory(page=closed, cohorts=[cohort])
    GuideFactory(parent=culture_index, title="Host Nation Etiquette")
    client.force_login(OfficerFactory(username="amal"))

    listings = {
        index: client.get(index.url).content.decode()
        for index in (programme_index, curriculum_index, culture_index)
    }

    assert "Joint Defense Symposium" in listings[programme_index]
    assert "Defense Planning" in listings[curriculum_index] and "Methodology" in listings[curriculum_index]
    assert "Closed Course" not in listings[curriculum_index]
    assert "Host Nation Etiquette" in listings[culture_index]


def test_a_module_shows_classification_banners_objectives_and_neighbours(client, superuser, course):
    first = ModuleFactory(parent=course, title="Orientation")
    module = ModuleFactory(
        parent=course,
        title="Mission Analysis",
        classification="UNCLASSIFIED // FOR TRAINING USE ONLY",
        objectives=[{"type": "objective", "value": "Derive specified and implied tasks"}],
    )
    last = ModuleFactory(parent=course, title="Wargaming")
    force_login_verified(client, superuser)

    html = client.get(module.url).content.decode()

    assert html.count("UNCLASSIFIED // FOR TRAINING USE ONLY") >= 2
    assert "Derive specified and implied tasks" in html
    assert first.url in html and last.url in html
    assert course.url in html  # breadcrumbs


def test_a_course_lists_its_modules_with_minutes(client, superuser, course):
    ModuleFactory(parent=course, title="Orientation", estimated_minutes=25)
    ModuleFactory(parent=course, title="Mission Analysis", estimated_minutes=50)
    force_login_verified(client, superuser)

    html = client.get(course.url).content.decode()

    assert "Orientation" in html and "Mission Analysis" in html
    assert "25" in html and "50" in html
    assert html.index("Orientation") < html.index("Mission Analysis")


def queries_to_render(client, page) -> int:
    client.get(page.url)  # warm caches (site root paths, content types)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page.url)
    assert response.status_code == 200
    return len(captured)


def test_the_module_page_renders_in_a_fixed_number_of_queries(client, superuser, course):
    terms = GlossaryTermFactory.create_batch(3)
    short = ModuleFactory(parent=course, body=body_of(1, terms))
    long = ModuleFactory(parent=course, body=body_of(25, terms))
    force_login_verified(client, superuser)

    assert queries_to_render(client, long) == queries_to_render(client, short)


def test_the_course_page_renders_in_a_fixed_number_of_queries(client, superuser, curriculum_index):
    small, large = CourseFactory(parent=curriculum_index), CourseFactory(parent=curriculum_index)
    ModuleFactory(parent=small)
    ModuleFactory.create_batch(20, parent=large)
    force_login_verified(client, superuser)

    assert queries_to_render(client, large) == queries_to_render(client, small)


def test_arabic_pages_render_right_to_left(client, officer, course, locale_ar):
    module = ModuleFactory(parent=course, title="Mission Analysis")
    arabic_course = course.copy_for_translation(locale_ar)
    arabic_course.title = "التخطيط الدفاعي"
    arabic_course.save_revision().publish()
    arabic_module = module.copy_for_translation(locale_ar)
    arabic_module.title = "تحليل المهمة"
    arabic_module.save_revision().publish()
    client.force_login(officer)

    response = client.get(ModulePage.objects.get(pk=arabic_module.pk).url)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl"' in html
    assert "تحليل المهمة" in html
    english = client.get(module.url).content.decode()
    assert '<html lang="en" dir="ltr"' in english
    assert CoursePage.objects.get(pk=arabic_course.pk).url.startswith("/ar/")


def test_the_dashboard_renders_in_a_fixed_number_of_queries(client, officer, curriculum_index):
    """The recently updated modules name their course without a query each."""
    course = CourseFactory(parent=curriculum_index)
    first = ModuleFactory(parent=course, last_published_at="2026-01-01T00:00Z")
    client.force_login(officer)
    client.get(first.url)  # a module to continue
    few = queries_to_render_url(client, "/dashboard/")
    for number in range(5):
        other = CourseFactory(parent=curriculum_index)
        ModuleFactory(parent=other, last_published_at=f"2026-01-0{number + 2}T00:00Z")

    assert queries_to_render_url(client, "/dashboard/") == few


def test_a_page_reads_the_locales_once(client, officer, course, locale_ar):
    """The menu, the breadcrumbs, the language switcher and every link's language ask the locales of
    one read per request (Wagtail's own page serving reads the active one)."""
    module = ModuleFactory(parent=course)
    client.force_login(officer)
    client.get(module.url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(module.url).status_code == 200

    assert len([q for q in captured if 'FROM "wagtailcore_locale"' in q["sql"]]) <= 2


def queries_to_render_url(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_menu_reads_its_sections_with_the_home_page_in_one_query(client, officer, course):
    """The menu's sections are the menu pages below the reader's home page and its translations:
    one query, the home page a subquery of it, not a query of its own first."""
    client.force_login(officer)
    client.get("/search/")
    with CaptureQueriesContext(connection) as captured:
        html = client.get("/search/").content.decode()

    reading_homes = [q["sql"] for q in captured if '"curriculum_homepage"' in q["sql"]]
    assert len(reading_homes) == 1
    assert '"wagtailcore_page"."depth" = 3' in reading_homes[0]  # the sections' query
    assert 'class="main-nav__link" href="/curriculum/"' in html  # the section is still there


def test_each_menu_link_is_worked_out_once_for_both_menus(client, officer, course, monkeypatch):
    """The wide strip and the compact menu show the same links: each link's address is asked once
    per page (and both menus still show it, with its aria-current and lang attributes)."""
    from wagtail.models import Page

    asked: list[int] = []
    get_url_parts = Page.get_url_parts

    def counted(page, request=None):
        asked.append(page.pk)
        return get_url_parts(page, request)

    client.force_login(officer)
    client.get("/search/")
    monkeypatch.setattr(Page, "get_url_parts", counted)  # what every page type's address asks
    html = client.get("/search/").content.decode()

    assert asked.count(course.pk) == 1 and asked.count(course.get_parent().pk) == 1
    assert html.count(f'href="{course.url}"') == 2
    assert html.count('href="/curriculum/"') == 2
    curriculum = client.get("/curriculum/").content.decode()
    assert curriculum.count('href="/curriculum/" aria-current="page"') == 2


def test_listings_read_only_what_they_show(client, officer, course):
    """A listing of pages reads neither their bodies nor what only the editor and the served page
    use (revisions, locks, scheduling, draft title, <title> and description), and asks no more
    queries for them afterwards."""
    from curriculum.navigation import UNLISTED_FIELDS

    ModuleFactory.create_batch(3, parent=course)
    client.force_login(officer)
    few = queries_to_render(client, course)
    ModuleFactory.create_batch(5, parent=course)
    with CaptureQueriesContext(connection) as captured:
        html = client.get(course.url).content.decode()

    assert len(captured) == few
    listing = next(q["sql"] for q in captured if 'FROM "curriculum_modulepage"' in q["sql"])
    assert '"wagtailcore_page"."title"' in listing and '"curriculum_modulepage"."summary"' in listing
    for name in UNLISTED_FIELDS:
        column = ModulePage._meta.get_field(name).column
        assert f'"wagtailcore_page"."{column}"' not in listing, column
    assert html.count('class="module-list__item"') == 8


def test_the_dashboard_reads_the_modules_once(client, officer, curriculum_index):
    """The course cards, the module to continue and the recently updated modules come from one
    listing of the modules the officer may read (and their courses from one more query)."""
    course = CourseFactory(parent=curriculum_index, title="Defense Planning")
    older = ModuleFactory(parent=course, title="Mission Analysis", last_published_at="2026-01-01T00:00Z")
    ModuleFactory(parent=course, title="Wargaming", last_published_at="2026-01-02T00:00Z")
    closed = CourseFactory(parent=curriculum_index, title="Closed Course")
    AccessRuleFactory(page=closed, cohorts=[CohortFactory()])
    ModuleFactory(parent=closed, title="Hidden Module", last_published_at="2026-01-03T00:00Z")
    client.force_login(officer)
    client.get(older.url)  # a module to continue
    client.get("/dashboard/")
    with CaptureQueriesContext(connection) as captured:
        html = client.get("/dashboard/").content.decode()

    assert len([q for q in captured if 'FROM "curriculum_modulepage"' in q["sql"]]) == 1
    assert "Hidden Module" not in html and "Closed Course" not in html
    continue_card = html[html.index('class="continue-card"') :]
    assert "Mission Analysis" in continue_card[:400] and "Defense Planning" in continue_card[:600]
    assert html.index("Wargaming", html.index("update-list")) < html.index(
        "Mission Analysis", html.index("update-list")
    )
