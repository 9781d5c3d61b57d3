"""Lessons on module pages ("Lessons from the field"), through curriculum's panel hook, and the
lessons in the Wagtail admin for lessons managers."""

from django.template.loader import render_to_string

from wagtail import hooks

from lessons import listing, pages


@hooks.register("module_page_panels")
def lessons_from_the_field(request, module) -> str:
    lessons = listing.lessons_from_the_field(request.user, pages.groups_of([module]))
    if not lessons:
        return ""
    return render_to_string("lessons/module_panel.html", {"lessons": lessons}, request=request)


@hooks.register("bundle_sections")
def lessons_bundle_section():
    from lessons.bundle import section

    return section()
