"""The fixture chain root → home → sections, which migrate creates (curriculum.setup)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from wagtail.models import Locale

import django_otp
import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from curriculum.models import CultureIndexPage, CurriculumIndexPage, HomePage, ProgrammeIndexPage
from tests.factories import CourseFactory, UserFactory


@pytest.fixture
def locale_en(db) -> Locale:
    return Locale.objects.get(language_code="en")


@pytest.fixture
def locale_ar(db) -> Locale:
    return Locale.objects.get(language_code="ar")


@pytest.fixture
def home(locale_en) -> HomePage:
    return HomePage.objects.get(locale=locale_en, depth=2)


@pytest.fixture
def home_ar(locale_ar) -> HomePage:
    return HomePage.objects.get(locale=locale_ar, depth=2)


@pytest.fixture
def curriculum_index(home) -> CurriculumIndexPage:
    return CurriculumIndexPage.objects.child_of(home).get()


@pytest.fixture
def curriculum_index_ar(home_ar) -> CurriculumIndexPage:
    return CurriculumIndexPage.objects.child_of(home_ar).get()


@pytest.fixture
def culture_index(home) -> CultureIndexPage:
    return CultureIndexPage.objects.child_of(home).get()


@pytest.fixture
def programme_index(home) -> ProgrammeIndexPage:
    return ProgrammeIndexPage.objects.child_of(home).get()


@pytest.fixture
def course(curriculum_index):
    return CourseFactory(parent=curriculum_index)


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def officer(db):
    return UserFactory(username="officer")


def require_service(name: str, available: bool, how: str) -> None:
    """Skip a test whose service is missing on a developer's machine; fail it under CI."""
    if available:
        return
    message = f"{name} is not available: {how}"
    if os.environ.get("CI") == "true" or os.environ.get(f"TABADUL_EXPECT_{name.upper()}"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def programme_admin(db):
    return UserFactory(username="padmin", role="admin")


@pytest.fixture
def instructor(db):
    return UserFactory(username="instructor", role="instructor")


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", role="editor")


# --- the second factor -----------------------------------------------------------------------
# Everyone who can reach the admin owes a second step after the password (portal.security).
# A test that force-logs-in such a user and then uses the admin (or any page) signs in with both.


def authenticator_for(user) -> TOTPDevice:
    """The user's confirmed authenticator app (made if missing), as after enrolment."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def totp_code(device: TOTPDevice) -> str:
    """The code the user's authenticator app shows now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def force_login_verified(client, user) -> None:
    """`client.force_login(user)`, then the second step passed with the user's authenticator app:
    the session is verified exactly as `portal.security.two_factor` leaves it after a right code."""
    client.force_login(user)
    session = client.session
    session[django_otp.DEVICE_ID_SESSION_KEY] = authenticator_for(user).persistent_id
    session.save()


SERVICES = Path(__file__).resolve().parents[1] / "scripts" / "services"


def service_script(
    name: str, *args: str, env: dict | None = None, check: bool = True, timeout: int = 600
) -> str:
    """Run `scripts/services/<name>.sh ARGS` (tests that stop and start a real service) and return what
    it printed; a failure fails the test with the script's own error."""
    command = ["bash", str(SERVICES / f"{name}.sh"), *args]  # noqa: S607
    done = subprocess.run(  # noqa: S603 - our own scripts, fixed arguments
        command, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})}
    )
    assert done.returncode == 0 or not check, done.stderr[-3000:]
    return done.stdout.strip()
