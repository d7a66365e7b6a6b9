"""Text-message backends, chosen by the SMS_BACKEND setting (a dotted class path), the
way Django chooses its EMAIL_BACKEND. A backend's `send(*, to, body, message_id)` either
returns a short note for the audit trail or raises `SmsError`:
`TransientSmsError` for what may pass (timeouts, the provider's 5xx), anything else
is not retried. docs/operations.md shows how to plug a provider in."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """A text message could not be sent; retrying will not help."""


class TransientSmsError(SmsError):
    """A text message could not be sent now; it may go later."""


class ConsoleSmsBackend:
    """Writes each message to standard output (development)."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, *, to: str, body: str, message_id: str) -> str:
        self.stream.write(f"SMS to {to} [{message_id}]\n{body}\n{'-' * 40}\n")
        self.stream.flush()
        return "written to the console"


class FileSmsBackend:
    """Appends each message as one JSON line to a file in SMS_FILE_PATH (demo, tests)."""

    def __init__(self, directory: str | Path | None = None):
        self.directory = Path(directory or settings.SMS_FILE_PATH)

    def send(self, *, to: str, body: str, message_id: str) -> str:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            record = {
                "to": to,
                "body": body,
                "message_id": message_id,
                "at": timezone.now().isoformat(),
            }
            with (self.directory / "sms.jsonl").open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        except OSError as error:
            raise TransientSmsError(f"Could not write the message file: {error}") from error
        return f"written to {self.directory}"


def sms_backend():
    """An instance of the configured SMS backend."""
    return import_string(settings.SMS_BACKEND)()
