"""Every way content can leave the portal asks the access policy: pages, listings, menus, breadcrumbs,
previous/next, the dashboard, previews and revisions, documents, images, translations."""

from __future__ import annotations

import datetime
import io
import re

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.urls import reverse

from wagtail.documents import get_document_model
from wagtail.images import get_image_model

import pytest
import time_machine
from PIL import Image as PILImage

from curriculum.models import ModuleProgress
from portal.models import AccessLogEntry, CohortMembership
from tests.conftest import force_login_verified
from tests.factories import (
    AccessRuleFactory,
    CohortFactory,
    CourseFactory,
    ModuleFactory,
    NationFactory,
    OfficerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC), tick=False):
        yield


def body(*blocks) -> list[dict]:
    return [{"type": "rich_text", "value": "<p>Shared introduction.</p>"}, *blocks]


@pytest.fixture
def world(curriculum_index):
    """A restricted course (cohort "symposium") whose second module is releasable to the US only."""
    us, pk = NationFactory(code="US"), NationFactory(code="PK")
    symposium = CohortFactory(
        slug="symposium",
        starts_on=TODAY - datetime.timedelta(days=30),
        ends_on=TODAY + datetime.timedelta(days=30),
    )
    other = CohortFactory(slug="other")
    course = CourseFactory(parent=curriculum_index, title="Restricted Cyber Course", slug="restricted-cyber")
    AccessRuleFactory(page=course, cohorts=[symposium])
    first = ModuleFactory(
        parent=course, title="Threat Landscape", slug="threat-landscape", summary="Open module"
    )
    secret = ModuleFactory(
        parent=course, title="Incident Drills Zebra", slug="incident-drills", summary="Zebra summary"
    )
    AccessRuleFactory(page=secret, cohorts=[symposium], releasable_to=[us])
    last = ModuleFactory(parent=course, title="After Action", slug="after-action")
    public_course = CourseFactory(parent=curriculum_index, title="Open Course", slug="open-course")
    public_module = ModuleFactory(parent=public_course, title="Welcome Module", slug="welcome")
    return {
        "course": course,
        "first": first,
        "secret": secret,
        "last": last,
        "public_module": public_module,
        "symposium": symposium,
        "other": other,
        "member_pk": OfficerFactory(username="member.pk", nation=pk, cohorts=[symposium]),
        "member_us": OfficerFactory(username="member.us", nation=us, cohorts=[symposium]),
        "outsider": OfficerFactory(username="outsider", nation=us, cohorts=[other]),
    }


