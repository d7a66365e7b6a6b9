"""How long the shared intake is: the questions it asks with the six demo programs, and
with the demo programs plus the Washington starter catalog, and how many questions each
program asks in all and beyond the intake.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/civiportal \
    .venv/bin/python bench/intake_questions.py

It works in a scratch database (<name>_bench_intake, created and dropped here), imports
and publishes the documents exactly as `load_demo` does, and computes the intake with
`applicants.intake.compute_intake_steps`, the function the resident journey uses. The
counts do not depend on the machine; the last line holds the headline figures.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import headline, scratch_django  # noqa: E402


def intake_keys() -> list[str]:
    from applicants.intake import compute_intake_steps

    return [key for step in compute_intake_steps() for key in step.question_keys()]


def program_rows(intake: set[str]) -> list[tuple[str, int, int, list[str]]]:
    """(slug, questions asked, of which outside the intake, those keys) per program."""
    from applicants.selectors import published_versions

    rows = []
    for version in published_versions():
        keys = []
        for screen in version.screens.all():
            keys += [sq.question.key for sq in screen.screen_questions.all()]
        extra = [key for key in keys if key not in intake]
        rows.append((version.program.slug, len(keys), len(extra), extra))
    return rows


def main() -> None:
    with scratch_django("bench_intake"):
        from programs.demo import CATALOG_DIR, DEMO_FILE, demo_programs_load

        demo_programs_load(path=DEMO_FILE)
        demo_intake = intake_keys()
        demo_programs_load(path=CATALOG_DIR)
        catalog_intake = intake_keys()
        rows = program_rows(set(catalog_intake))
    print(f"shared intake, 6 demo programs: {len(demo_intake)} questions")
    print(f"shared intake, {len(rows)} programs: {len(catalog_intake)} questions")
    print(f"  {', '.join(catalog_intake)}")
    added = [key for key in catalog_intake if key not in demo_intake]
    print(f"  added by the catalog: {', '.join(added) or 'none'}\n")
    print("| program | questions asked | beyond the intake | which |")
    print("| --- | ---: | ---: | --- |")
    for slug, asked, extra, keys in rows:
        print(f"| {slug} | {asked} | {extra} | {', '.join(keys)} |")
    most = max(extra for _slug, _asked, extra, _keys in rows)
    figures = {
        "intake_demo": len(demo_intake),
        "intake_catalog": len(catalog_intake),
        "programs": len(rows),
        "max_beyond_intake": most,
    }
    print(headline(figures))


if __name__ == "__main__":
    main()
