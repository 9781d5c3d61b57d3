"""Modules and courses as PDFs (`<page-url>pdf/`): served where the page is, 404 where it is not,
every page marked (classification and releasability, top and bottom) and traced to its reader;
the PDFs are read back with pypdf."""

from __future__ import annotations

import io
import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.urls import reverse

from wagtail.images import get_image_model

import pytest
from PIL import Image as PILImage
from pypdf import PdfReader

from portal.models import AccessLogEntry
from tests.conftest import force_login_verified
from tests.factories import (
    AccessRuleFactory,
    CohortFactory,
    CourseFactory,
    ModuleFactory,
    NationFactory,
    OfficerFactory,
    UserFactory,
    translate,
)

ARABIC_TEXT = "يبدأ التخطيط الدفاعي بتحليل المهمة وتقدير الموقف."
MARKING = "UNCLASSIFIED//FOUO"


@pytest.fixture
def world(curriculum_index, locale_ar):
    cohort, other = CohortFactory(slug="symposium"), CohortFactory(slug="other")
    pk, us = NationFactory(code="PK", name="Pakistan"), NationFactory(code="US", name="United States")
    course = CourseFactory(parent=curriculum_index, title="Defense Planning", slug="planning")
    AccessRuleFactory(page=course, cohorts=[cohort], releasable_to=[us, pk])
    first = ModuleFactory(
        parent=course,
        title="Mission Analysis",
        slug="mission-analysis",
        classification=MARKING,
        body=[
            {"type": "heading", "value": {"text": "Overview", "level": "h2"}},
            {"type": "rich_text", "value": f"<p>Planning starts with the mission. {'Words. ' * 700}</p>"},
        ],
    )
    sealed = ModuleFactory(parent=course, title="Sealed Module Zebra", slug="sealed")
    AccessRuleFactory(page=sealed, cohorts=[other])
    ModuleFactory(parent=course, title="Course of Action", slug="course-of-action")
    translate(course, locale_ar, title="التخطيط الدفاعي")
    first_ar = translate(
        first,
        locale_ar,
        title="تحليل المهمة",
        body=[{"type": "rich_text", "value": f"<p>{ARABIC_TEXT}</p>"}],
    )
    reader = OfficerFactory(
        username="officer.pk", first_name="Amina", last_name="Khan", cohorts=[cohort], nation=pk
    )
    return {"course": course, "first": first, "first_ar": first_ar, "sealed": sealed, "reader": reader}