def without_csrf(response) -> str:
    """The page with its per-request CSRF token masked."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def get(client, user, url):
    force_login_verified(client, user)
    return client.get(url)


def test_denied_pages_are_404_with_nothing_of_the_page(client, world):
    response = get(client, world["outsider"], world["secret"].url)
    assert response.status_code == 404
    html = response.content.decode()
    assert "Zebra" not in html and "incident-drills" not in html


def test_a_denied_page_looks_exactly_like_a_missing_one(client, world):
    denied = get(client, world["outsider"], world["secret"].url)
    missing = client.get(world["course"].url + "no-such-module/")
    assert denied.status_code == missing.status_code == 404
    assert without_csrf(denied) == without_csrf(missing)


def test_anonymous_visitors_are_sent_to_sign_in(client, world, home):
    response = client.get(world["first"].url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.get(home.url).status_code == 200


def test_releasability_follows_the_nation(client, world):
    assert get(client, world["member_us"], world["secret"].url).status_code == 200
    assert get(client, world["member_pk"], world["secret"].url).status_code == 404
    assert get(client, world["member_pk"], world["first"].url).status_code == 200


def test_course_listing_and_previous_next_skip_what_the_user_cannot_read(client, world):
    course_html = get(client, world["member_pk"], world["course"].url).content.decode()
    assert "Threat Landscape" in course_html and "After Action" in course_html
    assert "Zebra" not in course_html

    module_html = get(client, world["member_pk"], world["first"].url).content.decode()
    assert world["last"].url in module_html  # next skips the module the user may not read
    assert world["secret"].url not in module_html

    us_html = get(client, world["member_us"], world["first"].url).content.decode()
    assert world["secret"].url in us_html


def test_menus_breadcrumbs_and_dashboard_hide_restricted_courses(client, world):
    html = get(client, world["outsider"], world["public_module"].url).content.decode()
    assert "Restricted Cyber Course" not in html
    assert "Open Course" in html
    dashboard = get(client, world["outsider"], "/dashboard/").content.decode()
    assert "Restricted Cyber Course" not in dashboard and "Zebra" not in dashboard
    member = get(client, world["member_us"], "/dashboard/").content.decode()
    assert "Restricted Cyber Course" in member


def test_a_change_takes_effect_at_once(client, world):
    outsider = world["outsider"]
    assert get(client, outsider, world["first"].url).status_code == 404
    CohortMembership.objects.create(user=outsider, cohort=world["symposium"])
    assert client.get(world["first"].url).status_code == 200
    world["course"].access_rule.cohorts.set([world["other"]])
    assert get(client, world["member_pk"], world["first"].url).status_code == 404


def test_the_last_grace_day_grants_and_the_day_after_does_not(client, world):
    cohort = world["symposium"]
    cohort.ends_on, cohort.grace_days = TODAY - datetime.timedelta(days=5), 5
    cohort.save()
    assert get(client, world["member_pk"], world["first"].url).status_code == 200
    with time_machine.travel(datetime.datetime(2026, 6, 16, 0, 30, tzinfo=datetime.UTC), tick=False):
        # A day later the idle session has expired (SESSION_IDLE_TIMEOUT_MINUTES): sign in again.
        assert get(client, world["member_pk"], world["first"].url).status_code == 404


def test_an_arabic_translation_is_as_restricted_as_its_source(client, world, locale_ar):
    arabic_course = world["course"].copy_for_translation(locale_ar)
    arabic_course.save_revision().publish()
    arabic = world["first"].copy_for_translation(locale_ar)
    arabic.title = "مشهد التهديدات"
    arabic.save_revision().publish()
    arabic.refresh_from_db()
    assert arabic.url.startswith("/ar/")

    assert get(client, world["outsider"], arabic.url).status_code == 404
    assert get(client, world["member_pk"], arabic.url).status_code == 200


def test_a_rule_stored_on_the_translation_governs_the_source_too(client, world, locale_ar):
    arabic_course = world["course"].copy_for_translation(locale_ar)
    arabic_course.save_revision().publish()
    arabic = world["public_module"].get_parent().copy_for_translation(locale_ar)
    arabic.save_revision().publish()
    AccessRuleFactory(page=arabic, cohorts=[world["other"]])  # rule edited on the Arabic page

    assert get(client, world["member_us"], world["public_module"].url).status_code == 404
    assert get(client, world["outsider"], world["public_module"].url).status_code == 200


def test_previews_and_revisions_are_for_editors_only(client, world):
    module = world["secret"]
    revision = module.save_revision()
    url = reverse("wagtailadmin_pages:revisions_view", args=(module.pk, revision.pk))

    officer_response = get(client, world["member_us"], url)
    assert officer_response.status_code == 302
    assert "Zebra" not in officer_response.content.decode()

    instructor = UserFactory(username="instructor", role="instructor")
    assert "Zebra" in get(client, instructor, url).content.decode()


def make_image(title: str):
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (12, 80, 120)).save(buffer, format="PNG")
    return get_image_model().objects.create(title=title, file=ImageFile(buffer, name=f"{title}.png"))


def test_images_used_only_in_restricted_pages_are_not_served(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    image = make_image("diagram")
    module = world["secret"]
    module.body = body(
        {"type": "image", "value": {"image": image.pk, "alt_text": "", "caption": "Kill chain"}}
    )
    module.save_revision().publish()
    rendition = image.get_rendition("width-20")

    assert get(client, world["member_pk"], rendition.url).status_code == 404
    assert get(client, world["member_pk"], image.file.url).status_code == 404
    response = get(client, world["member_us"], rendition.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"\x89PNG"
    client.logout()
    assert client.get(rendition.url).status_code == 302


def test_documents_used_only_in_restricted_pages_are_not_served(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = get_document_model()(title="Drill card")
    document.file.save("drill-card.txt", ContentFile(b"drill card"), save=False)
    document.save()
    module = world["secret"]
    module.body = body({"type": "document", "value": {"document": document.pk, "label": "Drill card"}})
    module.save_revision().publish()

    assert get(client, world["member_pk"], document.url).status_code == 404
    assert get(client, world["member_pk"], f"/media/{document.file.name}").status_code == 404
    assert get(client, world["member_us"], document.url).status_code == 200

    public = world["public_module"]
    public.body = body({"type": "document", "value": {"document": document.pk, "label": "Drill card"}})
    public.save_revision().publish()
    assert get(client, world["outsider"], document.url).status_code == 200


def test_views_of_restricted_content_and_denials_are_logged(client, world):
    get(client, world["member_us"], world["secret"].url)
    get(client, world["outsider"], world["secret"].url)
    get(client, world["outsider"], world["public_module"].url)

    entries = list(AccessLogEntry.objects.order_by("at").values_list("username", "outcome", "object_id"))
    assert entries == [
        ("member.us", "granted", world["secret"].pk),
        ("outsider", "denied", world["secret"].pk),
    ]
    assert AccessLogEntry.objects.first().ip_address == "127.0.0.1"


def test_marking_a_module_complete_moves_the_course_progress(client, world):
    officer = world["member_pk"]
    get(client, officer, world["first"].url)
    progress = ModuleProgress.objects.get(user=officer)
    assert progress.completed_at is None

    response = client.post(reverse("module_progress", args=(world["first"].pk, "complete")))

    assert response.status_code == 302
    progress.refresh_from_db()
    assert progress.completed_at is not None
    dashboard = client.get("/dashboard/").content.decode()
    assert "1 of 2 modules" in dashboard  # the module she may not read does not count
    assert 'value="50"' in dashboard
    assert client.post(reverse("module_progress", args=(world["secret"].pk, "complete"))).status_code == 404


def test_view_as_answers_as_the_chosen_officer_read_only_and_logged(client, world):
    instructor = UserFactory(username="instructor", role="instructor")
    force_login_verified(client, instructor)
    assert client.get(world["secret"].url).status_code == 200  # instructors can edit: they see it

    response = client.post(reverse("view_as"), {"cohorts": [world["other"].pk]})
    assert response.status_code == 302

    assert client.get(world["secret"].url).status_code == 404
    page = client.get(world["public_module"].url).content.decode()
    assert "Viewing the portal as" in page
    assert (
        client.post(reverse("module_progress", args=(world["public_module"].pk, "complete"))).status_code
        == 405
    )
    assert AccessLogEntry.objects.filter(object_type="view_as", username="instructor").exists()
    assert AccessLogEntry.objects.filter(outcome="denied", viewing_as__contains="Other").exists()

    client.post(reverse("view_as_stop"))
    assert client.get(world["secret"].url).status_code == 200


def test_view_as_a_chosen_date(client, world):
    instructor = UserFactory(username="instructor", role="instructor")
    force_login_verified(client, instructor)
    later = (TODAY + datetime.timedelta(days=60)).isoformat()
    client.post(reverse("view_as"), {"cohorts": [world["symposium"].pk], "date": TODAY.isoformat()})
    assert client.get(world["first"].url).status_code == 200
    client.post(reverse("view_as"), {"cohorts": [world["symposium"].pk], "date": later})
    assert client.get(world["first"].url).status_code == 404


def test_officers_cannot_view_as(client, world):
    assert get(client, world["member_pk"], reverse("view_as")).status_code == 403


def test_the_course_page_costs_the_same_queries_for_5_and_50_modules(client, curriculum_index, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def cost(n: int) -> int:
        course = CourseFactory(parent=curriculum_index)
        AccessRuleFactory(page=course, cohorts=[world["symposium"]])
        modules = ModuleFactory.create_batch(n, parent=course)
        for module in modules[::3]:
            AccessRuleFactory(page=module, cohorts=[world["other"]])
        client.get(course.url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(course.url).status_code == 200
        return len(queries)

    client.force_login(world["member_pk"])
    assert cost(5) == cost(50)
