"""Certificates of completion (docs/certificates.md): completing a course through the real views issues
one, once; its owner lists and downloads it (the PDF read back with pypdf, its QR code decoded with
zxing-cpp); anyone verifies it at /verify/<code>/ and learns only the name, the course and the date;
verification is rate-limited; programme admins revoke with a reason, logged."""

from __future__ import annotations

import base64
import datetime
import io
import re

from django.core.cache import cache
from django.urls import reverse

from wagtail.models import ModelLogEntry

import pytest
import time_machine
import zxingcpp
from pypdf import PdfReader

from curriculum.models import Certificate
from portal.models import CohortMembership, OfficerProfile
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

pytestmark = pytest.mark.django_db

ISSUED = datetime.datetime(2026, 3, 15, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def world(curriculum_index, locale_ar):
    """A course of two modules given to a cohort, translated into Arabic, and an officer in it."""
    # Open on the day the course is completed (ISSUED) and on the day the test runs.
    today = datetime.date.today()
    cohort = CohortFactory(
        slug="staff-college-2026",
        name="Staff College 2026",
        starts_on=min(today, ISSUED.date()) - datetime.timedelta(days=30),
        ends_on=max(today, ISSUED.date()) + datetime.timedelta(days=30),
    )
    with time_machine.travel(ISSUED, tick=False):
        pakistan = NationFactory(code="PK", name="Pakistan", name_ar="باكستان")
        course = CourseFactory(parent=curriculum_index, title="Defense Planning", slug="planning")
        AccessRuleFactory(page=course, cohorts=[cohort])
        modules = [
            ModuleFactory(parent=course, title="Mission Analysis", slug="mission-analysis"),
            ModuleFactory(parent=course, title="Course of Action", slug="course-of-action"),
        ]
        translate(course, locale_ar, title="التخطيط الدفاعي")
        officer = OfficerFactory(
            username="amina", first_name="Amina", last_name="Khan", nation=pakistan, cohorts=[cohort]
        )
        OfficerProfile.objects.filter(user=officer).update(rank="Major")
    return {"cohort": cohort, "course": course, "modules": modules, "officer": officer}


def mark(client, module, action: str = "complete") -> None:
    response = client.post(reverse("module_progress", args=[module.pk, action]))
    assert response.status_code == 302


@pytest.fixture
def certificate(client, world) -> Certificate:
    """The officer's certificate, earned through the module pages' "Mark as completed"."""
    client.force_login(world["officer"])
    with time_machine.travel(ISSUED, tick=False):
        for module in world["modules"]:
            mark(client, module)
    client.logout()
    return Certificate.objects.get()


@pytest.fixture
def fresh_limits():
    # The rate limit counts in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


def pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    (page,) = PdfReader(io.BytesIO(response.content)).pages
    return page.extract_text()


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# --- issuing ---------------------------------------------------------------------------------------


def test_completing_the_last_module_issues_exactly_one_certificate(client, world):
    first, last = world["modules"]
    client.force_login(world["officer"])
    with time_machine.travel(ISSUED, tick=False):
        mark(client, first)
        assert not Certificate.objects.exists(), "not before the last module"
        mark(client, last)
        mark(client, last)  # completed already: nothing happens again

    certificate = Certificate.objects.get()
    assert certificate.user == world["officer"]
    assert certificate.course_key == world["course"].translation_key
    assert certificate.cohort == world["cohort"]
    assert certificate.issued_at == ISSUED
    assert (certificate.officer_name, certificate.rank) == ("Amina Khan", "Major")
    assert (certificate.nation_name, certificate.nation_name_ar) == ("Pakistan", "باكستان")
    assert (certificate.course_title, certificate.course_title_ar) == ("Defense Planning", "التخطيط الدفاعي")
    assert certificate.cohort_name == "Staff College 2026"
    assert ModelLogEntry.objects.filter(
        action="curriculum.certificate.issue", object_id=str(certificate.pk)
    ).exists()


def test_completing_again_after_mark_incomplete_issues_no_second_certificate(client, certificate, world):
    last = world["modules"][-1]
    client.force_login(world["officer"])
    mark(client, last, "incomplete")
    mark(client, last)

    assert list(Certificate.objects.all()) == [certificate]


def test_the_arabic_course_is_the_same_course(client, certificate, world, locale_ar):
    # Completing the Arabic translation of a module counts for the course already certified.
    last = world["modules"][-1]
    last_ar = translate(last, locale_ar, title="مسار العمل")
    client.force_login(world["officer"])
    mark(client, last_ar, "incomplete")
    mark(client, last_ar)

    assert Certificate.objects.count() == 1


def test_a_revoked_certificate_is_issued_anew_by_a_new_completion(
    client, certificate, world, programme_admin
):
    certificate.revoked_at = ISSUED
    certificate.save()
    last = world["modules"][-1]
    client.force_login(world["officer"])
    mark(client, last, "incomplete")
    mark(client, last)

    renewed = Certificate.objects.valid().get()
    assert renewed.pk != certificate.pk and renewed.code != certificate.code
    assert Certificate.objects.count() == 2


def test_codes_are_unguessable(client, certificate, world):
    other = UserFactory(username="other")  # no officer profile: no rank or nation, still a certificate
    CohortMembership.objects.create(user=other, cohort=world["cohort"])
    client.force_login(other)
    for module in world["modules"]:
        mark(client, module)
    codes = list(Certificate.objects.values_list("code", flat=True))
    assert Certificate.objects.get(user=other).officer_name == "other"

    assert len(set(codes)) == 2
    for code in codes:
        assert re.fullmatch(r"[A-Za-z0-9_-]+", code)
        assert len(base64.urlsafe_b64decode(code + "=" * (-len(code) % 4))) * 8 >= 128


# --- the officer's list and downloads -----------------------------------------------------------------


def test_the_list_shows_the_officers_own_certificates_with_their_downloads(client, certificate, world):
    other = OfficerFactory(username="other", first_name="Omar", cohorts=[world["cohort"]])
    theirs = Certificate.objects.create(
        user=other,
        course_key=world["course"].translation_key,
        issued_at=ISSUED,
        officer_name="Omar",
        course_title="Another Course",
    )
    client.force_login(world["officer"])
    page = client.get("/certificates/").content.decode()

    assert "Defense Planning" in page and "Another Course" not in page
    assert reverse("certificate_download", args=[certificate.pk]) in page
    assert reverse("certificate_download", args=[theirs.pk]) not in page

    arabic = client.get("/ar/certificates/").content.decode()
    assert 'lang="ar"' in arabic and "التخطيط الدفاعي" in arabic


def test_another_officers_certificate_is_not_found(client, certificate):
    stranger = OfficerFactory(username="stranger")
    client.force_login(stranger)

    assert client.get(reverse("certificate_download", args=[certificate.pk])).status_code == 404
    for missing in (certificate.pk + 999, 10**30):
        assert client.get(reverse("certificate_download", args=[missing])).status_code == 404


def test_a_revoked_certificate_is_listed_as_revoked_and_not_downloaded(client, certificate, world):
    certificate.revoked_at = ISSUED
    certificate.save()
    client.force_login(world["officer"])

    page = client.get("/certificates/").content.decode()
    assert "Revoked on 15 March 2026" in page
    assert reverse("certificate_download", args=[certificate.pk]) not in page
    assert client.get(reverse("certificate_download", args=[certificate.pk])).status_code == 404


def test_viewing_as_an_officer_shows_no_certificates(client, certificate, world, instructor):
    # A "view as" stand-in has no account: it holds no certificate, not even one left by a deleted one.
    Certificate.objects.create(
        user=None, course_key=world["course"].translation_key, issued_at=ISSUED, officer_name="Gone"
    )
    force_login_verified(client, instructor)
    assert client.post(reverse("view_as"), {"cohorts": [world["cohort"].pk]}).status_code == 302

    page = client.get("/certificates/").content.decode()
    assert "Viewing the portal as" in page and "No certificates yet." in page
    assert client.get(reverse("certificate_download", args=[certificate.pk])).status_code == 404


def test_signing_in_is_needed_for_the_list(client):
    response = client.get("/certificates/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --- the PDF ----------------------------------------------------------------------------------------


def test_the_pdf_names_officer_course_cohort_date_and_code_in_english_and_arabic(client, certificate, world):
    client.force_login(world["officer"])
    response = client.get(reverse("certificate_download", args=[certificate.pk]))

    text = pdf_text(response)
    assert response["Content-Disposition"] == 'attachment; filename="certificate-defense-planning.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    flat = squeeze(text)
    for english in ("Certificate of completion", "Amina Khan", "Major", "Pakistan", "Defense Planning"):
        assert english in flat, english
    assert "Staff College 2026" in flat and "15 March 2026" in flat
    # The Arabic side, in Arabic whatever the reader's language, in logical order: the course, the
    # nation and the month as they are typed, not reversed.
    for arabic in ("التخطيط الدفاعي", "باكستان", "مارس", "شهادة إتمام"):
        assert arabic in flat, arabic
    assert certificate.code in flat
    assert f"http://testserver/verify/{certificate.code}/" in flat


def test_the_pdf_is_the_same_under_ar(client, certificate, world):
    client.force_login(world["officer"])
    english = squeeze(pdf_text(client.get(reverse("certificate_download", args=[certificate.pk]))))
    arabic = squeeze(pdf_text(client.get(f"/ar/certificates/{certificate.pk}/pdf/")))

    assert "Defense Planning" in arabic and "التخطيط الدفاعي" in arabic
    assert "Certificate of completion" in arabic  # the English side stays English
    assert f"/verify/{certificate.code}/" in arabic and f"/ar/verify/{certificate.code}/" not in arabic
    assert english == arabic


def test_the_qr_code_in_the_pdf_decodes_to_the_verification_address(client, certificate, world):
    client.force_login(world["officer"])
    response = client.get(reverse("certificate_download", args=[certificate.pk]))
    (page,) = PdfReader(io.BytesIO(response.content)).pages

    (image,) = page.images
    decoded = [code.text for code in zxingcpp.read_barcodes(image.image)]
    assert decoded == [f"http://testserver/verify/{certificate.code}/"]


# --- verification -----------------------------------------------------------------------------------


def test_verification_is_public_and_shows_only_name_course_and_date(client, certificate, fresh_limits):
    response = client.get(f"/verify/{certificate.code}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "This certificate is valid." in page
    assert "Amina Khan" in page
    assert "Defense Planning" in page and "التخطيط الدفاعي" in page
    assert "15 March 2026" in page
    for hidden in ("Major", "Pakistan", "باكستان", "Staff College"):
        assert hidden not in page, hidden
    assert response["Cache-Control"].startswith("max-age=0")


def test_verification_in_arabic(client, certificate, fresh_limits):
    page = client.get(f"/ar/verify/{certificate.code}/").content.decode()

    assert 'lang="ar"' in page and 'dir="rtl"' in page
    assert "Amina Khan" in page and "التخطيط الدفاعي" in page and "مارس" in page


@pytest.mark.parametrize("code", ["x" * 32, "short", "not a code!", "%00", "a" * 400, "..", "é" * 32])
def test_an_unknown_or_malformed_code_is_unknown(client, code, fresh_limits):
    response = client.get(f"/verify/{code}/")

    assert response.status_code == 200
    assert "This verification code is unknown." in response.content.decode()


def test_a_revoked_certificate_verifies_as_revoked_and_nothing_more(client, certificate, fresh_limits):
    certificate.revoked_at = ISSUED
    certificate.save()
    page = client.get(f"/verify/{certificate.code}/").content.decode()

    assert "This certificate has been revoked." in page
    assert "Amina Khan" not in page and "Defense Planning" not in page


def test_verification_is_rate_limited_per_address(client, certificate, settings, fresh_limits):
    settings.CERTIFICATES_VERIFY_RATE_LIMIT = 3
    url = f"/verify/{certificate.code}/"
    # Frozen 10 s into a window, so that the requests cannot straddle two windows.
    with time_machine.travel(
        datetime.datetime(2026, 3, 15, 10, 0, 10, tzinfo=datetime.UTC), tick=False
    ) as clock:
        for _ in range(3):
            assert client.get(url, REMOTE_ADDR="192.0.2.1").status_code == 200

        limited = client.get(url, REMOTE_ADDR="192.0.2.1")
        assert limited.status_code == 429
        assert "Too many verifications" in limited.content.decode()
        assert "Amina Khan" not in limited.content.decode()
        assert limited["Retry-After"] == "50"
        # Unknown codes count too: a scanner is stopped whatever it tries.
        assert client.get("/verify/" + "x" * 32 + "/", REMOTE_ADDR="192.0.2.1").status_code == 429
        assert client.get(url, REMOTE_ADDR="192.0.2.2").status_code == 200  # another address

        clock.move_to(datetime.datetime(2026, 3, 15, 10, 1, 0, tzinfo=datetime.UTC))  # the next window
        assert client.get(url, REMOTE_ADDR="192.0.2.1").status_code == 200


# --- revocation in the admin ------------------------------------------------------------------------


def revoke_url(certificate: Certificate) -> str:
    return reverse("certificates_admin:revoke", args=[certificate.pk])


def test_a_programme_admin_lists_and_filters_certificates(client, certificate, programme_admin):
    force_login_verified(client, programme_admin)
    listing = client.get(reverse("certificates_admin:index"))

    assert listing.status_code == 200
    page = listing.content.decode()
    assert "Amina Khan" in page and "Defense Planning" in page and "Staff College 2026" in page
    assert revoke_url(certificate) in page
    assert (
        "Amina Khan"
        not in client.get(reverse("certificates_admin:index"), {"status": "revoked"}).content.decode()
    )
    assert "Amina Khan" in client.get(reverse("certificates_admin:index"), {"q": "amina"}).content.decode()
    assert (
        "Amina Khan" not in client.get(reverse("certificates_admin:index"), {"q": "zebra"}).content.decode()
    )
    inspect = client.get(reverse("certificates_admin:inspect", args=[certificate.pk])).content.decode()
    assert certificate.code in inspect and revoke_url(certificate) in inspect


def test_a_programme_admin_revokes_with_a_reason_and_it_is_logged(client, certificate, programme_admin):
    force_login_verified(client, programme_admin)
    assert client.get(revoke_url(certificate)).status_code == 200

    refused = client.post(revoke_url(certificate), {"reason": "   "})
    assert refused.status_code == 200 and "This field is required." in refused.content.decode()
    certificate.refresh_from_db()
    assert not certificate.is_revoked

    response = client.post(revoke_url(certificate), {"reason": "Completed with another officer's account."})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.is_revoked
    assert certificate.revoked_by == programme_admin
    assert certificate.revocation_reason == "Completed with another officer's account."
    entry = ModelLogEntry.objects.get(action="curriculum.certificate.revoke")
    assert entry.object_id == str(certificate.pk) and entry.user == programme_admin
    assert entry.data == {"reason": "Completed with another officer's account."}
    history = client.get(reverse("certificates_admin:history", args=[certificate.pk])).content.decode()
    assert "Certificate revoked" in history and "Completed with another officer&#x27;s account." in history
    assert "Certificate issued" in history

    # Final: a second revocation changes nothing, and no form brings it back.
    client.post(revoke_url(certificate), {"reason": "Again"})
    certificate.refresh_from_db()
    assert certificate.revocation_reason == "Completed with another officer's account."
    assert ModelLogEntry.objects.filter(action="curriculum.certificate.revoke").count() == 1


def test_nobody_adds_edits_or_deletes_a_certificate_in_the_admin(client, certificate, superuser):
    force_login_verified(client, superuser)
    for url in (
        reverse("certificates_admin:add"),
        reverse("certificates_admin:edit", args=[certificate.pk]),
        reverse("certificates_admin:delete", args=[certificate.pk]),
    ):
        assert client.get(url).status_code != 200, url
        assert client.post(url, {}).status_code != 200, url
    assert Certificate.objects.get() == certificate
    certificate.refresh_from_db()
    assert not certificate.is_revoked


def test_an_officer_cannot_revoke(client, certificate, world):
    client.force_login(world["officer"])
    response = client.post(revoke_url(certificate), {"reason": "Mine to revoke?"})

    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    certificate.refresh_from_db()
    assert not certificate.is_revoked


def test_an_instructor_cannot_revoke(client, certificate, instructor):
    force_login_verified(client, instructor)
    client.post(revoke_url(certificate), {"reason": "Not mine to revoke"})

    certificate.refresh_from_db()
    assert not certificate.is_revoked
    assert client.get(reverse("certificates_admin:index")).status_code != 200


def test_the_dashboard_links_a_completed_courses_certificate(client, certificate, world):
    client.force_login(world["officer"])
    page = client.get(reverse("dashboard")).content.decode()
    assert reverse("certificate_download", args=[certificate.pk]) in page
    assert reverse("certificates") in page
    certificate.revoked_at = certificate.issued_at
    certificate.save(update_fields=["revoked_at"])
    page = client.get(reverse("dashboard")).content.decode()
    assert reverse("certificate_download", args=[certificate.pk]) not in page
