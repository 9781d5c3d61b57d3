"""Programme admins' screens: a new cohort's slug fills from its name as it is typed (Wagtail's
`TitleFieldPanel` syncing into a `SlugInput`), a saved cohort's slug stays put; the access-rule
listing shows each rule's cohorts, dates and nations."""

from __future__ import annotations

import datetime
import html
import re

from django.urls import reverse

import pytest

from tests.conftest import force_login_verified
from tests.factories import AccessRuleFactory, CohortFactory, ModuleFactory, NationFactory

pytestmark = pytest.mark.django_db


def tag(page: str, field_id: str) -> str:
    match = re.search(rf"<input[^>]*\bid=\"{field_id}\"[^>]*>", page, re.S)
    assert match, f"no input #{field_id}"
    return html.unescape(match.group(0))


def test_a_new_cohorts_slug_fills_from_its_name(client, programme_admin):
    force_login_verified(client, programme_admin)
    page = client.get(reverse("wagtailsnippets_portal_cohort:add")).content.decode()
    name, slug = tag(page, "id_name"), tag(page, "id_slug")
    assert re.search(r'data-controller="[^"]*\bw-sync\b', name)
    assert 'data-w-sync-target-value="#id_slug"' in name
    assert "keyup->w-sync#apply" in name
    assert re.search(r'data-controller="[^"]*\bw-slug\b', slug)
    assert "w-sync:apply->w-slug#urlify" in slug


def test_a_saved_cohorts_slug_does_not_follow_its_name(client, programme_admin):
    cohort = CohortFactory(slug="spring-2026", name="Spring 2026")
    force_login_verified(client, programme_admin)
    page = client.get(reverse("wagtailsnippets_portal_cohort:edit", args=[cohort.pk])).content.decode()
    assert "w-sync#apply" not in tag(page, "id_name")
    # The edited form still saves the slug it shows.
    assert 'value="spring-2026"' in tag(page, "id_slug")


def test_the_access_rule_listing_shows_cohorts_dates_and_nations(client, programme_admin, course):
    module = ModuleFactory(parent=course, title="Electronic Warfare")
    open_module = ModuleFactory(parent=course, title="Open Module")
    AccessRuleFactory(
        page=module,
        cohorts=[CohortFactory(name="Symposium 2026"), CohortFactory(name="Cyber Exchange 2025")],
        opens_on=datetime.date(2026, 3, 1),
        closes_on=datetime.date(2026, 9, 30),
        releasable_to=[
            NationFactory(code="US", name="United States"),
            NationFactory(code="GB", name="Britain"),
        ],
    )
    AccessRuleFactory(page=open_module, cohorts=[CohortFactory(name="Fellows 2026")])
    force_login_verified(client, programme_admin)
    listing = client.get(reverse("wagtailsnippets_portal_accessrule:list"))
    assert listing.status_code == 200
    rows = {
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", listing.content.decode(), re.S)
    }
    electronic = next(row for row in rows if "Electronic Warfare" in row)
    assert "Cyber Exchange 2025, Symposium 2026" in electronic
    assert "Britain, United States" in electronic or "United States, Britain" in electronic
    assert "March 1, 2026" in electronic or "1 March 2026" in electronic or "2026-03-01" in electronic
    fellows = next(row for row in rows if "Open Module" in row)
    assert "Fellows 2026" in fellows
    assert "Every nation" in fellows
