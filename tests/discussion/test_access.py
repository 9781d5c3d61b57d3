"""Who takes part in a module's discussion for a cohort: open members who may read the module read
and post, the cohort's instructors moderate, and for everyone else every address is a 404."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

import pytest

from discussion.models import Post
from tests.conftest import force_login_verified
from tests.discussion.factories import PostFactory, ReportFactory, ThreadFactory
from tests.factories import AccessRuleFactory, CohortFactory, ModuleFactory, OfficerFactory, UserFactory

pytestmark = pytest.mark.django_db


def signed_in(user, *, verified: bool = False) -> Client:
    client = Client()
    if verified:
        force_login_verified(client, user)
    else:
        client.force_login(user)
    return client


def test_a_member_of_an_open_cohort_reads_and_posts(member_client, member, module, cohort, thread_url):
    page = member_client.get(thread_url)
    assert page.status_code == 200
    assert "No posts yet" in page.content.decode()

    response = member_client.post(thread_url, {"body": "Planning starts with *the mission*."})

    post = Post.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{thread_url}#post-{post.pk}"
    assert (post.author, post.state, post.thread.cohort, post.thread.module_id) == (
        member,
        Post.State.PUBLISHED,
        cohort,
        module.pk,
    )
    page = member_client.get(thread_url).content.decode()
    assert "Planning starts with <em>the mission</em>." in page
    assert "Amal Haddad" in page


def test_the_arabic_translation_shares_the_thread(member_client, module, cohort, locale_ar):
    thread = ThreadFactory(module=module, cohort=cohort)
    PostFactory(thread=thread, body="مرحبا بالجميع")
    arabic = module.copy_for_translation(locale_ar, copy_parents=True, alias=False)
    arabic.save_revision().publish()

    page = member_client.get(f"/ar/discussion/{arabic.pk}/{cohort.slug}/")

    assert page.status_code == 200
    assert "مرحبا بالجميع" in page.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, thread_url):
    response = client.get(thread_url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def outsiders(module, cohort, closed_cohort):
    """Signed-in users for whom the cohort's thread of `module` does not exist."""
    closed = OfficerFactory(username="closed-member", cohorts=[closed_cohort])
    elsewhere = OfficerFactory(username="elsewhere", cohorts=[CohortFactory(slug="cohort-b")])
    other_teacher = UserFactory(username="other-teacher", role="instructor")
    CohortFactory(slug="cohort-c").instructors.add(other_teacher)
    return {
        "closed cohort": closed,
        "another cohort": elsewhere,
        "another cohort's instructor": other_teacher,
    }


def endpoints(module, cohort, post, member):
    """Every address of the discussion that concerns this thread, as (method, url)."""
    thread = [module.pk, cohort.slug]
    urls = [
        ("get", reverse("discussion:thread", args=thread)),
        ("post", reverse("discussion:thread", args=thread)),
        *[
            (m, reverse(f"discussion:{name}", args=thread))
            for name in ("lock", "unlock")
            for m in ("get", "post")
        ],
        *[
            (m, reverse(f"discussion:{name}", args=[*thread, member.pk]))
            for name in ("mute", "unmute")
            for m in ("get", "post")
        ],
        ("get", reverse("discussion:history", args=[post.pk])),
    ]
    for name in ("edit", "report", "hide", "restore", "approve", "reject", "dismiss"):
        urls += [
            ("get", reverse(f"discussion:{name}", args=[post.pk])),
            ("post", reverse(f"discussion:{name}", args=[post.pk])),
        ]
    return urls


DATA = {"body": "Hello", "reason": "Because", "hours": "24"}


def test_outsiders_get_404_everywhere(module, cohort, closed_cohort, member):
    thread = ThreadFactory(module=module, cohort=cohort)
    post = PostFactory(thread=thread, author=member)
    users = outsiders(module, cohort, closed_cohort)
    for label, user in users.items():
        client = signed_in(user, verified=user.username == "other-teacher")
        for method, url in endpoints(module, cohort, post, member):
            response = getattr(client, method)(url, DATA if method == "post" else None)
            assert response.status_code == 404, (label, method, url)
    assert Post.objects.count() == 1
    assert not thread.posts.exclude(pk=post.pk).exists()


def test_a_member_who_may_not_read_the_module_gets_404(module, cohort, member, thread_url, course):
    restricted = ModuleFactory(parent=course, slug="restricted")
    AccessRuleFactory(page=restricted, cohorts=[CohortFactory(slug="cohort-b")])
    post = PostFactory(thread=ThreadFactory(module=restricted, cohort=cohort), author=member)
    client = signed_in(member)
    for method, url in endpoints(restricted, cohort, post, member):
        response = getattr(client, method)(url, DATA if method == "post" else None)
        assert response.status_code == 404, (method, url)
    assert client.get(thread_url).status_code == 200  # the open module's thread is still theirs


