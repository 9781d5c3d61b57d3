"""The "Access" tab of the page editor: own and inherited rules, and who can read the page today."""

from __future__ import annotations

from django.urls import reverse

import pytest

from tests.conftest import force_login_verified
from tests.factories import AccessRuleFactory, CohortFactory, ModuleFactory, NationFactory, OfficerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def restricted_course(course):
    """A course granted to a cohort of two officers, with one module below it."""
    cohort = CohortFactory(slug="cyber-2026", name="Cyber 2026")
    nation = NationFactory(code="JO", name="Jordan")
    OfficerFactory(username="o.one", first_name="Omar", last_name="One", nation=nation, cohorts=[cohort])
    OfficerFactory(username="o.two", first_name="Ola", last_name="Two", nation=nation, cohorts=[cohort])
    OfficerFactory(username="outsider")  # signed in, but in no cohort: not a reader
    rule = AccessRuleFactory(page=course, cohorts=[cohort])
    module = ModuleFactory(parent=course, title="Threat modelling")
    return {"course": course, "module": module, "rule": rule, "cohort": cohort}


def edit_page(client, page):
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_module_shows_the_rule_it_inherits_and_its_readers(client, instructor, restricted_course):
    force_login_verified(client, instructor)

    html = edit_page(client, restricted_course["module"])

    assert 'data-tab="access"' in html or "tab-access" in html
    assert "Rules inherited from ancestors" in html
    assert restricted_course["course"].title in html
    assert "Cyber 2026" in html
    assert "No rule on this page." in html
    # The two officers of the cohort, and the instructor who can edit the page.
    assert "3 people can read this page today" in html
    assert "o.one" in html and "o.two" in html and "Jordan" in html
    assert "outsider" not in html
    # Instructors do not manage access rules: no links to edit or add one.
    assert reverse("wagtailsnippets_portal_accessrule:edit", args=[restricted_course["rule"].pk]) not in html


def test_programme_staff_get_links_to_edit_the_inherited_rule_and_add_one(
    client, superuser, restricted_course
):
    force_login_verified(client, superuser)
    module = restricted_course["module"]

    html = edit_page(client, module)

    assert reverse("wagtailsnippets_portal_accessrule:edit", args=[restricted_course["rule"].pk]) in html
    add_url = reverse("wagtailsnippets_portal_accessrule:add") + f"?page={module.pk}"
    assert add_url.replace("&", "&amp;") in html or add_url in html
    add_form = client.get(add_url)
    assert add_form.status_code == 200
    assert add_form.context["form"].initial["page"] == module.pk
    assert module.title in add_form.content.decode()


def test_the_course_shows_its_own_rule(client, superuser, restricted_course):
    force_login_verified(client, superuser)

    html = edit_page(client, restricted_course["course"])

    assert "Rule on this page" in html
    assert "No rule on this page." not in html
    assert reverse("wagtailsnippets_portal_accessrule:edit", args=[restricted_course["rule"].pk]) in html


def test_a_page_being_created_shows_what_it_will_inherit(client, instructor, restricted_course):
    force_login_verified(client, instructor)
    course = restricted_course["course"]

    response = client.get(reverse("wagtailadmin_pages:add", args=["curriculum", "modulepage", course.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "This page is not saved yet" in html
    assert "Cyber 2026" in html
    assert "3 people can read this page today" in html


def test_an_unrestricted_page_says_everyone_signed_in_can_read_it(client, superuser, course):
    force_login_verified(client, superuser)

    html = edit_page(client, ModuleFactory(parent=course))

    assert "No rule governs this page" in html


def test_the_home_page_keeps_the_usual_tabs(client, superuser, home):
    force_login_verified(client, superuser)

    html = edit_page(client, home)

    assert "Who can read this page" not in html
