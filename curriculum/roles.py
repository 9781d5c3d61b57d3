"""The editorial roles: group names, and which role a bundle user maps to."""

from django.contrib.auth.models import AbstractBaseUser, Group

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
