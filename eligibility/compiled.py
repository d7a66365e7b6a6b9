"""Compiled rules, kept in process: each published version's rule and estimate, screens'
visibility conditions, and the one function screening a set of versions at once.

Published versions never change, so what is compiled from them is kept until the reference
tables change (compiled rules hold the table periods). A version that cannot be compiled is
recorded as a screening failure and left out, never fatal to the others.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from eligibility.engine import (
    CompiledEstimate,
    CompiledRule,
    CompiledScreening,
    compile_estimate,
    compile_rule,
    compile_screening,
)
from eligibility.models import ScreeningFailure
from eligibility.table_selectors import reference_table_set
from programs.eligibility_glue import question_infos
from programs.models import ProgramVersion, Question

# Screening failures are logged under the name the operations guide gives them.
logger = logging.getLogger("eligibility.services")


@dataclass(frozen=True)
class CompiledVersion:
    rule: CompiledRule | None
    estimate: CompiledEstimate | None
    error: str | None = None  # why the version could not be compiled (it is then unchecked)


# Keyed by (version id, published_at): published versions are immutable, so an entry can
# only go stale if a version were re-published, which gives it a new timestamp. Compiled rules
# hold the reference-table periods, so every entry is dropped when the tables change.
_compiled_versions: dict[tuple[int, object], CompiledVersion] = {}
_compiled_screens: dict[int, CompiledRule | None] = {}
# One function screening the rules of a set of versions (engine/screening.py), by the versions'
# keys in screening order. Named subsets (the API, a program's own page) add sets: bounded.
_compiled_screenings: dict[tuple, CompiledScreening | None] = {}
SCREENINGS_KEPT = 64
_NOT_COMPILED = object()
_cache_lock = threading.Lock()
_tables_revision: list[object] = [None]


def clear_compiled_cache() -> None:
    with _cache_lock:
        _compiled_versions.clear()
        _compiled_screens.clear()
        _compiled_screenings.clear()


def current_tables():
    """The table periods now in the database; forgets compiled rules built on older ones.
    No query of its own once the request read the published signature."""
    revision, tables = reference_table_set()
    if _tables_revision[0] != revision:
        with _cache_lock:
            _compiled_versions.clear()
            _compiled_screens.clear()
            _compiled_screenings.clear()
            _tables_revision[0] = revision
    return tables


def _version_key(version: ProgramVersion) -> tuple[int, object]:
    return (version.id, version.published_at)


def compile_versions(versions: list[ProgramVersion]) -> list[CompiledVersion]:
    """Compiled rules for `versions`, in their order; one query for the question bank on a
    cache miss, none on a hit."""
    tables = current_tables()
    # Each key is built once (a screening of 50 programs built 200 of them before).
    keys = [_version_key(v) for v in versions]
    entries = [_compiled_versions.get(key) for key in keys]
    if None in entries:
        infos = question_infos(Question.objects.all())
        for index, version in enumerate(versions):
            if entries[index] is None:
                entries[index] = _compile_version(version, infos, tables)
                with _cache_lock:
                    _compiled_versions[keys[index]] = entries[index]
    return entries  # type: ignore[return-value]


def _compile_version(version: ProgramVersion, infos, tables) -> CompiledVersion:
    """Compile one version on its own, so that one that cannot be compiled (a bank question
    changed under it, a rule the limits missed) is reported and left out, not fatal to all."""
    rule = version.eligibility_rules or None
    estimate = version.estimated_value or None
    values = rule.get("values") if isinstance(rule, dict) else None
    try:
        return CompiledVersion(
            rule=compile_rule(rule, infos, tables) if rule else None,
            estimate=compile_estimate(estimate, infos, tables, values=values) if estimate else None,
        )
    except Exception as error:
        # The isolation boundary: whatever one version's rule does (RecursionError included),
        # it must not stop the others from compiling.
        message = failure_message(error)
        screening_failure_record(version=version, stage=ScreeningFailure.Stage.COMPILE, error=error)
        return CompiledVersion(rule=None, estimate=None, error=message)


def failure_message(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def screening_failure_record(*, version: ProgramVersion, stage: str, error: BaseException) -> None:
    """Log a program version that failed while screening and keep it for program admins.

    Written in its own savepoint so that a failure while recording never breaks the
    screening of the other programs or the caller's transaction.
    """
    message = failure_message(error)
    logger.error(
        "Screening left out %s v%s (%s failed): %s",
        version.program.slug,
        version.number,
        stage,
        message,
        exc_info=error,
    )
    try:
        with transaction.atomic():
            updated = ScreeningFailure.objects.filter(version=version, stage=stage).update(
                occurrences=F("occurrences") + 1, message=message, last_seen=timezone.now()
            )
            if not updated:
                ScreeningFailure.objects.create(version=version, stage=stage, message=message)
    except Exception:
        # The log line above is the record of last resort; screening goes on.
        logger.exception("Could not record the screening failure of version %s", version.pk)


def compiled_screening(
    versions: list[ProgramVersion], entries: list[CompiledVersion]
) -> CompiledScreening | None:
    """The one function screening the rules of ``entries`` (``compile_versions(versions)``),
    in their order, compiled on first use; None when fewer than two have a rule (a rule's own
    ``evaluate`` is as fast then) or when that function could not be compiled (each rule is
    then evaluated on its own, as before it existed)."""
    keys = tuple(
        _version_key(version)
        for version, entry in zip(versions, entries, strict=True)
        if entry.rule is not None
    )
    if len(keys) < 2:
        return None
    screening = _compiled_screenings.get(keys, _NOT_COMPILED)
    if screening is _NOT_COMPILED:
        rules = [entry.rule for entry in entries if entry.rule is not None]
        try:
            screening = compile_screening(rules)
        except Exception:
            # Every rule compiled on its own; a limit of Python's on one function holding
            # them all must not cost residents their results. Kept as None: not retried.
            logger.exception("Could not compile one screening function for %d rules", len(rules))
            screening = None
        with _cache_lock:
            if len(_compiled_screenings) >= SCREENINGS_KEPT:
                _compiled_screenings.clear()
            _compiled_screenings[keys] = screening
    return screening  # type: ignore[return-value]


def compiled_screen_condition(screen_) -> CompiledRule:
    """A screen's visibility condition, compiled (kept once its version is published)."""
    compiled = _compiled_screens.get(screen_.pk)
    if compiled is None:
        # A hit needs no query: screen() empties this cache whenever the tables change.
        tables = current_tables()
        compiled = compile_rule(screen_.visible_if, question_infos(Question.objects.all()), tables)
        if screen_.version.status != ProgramVersion.Status.DRAFT:
            with _cache_lock:
                _compiled_screens[screen_.pk] = compiled
    return compiled
