"""The site skeleton every portal needs, made idempotently after each migrate.

English home → programmes, curriculum, culture; the same in Arabic as translations; the editorial
groups' permissions exactly as the role table (curriculum.roles: model, page and collection
permissions, with the curriculum's collection); Wagtail's default Moderators group and workflow
removed; the "Curriculum review" workflow on the curriculum sections. Safe to run any number of
times.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import translation

from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from curriculum import roles
from curriculum.models import CultureIndexPage, CurriculumIndexPage, HomePage, ProgrammeIndexPage

SECTIONS = [
    (ProgrammeIndexPage, "programmes", "Programmes", "البرامج"),
    (CurriculumIndexPage, "curriculum", "Curriculum", "المناهج"),
    (CultureIndexPage, "culture", "Cultural orientation", "التوجيه الثقافي"),
]
HOME_TITLES = ("Tabadul", "تبادل")
HOME_SUMMARY_AR = "بوابة المناهج وتبادل المعرفة لبرنامج التبادل التعليمي العسكري."


@transaction.atomic
def ensure_site_structure() -> HomePage:
    """Create whatever part of the skeleton is missing and return the English home page."""
    english, _ = Locale.objects.get_or_create(language_code="en")
    arabic, _ = Locale.objects.get_or_create(language_code="ar")
    home = _ensure_home(english)
    english_sections = [_ensure_section(home, model, slug, title) for model, slug, title, _ in SECTIONS]
    _ensure_translation(home, arabic, HOME_TITLES[1], summary=HOME_SUMMARY_AR)
    arabic_sections = [
        _ensure_translation(section, arabic, title_ar)
        for (_, _, _, title_ar), section in zip(SECTIONS, english_sections, strict=True)
    ]
    sections = english_sections + arabic_sections
    _remove_wagtail_defaults()
    _apply_role_table(sections)
    _ensure_review_workflow([s for s in sections if isinstance(s, CurriculumIndexPage)])
    return home


def _ensure_home(locale: Locale) -> HomePage:
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site and isinstance(site.root_page.specific, HomePage):
        return site.root_page.specific
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=locale)
    )
    placeholder = site.root_page if site else None
    if placeholder and placeholder.specific_class is Page and not placeholder.get_children().exists():
        # Wagtail's initial "Welcome" page (and the site pointing at it) make way for the home page.
        placeholder.delete()
        site = None
    home = HomePage.objects.filter(locale=locale, depth=2).first() or root.add_child(
        instance=HomePage(
            title=HOME_TITLES[0],
            slug="home",
            locale=locale,
            summary="The curriculum and knowledge-exchange portal of the military education exchange.",
        )
    )
    if site is None:
        site = Site(hostname="localhost", port=80, is_default_site=True, site_name="Tabadul")
    site.root_page = home
    site.save()
    return home


def _ensure_section(home: HomePage, model: type[Page], slug: str, title: str) -> Page:
    existing = model.objects.child_of(home).first()
    if existing:
        return existing
    return home.add_child(instance=model(title=title, slug=slug, locale=home.locale, show_in_menus=True))


def _ensure_translation(page: Page, locale: Locale, title: str, summary: str = "") -> Page:
    existing = page.get_translation_or_none(locale)
    if existing:
        return existing.specific
    with translation.override(locale.language_code):
        copy = page.copy_for_translation(locale, copy_parents=False, alias=False)
    copy.title = title
    copy.summary = summary
    copy.save_revision().publish()
    return copy.specific


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _apply_role_table(sections: list[Page]) -> None:
    """Give each editorial group exactly the permissions of the role table (curriculum.roles):
    model permissions, page permissions on the sections (both languages) and nowhere else,
    collection permissions in the curriculum's collection and nowhere else."""
    section_model = {slug: model for model, slug, _, _ in SECTIONS}
    collection = _ensure_curriculum_collection()
    for group_name, grants in roles.MODEL_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.set([_permission(app, codename) for app, codename in grants])

        wanted_pages = [
            GroupPagePermission.objects.get_or_create(
                group=group, page=section, permission=_permission("wagtailcore", codename)
            )[0].pk
            for slug, codenames in roles.PAGE_PERMISSIONS.get(group_name, {}).items()
            for section in sections
            if isinstance(section, section_model[slug])
            for codename in codenames
        ]
        GroupPagePermission.objects.filter(group=group).exclude(pk__in=wanted_pages).delete()

        wanted_collections = [
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=_permission(app, codename)
            )[0].pk
            for app, codename in roles.COLLECTION_PERMISSIONS.get(group_name, [])
        ]
        GroupCollectionPermission.objects.filter(group=group).exclude(pk__in=wanted_collections).delete()


def _ensure_curriculum_collection() -> Collection:
    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    existing = root.get_children().filter(name=roles.CURRICULUM_COLLECTION).first()
    return existing or root.add_child(name=roles.CURRICULUM_COLLECTION)


def _remove_wagtail_defaults() -> None:
    """Wagtail's initial "Moderators" group and its "Moderators approval" workflow on the root page
    (which put "Submit to Moderators approval" in the action menu of pages outside the curriculum):
    the portal's own groups and its "Curriculum review" workflow replace them."""
    for workflow in Workflow.objects.filter(name=roles.WAGTAIL_DEFAULT_WORKFLOW, active=True):
        workflow.deactivate()
    for task in GroupApprovalTask.objects.filter(name=roles.WAGTAIL_DEFAULT_WORKFLOW, active=True):
        task.deactivate()
    Group.objects.filter(name__in=roles.WAGTAIL_DEFAULT_GROUPS_REMOVED).delete()


def _ensure_review_workflow(curriculum_sections: list[Page]) -> None:
    editors, _ = Group.objects.get_or_create(name=roles.EDITORS)
    workflow, _ = Workflow.objects.get_or_create(name=roles.WORKFLOW_NAME, defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name=roles.APPROVAL_TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=roles.APPROVAL_TASK_NAME)
        task.groups.set([editors])
    # WorkflowTask.objects, not workflow.workflow_tasks: the cluster manager would only stage it.
    if not WorkflowTask.objects.filter(workflow=workflow, task=task).exists():
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    for section in curriculum_sections:
        WorkflowPage.objects.get_or_create(page=section, defaults={"workflow": workflow})
