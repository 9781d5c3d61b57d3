"""Security trimming inside the engine, on both engines.

A property test builds random portals (trees with English and Arabic pages, rules on any level with
cohorts, date windows and nations, officers, instructors with edit or ownership rights, superusers,
a day) and checks that results, counts and facet counts equal the brute-force expectation: the pages
that match, filtered by `portal.access.can_view` page by page. A canary test checks that a restricted
page leaves no trace in any response to a user who may not read it.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter

from django.contrib.auth.models import Group, Permission
from django.test import override_settings

from wagtail.models import GroupPagePermission, Locale

import pytest
import snowballstemmer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curriculum.models import CoursePage, ModulePage
from portal import access
from search import service
from search.engines import FACETS
from tests.factories import (
    AccessRuleFactory,
    CohortFactory,
    CourseFactory,
    GuideFactory,
    ModuleFactory,
    NationFactory,
    OfficerFactory,
    TrackFactory,
    UserFactory,
)
from tests.search.conftest import empty_index, index_now, rolled_back

# Word forms that English stemming joins ("basalts" finds "basalt") next to words it keeps apart.
VOCAB = ["amber", "basalt", "basalts", "cobalt", "dune", "dunes"]
STEM = snowballstemmer.stemmer("english").stemWord
BASE = datetime.date(2026, 3, 1)
words = st.lists(st.sampled_from(VOCAB), min_size=0, max_size=3)


@st.composite
def page_specs(draw):
    return {
        "title": draw(st.lists(st.sampled_from(VOCAB), min_size=1, max_size=2)),
        "summary": draw(words),
        "body": draw(words),
        "live": draw(st.booleans().map(lambda dead: not dead) | st.just(True)),
        "arabic": draw(st.booleans()),
    }


window = st.tuples(st.integers(-40, 20), st.integers(0, 40))  # start offset, length in days

worlds = st.fixed_dictionaries(
    {
        "courses": st.lists(
            st.tuples(page_specs(), st.lists(page_specs(), max_size=3)), min_size=1, max_size=2
        ),
        "guide": st.none() | page_specs(),
        "cohorts": st.lists(st.tuples(window, st.integers(0, 10)), min_size=1, max_size=2),
        # rule: (target index, cohort indexes, date window or None, nation indexes)
        "rules": st.lists(
            st.tuples(
                st.integers(0, 20),
                st.sets(st.integers(0, 1), max_size=2),
                st.none() | window,
                st.sets(st.integers(0, 1), max_size=2),
            ),
            max_size=4,
        ),
        "user": st.sampled_from(["officer", "officer", "officer", "editor", "owner", "superuser"]),
        "member_of": st.sets(st.integers(0, 1), max_size=2),
        "nation": st.sampled_from([0, 1, None]),
        "grant_on": st.integers(0, 20),
        "owned": st.sets(st.integers(0, 20), max_size=4),
        "today": st.integers(-30, 50),
        "query": st.lists(st.sampled_from(VOCAB), min_size=1, max_size=2, unique=True),
        "filter": st.sampled_from([None, "type", "locale", "track", "course"]),
    }
)


def text(words_: list[str]) -> str:
    return " ".join(words_)


def build(world, indexes):
    """Create the world's pages, rules and user; return (user, today, pages)."""
    curriculum, curriculum_ar, culture = indexes
    arabic = Locale.objects.get(language_code="ar")
    pages = []

    def make(factory, parent, spec, twin_parent=None, **extra):
        page = factory(
            parent=parent,
            title=text(spec["title"]),
            summary=text(spec["summary"]),
            body=[{"type": "rich_text", "value": f"<p>{text(spec['body'])}</p>"}] if spec["body"] else [],
            live=spec["live"],
            **extra,
        )
        pages.append(page)
        twin = None
        if spec["arabic"] and twin_parent is not None:
            twin = factory(
                parent=twin_parent,
                title=text(spec["title"]),
                summary=text(spec["summary"]),
                live=spec["live"],
                slug=page.slug,
                locale=arabic,
                translation_key=page.translation_key,
                **extra,
            )
            pages.append(twin)
        return page, twin

    for number, (course_spec, module_specs) in enumerate(world["courses"]):
        track = TrackFactory(slug=f"track-{number}")
        course, course_ar = make(CourseFactory, curriculum, course_spec, curriculum_ar, track=track)
        for module_spec in module_specs:
            make(ModuleFactory, course, module_spec, course_ar)
    if world["guide"]:
        make(GuideFactory, culture, world["guide"])

    targets = [curriculum, culture, *pages]
    nations = [NationFactory(code="AA"), NationFactory(code="BB")]
    cohorts = [
        CohortFactory(
            starts_on=BASE + datetime.timedelta(days=start),
            ends_on=BASE + datetime.timedelta(days=start + length),
            grace_days=grace,
        )
        for (start, length), grace in world["cohorts"]
    ]
    ruled = set()
    for target, cohort_ids, dates, nation_ids in world["rules"]:
        page = targets[target % len(targets)]
        if page.pk in ruled:
            continue
        ruled.add(page.pk)
        opens = closes = None
        if dates:
            opens = BASE + datetime.timedelta(days=dates[0])
            closes = opens + datetime.timedelta(days=dates[1])
        AccessRuleFactory(
            page=page,
            cohorts=[cohorts[i % len(cohorts)] for i in cohort_ids],
            opens_on=opens,
            closes_on=closes,
            releasable_to=[nations[i] for i in nation_ids],
        )

    kind = world["user"]
    nation = nations[world["nation"]] if world["nation"] is not None else None
    member_of = [cohorts[i % len(cohorts)] for i in world["member_of"]]
    if kind == "superuser":
        user = UserFactory(is_superuser=True, is_staff=True)
    else:
        user = OfficerFactory(nation=nation, cohorts=member_of)
    if kind in ("editor", "owner"):
        grant(
            user, targets[world["grant_on"] % len(targets)], "change_page" if kind == "editor" else "add_page"
        )
        for index in world["owned"]:
            page = pages[index % len(pages)] if pages else None
            if page is not None:
                page.owner = user
                page.save()
    index_now()
    return user, BASE + datetime.timedelta(days=world["today"]), pages


