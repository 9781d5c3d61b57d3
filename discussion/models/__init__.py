"""The discussion of a module by one cohort: threads, posts and their revisions, reports, mutes,
the cohort's discussion settings and the record of every moderation action."""

from .moderation import CohortDiscussionSettings, ModerationAction, Mute, Report
from .threads import Post, PostRevision, Thread

__all__ = [
    "CohortDiscussionSettings",
    "ModerationAction",
    "Mute",
    "Post",
    "PostRevision",
    "Report",
    "Thread",
]
