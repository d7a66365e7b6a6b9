"""Helpers for fault tests with real worker processes: a private Redis the test may stop
and start (never the shared one), an email backend that hangs once mid-send, and the
Message-IDs of what the file email backend wrote."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from email import message_from_bytes
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend as FileBackend


def free_port(first: int = 16400, last: int = 16499) -> int:
    # Parallel test processes (pytest-xdist's gw0, gw1, ...) search from different ports, so
    # two of them cannot both find one port free before either binds it.
    process = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    start = first + (int(process) * 10) % (last - first + 1) if process.isdigit() else first
    for port in [*range(start, last + 1), *range(first, start)]:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {first}-{last}")


class PrivateRedis:
    """A redis-server of this test's own on a private port, without persistence, so a
    restart loses every queued message (the worst case for the outbox)."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while not self._answers():
            if time.monotonic() > deadline:
                raise RuntimeError("private redis-server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


class HangOnceFileBackend(FileBackend):
    """The file email backend, except that the first message of a run hangs before it is
    written (for HANG_EMAIL_SECONDS), after creating HANG_EMAIL_MARKER: a test kills the
    worker then, mid-send. Later messages, in any process, go straight through."""

    def send_messages(self, email_messages):
        marker = Path(os.environ["HANG_EMAIL_MARKER"])
        try:
            marker.touch(exist_ok=False)
        except FileExistsError:
            pass
        else:
            time.sleep(float(os.environ.get("HANG_EMAIL_SECONDS", "120")))
        return super().send_messages(email_messages)


def message_ids(directory: Path) -> list[str]:
    """The Message-ID of every email the file backend wrote in `directory`."""
    ids = []
    for path in sorted(directory.glob("*.log")):
        # The file backend separates messages with a line of 79 dashes.
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                ids.append(message_from_bytes(chunk.lstrip())["Message-ID"])
    return ids


class DownWhileMarkedFileBackend(FileBackend):
    """The file email backend behind a mail server that is down while SMTP_DOWN_MARKER
    exists: each send then fails as a closed SMTP port does (connection refused)."""

    def send_messages(self, email_messages):
        if Path(os.environ["SMTP_DOWN_MARKER"]).exists():
            raise ConnectionRefusedError(111, "Connection refused")
        return super().send_messages(email_messages)


def message_bodies(directory: Path) -> list[str]:
    """The text body of every email the file backend wrote in `directory`."""
    bodies = []
    for path in sorted(directory.glob("*.log")):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                payload = message_from_bytes(chunk.lstrip()).get_payload(decode=True)
                bodies.append(payload.decode())
    return bodies
