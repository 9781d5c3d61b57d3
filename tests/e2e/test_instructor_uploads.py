"""An instructor uploads images through Wagtail's multiple upload, in both admin languages: the
Instructors group adds and chooses images and documents in the curriculum's collection."""

from __future__ import annotations

import io
import re

from wagtail.images import get_image_model
from wagtail.users.models import UserProfile

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import e2e, give_second_factor, screenshot, sign_in

pytestmark = e2e


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_an_instructor_uploads_images_through_the_multiple_upload(browsers, world, language):
    instructor = world.instructor
    give_second_factor(instructor)
    profile = UserProfile.get_for_user(instructor)  # the admin's language: the account's preference
    profile.preferred_language = language
    profile.save()
    page = browsers.new_page(locale="ar" if language == "ar" else "en-GB")
    sign_in(page, instructor.username, path="/accounts/login/" if language == "en" else "/ar/accounts/login/")

    page.goto("/admin/images/multiple/add/")
    expect(page.locator("html")).to_have_attribute("lang", re.compile(f"^{language}"))
    if language == "ar":
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("input[type='file'][name='files[]']")).to_be_attached()
    page.locator("input[type='file'][name='files[]']").set_input_files(
        [{"name": f"terrain-{language}.png", "mimeType": "image/png", "buffer": png()}]
    )
    expect(page.locator("li.upload-success")).to_have_count(1, timeout=15000)
    screenshot(page, f"admin-instructor-upload-{language}")

    image = get_image_model().objects.get(title=f"terrain-{language}")
    assert image.collection.name == "Curriculum"
    assert image.uploaded_by_user_id == instructor.pk
