"""The editorial roles: group names, and which role a bundle user maps to."""

from django.contrib.auth.models import AbstractBaseUser, Group

from portal.access import LESSONS_MANAGERS

INSTRUCTORS = "Instructors"
EDITORS = "Editors"
PROGRAMME_ADMINS = "Programme admins"

GROUP_FOR_ROLE = {"instructor": INSTRUCTORS, "editor": EDITORS, "admin": PROGRAMME_ADMINS}

WORKFLOW_NAME = "Curriculum review"
APPROVAL_TASK_NAME = "Editor approval"


def role_of(user: AbstractBaseUser) -> str:
    """The bundle role of a user: the first editorial group they belong to, else officer."""
    names = set(user.groups.values_list("name", flat=True))
    for role, group in GROUP_FOR_ROLE.items():
        if group in names:
            return role
    return "officer"


def assign_role(user: AbstractBaseUser, role: str) -> None:
    """Put `user` in exactly the group of `role` (officers in none) and set staff status to match."""
    editorial = Group.objects.filter(name__in=GROUP_FOR_ROLE.values())
    user.groups.remove(*editorial)
    if role in GROUP_FOR_ROLE:
        user.groups.add(Group.objects.get(name=GROUP_FOR_ROLE[role]))


# --- what each group may do: the role table of docs/architecture.md ("Site skeleton, roles and
# review"), applied exactly by curriculum.setup after every migrate (anything else a group holds is
# removed there, Wagtail's defaults included).

# The collection for the curriculum's images and documents (a child of Wagtail's root collection).
CURRICULUM_COLLECTION = "Curriculum"

_ADMIN = [("wagtailadmin", "access_admin")]
_GLOSSARY_READ = [("curriculum", "view_glossaryterm"), ("curriculum", "view_track")]
_GLOSSARY_OWN = [
    ("curriculum", f"{action}_glossaryterm") for action in ("add", "change", "delete", "publish")
] + [("curriculum", "add_track"), ("curriculum", "change_track")]
_PORTAL_ADMIN = (
    [
        ("portal", f"{action}_{model}")
        for model in ("nation", "cohort", "cohortmembership", "officerprofile", "accessrule")
        for action in ("add", "change", "delete", "view")
    ]
    + [("auth", f"{action}_user") for action in ("add", "change", "view")]
    + [("portal", "view_accesslogentry"), ("axes", "view_accessattempt"), ("axes", "delete_accessattempt")]
)
# Read and revoke, never add, change or delete: a certificate is issued by completing the course.
_CERTIFICATES = [("curriculum", "view_certificate"), ("curriculum", "revoke_certificate")]

# Model permissions: (app label, codename). Images and documents are not here: Wagtail grants them per
# collection (COLLECTION_PERMISSIONS).
MODEL_PERMISSIONS = {
    INSTRUCTORS: _ADMIN + _GLOSSARY_READ + [("portal", "view_cohort")],
    EDITORS: _ADMIN + _GLOSSARY_READ + _GLOSSARY_OWN,
    PROGRAMME_ADMINS: _ADMIN + _GLOSSARY_READ + _PORTAL_ADMIN + _CERTIFICATES,
    # Runs the lessons-learned process on the portal's own pages (lessons/): no admin permission of
    # its own; admins and editors may hold it besides their group.
    LESSONS_MANAGERS: [],
}

# Page permissions: section slug (its English and Arabic pages) → codenames. Nothing on the root or
# the home pages, so no group adds or edits pages outside its sections.
PAGE_PERMISSIONS = {
    INSTRUCTORS: {"curriculum": ["add_page", "change_page"]},
    EDITORS: {
        "curriculum": ["change_page", "publish_page"],
        "culture": ["add_page", "change_page", "publish_page"],
    },
    PROGRAMME_ADMINS: {"programmes": ["add_page", "change_page", "publish_page"]},
}

# Collection permissions in CURRICULUM_COLLECTION: (app label, codename).
_MEDIA_ADD = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "choose_document"),
]
_MEDIA_CHOOSE = [("wagtailimages", "choose_image"), ("wagtaildocs", "choose_document")]
COLLECTION_PERMISSIONS = {
    INSTRUCTORS: _MEDIA_ADD,
    EDITORS: _MEDIA_ADD + [("wagtailimages", "change_image"), ("wagtaildocs", "change_document")],
    PROGRAMME_ADMINS: _MEDIA_CHOOSE,
}

# Wagtail's initial data makes these; the portal has its own roles and workflow instead.
WAGTAIL_DEFAULT_GROUPS_REMOVED = ["Moderators"]
WAGTAIL_DEFAULT_WORKFLOW = "Moderators approval"
