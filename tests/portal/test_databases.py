from django.db import connection

import pytest

from tests.conftest import require_service


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_postgres_run_really_uses_postgresql():
    require_service(
        "postgres", connection.vendor == "postgresql", "set DATABASE_URL to a PostgreSQL database"
    )
    with connection.cursor() as cursor:
        cursor.execute("select version()")
        assert "PostgreSQL" in cursor.fetchone()[0]
