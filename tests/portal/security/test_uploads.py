"""Uploads through the admin: only the allowed types and sizes, refused with a clear message."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from wagtail.documents import get_document_model
from wagtail.images import get_image_model

import pytest
from PIL import Image

from tests.conftest import force_login_verified

pytestmark = pytest.mark.django_db


def png(size: int = 32) -> bytes:
    out = io.BytesIO()
    Image.effect_noise((size, size), 64).convert("RGB").save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def editor_client(client, editor):
    force_login_verified(client, editor)
    return client


def upload_image(client, name: str, content: bytes, content_type: str = "image/png"):
    return client.post(
        "/admin/images/add/", {"title": "Map", "file": SimpleUploadedFile(name, content, content_type)}
    )


def upload_document(client, name: str, content: bytes, content_type: str = "application/octet-stream"):
    return client.post(
        "/admin/documents/add/", {"title": "Annex", "file": SimpleUploadedFile(name, content, content_type)}
    )


def errors(response) -> str:
    assert response.status_code == 200  # the form again, not a redirect
    return " ".join(str(e) for e in response.context["form"].errors.get("file", []))


def test_an_allowed_image_is_accepted(editor_client):
    assert upload_image(editor_client, "map.png", png()).status_code == 302
    assert get_image_model().objects.filter(title="Map").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "map.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "Not a supported",
        ),
        ("map.bmp", b"BM" + b"\x00" * 60, "Not a supported"),
        ("map.png", b"<html><script>alert(1)</script></html>", "Not a valid .png image"),
        ("map.html", b"<html></html>", "Not a supported"),
    ],
)
def test_other_image_types_are_refused_with_a_clear_error(editor_client, name, content, message):
    assert message in errors(upload_image(editor_client, name, content))
    assert not get_image_model().objects.exists()


def test_an_image_over_the_size_limit_is_refused(editor_client, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 1024
    data = png(256)
    assert len(data) > 1024
    assert "This file is too big" in errors(upload_image(editor_client, "map.png", data))
    assert not get_image_model().objects.exists()


def test_the_default_limits(settings):
    assert settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE == 10 * 1024 * 1024
    assert settings.WAGTAILDOCS_MAX_UPLOAD_SIZE == 20 * 1024 * 1024
    assert "svg" not in settings.WAGTAILIMAGES_EXTENSIONS
    assert not {"html", "htm", "svg", "js", "exe"} & set(settings.WAGTAILDOCS_EXTENSIONS)
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 5 * 1024 * 1024


def test_an_allowed_document_is_accepted(editor_client):
    assert upload_document(editor_client, "annex.pdf", b"%PDF-1.4 annex").status_code == 302
    assert get_document_model().objects.filter(title="Annex").exists()


@pytest.mark.parametrize("name", ["annex.exe", "annex.html", "annex.svg", "annex.js", "annex"])
def test_other_document_types_are_refused_with_a_clear_error(editor_client, name):
    message = errors(upload_document(editor_client, name, b"MZ\x90\x00"))
    assert "is not allowed" in message and "pdf" in message
    assert not get_document_model().objects.exists()


def test_a_document_over_the_size_limit_is_refused(editor_client, settings):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 1024
    assert "This file is too big" in errors(
        upload_document(editor_client, "annex.pdf", b"%PDF" + b"x" * 2048)
    )
    assert not get_document_model().objects.exists()


def test_the_multiple_upload_says_why_too(editor_client):
    response = editor_client.post(
        "/admin/images/multiple/add/",
        {"files[]": SimpleUploadedFile("map.svg", b"<svg/>", "image/svg+xml")},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is False and "Not a supported" in str(body)
