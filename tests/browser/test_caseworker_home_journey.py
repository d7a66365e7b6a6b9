"""Staff in a real browser: a caseworker signs in and lands on their home with their
counts (another agency's work never counted); a supervisor builds an export preset by
ticking and numbering columns, and the CSV export follows it. axe on every page."""

import csv
import io
from pathlib import Path

from django.contrib.auth import get_user_model

from agencies.exports.csv_export import program_questions
from agencies.review.workflow import Status
from programs.models import Program, ProgramVersion, QuestionType
from programs.question_types import as_spec, export_columns
from tests.agencies.review_support import make_application
from tests.browser.support import path
from tests.browser.test_staff_journeys import admin_sign_in, staff_passwords

AGENCY = "king-county-metro"


def published(program):
    return program.versions.get(status=ProgramVersion.Status.PUBLISHED)


def test_caseworker_lands_on_home_and_a_preset_built_by_checkboxes_drives_the_csv(journeys):
    passwords = staff_passwords()
    orca = Program.objects.get(slug="orca-lift")
    other = Program.objects.exclude(agency=orca.agency).filter(versions__status="published")[0]
    caseworker_user = get_user_model().objects.get(username=f"caseworker-{AGENCY}")
    mine = make_application(orca, published(orca), assignee=caseworker_user)
    answered = make_application(orca, published(orca), status=Status.RESUBMITTED)
    for _ in range(3):  # another agency's work: never on this caseworker's home
        make_application(other, published(other), status=Status.RESUBMITTED)

    caseworker = journeys("caseworker")
    admin_sign_in(caseworker, f"caseworker-{AGENCY}", passwords[f"caseworker-{AGENCY}"])
    page = caseworker.page
    caseworker.check(
        "caseworker home",
        texts=[
            "Your work",
            "Assigned to me (1)",
            "Waiting longest (2)",
            "Requests answered by residents (1)",
            mine.reference,
            answered.reference,
        ],
    )
    page.locator("#home-resubmitted").locator("..").get_by_role(
        "link", name=answered.reference
    ).click()
    assert path(page) == f"/admin/applicants/application/{answered.pk}/change/", page.url
    caseworker.check("application from home", texts=["Resubmitted"])

    # A supervisor of the same agency builds a preset by ticking columns.
    questions = [q for q in program_questions(orca) if q.type != QuestionType.HOUSEHOLD_MEMBERS][:3]
    first, second, unticked = questions
    supervisor = journeys("supervisor")
    admin_sign_in(supervisor, f"supervisor-{AGENCY}", passwords[f"supervisor-{AGENCY}"])
    page = supervisor.page
    page.get_by_role("link", name="Export presets", exact=True).first.click()
    supervisor.check("export presets")
    page.get_by_role("link", name="Add export preset").click()
    supervisor.check("new preset: program")
    page.get_by_label("Program").select_option(label=str(orca))
    page.get_by_role("button", name="Choose columns").click()
    supervisor.check("new preset: columns", texts=[first.label, second.label, orca.name])
    page.get_by_label("Preset name").fill("Two columns")
    # Ticked in list order, numbered in the other order.
    page.get_by_label(first.label, exact=True).check()
    page.get_by_label(second.label, exact=True).check()
    page.get_by_label(f"Position of “{first.label}”").fill("2")
    page.get_by_label(f"Position of “{second.label}”").fill("1")
    page.get_by_role("button", name="Save preset").click()
    supervisor.check("preset saved", texts=["Two columns", "saved with 2 columns"])
    assert unticked.key not in page.inner_text("body")

    page.goto("/admin/agencies/batchexport/csv/")
    supervisor.check("CSV export with a preset")
    page.get_by_label("Program").select_option(label=str(orca))
    page.get_by_label("Saved columns").select_option(label=f"{orca.agency} · Two columns")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download CSV").click()
    text = Path(download_info.value.path()).read_text("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    expected = [*export_columns(as_spec(second)), *export_columns(as_spec(first))]
    assert header[5:] == expected, header
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(row["reference"] for row in rows) == sorted([mine.reference, answered.reference])
