import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "check_services.py"


def run(env):
    return subprocess.run(
        [sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True, timeout=30
    )


def test_fails_fast_naming_the_unreachable_database_and_how_to_start_it():
    result = run(
        {
            "DATABASE_URL": "postgres://postgres@127.0.0.1:1/civiportal",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        }
    )
    assert result.returncode == 2
    assert "PostgreSQL is unreachable at postgres://postgres@127.0.0.1:1/civiportal" in (
        result.stderr
    )
    assert "docker compose up -d db" in result.stderr


def test_fails_fast_naming_the_unreachable_broker():
    result = run(
        {
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/civiportal",
            "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
        }
    )
    assert result.returncode == 2
    assert "Redis is unreachable at redis://127.0.0.1:1/0" in result.stderr


def test_passes_when_both_services_answer():
    result = run(
        {
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/civiportal",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        }
    )
    assert result.returncode == 0, result.stderr


def test_creates_the_named_database_when_missing():
    import psycopg

    # Of this process alone: parallel test processes and other checkouts share the server.
    name = f"civiportal_check_services_probe_{os.getpid()}"
    admin = "postgres://postgres@127.0.0.1:5432/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
    result = run(
        {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        }
    )
    assert result.returncode == 0, result.stderr
    with psycopg.connect(admin, autocommit=True) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        assert found.fetchone() is not None
        connection.execute(f'DROP DATABASE "{name}"')
