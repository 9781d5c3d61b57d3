"""What importing a bundle's user would change on an account that exists, and which accounts an
import refuses to touch.

An import never changes a superuser, nor a staff account that exists already (an instructor, editor
or programme admin, or a Django staff user): a bundle naming one is refused, with nothing imported,
unless the bundle would change nothing about it. It changes the password of an existing account only
when the operator asks for it (`--reset-passwords`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser

from curriculum import roles
from portal.models import OfficerProfile

# The fields a bundle sets on an account, in the order they are reported.
FIELDS = ("full_name", "email", "password", "role", "nation", "rank", "language", "cohorts")


def split_name(full_name: str) -> tuple[str, str]:
    first, _, last = full_name.strip().rpartition(" ")
    return (first, last) if first else (last, "")


@dataclass
class AccountPlan:
    """The fields an import would change on one existing account."""

    changes: list[str] = field(default_factory=list)
    password_kept: bool = False  # the bundle has another password, kept without --reset-passwords


def plan_account(item: dict, user: AbstractBaseUser, *, reset_passwords: bool) -> AccountPlan:
    plan = AccountPlan()
    first, last = split_name(item.get("full_name", ""))
    profile = OfficerProfile.objects.filter(user=user).select_related("nation").first()
    current = {
        "full_name": (user.first_name, user.last_name),
        "email": user.email,
        "role": roles.role_of(user),
        "nation": profile.nation.code if profile and profile.nation else None,
        "rank": profile.rank if profile else "",
        "language": profile.preferred_language if profile else OfficerProfile.Language.ENGLISH,
    }
    wanted = {
        "full_name": (first, last),
        "email": item.get("email", ""),
        "role": item.get("role"),
        "nation": item.get("nation"),
        "rank": item.get("rank", ""),
        "language": item.get("language", "en"),
    }
    if wanted["role"] is None:  # rejected by the schema, reported there
        del wanted["role"]
    password = item.get("password")
    if password and not user.check_password(password):
        if reset_passwords:
            current["password"], wanted["password"] = False, True
        else:
            plan.password_kept = True
    if "cohorts" in item:
        current["cohorts"] = set(user.memberships.values_list("cohort__slug", flat=True))
        wanted["cohorts"] = {slug for slug in item["cohorts"] if slug}
    plan.changes = [name for name in FIELDS if name in wanted and current.get(name) != wanted[name]]
    return plan


def is_protected(user: AbstractBaseUser) -> bool:
    """A superuser or a staff account (a staff role or `is_staff`): an import never changes one."""
    return user.is_superuser or user.is_staff or roles.role_of(user) != "officer"


def refusal(user: AbstractBaseUser, plan: AccountPlan) -> str | None:
    """Why an import may not touch `user`, or None."""
    name = user.get_username()
    if user.is_superuser:
        return f'refused: "{name}" is a superuser; an import never changes a superuser'
    role = roles.role_of(user)
    if is_protected(user) and plan.changes:
        kind = role if role != "officer" else "staff"
        return (
            f'refused: "{name}" is an existing {kind} account; an import never changes staff accounts '
            f"(it would change {', '.join(plan.changes)})"
        )
    return None
