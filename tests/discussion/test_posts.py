"""What a participant does with posts: the Markdown subset, sanitised; editing within the window,
with the earlier texts kept; reports; the rate limit that keeps the text."""

from __future__ import annotations

import datetime
import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine

from discussion.models import Post, PostRevision, Report
from tests.conftest import force_login_verified
from tests.discussion.factories import PostFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def body_of(page: str, post: Post) -> str:
    match = re.search(
        rf'<article [^>]*id="post-{post.pk}".*?'
        r'<div class="discussion-post__body prose" dir="auto">(.*?)</div>',
        page,
        re.S,
    )
    assert match, f"post {post.pk} has no body on the page"
    return match.group(1)


def test_posts_are_a_sanitised_markdown_subset(member_client, thread_url):
    text = "\n\n".join(
        [
            "Some *emphasis*, **strong** and `code`.",
            "<script>alert('x')</script>",
            '<a href="https://example.org" onclick="steal()">raw html</a>',
            "[bad](javascript:alert(1)) and [good](https://example.org/doc) and [local](/admin/)",
            "> a quote",
            "- one\n- two",
            "1. first\n2. second",
            "```\nprint('hi')\n```",
            "# Not a heading",
            "![image](https://example.org/x.png)",
        ]
    )
    member_client.post(thread_url, {"body": text})
    post = Post.objects.get()
    html = body_of(member_client.get(thread_url).content.decode(), post)

    assert "<script" not in html
    assert not re.search(r"<[^>]*onclick", html)  # no tag carries it (the text shows it, escaped)
    assert "&lt;script&gt;" in html  # shown as text, not run
    assert 'href="javascript' not in html
    assert '<a href="https://example.org/doc" rel="nofollow noopener">good</a>' in html
    assert 'href="/admin/"' not in html
    for tag in ("<em>emphasis</em>", "<strong>strong</strong>", "<code>code</code>", "<blockquote>"):
        assert tag in html
    assert "<ul>" in html and "<ol>" in html and "<pre><code>" in html
    assert "<h1" not in html and "<img" not in html
    assert post.body == text  # the text is stored as written


def test_every_post_body_says_dir_auto(member_client, thread_url, module, cohort, other_member):
    thread = ThreadFactory(module=module, cohort=cohort)
    arabic = PostFactory(thread=thread, author=other_member, body="التخطيط يبدأ بالمهمة.")
    english = PostFactory(thread=thread, author=other_member, body="Planning starts with the mission.")
    page = member_client.get(thread_url).content.decode()
    assert "التخطيط يبدأ بالمهمة." in body_of(page, arabic)
    assert "Planning starts with the mission." in body_of(page, english)
    assert page.count('class="discussion-post__body prose" dir="auto"') == 2


def test_an_empty_post_is_refused_with_an_error(member_client, thread_url):
    page = member_client.post(thread_url, {"body": "   "})
    assert page.status_code == 200
    assert 'role="alert"' in page.content.decode()
    assert not Post.objects.exists()


def test_the_author_edits_within_the_window_and_the_earlier_text_is_kept(
    member_client, member, module, cohort, settings
):
    settings.DISCUSSION_EDIT_WINDOW_MINUTES = 30
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        post = PostFactory(
            thread=ThreadFactory(module=module, cohort=cohort), author=member, body="First text"
        )
    edit_url = reverse("discussion:edit", args=[post.pk])
    thread_url = reverse("discussion:thread", args=[module.pk, cohort.slug])

    with time_machine.travel(start + datetime.timedelta(minutes=10), tick=False):
        page = member_client.get(thread_url).content.decode()
        assert f'href="{edit_url}"' in page
        assert "First text" in member_client.get(edit_url).content.decode()
        response = member_client.post(edit_url, {"body": "Second text"})
        assert response.status_code == 302
        member_client.post(edit_url, {"body": "Third text"})

    post.refresh_from_db()
    assert post.body == "Third text" and post.is_edited
    assert list(PostRevision.objects.filter(post=post).values_list("body", flat=True)) == [
        "Second text",
        "First text",
    ]
    page = member_client.get(thread_url).content.decode()
    assert "edited" in page
    history_url = reverse("discussion:history", args=[post.pk])
    assert f'href="{history_url}"' in page
    history = member_client.get(history_url).content.decode()
    assert "First text" in history and "Second text" in history and "Third text" in history

    with time_machine.travel(start + datetime.timedelta(minutes=31), tick=False):
        assert f'href="{edit_url}"' not in member_client.get(thread_url).content.decode()
        page = member_client.post(edit_url, {"body": "Too late"})
        assert page.status_code == 200
        assert "The time for editing this post has passed" in page.content.decode()
        assert "Too late" in page.content.decode()  # the text stays in the form
    post.refresh_from_db()
    assert post.body == "Third text"