def grant(user, page, codename: str, *, admin: bool = True) -> None:
    """Page permission `codename` on `page` for `user`, through a group that, like the editorial
    roles, may use the Wagtail admin (`admin=False`: a group with the page permission only)."""
    group = Group.objects.create(name=f"search-test-{user.pk}")
    GroupPagePermission.objects.create(
        group=group,
        page=page,
        permission=Permission.objects.get(codename=codename, content_type__app_label="wagtailcore"),
    )
    if admin:
        group.permissions.add(
            Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin")
        )
    user.groups.add(group)


def facet_value(page, name):
    specific = page.specific
    if name == "type":
        return {CoursePage: "course", ModulePage: "module"}.get(type(specific), "guide")
    if name == "locale":
        return specific.locale.language_code
    course = specific if isinstance(specific, CoursePage) else None
    if isinstance(specific, ModulePage):
        course = specific.get_parent().specific
    if course is None:
        return None
    return course.track.slug if name == "track" else course.slug


def expected(user, today, pages, query, filters):
    def words_of(page):
        specific = page.specific
        body = " ".join(re.findall(r"[a-z]+", str(getattr(specific, "body", ""))))
        return {STEM(word) for word in f"{specific.title} {specific.summary} {body}".split()}

    visible = [
        page
        for page in pages
        if page.live
        and {STEM(word) for word in query} <= words_of(page)
        and access.can_view(user, page, today)
    ]

    def chosen(page, skip=None):
        return all(facet_value(page, name) == value for name, value in filters.items() if name != skip)

    ids = {page.pk for page in visible if chosen(page)}
    facets = {}
    for name in FACETS:
        counts = Counter(facet_value(page, name) for page in visible if chosen(page, skip=name))
        facets[name] = {value: n for value, n in counts.items() if value is not None}
    return ids, facets


