"""What the cohort's instructors do: hide and restore with a reason, lock, mute for a time,
pre-moderate new members' first posts, and the log of it all on the moderation page."""

from __future__ import annotations

import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine

from discussion.models import CohortDiscussionSettings, ModerationAction, Mute, Post, Report
from tests.conftest import force_login_verified
from tests.discussion.factories import MuteFactory, PostFactory, ReportFactory, ThreadFactory
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mod(moderator) -> Client:
    client = Client()
    force_login_verified(client, moderator)
    return client


@pytest.fixture
def thread(module, cohort):
    return ThreadFactory(module=module, cohort=cohort)


def test_hide_and_restore_with_a_reason_the_members_do_not_see(
    mod, member_client, moderator, thread, other_member, thread_url
):
    post = PostFactory(thread=thread, author=other_member, body="An insult.")
    ReportFactory(post=post, reason="Insulting.")
    hide_url = reverse("discussion:hide", args=[post.pk])

    page = mod.post(hide_url, {"reason": ""})
    assert page.status_code == 200 and 'role="alert"' in page.content.decode()  # a reason is required
    assert mod.post(hide_url, {"reason": "Personal attack on a classmate."}).status_code == 302

    post.refresh_from_db()
    assert post.state == Post.State.HIDDEN
    assert not Report.objects.filter(resolved_at__isnull=True).exists()  # hiding resolves the reports
    members_view = member_client.get(thread_url).content.decode()
    assert "This post was hidden by a moderator." in members_view
    assert "An insult." not in members_view and "Personal attack on a classmate." not in members_view
    moderators_view = mod.get(thread_url).content.decode()
    assert "An insult." in moderators_view and "Personal attack on a classmate." in moderators_view

    assert (
        mod.post(reverse("discussion:restore", args=[post.pk]), {"reason": "Apology made."}).status_code
        == 302
    )
    post.refresh_from_db()
    assert post.state == Post.State.PUBLISHED
    assert "An insult." in member_client.get(thread_url).content.decode()
    assert list(
        ModerationAction.objects.order_by("pk").values_list("kind", "reason", "moderator", "post")
    ) == [
        ("hide", "Personal attack on a classmate.", moderator.pk, post.pk),
        ("restore", "Apology made.", moderator.pk, post.pk),
    ]


def test_a_locked_thread_takes_no_posts_and_says_so(mod, member_client, module, cohort, thread_url):
    lock_url = reverse("discussion:lock", args=[module.pk, cohort.slug])
    assert mod.post(lock_url, {"reason": "Exercise over."}).status_code == 302

    page = member_client.get(thread_url).content.decode()
    assert "This discussion is locked: no new posts can be added." in page
    assert '<textarea name="body"' not in page
    refused = member_client.post(thread_url, {"body": "Still here?"})
    assert refused.status_code == 200
    assert "This discussion is locked" in refused.content.decode()
    assert "Still here?" in refused.content.decode()
    assert not Post.objects.exists()

    assert (
        mod.post(reverse("discussion:unlock", args=[module.pk, cohort.slug]), {"reason": ""}).status_code
        == 302
    )
    assert member_client.post(thread_url, {"body": "Back again."}).status_code == 302
    assert list(ModerationAction.objects.order_by("pk").values_list("kind", flat=True)) == ["lock", "unlock"]


def test_a_muted_member_reads_but_cannot_post_until_the_time(
    mod, client, member, module, cohort, thread_url, moderator
):
    start = timezone.now()
    mute_url = reverse("discussion:mute", args=[module.pk, cohort.slug, member.pk])
    with time_machine.travel(start, tick=False):
        response = mod.post(mute_url, {"hours": "24", "reason": "Spamming the thread."})
        assert response.status_code == 302
        mute = Mute.objects.get()
        assert (mute.user, mute.until, mute.created_by) == (
            member,
            start + datetime.timedelta(hours=24),
            moderator,
        )

    with time_machine.travel(start + datetime.timedelta(hours=1), tick=False):
        client.force_login(member)  # signed in again: sessions end after a while idle
        page = client.get(thread_url)
        assert page.status_code == 200
        html = page.content.decode()
        assert "A moderator has muted you in this cohort’s discussions until" in html
        assert '<textarea name="body"' not in html
        refused = client.post(thread_url, {"body": "Let me speak"}).content.decode()
        assert "muted you" in refused and "Let me speak" in refused
        assert not Post.objects.exists()

    with time_machine.travel(start + datetime.timedelta(hours=25), tick=False):
        client.force_login(member)
        assert client.post(thread_url, {"body": "Let me speak"}).status_code == 302
    action = ModerationAction.objects.get()
    assert (action.kind, action.member, action.reason) == ("mute", member, "Spamming the thread.")


