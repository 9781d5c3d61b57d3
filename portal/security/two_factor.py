"""Two-factor authentication: who needs it, enrolment, verification, recovery codes.

Built on django-otp: one TOTP device (an authenticator app) and one static device holding the
single-use recovery codes per user. The password step is Django's sign-in; the second step marks
the session as verified (`django_otp.login`), and `SecondFactorMiddleware` keeps a session that
still owes its second step out of everything but the steps themselves.

Who must: everyone who can reach the Wagtail admin (`wagtailadmin.access_admin`, superusers).
Who may: officers; once they have a device, their sign-in asks for it too.
"""

from __future__ import annotations

import re
from base64 import b32encode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.http import HttpRequest

import django_otp
import qrcode
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathImage

from portal import change_tokens

# Set at sign-in when the account has a device: this session owes the second step.
SESSION_OWES_SECOND_FACTOR = "tabadul_second_factor_owed"
DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def must_use_second_factor(user: AbstractBaseUser) -> bool:
    """Everyone who can reach the admin (checked live, so a new role takes effect at once)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    read_permissions(user)
    return user.has_perm("wagtailadmin.access_admin")


def read_permissions(user: AbstractBaseUser) -> None:
    """Read a user's permissions, their own and their groups', in one query and leave them where
    Django's ModelBackend keeps what it read (`_user_perm_cache`, `_group_perm_cache`), so that this
    request's `has_perm` asks no more; ModelBackend would read them in two (every request asks the
    two-factor question). The same sets ModelBackend reads: for an active user who is not a superuser,
    the permissions granted to them and to their groups. A user read already is left as it is."""
    if (
        not isinstance(user, get_user_model())
        or not user.is_active
        or user.is_superuser
        or hasattr(user, "_user_perm_cache")
        or hasattr(user, "_group_perm_cache")
    ):
        return
    found = change_tokens.kept(("permissions", user.pk), lambda: _permissions_of(user.pk), scope=PERMISSIONS)
    user._user_perm_cache = set(found["user"])
    user._group_perm_cache = set(found["group"])


# Permissions and roles are read on every request: kept across requests while the database's token
# for them holds (portal.change_tokens; `watch_permissions`), so a new role still takes effect on the
# next request.
PERMISSIONS = "permissions"


def watch_permissions() -> None:
    model = get_user_model()
    tables = [
        Permission,
        ContentType,
        Group.permissions.through,
        model.user_permissions.through,
        model.groups.through,
    ]
    for table in tables:
        change_tokens.watch(table, scope=PERMISSIONS)


def _permissions_of(user_id: int) -> dict[str, frozenset[str]]:
    model = get_user_model()
    table = {model: connection.ops.quote_name(model._meta.db_table) for model in (Permission, ContentType)}
    user_permissions, user_groups = (
        connection.ops.quote_name(model._meta.get_field(name).remote_field.through._meta.db_table)
        for name in ("user_permissions", "groups")
    )
    group_permissions = connection.ops.quote_name(
        Group._meta.get_field("permissions").remote_field.through._meta.db_table
    )
    permission, content_type = table[Permission], table[ContentType]
    sql = (
        f"SELECT 'user', ct.app_label, p.codename FROM {permission} p "  # noqa: S608 - table names only
        f"JOIN {content_type} ct ON ct.id = p.content_type_id "
        f"JOIN {user_permissions} up ON up.permission_id = p.id WHERE up.user_id = %s "
        f"UNION ALL SELECT 'group', ct.app_label, p.codename FROM {permission} p "
        f"JOIN {content_type} ct ON ct.id = p.content_type_id "
        f"JOIN {group_permissions} gp ON gp.permission_id = p.id "
        f"JOIN {user_groups} ug ON ug.group_id = gp.group_id WHERE ug.user_id = %s"
    )
    found: dict[str, set[str]] = {"user": set(), "group": set()}
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id, user_id])
        for source, app_label, codename in cursor.fetchall():
            found[source].add(f"{app_label}.{codename}")
    return {source: frozenset(names) for source, names in found.items()}


def is_verified(user: AbstractBaseUser) -> bool:
    """The session passed its second step (django-otp's middleware tells)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def has_device(user: AbstractBaseUser) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def owes_second_factor(request: HttpRequest, user: AbstractBaseUser) -> bool:
    """This signed-in session may do nothing but the second step until it has passed it."""
    if not user.is_authenticated or is_verified(user):
        return False
    if must_use_second_factor(user):
        return True
    if request.session.get(SESSION_OWES_SECOND_FACTOR):
        if has_device(user):
            return True
        request.session.pop(SESSION_OWES_SECOND_FACTOR)  # the device was removed meanwhile
    return False


def authenticator_device(user: AbstractBaseUser) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def recovery_device(user: AbstractBaseUser) -> StaticDevice | None:
    return StaticDevice.objects.devices_for_user(user, confirmed=True).first()


def recovery_codes_left(user: AbstractBaseUser) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- enrolment ----------------------------------------------------------------------------------


def pending_device(user: AbstractBaseUser) -> TOTPDevice:
    """The unconfirmed device being enrolled: the same secret until confirmed, so a reload shows
    the same QR code."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def qr_code_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as inline SVG, one path with a viewBox (the qrcode library, here on
    the server: the secret never leaves it for a QR service)."""
    image = qrcode.make(device.config_url, image_factory=SvgPathImage, box_size=10)
    return image.to_string(encoding="unicode")


def secret_for_typing(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for authenticator apps without a camera."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def confirm_enrolment(request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """Check the first code from the app; on success the device replaces any earlier one, fresh
    recovery codes replace the old ones, and the session counts as verified. Returns the recovery
    codes (shown once), or None when the code is wrong."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not device.verify_token(normalise_code(code)):
            return None
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(device.user)
    _verified(request, device)
    return codes


def new_recovery_codes(user: AbstractBaseUser) -> list[str]:
    with transaction.atomic():
        return _new_recovery_codes(user)


def _new_recovery_codes(user: AbstractBaseUser) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.TWO_FACTOR_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return [format_recovery_code(code) for code in codes]


def turn_off(request: HttpRequest, user: AbstractBaseUser) -> None:
    """An officer removes their second factor (staff cannot: they must keep one)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
    request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
    request.session.pop(SESSION_OWES_SECOND_FACTOR, None)


# --- verification --------------------------------------------------------------------------------


class Throttled(Exception):
    """Too many wrong codes in a row: django-otp refuses to check for a growing while."""


def verify_code(request: HttpRequest, user: AbstractBaseUser, code: str) -> bool:
    """A code from the authenticator app."""
    return _verify(request, user, authenticator_device(user), normalise_code(code))


def verify_recovery_code(request: HttpRequest, user: AbstractBaseUser, code: str) -> bool:
    """A recovery code: each works once (django-otp deletes it when it matches)."""
    return _verify(request, user, recovery_device(user), normalise_recovery_code(code))


def _verify(request: HttpRequest, user: AbstractBaseUser, device, token: str) -> bool:
    if device is None or not token:
        return False
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        raise Throttled
    verified = django_otp.verify_token(user, device.persistent_id, token)
    if verified is None:
        return False
    _verified(request, verified)
    return True


def _verified(request: HttpRequest, device) -> None:
    # A new session key at the change of privilege, as at sign-in.
    request.session.cycle_key()
    django_otp.login(request, device)
    request.session.pop(SESSION_OWES_SECOND_FACTOR, None)


def normalise_code(code: str) -> str:
    return re.sub(r"\s+", "", code or "")[:16]


def normalise_recovery_code(code: str) -> str:
    return re.sub(r"[\s-]+", "", code or "").lower()[:16]


def format_recovery_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"
