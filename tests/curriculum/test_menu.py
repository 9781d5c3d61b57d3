"""The main menu, kept across requests (curriculum.navigation.menu): shared by readers who may read the
same pages, in their language, and shown anew on the next request after anything it shows changes.

Transactional tests: inside a transaction (every other test) nothing is kept, by design.
"""

from __future__ import annotations

import re

import pytest

from curriculum.models import CoursePage
from portal import change_tokens
from portal.models import CohortMembership
from tests.conftest import force_login_verified
from tests.factories import (
    AccessRuleFactory,
    CohortFactory,
    CourseFactory,
    ModuleFactory,
    OfficerFactory,
    TrackFactory,
    translate,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def menu_of(client, url: str = "/") -> str:
    html = client.get(url, follow=True).content.decode()
    return re.search(r'<nav class="main-nav".*?</nav>', html, re.S).group(0)


@pytest.fixture
def courses(curriculum_index):
    change_tokens.forget()
    cohort = CohortFactory()
    track = TrackFactory(title="Cyber security", title_ar="الأمن السيبراني")
    open_course = CourseFactory(parent=curriculum_index, title="Open course", track=track)
    restricted = CourseFactory(parent=curriculum_index, title="Restricted course", track=track)
    AccessRuleFactory(page=restricted, cohorts=[cohort])
    return open_course, restricted, cohort, track


def test_readers_who_may_read_different_pages_never_share_a_menu(client, courses):
    open_course, restricted, cohort, _ = courses
    member, outsider = (
        OfficerFactory(username="member", cohorts=[cohort]),
        OfficerFactory(username="outsider"),
    )
    client.force_login(member)
    assert "Restricted course" in menu_of(client)
    client.force_login(outsider)
    menu = menu_of(client)
    assert "Open course" in menu and "Restricted course" not in menu


def test_a_grant_or_withdrawal_shows_in_the_menu_on_the_next_request(client, courses):
    _, _, cohort, _ = courses
    officer = OfficerFactory(username="reader")
    client.force_login(officer)
    assert "Restricted course" not in menu_of(client)
    CohortMembership.objects.create(user=officer, cohort=cohort)
    assert "Restricted course" in menu_of(client)
    CohortMembership.objects.filter(user=officer).delete()
    assert "Restricted course" not in menu_of(client)


def test_what_the_menu_shows_is_shown_anew_once_it_changes(client, courses):
    open_course, _, _, track = courses
    client.force_login(OfficerFactory(username="reader"))
    assert "Open course" in menu_of(client)

    open_course.title = "Renamed course"
    open_course.save_revision().publish()
    assert "Renamed course" in menu_of(client)

    track.title = "Defense methodology"
    track.save()
    assert "Defense methodology" in menu_of(client)

    other = TrackFactory(title="Strategic intelligence")
    CoursePage.objects.filter(pk=open_course.pk).update(track=other)
    menu = menu_of(client)
    assert re.search(r"Strategic intelligence</p>\s*<ul[^>]*>\s*<li><a[^>]*>Renamed course", menu)

    open_course.unpublish()
    assert "Renamed course" not in menu_of(client)


def test_the_menu_is_in_the_readers_language_and_marks_where_they_are(
    client, courses, locale_ar, curriculum_index_ar
):
    open_course, _, _, _ = courses
    translate(open_course, locale_ar, title="مقرر مفتوح")
    client.force_login(OfficerFactory(username="reader"))
    assert "Open course" in menu_of(client)
    arabic = menu_of(client, "/ar/")
    assert "مقرر مفتوح" in arabic and "الأمن السيبراني" in arabic and "Open course" not in arabic
    module = ModuleFactory(parent=open_course)
    on_module = menu_of(client, module.url)
    assert re.search(rf'href="{open_course.url}" aria-current="true"', on_module)
    assert re.search(rf'href="{open_course.url}" aria-current="page"', menu_of(client, open_course.url))
    assert "aria-current" not in menu_of(client, "/").split("Tracks")[1]


def test_staff_see_the_courses_they_may_edit(client, courses, instructor):
    _, restricted, _, _ = courses
    client.force_login(OfficerFactory(username="reader"))
    assert "Restricted course" not in menu_of(client)  # an officer's menu, kept
    force_login_verified(client, instructor)
    assert "Restricted course" in menu_of(client)


def test_the_language_switcher_follows_a_translation_published_since(
    client, courses, locale_ar, curriculum_index_ar
):
    open_course, _, _, _ = courses
    client.force_login(OfficerFactory(username="reader"))

    def arabic_link() -> str:
        html = client.get(open_course.url).content.decode()
        return re.search(r'<a class="lang-switch" href="([^"]*)"', html).group(1)

    assert arabic_link() == f"/ar{open_course.url}"  # the course itself in the Arabic chrome
    assert arabic_link() == f"/ar{open_course.url}"
    translate(open_course, locale_ar, title="مقرر مفتوح", slug="maqarrar-maftuh")
    assert arabic_link() == "/ar/curriculum/maqarrar-maftuh/"
