import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_under_production_settings():
    result = subprocess.run(
        ["/bin/bash", "scripts/check_deploy.sh"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = subprocess.run(
        [".venv/bin/python", "-c", "import tabadul.settings.production"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def setting_under(settings_module: str, expression: str, **env: str) -> str:
    code = f"from django.conf import settings; print({expression})"
    result = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [".venv/bin/python", "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": settings_module,
            "DJANGO_SECRET_KEY": "settings-test-secret",
            "DJANGO_ALLOWED_HOSTS": "tabadul.example.org",
            "DATABASE_URL": "sqlite:///:memory:",
            **env,
        },
        check=True,
    )
    return result.stdout.strip()


def backend_under(settings_module: str, **env: str) -> str:
    return setting_under(settings_module, "settings.TASKS['default']['BACKEND']", **env)


def test_production_keeps_database_connections_between_requests():
    connection_age = "settings.DATABASES['default']['CONN_MAX_AGE']"
    assert setting_under("tabadul.settings.production", connection_age) == "60"
    assert setting_under("tabadul.settings.production", connection_age, DJANGO_CONN_MAX_AGE="5") == "5"
    assert setting_under("tabadul.settings.dev", connection_age) == "0"


def test_production_queues_tasks_for_workers_and_development_runs_them_at_once():
    assert backend_under("tabadul.settings.production") == "django_tasks_db.DatabaseBackend"
    assert backend_under("tabadul.settings.dev") == "django_tasks.backends.immediate.ImmediateBackend"
    immediate = "django_tasks.backends.immediate.ImmediateBackend"
    assert backend_under("tabadul.settings.production", TASKS_BACKEND=immediate) == immediate
