"""Fail fast, with instructions, when the services the test suite needs are unreachable.

Run by `make test` before pytest so that a missing PostgreSQL or Redis is reported in
one clear line instead of as hundreds of test errors. Exit code 2 means a service is down.
"""

import os
import socket
import sys
from urllib.parse import urlsplit

HOW_TO_START = {
    "PostgreSQL": (
        "start it with `docker compose up -d db`, or the system service "
        "(`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`), "
        "or point DATABASE_URL at a running server"
    ),
    "Redis": (
        "start it with `docker compose up -d redis`, or "
        '`redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no`, '
        "or point CELERY_BROKER_URL at a running server"
    ),
}


def reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    port = parts.port or default_port
    try:
        with socket.create_connection((host, port), timeout=3):
            return True
    except OSError:
        return False


def main() -> int:
    database_url = os.environ.get("DATABASE_URL", "")
    broker_url = os.environ.get("CELERY_BROKER_URL", "")
    failures = []
    if not database_url.startswith(("postgres://", "postgresql://")):
        failures.append(f"DATABASE_URL must name a PostgreSQL database, got {database_url!r}")
    elif not reachable(database_url, 5432):
        failures.append(
            f"PostgreSQL is unreachable at {database_url}: {HOW_TO_START['PostgreSQL']}"
        )
    if not broker_url.startswith("redis://"):
        failures.append(f"CELERY_BROKER_URL must name a Redis server, got {broker_url!r}")
    elif not reachable(broker_url, 6379):
        failures.append(f"Redis is unreachable at {broker_url}: {HOW_TO_START['Redis']}")
    if not failures:
        failures += ensure_database(database_url)
    for failure in failures:
        print(f"make test: {failure}", file=sys.stderr)
    return 2 if failures else 0


def ensure_database(database_url: str) -> list[str]:
    """Create the named database when the server has none by that name yet: the test
    runner makes its own `test_…` copy, but migration checks connect to this one."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    server = parts._replace(path="/postgres").geturl()
    try:
        with psycopg.connect(server, autocommit=True, connect_timeout=5) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if not exists:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as error:
        return [f"PostgreSQL at {database_url} refused the connection: {error}".strip()]
    return []


if __name__ == "__main__":
    sys.exit(main())
