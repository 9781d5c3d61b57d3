"""The cohort's discussion on module pages (through curriculum's `module_page_panels` hook, named by
string), and the discussion's records for admins in the Wagtail admin."""

from django.template.loader import render_to_string

from wagtail import hooks

from discussion import rules
from portal import access


@hooks.register("module_page_panels")
def discussion_panel(request, module) -> str:
    """A link to each cohort's thread of this module that the reader may join; nothing otherwise."""
    cohorts = access.discussion_cohorts(request.user, module)
    if not cohorts:
        return ""
    counts = rules.post_counts(module, cohorts)
    threads = [(cohort, counts.get(cohort.pk, 0)) for cohort in cohorts]
    return render_to_string(
        "discussion/module_panel.html", {"module": module, "threads": threads}, request=request
    )


@hooks.register("demo_loaded")
def discussion_demo(today) -> None:
    from discussion import demo

    demo.load(today)
