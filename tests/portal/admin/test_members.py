"""Cohort members in the admin: one by one in the cohort editor, many at once from a CSV upload."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from portal.models import CohortMembership
from tests.conftest import force_login_verified
from tests.factories import CohortFactory, OfficerFactory, UserFactory

pytestmark = pytest.mark.django_db


def upload_url(cohort) -> str:
    return reverse("wagtailsnippets_portal_cohort:upload_members", args=[cohort.pk])


def edit_url(cohort) -> str:
    return reverse("wagtailsnippets_portal_cohort:edit", args=[cohort.pk])


def csv_file(text: str | bytes, name: str = "members.csv") -> SimpleUploadedFile:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


def members_of(cohort) -> set[str]:
    return set(cohort.members.values_list("username", flat=True))


@pytest.fixture
def cohort(db):
    return CohortFactory(slug="spring-2026", name="Spring 2026")


@pytest.fixture
def people(db):
    return [
        UserFactory(username="a.haddad", email="amal@example.org"),
        UserFactory(username="j.smith", email="john@example.org"),
        UserFactory(username="k.tanaka", email="ken@example.org"),
    ]


def test_a_valid_file_adds_everyone_and_tolerates_existing_members(client, programme_admin, cohort, people):
    CohortMembership.objects.create(cohort=cohort, user=people[2])
    force_login_verified(client, programme_admin)
    text = "Username,Name\r\na.haddad,Amal\r\n,\r\nJ.SMITH,John\r\nk.tanaka,Ken\r\n"

    response = client.post(upload_url(cohort), {"file": csv_file(text)}, follow=True)

    assert response.redirect_chain[-1][0] == edit_url(cohort)
    assert members_of(cohort) == {"a.haddad", "j.smith", "k.tanaka"}
    assert "2 members added to “Spring 2026”. 1 person in the file was a member already." in (
        response.content.decode()
    )


def test_members_can_be_named_by_email_and_uploading_twice_changes_nothing(
    client, programme_admin, cohort, people
):
    force_login_verified(client, programme_admin)
    text = "\ufeffemail\namal@example.org\nJohn@Example.org\n"

    client.post(upload_url(cohort), {"file": csv_file(text)})
    client.post(upload_url(cohort), {"file": csv_file(text)})

    assert members_of(cohort) == {"a.haddad", "j.smith"}
    assert CohortMembership.objects.filter(cohort=cohort).count() == 2


def test_any_bad_row_adds_nobody_and_every_problem_is_reported(client, programme_admin, cohort, people):
    UserFactory(username="twin1", email="twins@example.org")
    UserFactory(username="twin2", email="twins@example.org")
    force_login_verified(client, programme_admin)
    text = (
        "username,email\n"
        "a.haddad,\n"  # row 2: fine
        "nobody,\n"  # row 3: unknown user
        ",twins@example.org\n"  # row 4: ambiguous email
        "\n"  # row 5: empty, ignored
        ",john@example.org\n"  # row 6: fine
        "A.Haddad,\n"  # row 7: duplicate of row 2
        ",nobody@example.org\n"  # row 8: unknown email
    )

    response = client.post(upload_url(cohort), {"file": csv_file(text)})

    assert response.status_code == 200
    assert members_of(cohort) == set()
    rows = response.context["report"].problems
    assert [(p.row, p.value) for p in rows] == [
        (3, "nobody"),
        (4, "twins@example.org"),
        (7, "A.Haddad"),
        (8, "nobody@example.org"),
    ]
    page = response.content.decode()
    assert "4 rows need correcting; nobody was added." in page
    assert "no account has this username" in page
    assert "several accounts have this email address" in page
    assert "listed already in row 2" in page
    assert "no account has this email address" in page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,rank\nAmal,Major\n", "must be a header naming a “username” or “email” column"),
        ("username\n\n\n", "The file names nobody"),
        ("username\nj\u00f6rg\n".encode("latin-1"), "not UTF-8 text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8 text"),
        ("username\n\x00\x00\n", "not a CSV text file"),
        ("", "The submitted file is empty."),
    ],
)
def test_an_unusable_file_is_a_form_error(client, programme_admin, cohort, people, content, message):
    force_login_verified(client, programme_admin)

    response = client.post(upload_url(cohort), {"file": csv_file(content)})

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert members_of(cohort) == set()


def test_a_file_over_one_megabyte_is_refused(client, programme_admin, cohort, people):
    force_login_verified(client, programme_admin)
    text = "username\n" + "a.haddad\n" * 120_000

    response = client.post(upload_url(cohort), {"file": csv_file(text)})

    assert "larger than 1 MB" in " ".join(response.context["form"].errors["file"])
    assert members_of(cohort) == set()


def test_the_upload_is_linked_from_the_cohort_listing_and_editor(client, programme_admin, cohort):
    force_login_verified(client, programme_admin)

    listing = client.get(reverse("wagtailsnippets_portal_cohort:list"))
    editor = client.get(edit_url(cohort))

    assert upload_url(cohort) in listing.content.decode()
    assert upload_url(cohort) in editor.content.decode()
    assert client.get(upload_url(cohort)).status_code == 200


@pytest.mark.parametrize("role", ["instructor", "editor", None])
def test_only_those_who_manage_members_may_upload(client, cohort, people, role):
    user = UserFactory(username=f"someone-{role}", role=role, is_staff=role is None)
    if role is None:
        user = OfficerFactory(username="an-officer")
    force_login_verified(client, user)

    get = client.get(upload_url(cohort))
    post = client.post(upload_url(cohort), {"file": csv_file("username\na.haddad\n")})

    assert get.status_code in (302, 403)
    assert post.status_code in (302, 403)
    assert members_of(cohort) == set()


def test_members_are_added_and_removed_one_by_one_in_the_cohort_editor(
    client, programme_admin, cohort, people
):
    existing = CohortMembership.objects.create(cohort=cohort, user=people[0])
    force_login_verified(client, programme_admin)
    editor = client.get(edit_url(cohort))
    assert "a.haddad" in editor.content.decode()

    data = {
        "name": cohort.name,
        "slug": cohort.slug,
        "starts_on": cohort.starts_on.isoformat(),
        "ends_on": cohort.ends_on.isoformat(),
        "grace_days": "0",
        "memberships-TOTAL_FORMS": "2",
        "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": str(existing.pk),
        "memberships-0-user": str(people[0].pk),
        "memberships-0-DELETE": "1",
        "memberships-1-id": "",
        "memberships-1-user": str(people[1].pk),
    }
    response = client.post(edit_url(cohort), data)

    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    assert members_of(cohort) == {"j.smith"}


def test_the_person_chooser_searches_accounts_for_member_managers_only(
    client, programme_admin, instructor, people
):
    chooser = reverse("user_chooser:choose_results")

    force_login_verified(client, instructor)
    refused = client.get(chooser, {"q": "smith"})
    assert refused.status_code in (302, 403)
    assert "j.smith" not in refused.content.decode()

    force_login_verified(client, programme_admin)
    response = client.get(chooser, {"q": "smith"})
    assert response.status_code == 200
    assert "j.smith" in response.content.decode()
    assert "a.haddad" not in response.content.decode()