def test_the_edit_window_is_a_setting(member_client, member, module, cohort, settings):
    settings.DISCUSSION_EDIT_WINDOW_MINUTES = 5
    post = PostFactory(
        thread=ThreadFactory(module=module, cohort=cohort),
        author=member,
        created_at=timezone.now() - datetime.timedelta(minutes=6),
    )
    page = member_client.post(reverse("discussion:edit", args=[post.pk]), {"body": "Changed"})
    assert "5 minutes" in page.content.decode()


def test_only_the_author_edits_and_history_is_for_author_and_moderators(
    member_client, other_member, module, cohort, moderator
):
    post = PostFactory(thread=ThreadFactory(module=module, cohort=cohort), author=other_member)
    PostRevision.objects.create(
        post=post, body="Before", written_at=post.created_at, replaced_at=timezone.now()
    )
    Post.objects.filter(pk=post.pk).update(edited_at=timezone.now())

    assert (
        member_client.post(reverse("discussion:edit", args=[post.pk]), {"body": "Mine now"}).status_code
        == 404
    )
    assert member_client.get(reverse("discussion:history", args=[post.pk])).status_code == 404
    moderator_client = Client()
    force_login_verified(moderator_client, moderator)
    assert "Before" in moderator_client.get(reverse("discussion:history", args=[post.pk])).content.decode()


def test_a_participant_reports_a_post_once(member_client, member, other_member, module, cohort, thread_url):
    post = PostFactory(thread=ThreadFactory(module=module, cohort=cohort), author=other_member)
    report_url = reverse("discussion:report", args=[post.pk])
    assert f'href="{report_url}"' in member_client.get(thread_url).content.decode()

    page = member_client.post(report_url, {"reason": ""})
    assert page.status_code == 200 and 'role="alert"' in page.content.decode()
    assert member_client.post(report_url, {"reason": "Personal attack."}).status_code == 302
    page = member_client.post(report_url, {"reason": "Again."})
    assert "You have already reported this post" in page.content.decode()

    assert list(Report.objects.values_list("post", "reporter", "reason")) == [
        (post.pk, member.pk, "Personal attack.")
    ]
    assert "You reported this post." in member_client.get(thread_url).content.decode()


def test_nobody_reports_their_own_post(member_client, member, module, cohort):
    post = PostFactory(thread=ThreadFactory(module=module, cohort=cohort), author=member)
    assert (
        member_client.post(reverse("discussion:report", args=[post.pk]), {"reason": "x"}).status_code == 404
    )


def test_over_the_rate_limit_the_form_says_so_and_keeps_the_text(member_client, thread_url, settings):
    settings.DISCUSSION_POSTS_PER_MINUTE = 2
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        member_client.post(thread_url, {"body": "One"})
        member_client.post(thread_url, {"body": "Two"})
        page = member_client.post(thread_url, {"body": "Three, which I took a long time to write"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "You have posted 2 times in the last minute" in html
    assert re.search(r"<textarea [^>]*>\s*Three, which I took a long time to write</textarea>", html)
    assert Post.objects.count() == 2

    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        assert member_client.post(thread_url, {"body": "Three"}).status_code == 302
    assert Post.objects.count() == 3


def test_posts_need_the_csrf_token(member, thread_url):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post(thread_url, {"body": "No token"}).status_code == 403
    page = client.get(thread_url).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page
    assert not Post.objects.exists()
