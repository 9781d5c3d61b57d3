"""Each editorial group holds exactly the permissions of the role table in docs/architecture.md,
read back from the database (model, page and collection permissions), and what that means in the
admin: instructors upload images, editors cannot touch programme pages, no Moderators workflow."""

from __future__ import annotations

import io

from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wagtail.images import get_image_model
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Workflow

import pytest
from PIL import Image

from curriculum.setup import ensure_site_structure
from tests.conftest import force_login_verified
from tests.factories import GuideFactory

pytestmark = pytest.mark.django_db

SECTIONS = {
    "curriculum": ["/home/curriculum/", "/home-ar/curriculum/"],
    "culture": ["/home/culture/", "/home-ar/culture/"],
    "programmes": ["/home/programmes/", "/home-ar/programmes/"],
}
GLOSSARY_READ = {"curriculum.view_glossaryterm", "curriculum.view_track"}

# The role table of docs/architecture.md, written out.
TABLE = {
    "Instructors": {
        "models": {"wagtailadmin.access_admin", "portal.view_cohort", *GLOSSARY_READ},
        "pages": {"curriculum": {"add_page", "change_page"}},
        "collections": {
            "Curriculum": {"add_image", "choose_image", "add_document", "choose_document"},
        },
    },
    "Editors": {
        "models": {
            "wagtailadmin.access_admin",
            *GLOSSARY_READ,
            "curriculum.add_glossaryterm",
            "curriculum.change_glossaryterm",
            "curriculum.delete_glossaryterm",
            "curriculum.publish_glossaryterm",
            "curriculum.add_track",
            "curriculum.change_track",
        },
        "pages": {
            "curriculum": {"change_page", "publish_page"},
            "culture": {"add_page", "change_page", "publish_page"},
        },
        "collections": {
            "Curriculum": {
                "add_image",
                "change_image",
                "choose_image",
                "add_document",
                "change_document",
                "choose_document",
            },
        },
    },
    # Runs the lessons-learned process on the portal's own pages: no admin permission of its own.
    "Lessons managers": {"models": set(), "pages": {}, "collections": {}},
    "Programme admins": {
        "models": {
            "wagtailadmin.access_admin",
            *GLOSSARY_READ,
            *{
                f"portal.{action}_{model}"
                for model in ("nation", "cohort", "cohortmembership", "officerprofile", "accessrule")
                for action in ("add", "change", "delete", "view")
            },
            "auth.add_user",
            "auth.change_user",
            "auth.view_user",
            "portal.view_accesslogentry",
            "axes.view_accessattempt",
            "axes.delete_accessattempt",
            "curriculum.view_certificate",
            "curriculum.revoke_certificate",
        },
        "pages": {"programmes": {"add_page", "change_page", "publish_page"}},
        "collections": {"Curriculum": {"choose_image", "choose_document"}},
    },
}


def expected_pages(role: dict) -> set[tuple[str, str]]:
    return {
        (path, codename)
        for section, codenames in role["pages"].items()
        for path in SECTIONS[section]
        for codename in codenames
    }


def permissions_of(group: Group) -> dict:
    return {
        "models": {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()},
        "pages": {
            (gp.page.url_path, gp.permission.codename)
            for gp in GroupPagePermission.objects.filter(group=group).select_related("page", "permission")
        },
        "collections": {
            (gc.collection.name, gc.permission.codename)
            for gc in GroupCollectionPermission.objects.filter(group=group).select_related(
                "collection", "permission"
            )
        },
    }


def assert_groups_match_the_table() -> None:
    for name, role in TABLE.items():
        actual = permissions_of(Group.objects.get(name=name))
        assert actual["models"] == role["models"], name
        assert actual["pages"] == expected_pages(role), name
        assert actual["collections"] == {
            (collection, codename)
            for collection, codenames in role["collections"].items()
            for codename in codenames
        }, name
    assert set(Group.objects.values_list("name", flat=True)) == set(TABLE)  # no Moderators


def test_after_migrate_each_group_has_exactly_the_role_table(home):
    assert_groups_match_the_table()
    wagtail_default = Workflow.objects.filter(name="Moderators approval").first()
    if wagtail_default is not None:
        assert not wagtail_default.active and not wagtail_default.workflow_pages.exists()


def test_an_existing_database_is_fixed_by_the_setup_that_migrate_runs(home):
    # As a database made before the fix: Wagtail's defaults left on the root page and collection.
    editors = Group.objects.get(name="Editors")
    root_page, root_collection = Page.get_first_root_node(), Collection.get_first_root_node()
    for codename in ("add_page", "change_page"):
        GroupPagePermission.objects.create(
            group=editors, page=root_page, permission=Permission.objects.get(codename=codename)
        )
    GroupCollectionPermission.objects.create(
        group=editors, collection=root_collection, permission=Permission.objects.get(codename="add_image")
    )
    editors.permissions.add(Permission.objects.get(codename="delete_image"))
    moderators = Group.objects.create(name="Moderators")
    GroupPagePermission.objects.create(
        group=moderators, page=root_page, permission=Permission.objects.get(codename="publish_page")
    )

    ensure_site_structure()
    ensure_site_structure()  # idempotent

    assert_groups_match_the_table()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "navy").save(out, "PNG")
    return out.getvalue()


def test_an_instructor_uploads_images_into_the_curriculum_collection(client, instructor, home):
    force_login_verified(client, instructor)

    assert client.get("/admin/images/multiple/add/").status_code == 200
    response = client.post(
        "/admin/images/multiple/add/",
        {"files[]": SimpleUploadedFile("map.png", png(), "image/png")},
    )

    assert response.status_code == 200
    assert response.json()["success"] is True
    image = get_image_model().objects.get()
    assert image.collection.name == "Curriculum" and image.uploaded_by_user == instructor
    assert client.get("/admin/documents/multiple/add/").status_code == 200


def test_editors_cannot_add_or_edit_programme_pages(client, editor, programme_index):
    force_login_verified(client, editor)

    add = client.get(reverse("wagtailadmin_pages:add_subpage", args=[programme_index.pk]))
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[programme_index.pk]))
    home_add = client.get(reverse("wagtailadmin_pages:add_subpage", args=[programme_index.get_parent().pk]))

    assert add.status_code in (302, 403) and edit.status_code in (302, 403)
    assert home_add.status_code in (302, 403)


def test_the_arabic_guide_offers_no_moderators_approval(client, editor, home_ar):
    from curriculum.models import CultureIndexPage

    culture_ar = CultureIndexPage.objects.child_of(home_ar).get()
    guide = GuideFactory(parent=culture_ar, title="آداب الضيافة", slug="hospitality-ar")
    force_login_verified(client, editor)

    response = client.get(reverse("wagtailadmin_pages:edit", args=[guide.pk]))

    assert response.status_code == 200
    assert "Moderators" not in response.content.decode()