def test_a_member_cannot_use_the_moderators_addresses(member_client, module, cohort, other_member):
    post = PostFactory(thread=ThreadFactory(module=module, cohort=cohort), author=other_member)
    for name in ("hide", "restore", "approve", "reject", "dismiss"):
        for method in ("get", "post"):
            response = getattr(member_client, method)(reverse(f"discussion:{name}", args=[post.pk]), DATA)
            assert response.status_code == 404, name
    for name in ("lock", "unlock"):
        assert (
            member_client.post(reverse(f"discussion:{name}", args=[module.pk, cohort.slug])).status_code
            == 404
        )
    mute = reverse("discussion:mute", args=[module.pk, cohort.slug, other_member.pk])
    assert member_client.post(mute, DATA).status_code == 404
    assert member_client.get(reverse("discussion:moderation")).status_code == 404
    settings_url = reverse("discussion:settings", args=[cohort.slug])
    assert (
        member_client.post(settings_url, {f"{cohort.slug}-premoderate_first_posts": "on"}).status_code == 404
    )
    post.refresh_from_db()
    assert post.state == Post.State.PUBLISHED


def test_bad_ids_are_404(member_client, module, cohort):
    for url in (
        f"/discussion/999999/{cohort.slug}/",
        f"/discussion/{module.pk}/no-such-cohort/",
        f"/discussion/{module.get_parent().pk}/{cohort.slug}/",  # a course, not a module
        "/discussion/posts/999999/edit/",
        "/discussion/posts/999999/report/",
        "/discussion/posts/999999/history/",
        f"/discussion/{module.pk}/{cohort.slug}/members/999999/mute/",
    ):
        assert member_client.get(url).status_code == 404, url
        assert member_client.post(url, DATA).status_code in (404, 405), url


def test_a_held_post_of_someone_else_does_not_exist_for_a_member(member_client, module, cohort, other_member):
    post = PostFactory(thread=ThreadFactory(module=module, cohort=cohort), author=other_member, held=True)
    page = member_client.get(reverse("discussion:thread", args=[module.pk, cohort.slug])).content.decode()
    assert post.body not in page
    assert member_client.get(reverse("discussion:report", args=[post.pk])).status_code == 404


def test_the_cohorts_instructor_moderates(moderator, module, cohort, member, thread_url):
    post = PostFactory(thread=ThreadFactory(module=module, cohort=cohort), author=member)
    client = signed_in(moderator, verified=True)
    page = client.get(thread_url).content.decode()
    assert reverse("discussion:hide", args=[post.pk]) in page
    assert reverse("discussion:lock", args=[module.pk, cohort.slug]) in page
    assert reverse("discussion:mute", args=[module.pk, cohort.slug, member.pk]) in page
    assert client.get(reverse("discussion:moderation")).status_code == 200


def test_the_module_page_links_each_discussion_for_members_only(module, cohort, member, closed_cohort):
    PostFactory.create_batch(2, thread=ThreadFactory(module=module, cohort=cohort), author=member)
    thread_url = reverse("discussion:thread", args=[module.pk, cohort.slug])

    page = signed_in(member).get(module.url).content.decode()
    assert f'href="{thread_url}"' in page
    assert "Discussion — Cohort A (2 posts)" in page

    for label, user in outsiders(module, cohort, closed_cohort).items():
        page = signed_in(user, verified=user.username == "other-teacher").get(module.url)
        assert thread_url not in page.content.decode(), label
        assert "Cohort A" not in page.content.decode(), label
    # Someone whose only cohort is closed has no discussion here at all.
    page = signed_in(OfficerFactory(username="alumnus", cohorts=[closed_cohort])).get(module.url)
    assert "Discuss this module" not in page.content.decode()


def test_the_module_page_links_the_instructor_to_the_cohorts_they_teach(moderator, module, cohort):
    page = signed_in(moderator, verified=True).get(module.url).content.decode()
    assert "Discussion — Cohort A (0 posts)" in page


def test_every_page_renders_in_arabic(moderator, module, cohort, member):
    thread = ThreadFactory(module=module, cohort=cohort)
    post = PostFactory(thread=thread, author=member, body="نص *المشاركة*")
    ReportFactory(post=post, reason="سبب")
    client = signed_in(moderator, verified=True)
    urls = [
        f"/ar/discussion/{module.pk}/{cohort.slug}/",
        f"/ar/discussion/{module.pk}/{cohort.slug}/lock/",
        f"/ar/discussion/{module.pk}/{cohort.slug}/members/{member.pk}/mute/",
        f"/ar/discussion/posts/{post.pk}/hide/",
        f"/ar/discussion/posts/{post.pk}/dismiss/",
        f"/ar/discussion/posts/{post.pk}/history/",
        "/ar/discussion/moderation/",
    ]
    for url in urls:
        page = client.get(url)
        assert page.status_code == 200, url
        html = page.content.decode()
        assert '<html lang="ar" dir="rtl">' in html, url
        assert '<main id="main"' in html and "<h1" in html, url
