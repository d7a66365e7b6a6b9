"""Reads of programs and versions that pages, commands and other apps share."""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.utils import timezone

from .models import Program, ProgramCategory, ProgramVersion, Screen, ScreenQuestion

CATALOG_MODES = (Program.DisplayMode.PUBLIC, Program.DisplayMode.CLOSED)


def in_effect(now=None, *, prefix: str = "") -> Q:
    """The versions in effect at `now`: the published one, and a scheduled one whose moment
    has passed. Both match in the minute before beat archives the old one
    (`services.program_versions_activate_due`): take the newest (`newest_per_program`), so
    everything switches at the scheduled moment exactly, with nobody awake."""
    now = now or timezone.now()
    return Q(**{f"{prefix}status": ProgramVersion.Status.PUBLISHED}) | Q(
        **{f"{prefix}status": ProgramVersion.Status.SCHEDULED, f"{prefix}effective_at__lte": now}
    )


def newest_per_program(versions) -> list[ProgramVersion]:
    """One version per program, the highest number, in the order the programs came."""
    best: dict[int, ProgramVersion] = {}
    for version in versions:
        kept = best.get(version.program_id)
        if kept is None or version.number > kept.number:
            best[version.program_id] = version
    return [version for version in versions if best[version.program_id] is version]


def published_version_prefetch() -> Prefetch:
    return Prefetch(
        "versions",
        queryset=ProgramVersion.objects.filter(in_effect()).order_by("-number"),
        to_attr="published_versions",
    )


def programs_for_catalog(*, category: str | None = None) -> list[Program]:
    """Programs residents can browse: public or closed (shown with their message), with a
    published version; hidden and navigator-only programs are left out. Ordered by name,
    agency joined, so the page costs the same few queries for 3 programs or 300."""
    programs = (
        Program.objects.filter(in_effect(prefix="versions__"), display_mode__in=CATALOG_MODES)
        .distinct()
        .select_related("agency")
        .order_by("name")
    )
    # Filtered in Python: JSON containment is not available on SQLite (the embedded demo),
    # and the catalog is small enough that one query for all of it is the cheap path.
    return [program for program in programs if not category or category in program.categories]


def catalog_categories() -> list[tuple[str, str]]:
    """Every category (value, label) in display order, for the filter."""
    return list(ProgramCategory.choices)


def program_for_detail(*, slug: str) -> Program | None:
    """A program with a published version (any display mode: hidden ones are reachable by
    link), or None. `program.published_version` is set."""
    program = (
        Program.objects.filter(in_effect(prefix="versions__"), slug=slug)
        .distinct()
        .select_related("agency")
        .prefetch_related(published_version_prefetch())
        .first()
    )
    if program is not None:
        program.published_version = program.published_versions[0]
    return program


def version_with_screens(*, version_id: int) -> ProgramVersion:
    """A version with its screens and their questions in order, in three queries."""
    return (
        ProgramVersion.objects.select_related("program", "program__agency")
        .prefetch_related(
            Prefetch("screens", queryset=Screen.objects.order_by("order", "id")),
            Prefetch(
                "screens__screen_questions",
                queryset=ScreenQuestion.objects.select_related("question").order_by("order", "id"),
            ),
        )
        .get(pk=version_id)
    )


def versions_for_export(
    *, slugs: list[str] | None = None, which: str | None = None
) -> tuple[list[ProgramVersion], list[str]]:
    """For each program (all, or those named), the version to export: the published one,
    else the scheduled one, else the latest draft; `which` ("published", "scheduled" or
    "draft") forces one kind. Returns (versions ordered by slug, slugs that had none)."""
    programs = Program.objects.select_related("agency").order_by("slug")
    if slugs:
        programs = programs.filter(slug__in=slugs)
    programs = programs.prefetch_related(
        Prefetch("versions", queryset=ProgramVersion.objects.order_by("-number"))
    )
    chosen, missing = [], []
    found = set()
    for program in programs:
        found.add(program.slug)
        versions = list(program.versions.all())
        kinds = {
            kind: [v for v in versions if v.status == kind]
            for kind in ("published", "scheduled", "draft")
        }
        if which:
            pick = kinds[which][:1]
        else:
            pick = kinds["published"][:1] or kinds["scheduled"][:1] or kinds["draft"][:1]
        if pick:
            chosen.append(pick[0])
        else:
            missing.append(program.slug)
    missing += [slug for slug in slugs or [] if slug not in found]
    return chosen, missing


def programs_using_questions(questions) -> dict[int, list[str]]:
    """`{question id: [program slugs]}` for the given questions, in one query."""
    rows = (
        ScreenQuestion.objects.filter(question__in=questions)
        .values_list("question_id", "screen__version__program__slug")
        .distinct()
        .order_by("question_id", "screen__version__program__slug")
    )
    usage: dict[int, list[str]] = {}
    for question_id, slug in rows:
        usage.setdefault(question_id, []).append(slug)
    return usage
