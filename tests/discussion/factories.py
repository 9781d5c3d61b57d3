"""Factories for the discussion's records (threads, posts, reports, mutes)."""

from __future__ import annotations

import datetime

from django.utils import timezone

import factory
from factory.django import DjangoModelFactory

from discussion import models
from tests.factories import CohortFactory, OfficerFactory


class ThreadFactory(DjangoModelFactory):
    """A module's thread for a cohort: pass `module=` (a live module page)."""

    class Meta:
        model = models.Thread

    cohort = factory.SubFactory(CohortFactory)
    module_key = factory.LazyAttribute(lambda o: o.module.translation_key)


class PostFactory(DjangoModelFactory):
    class Meta:
        model = models.Post

    author = factory.SubFactory(OfficerFactory)
    body = factory.Sequence(lambda n: f"Post number {n} about the module.")
    created_at = factory.LazyFunction(timezone.now)

    class Params:
        hidden = factory.Trait(state=models.Post.State.HIDDEN, moderation_reason="Off topic.")
        held = factory.Trait(state=models.Post.State.HELD)


class ReportFactory(DjangoModelFactory):
    class Meta:
        model = models.Report

    reporter = factory.SubFactory(OfficerFactory)
    reason = "This post is off topic."


class MuteFactory(DjangoModelFactory):
    class Meta:
        model = models.Mute

    until = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))
    reason = "Repeated off-topic posts."