def everything_found(user, today, query, filters):
    first = service.search(user, " ".join(query), filters, 1, today=today)
    ids = [hit.id for hit in first.hits]
    for number in range(2, first.num_pages + 1):
        ids += [hit.id for hit in service.search(user, " ".join(query), filters, number, today=today).hits]
    return first, ids


@pytest.fixture
def indexes(curriculum_index, curriculum_index_ar, culture_index):
    return curriculum_index, curriculum_index_ar, culture_index


@override_settings(SEARCH_PAGE_SIZE=4)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=worlds)
def test_results_counts_and_facets_equal_the_policy(engine, indexes, world):
    with rolled_back():
        if engine == "elasticsearch":
            empty_index()
        user, today, pages = build(world, indexes)
        filters = {}
        if world["filter"] and pages:
            value = facet_value(pages[0], world["filter"])
            if value:
                filters[world["filter"]] = value
        want_ids, want_facets = expected(user, today, pages, world["query"], filters)
        results, found = everything_found(user, today, world["query"], filters)
        assert results.engine == engine
        assert len(found) == len(set(found)), "a result appears on two pages"
        assert set(found) == want_ids
        assert results.count == len(want_ids)
        assert results.facets == want_facets


def test_page_permissions_without_the_admin_grant_no_access(engine, curriculum_index):
    """The policy lets only users who can use the admin view restricted pages they could edit; a
    group holding a page permission without admin access gives nothing, on either engine."""
    course = CourseFactory(parent=curriculum_index, title="Amber course")
    AccessRuleFactory(page=curriculum_index, cohorts=[])
    user = OfficerFactory(username="no-admin")
    grant(user, curriculum_index, "change_page", admin=False)
    index_now()
    assert not access.can_view(user, course)
    assert service.search(user, "amber", {}, 1).count == 0


# --- the canary --------------------------------------------------------------------------------

CANARY = "zyxwcanary"


@pytest.fixture
def portal_with_canary(engine, curriculum_index, client):
    course = CourseFactory(
        parent=curriculum_index, title="Signals course", slug="signals", summary="Signals."
    )
    ModuleFactory(parent=course, title="Signals basics", summary="Open signals module.")
    ModuleFactory(parent=course, title="Signals practice", summary="Open signals drill.")
    canary = ModuleFactory(
        parent=course,
        title=f"Signals {CANARY}",
        slug="canary",
        summary=f"The {CANARY} summary about signals.",
        body=[{"type": "rich_text", "value": f"<p>{CANARY} signals body.</p>"}],
    )
    closed = CohortFactory(starts_on=datetime.date(2001, 1, 1), ends_on=datetime.date(2001, 2, 1))
    AccessRuleFactory(page=canary, cohorts=[closed])
    index_now()
    client.force_login(OfficerFactory(username="outsider"))
    return canary


REQUESTS = [
    ("/api/v1/search/", {"q": CANARY}),
    ("/api/v1/search/", {"q": "signals"}),
    ("/api/v1/search/", {"q": "signals", "course": "signals"}),
    ("/api/v1/search/", {"q": "signals summary body"}),
    ("/api/v1/search/", {"q": "signals", "page": "3"}),
    ("/api/v1/search/suggest/", {"q": "zyx"}),
    ("/api/v1/search/suggest/", {"q": "signals"}),
    ("/api/v1/search/suggest/", {"q": "signals z"}),
    ("/search/", {"q": CANARY}),
    ("/search/", {"q": "signals"}),
    ("/search/", {"q": "signals", "track": "x", "type": "module"}),
]


def responses(client) -> list[str]:
    answers = []
    for url, params in REQUESTS:
        response = client.get(url, params)
        assert response.status_code == 200
        # The sign-out form's CSRF token is random per response.
        answers.append(re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode()))
    return answers


def test_a_restricted_page_leaves_no_trace(client, portal_with_canary):
    with_canary = responses(client)
    for (url, params), answer in zip(REQUESTS, with_canary, strict=True):
        if url.startswith("/api/") or CANARY not in params["q"]:  # the page repeats the query typed
            assert CANARY not in answer
    portal_with_canary.delete()
    index_now()
    assert responses(client) == with_canary
