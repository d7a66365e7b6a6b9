"""The fast CSV export writes exactly what the per-answer reference (`export_cells` for
every question of every row, `neutralise` for every cell, `timezone.localtime` per row)
would write: canonical answers, odd stored values, masks, and time zones."""

import csv
import io

import pytest
from django.utils import timezone

from agencies.exports.csv_export import FIXED_COLUMNS, household_sizes, prepare_csv_export
from agencies.exports.safety import neutralise
from agencies.exports.selection import ExportRange
from applicants.models import Application
from programs.question_types import export_cells, export_columns
from tests.agencies import export_support
from tests.agencies.export_support import make_application, second_version, submitted_on

world = export_support.world

ODD_ANSWERS = [
    {  # canonical, with formula triggers and non-Latin text
        "applicant.name": {"first": "=HYPERLINK(1)", "middle": "", "last": "Παπαδόπουλος"},
        "income.monthly_gross": 123456,
        "contact.phone": "+12065550100",
        "household.members": [
            {"name": {"first": "Lía", "last": "-x"}, "birth_date": "2015-04-02"},
            {},
            {"name": {"first": "张", "last": "伟"}, "relationship": "spouse"},
        ],
    },
    {  # stored by an older version or an import: not the canonical shapes
        "applicant.name": {"first": 7, "last": None},
        "income.monthly_gross": "1234",
        "applicant.ssn": 123456789,
        "household.members": [None, {"name": {"first": 3}, "relationship": ["a"]}],
    },
    {  # nothing answered but the household, empty
        "household.members": [],
    },
    {  # a negative amount, a float, a household that is not a list (counted 0)
        "income.monthly_gross": -5,
        "contact.phone": 2.5,
        "household.members": 0,
    },
]


def reference_lines(export_range, queryset, *, can_view_sensitive):
    """The export as the original, per-answer code computed it."""
    from agencies.exports.csv_export import choose_questions

    questions = choose_questions(export_range.program, None)
    sizes = household_sizes(queryset, questions)
    columns = [(q, export_columns(q, members=sizes.get(q.key, 0))) for q in questions]
    rows = [FIXED_COLUMNS + [name for _q, names in columns for name in names]]
    for application in queryset.select_related(
        "submission__entered_by_navigator", "submission__partner_organization"
    ):
        navigator = application.submission.entered_by_navigator
        organization = application.submission.partner_organization
        row = [
            application.reference,
            timezone.localtime(application.submitted_at).isoformat(timespec="seconds"),
            application.status,
            navigator.username if navigator else "",
            organization.name if organization else "",
        ]
        for question, names in columns:
            value = (application.answers or {}).get(question.key)
            found = export_cells(question, value, can_view_sensitive=can_view_sensitive)
            row += [found.get(name, "") for name in names]
        rows.append([neutralise(cell) for cell in row])
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue()


@pytest.fixture
def odd_program(world):
    version = second_version(world.program_a)
    made = [
        submitted_on(make_application(world.program_a, version, answers=answers), day)
        for answers, day in zip(
            ODD_ANSWERS, ["2026-01-05", "2026-03-08", "2026-07-01", "2026-11-01"], strict=True
        )
    ]
    return made


@pytest.mark.parametrize("can_view_sensitive", [True, False])
@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Asia/Kolkata", "UTC"])
def test_export_equals_the_per_answer_reference(odd_program, can_view_sensitive, zone):
    export_range = ExportRange(odd_program[0].program)
    queryset = Application.objects.filter(program=export_range.program).order_by(
        "submitted_at", "pk"
    )
    with timezone.override(zone):
        export = prepare_csv_export(
            queryset=Application.objects.all(),
            export_range=export_range,
            can_view_sensitive=can_view_sensitive,
        )
        text = "".join(export.lines())
        expected = reference_lines(export_range, queryset, can_view_sensitive=can_view_sensitive)
    assert text == expected
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 1 + queryset.count() and queryset.count() > len(odd_program)
    assert "'=HYPERLINK(1)" in rows[1]


def test_an_empty_scope_exports_only_the_header(world):
    export = prepare_csv_export(
        queryset=Application.objects.none(), export_range=ExportRange(world.program_a)
    )
    lines = list(export.lines())
    assert len(lines) == 1 and lines[0].startswith("reference,submitted,status,")
