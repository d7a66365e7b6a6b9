"""File questions: checking uploads, storing them, and validating stored metadata.

Uploaded documents are residents' private papers. They are stored through Django's
default storage under `uploads/<uuid>/<safe name>` (MEDIA_ROOT is outside the static tree;
files are only served by permission-checked views), named by a random directory so names
cannot collide or be guessed, and described in the answer by metadata only.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from .spec import as_spec

DEFAULT_MAX_SIZE_BYTES = 10 * 1024 * 1024
DEFAULT_ALLOWED_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "heic", "docx"]
UPLOAD_ROOT = "uploads"
MAX_NAME_LENGTH = 100

# The type we record comes from the extension we allowed, not from the browser's claim.
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "heic": "image/heic",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "txt": "text/plain",
    "csv": "text/csv",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Leading bytes of the formats we can recognise cheaply; a file claiming to be one of
# these must start with them (a renamed executable is refused).
MAGIC = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
}
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


def allowed_extensions(question) -> list[str]:
    spec = as_spec(question)
    extensions = spec.validation.get("allowed_extensions") or DEFAULT_ALLOWED_EXTENSIONS
    return [str(ext).lower().lstrip(".") for ext in extensions]


def max_size_bytes(question) -> int:
    return int(as_spec(question).validation.get("max_size_bytes") or DEFAULT_MAX_SIZE_BYTES)


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


def extension_of(name: str) -> str:
    return os.path.splitext(name)[1].lower().lstrip(".")


def _check_name_and_size(question, name: str, size: int) -> str:
    extension = extension_of(name)
    allowed = allowed_extensions(question)
    if extension not in allowed:
        raise ValidationError(
            _("The file must be one of these types: %(types)s."),
            code="invalid_extension",
            params={"types": ", ".join(ext.upper() for ext in allowed)},
        )
    limit = max_size_bytes(question)
    if size > limit:
        raise ValidationError(
            _("The file must be smaller than %(max)s (this one is %(size)s)."),
            code="too_large",
            params={"max": human_size(limit), "size": human_size(size)},
        )
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    return extension


def validate_upload(question, uploaded_file) -> str:
    """Check an `UploadedFile` against the question; return its extension."""
    extension = _check_name_and_size(question, uploaded_file.name or "", uploaded_file.size)
    signatures = MAGIC.get(extension)
    if signatures:
        uploaded_file.seek(0)
        head = uploaded_file.read(16)
        uploaded_file.seek(0)
        if not any(head.startswith(signature) for signature in signatures):
            raise ValidationError(
                _("The file's contents do not match its type (%(type)s)."),
                code="content_mismatch",
                params={"type": extension.upper()},
            )
    return extension


def safe_file_name(name: str) -> str:
    """A storage-safe version of a resident's file name, keeping its extension."""
    base = os.path.basename(name.replace("\\", "/"))
    stem, extension = os.path.splitext(base)
    stem = get_valid_filename(stem.strip()[:MAX_NAME_LENGTH]) if stem.strip(" ._") else ""
    return f"{stem or 'upload'}{extension.lower()}"


def store_upload(question, uploaded_file) -> dict:
    """Validate an upload, save it to default storage and return its canonical metadata.

    Returns {"name", "size", "content_type", "path", "sha256"} where `name` is the safe
    name shown to people and `path` the storage name under `uploads/<uuid>/`.
    """
    extension = validate_upload(question, uploaded_file)
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    name = safe_file_name(uploaded_file.name)
    path = default_storage.save(f"{UPLOAD_ROOT}/{uuid.uuid4().hex}/{name}", uploaded_file)
    return {
        "name": name,
        "size": uploaded_file.size,
        "content_type": CONTENT_TYPES.get(extension, "application/octet-stream"),
        "path": path,
        "sha256": digest.hexdigest(),
    }


def clean_file_metadata(question, raw) -> dict:
    """Validate file metadata as an API or import sends it (the file is already stored)."""
    fields = ("name", "size", "content_type", "path", "sha256")
    if not isinstance(raw, dict) or set(raw) - set(fields):
        raise ValidationError(
            _("Send the file as an object with %(fields)s."),
            code="invalid",
            params={"fields": ", ".join(fields)},
        )
    name, size, path = raw.get("name"), raw.get("size"), raw.get("path")
    if not isinstance(name, str) or not name.strip():
        raise ValidationError(_("The file needs a name."), code="invalid_name")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise ValidationError(_("The file size must be a whole number of bytes."), code="invalid")
    extension = _check_name_and_size(question, name, size)
    parts = str(path or "").split("/")
    if (
        not isinstance(path, str)
        or len(parts) != 3
        or parts[0] != UPLOAD_ROOT
        or not re.fullmatch(r"[0-9a-f]{32}", parts[1])
        or parts[2] in {"", ".", ".."}
    ):
        raise ValidationError(
            _("The file path must be a stored upload, like uploads/<id>/<name>."),
            code="invalid_path",
        )
    sha256 = str(raw.get("sha256") or "").lower()
    if not _SHA256_RE.match(sha256):
        raise ValidationError(
            _("The file's SHA-256 checksum is missing or malformed."), code="invalid_sha256"
        )
    return {
        "name": name.strip(),
        "size": size,
        "content_type": CONTENT_TYPES.get(extension, "application/octet-stream"),
        "path": path,
        "sha256": sha256,
    }
