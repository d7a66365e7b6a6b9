"""The program versions in effect, cached in process, and the one signature that says when
any process changed what screening and the intake read.

Every page of the journey needs the versions in effect (with their programs, screens and
questions) and their compiled rules; loading and compiling them on every request made the
results page cost most of its time doing so. They change only when someone publishes,
schedules, archives or edits a program, a question or a reference table, so each process
keeps them and checks one aggregate query, the signature, before using them: a publish in
another process (an admin, a command, beat switching to a scheduled version) changes the
signature, and this process reloads on its next request. The intake definition
(`applicants.intake`) and the compiled rules (`eligibility.services`) are invalidated by
the same signature.

Within one request the signature is read once (it is forgotten when a request starts, and
whenever this process saves one of the models it covers), so a page that both screens and
submits pays one query for it. Outside requests (workers, commands) every call reads it.

The cached objects are shared by every request of the process: read them, never set
attributes on them. Agencies are not part of the signature (they have no change time), so
the cached programs do not carry them: read an agency through `program.agency_id`.
"""

from __future__ import annotations

import threading

from django.core.signals import request_finished, request_started
from django.db import connection
from django.db.models import Prefetch
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from eligibility.table_models import ReferenceTable, TablePeriod
from programs.models import Program, ProgramVersion, Question, Screen, ScreenQuestion
from programs.selectors import in_effect, newest_per_program

_lock = threading.Lock()
_cache: dict = {"signature": None, "versions": ()}
_request = threading.local()  # this request's signature, once read


def _signature_sql() -> str:
    """One statement, four aggregates: versions in effect with their programs, the question
    bank, the reference tables and their periods (plain SQL that SQLite runs too). Only
    table names from the models' own metadata are put into the text; values are parameters."""
    versions = (
        "SELECT COUNT(*) AS n, MAX(v.id) AS last_id, MAX(v.updated_at) AS changed,"  # noqa: S608
        " MAX(p.updated_at) AS program_changed"
        f" FROM {ProgramVersion._meta.db_table} v JOIN {Program._meta.db_table} p"
        " ON p.id = v.program_id"
        " WHERE v.status = %s OR (v.status = %s AND v.effective_at <= %s)"
    )
    others = [
        f"(SELECT COUNT(*) AS n, MAX(updated_at) AS changed FROM {model._meta.db_table}) "  # noqa: S608
        + alias
        for model, alias in ((Question, "q"), (ReferenceTable, "t"), (TablePeriod, "p"))
    ]
    return (
        "SELECT v.n, v.last_id, v.changed, v.program_changed, q.n, q.changed,"  # noqa: S608
        f" t.n, t.changed, p.n, p.changed FROM ({versions}) v, {', '.join(others)}"
    )


SIGNATURE_SQL = _signature_sql()


def published_signature() -> tuple:
    """Changes whenever a version takes or leaves effect (a publish, a scheduled version's
    moment, an archive), a program or a question is edited, or a reference table or period
    changes. One query, at most once per request."""
    signature = getattr(_request, "signature", None)
    if signature is None:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                SIGNATURE_SQL,
                [ProgramVersion.Status.PUBLISHED, ProgramVersion.Status.SCHEDULED, now],
            )
            signature = tuple(cursor.fetchone())
        if getattr(_request, "active", False):
            _request.signature = signature
    return signature


def _request_starts(**_kwargs) -> None:
    _request.active, _request.signature = True, None


def _request_ends(**_kwargs) -> None:
    _request.active, _request.signature = False, None


def forget_request_signature(**_kwargs) -> None:
    _request.signature = None


def versions_in_effect() -> list[ProgramVersion]:
    """Every program's version in effect now, with its program, screens and their
    questions, in catalog order (name, then slug). No query but the signature's while
    nothing changed; three more to reload after a change."""
    signature = published_signature()
    with _lock:
        if _cache["signature"] == signature:
            return list(_cache["versions"])
    versions = _load_versions()
    with _lock:
        _cache.update(signature=signature, versions=tuple(versions))
    return versions


def _load_versions() -> list[ProgramVersion]:
    screen_questions = ScreenQuestion.objects.select_related("question").order_by("order", "id")
    screens = Screen.objects.order_by("order", "id").prefetch_related(
        Prefetch("screen_questions", queryset=screen_questions)
    )
    versions = (
        ProgramVersion.objects.filter(in_effect())
        .select_related("program")
        .prefetch_related(Prefetch("screens", queryset=screens))
        .order_by("program__name", "program__slug")
    )
    return newest_per_program(list(versions))


def clear_published_cache() -> None:
    forget_request_signature()
    with _lock:
        _cache.update(signature=None, versions=())


# A request reads the signature afresh; a change saved by this process is seen at once,
# even later in the request that made it.
request_started.connect(_request_starts, dispatch_uid="eligibility.published.request")
request_finished.connect(_request_ends, dispatch_uid="eligibility.published.request")
for _model in (Program, ProgramVersion, Question, ReferenceTable, TablePeriod):
    for _signal in (post_save, post_delete):
        _signal.connect(
            forget_request_signature, sender=_model, dispatch_uid=f"published.{_model.__name__}"
        )