def pages_of(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_a_module_pdf_carries_its_marking_releasability_and_reader_on_every_page(client, world):
    client.force_login(world["reader"])
    response = client.get("/curriculum/planning/mission-analysis/pdf/")

    pages = pages_of(response)
    assert len(pages) >= 2, "the body is long enough for the marking to be seen on more than one page"
    banner = f"{MARKING}//RELEASABLE TO PK, US"
    for text in pages:
        assert text.count(banner) == 2, text  # at the top and at the bottom
        assert "Downloaded by Amina Khan (officer.pk) on " in text
    assert re.search(r"on \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", pages[0])
    assert "Mission Analysis" in pages[0] and "Planning starts with the mission." in pages[0]
    assert response["Content-Disposition"] == 'attachment; filename="mission-analysis.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    entry = AccessLogEntry.objects.get(object_type="pdf")
    assert (entry.username, entry.object_id, entry.outcome) == ("officer.pk", world["first"].pk, "granted")
    assert entry.path == "/curriculum/planning/mission-analysis/pdf/"


def test_the_arabic_module_pdf_holds_the_arabic_text_in_logical_order(client, world):
    client.force_login(world["reader"])
    response = client.get("/ar/curriculum/planning/mission-analysis/pdf/")

    (text,) = pages_of(response)
    assert squeeze(ARABIC_TEXT) in squeeze(text)
    assert "تحليل المهمة" in text
    assert text.count(f"{MARKING}//RELEASABLE TO PK, US") == 2
    assert "Amina Khan" in text and "officer.pk" in text
    assert AccessLogEntry.objects.filter(object_type="pdf", object_id=world["first_ar"].pk).exists()


def test_a_course_pdf_holds_a_table_of_contents_and_only_the_modules_the_reader_may_read(client, world):
    client.force_login(world["reader"])
    response = client.get("/curriculum/planning/pdf/")

    pages = pages_of(response)
    everything = "\n".join(pages)
    assert "Sealed Module Zebra" not in everything
    contents = next(text for text in pages if "Contents" in lines(text))
    assert contents.index("Mission Analysis") < contents.index("Course of Action")
    starts = [
        next(i for i, text in enumerate(pages) if heading in text)
        for heading in ("1. Mission Analysis", "2. Course of Action")
    ]
    assert starts == sorted(starts) and pages.index(contents) < starts[0]
    for text in pages[starts[0] : starts[1]]:
        assert text.count(f"{MARKING}//RELEASABLE TO PK, US") == 2
    assert pages[starts[1]].count("UNCLASSIFIED//RELEASABLE TO PK, US") == 2
    # Before the modules, the most restrictive marking among them.
    assert pages[0].count(f"{MARKING}//RELEASABLE TO PK, US") == 2
    assert AccessLogEntry.objects.filter(object_type="pdf", object_id=world["course"].pk).count() == 1


def test_the_pdf_is_404_exactly_where_the_page_is(client, world):
    outsider = OfficerFactory(username="outsider", cohorts=[CohortFactory(slug="elsewhere")])
    client.force_login(world["reader"])
    for url in ("/curriculum/planning/sealed/", "/curriculum/planning/sealed/pdf/"):
        assert client.get(url).status_code == 404, url
    assert client.get("/curriculum/planning/mission-analysis/pdf/extra/").status_code == 404
    assert client.get("/curriculum/planning/no-such-module/pdf/").status_code == 404

    client.force_login(outsider)
    for url in (
        "/curriculum/planning/",
        "/curriculum/planning/pdf/",
        "/ar/curriculum/planning/mission-analysis/pdf/",
    ):
        assert client.get(url).status_code == 404, url
    assert AccessLogEntry.objects.filter(username="outsider", outcome="denied").count() == 3
    assert not AccessLogEntry.objects.filter(object_type="pdf").exists()


def test_an_anonymous_visitor_is_sent_to_sign_in_as_for_the_page(client, world):
    page = client.get("/curriculum/planning/mission-analysis/")
    download = client.get("/curriculum/planning/mission-analysis/pdf/")
    assert download.status_code == page.status_code == 302
    assert download["Location"].startswith("/accounts/login/")


def test_a_module_and_a_course_page_link_to_their_pdf_in_both_languages(client, world):
    client.force_login(world["reader"])
    for url in (
        "/curriculum/planning/",
        "/curriculum/planning/mission-analysis/",
        "/ar/curriculum/planning/mission-analysis/",
        "/ar/curriculum/planning/course-of-action/",  # untranslated: its address in the Arabic site
    ):
        assert f'href="{url}pdf/"' in client.get(url).content.decode(), url


def test_a_module_with_no_nation_named_prints_its_marking_alone(client, curriculum_index):
    course = CourseFactory(parent=curriculum_index, slug="open-course")
    ModuleFactory(parent=course, slug="open-module", classification="OFFICIAL")
    client.force_login(get_user_model().objects.create_user("plain", first_name="", last_name=""))
    (text,) = pages_of(client.get("/curriculum/open-course/open-module/pdf/"))
    assert text.count("OFFICIAL") == 2 and "RELEASABLE" not in text
    assert "Downloaded by plain (plain) on " in text


def test_view_as_downloads_as_the_simulated_officer_and_traces_the_staff_member(client, world):
    instructor = UserFactory(username="instructor", first_name="Omar", last_name="Said", role="instructor")
    force_login_verified(client, instructor)
    cohort = world["reader"].memberships.get().cohort
    nation = world["reader"].profile.nation
    assert client.post(reverse("view_as"), {"cohorts": [cohort.pk], "nation": nation.pk}).status_code == 302

    (text, *_) = pages_of(client.get("/curriculum/planning/mission-analysis/pdf/"))
    assert "Downloaded by Omar Said (instructor) on " in text and "viewing as" in text
    # The simulated officer has no editing rights: the module of another cohort is not there.
    assert client.get("/curriculum/planning/sealed/pdf/").status_code == 404
    entry = AccessLogEntry.objects.get(object_type="pdf")
    assert entry.username == "instructor" and entry.viewing_as


def test_a_module_may_not_take_the_pdf_address_as_its_slug(world):
    module = world["first"]
    module.slug = "pdf"
    with pytest.raises(ValidationError) as raised:
        module.full_clean()
    assert "slug" in raised.value.message_dict


def test_the_images_of_a_module_come_into_its_pdf_from_storage(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (12, 80, 120)).save(buffer, format="PNG")
    image = get_image_model().objects.create(title="diagram", file=ImageFile(buffer, name="diagram.png"))
    module = world["first"]
    module.body = [{"type": "image", "value": {"image": image.pk, "alt_text": "", "caption": "Kill chain"}}]
    module.save_revision().publish()
    client.force_login(world["reader"])

    response = client.get("/curriculum/planning/mission-analysis/pdf/")

    reader = PdfReader(io.BytesIO(response.content))
    assert "Kill chain" in reader.pages[0].extract_text()
    assert len(reader.pages[0].images) == 1
