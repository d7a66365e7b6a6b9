"""What the benchmarks share: a scratch PostgreSQL database per script, and the machine's
description printed beside every figure."""

import platform
import sys
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
