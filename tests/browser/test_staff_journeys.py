"""Staff in a real browser: a caseworker finds a resident's new application in the
admin queue, reviews and approves it with a note, and the resident sees the decision; a
supervisor exports the program as CSV and downloads an application's PDF. axe-core checks
each admin page visited."""

import csv
import io
from pathlib import Path

from pypdf import PdfReader

from agencies.demo import demo_staff_create
from agencies.review.models import AuditEvent, ResidentNotification
from applicants.models import Application
from tests.browser.support import follow, path, skip_to_main
from tests.browser.test_resident_journeys import answer_intake, choose_and_submit
from tests.waiting import wait_for


def staff_passwords() -> dict[str, str]:
    """Demo staff as `make demo` creates them, with their fresh passwords."""
    return {username: password for username, password, _description in demo_staff_create()}


def resident_submits(journeys):
    """A resident applies (the keyboard journey, checked with axe elsewhere)."""
    resident = journeys("resident", axe=False)
    resident.page.goto("/apply/")
    skip_to_main(resident.page)
    follow(resident.page, "Start now")
    answer_intake(resident, lang="en", add_child=True)
    reference = choose_and_submit(resident, lang="en")
    return resident, reference


def admin_sign_in(journey, username: str, password: str) -> None:
    page = journey.page
    page.goto("/admin/")
    assert path(page) == "/admin/login/", page.url
    journey.check("admin sign in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    assert path(page) == "/admin/", page.url
    journey.check("admin home")


def test_caseworker_approves_a_new_application_and_the_resident_sees_it(journeys):
    resident, reference = resident_submits(journeys)
    orca = Application.objects.get(submission__reference=reference, program__slug="orca-lift")
    others = Application.objects.filter(submission__reference=reference).exclude(pk=orca.pk)
    passwords = staff_passwords()

    caseworker = journeys("caseworker")
    admin_sign_in(
        caseworker, "caseworker-king-county-metro", passwords["caseworker-king-county-metro"]
    )
    page = caseworker.page

    page.get_by_role("link", name="Applications").first.click()
    assert path(page) == "/admin/applicants/application/", page.url
    caseworker.check("application queue", texts=[orca.reference])
    # Scoped to the caseworker's agency: the same submission's other programs are not here.
    for other in others:
        assert other.reference not in page.inner_text("#result_list")

    page.get_by_role("searchbox").fill(reference)
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1, rows.all_inner_texts()
    caseworker.check("queue searched by submission reference", texts=[orca.reference])

    rows.first.get_by_role("link", name=orca.reference).click()
    assert path(page) == f"/admin/applicants/application/{orca.pk}/change/", page.url
    caseworker.check("application detail", texts=["Submitted", "Answers as submitted"])

    # The workflow goes through review before a decision.
    page.get_by_label("New status").select_option("in_review")
    page.get_by_role("button", name="Change status and tell the resident").click()
    caseworker.check("in review", texts=["Status changed to In review"])
    assert page.get_by_label("New status").locator("option[value=approved]").count() == 1
    page.get_by_label("New status").select_option("approved")
    page.get_by_label("Note", exact=True).fill("Proof of income checked; card mailed this week.")
    page.get_by_role("button", name="Change status and tell the resident").click()
    caseworker.check("approved", texts=["Status changed to Approved"])

    orca.refresh_from_db()
    assert orca.status == Application.Status.APPROVED
    approval = AuditEvent.objects.get(
        application=orca, action=AuditEvent.Action.STATUS_CHANGED, after__status="approved"
    )
    assert approval.note == "Proof of income checked; card mailed this week."
    assert approval.actor.username == "caseworker-king-county-metro"
    assert set(others.values_list("status", flat=True)) == {Application.Status.SUBMITTED}

    # The resident's page shows the decision; the worker sends the email.
    resident.page.goto("/my/applications/")
    row = resident.page.locator("tr", has_text=orca.reference)
    assert row.locator("td.status").inner_text() == "Approved"
    wait_for(
        lambda: ResidentNotification.objects.filter(
            application=orca,
            status=Application.Status.APPROVED,
            to_email="ana@example.org",
            sent_at__isnull=False,
        ).exists(),
        timeout=30,
        what="the approval email",
    )


def test_supervisor_exports_the_program_as_csv_and_downloads_a_pdf(journeys):
    _resident, reference = resident_submits(journeys)
    orca = Application.objects.get(submission__reference=reference, program__slug="orca-lift")
    passwords = staff_passwords()

    supervisor = journeys("supervisor")
    admin_sign_in(
        supervisor, "supervisor-king-county-metro", passwords["supervisor-king-county-metro"]
    )
    page = supervisor.page
    page.get_by_role("link", name="Batch PDF exports").first.click()
    assert path(page) == "/admin/agencies/batchexport/", page.url
    supervisor.check("exports")
    page.get_by_role("link", name="Export CSV").click()
    assert path(page) == "/admin/agencies/batchexport/csv/", page.url
    supervisor.check("CSV export form")

    # Only the supervisor's agency's programs can be chosen.
    options = page.get_by_label("Program").locator("option").all_inner_texts()
    assert any("ORCA LIFT" in option for option in options), options
    assert not any("Child Care" in option for option in options), options
    page.get_by_label("Program").select_option(label=_option(options, "ORCA LIFT"))
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename == "orca-lift.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text("utf-8-sig"))))
    assert [row["reference"] for row in rows] == [orca.reference]
    assert rows[0]["status"] == "submitted"
    assert rows[0]["transit.has_orca_card"] == "no"

    # The application's PDF, as agencies file it.
    page.goto(f"/admin/applicants/application/{orca.pk}/change/")
    supervisor.check("application detail", texts=[orca.reference])
    response = page.request.get(f"/admin/agencies/batchexport/application/{orca.pk}/pdf/")
    assert response.status == 200, response.text()[:500]
    assert response.headers["content-type"] == "application/pdf"
    assert f"orca-lift-{orca.reference}.pdf" in response.headers["content-disposition"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert orca.reference in text and "ORCA LIFT" in text

    exported = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORTED)
    assert exported.filter(actor__username="supervisor-king-county-metro").count() >= 2


def _option(options: list[str], containing: str) -> str:
    return next(option for option in options if containing in option)
