"""What the benchmarks share: a scratch PostgreSQL database per script, and the machine's
description printed beside every figure."""

import os
import platform
import sys
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse, urlunparse


def scratch_database(url: str, *, suffix: str) -> tuple[str, str]:
    """(name, URL) of a scratch database beside the one `url` names."""
    parsed = urlparse(url)
    if not parsed.scheme.startswith("postgres"):
        sys.exit(f"{suffix} needs DATABASE_URL pointing at PostgreSQL.")
    name = parsed.path.lstrip("/") + f"_{suffix}"
    return name, urlunparse(parsed._replace(path="/" + name))


def recreate_database(admin_url: str, name: str, *, drop_only: bool = False) -> None:
    import psycopg

    # Through the server's maintenance database: the one named in DATABASE_URL need not
    # exist (a test run only creates test_<name>).
    maintenance = urlunparse(urlparse(admin_url)._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def machine_line() -> str:
    """nproc, CPU model and load average: printed beside every run's figures, since the
    absolute times depend on them."""
    import os

    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    return f"machine: nproc={os.cpu_count()}, CPU {cpu_model()}, load average {load}"


def headline(figures: dict[str, object]) -> str:
    """The one last line of a benchmark: its headline figures as name=value pairs."""
    return " ".join(f"{name}={value}" for name, value in figures.items())


@contextmanager
def scratch_django(suffix: str):
    """Django set up on a new, migrated scratch database beside DATABASE_URL's one
    (<name>_<suffix>), dropped on the way out."""
    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/civiportal")
    name, url = scratch_database(base_url, suffix=suffix)
    admin_url = urlunparse(urlparse(base_url)._replace(path="/postgres"))
    recreate_database(admin_url, name)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civiportal.settings")
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0)
        yield
        for connection in connections.all():
            connection.close()
    finally:
        recreate_database(admin_url, name, drop_only=True)