def test_a_mute_can_be_lifted(mod, member_client, member, module, cohort, thread_url):
    MuteFactory(cohort=cohort, user=member)
    unmute = reverse("discussion:unmute", args=[module.pk, cohort.slug, member.pk])
    assert mod.post(unmute, {"reason": "Talked it over."}).status_code == 302
    assert member_client.post(thread_url, {"body": "Thanks"}).status_code == 302


def test_moderators_and_outsiders_cannot_be_muted(mod, moderator, module, cohort):
    outsider = OfficerFactory(username="outsider")
    for user_id in (moderator.pk, outsider.pk):
        url = reverse("discussion:mute", args=[module.pk, cohort.slug, user_id])
        assert mod.post(url, {"hours": "1", "reason": "x"}).status_code == 404
    assert not Mute.objects.exists()


def test_premoderation_holds_first_posts_until_one_is_approved(
    mod, member_client, member, cohort, thread_url, other_member
):
    settings_url = reverse("discussion:settings", args=[cohort.slug])
    assert mod.post(settings_url, {f"{cohort.slug}-premoderate_first_posts": "on"}).status_code == 302
    assert CohortDiscussionSettings.objects.get(cohort=cohort).premoderate_first_posts

    assert "wait for a moderator’s approval" in member_client.get(thread_url).content.decode()
    member_client.post(thread_url, {"body": "My first post"})
    held = Post.objects.get()
    assert held.state == Post.State.HELD
    assert "Awaiting a moderator’s approval" in member_client.get(thread_url).content.decode()

    other = Client()
    other.force_login(other_member)
    assert "My first post" not in other.get(thread_url).content.decode()
    queue = mod.get(reverse("discussion:moderation")).content.decode()
    assert "My first post" in queue and reverse("discussion:approve", args=[held.pk]) in queue

    response = mod.post(
        reverse("discussion:approve", args=[held.pk]), {"next": reverse("discussion:moderation")}
    )
    assert response["Location"] == reverse("discussion:moderation")
    held.refresh_from_db()
    assert held.state == Post.State.PUBLISHED
    assert "My first post" in other.get(thread_url).content.decode()

    member_client.post(thread_url, {"body": "My second post"})
    assert Post.objects.get(body="My second post").state == Post.State.PUBLISHED

    other.post(thread_url, {"body": "Newcomer's post"})
    newcomer = Post.objects.get(body="Newcomer's post")
    assert newcomer.state == Post.State.HELD
    assert (
        mod.post(reverse("discussion:reject", args=[newcomer.pk]), {"reason": "Off topic."}).status_code
        == 302
    )
    newcomer.refresh_from_db()
    assert newcomer.state == Post.State.REJECTED
    assert "Newcomer's post" not in member_client.get(thread_url).content.decode()
    assert "Rejected by a moderator" in other.get(thread_url).content.decode()
    assert list(ModerationAction.objects.order_by("pk").values_list("kind", flat=True)) == [
        "settings",
        "approve",
        "reject",
    ]


def test_moderators_posts_are_never_held(mod, cohort, thread_url):
    CohortDiscussionSettings.objects.create(cohort=cohort, premoderate_first_posts=True)
    mod.post(thread_url, {"body": "Welcome, all."})
    assert Post.objects.get().state == Post.State.PUBLISHED


def test_the_moderation_page_lists_reports_mutes_and_the_log(
    mod, moderator, thread, member, other_member, cohort, module
):
    post = PostFactory(thread=thread, author=other_member, body="Doubtful claim")
    ReportFactory(post=post, reporter=member, reason="Spreads a rumour.")
    MuteFactory(cohort=cohort, user=other_member, reason="Cooling off.")
    ModerationAction.objects.create(
        cohort=cohort, moderator=moderator, kind="lock", reason="Exam week.", thread=thread
    )
    other_cohort_post = PostFactory(
        thread=ThreadFactory(module=module), body="Another cohort's business", author=other_member
    )
    ReportFactory(post=other_cohort_post, reason="Not yours to see.")

    page = mod.get(reverse("discussion:moderation"))
    assert page.status_code == 200
    html = page.content.decode()
    for text in (
        "Spreads a rumour.",
        "Doubtful claim",
        "Cooling off.",
        "Exam week.",
        "Locked a thread",
        "Cohort A",
    ):
        assert text in html, text
    assert "Not yours to see." not in html and "Another cohort's business" not in html

    dismiss = reverse("discussion:dismiss", args=[post.pk])
    assert mod.post(dismiss, {"reason": "Checked: accurate."}).status_code == 302
    assert "Spreads a rumour." not in mod.get(reverse("discussion:moderation")).content.decode()
    assert ModerationAction.objects.filter(kind="dismiss", reason="Checked: accurate.").exists()
