"""After submitting, in a real browser with axe on every page: a caseworker asks for more
information, the guest resident answers it in their own session (a corrected answer and
a reply), the caseworker finds it highlighted in the queue and approves with a message,
and the resident sees the approval, the message and the history, in English and Spanish.
"""

from applicants.models import Application
from tests.browser.support import path
from tests.browser.test_staff_journeys import admin_sign_in, resident_submits, staff_passwords

CASEWORKER = "caseworker-king-county-metro"


def _set_status(caseworker, application, status, *, message="", note="", questions=()):
    page = caseworker.page
    page.goto(f"/admin/applicants/application/{application.pk}/change/")
    page.get_by_label("New status").select_option(status)
    if note:
        page.get_by_label("Note", exact=True).fill(note)
    if message:
        page.get_by_label("Message to the resident").fill(message)
    for key in questions:
        page.locator(f'input[name="requested_questions"][value="{key}"]').check()
    page.get_by_role("button", name="Change status and tell the resident").click()
    caseworker.check(f"status {status}")


def test_request_answered_by_the_guest_then_approved_with_a_message(journeys):
    resident, reference = resident_submits(journeys)
    resident.axe = True
    orca = Application.objects.get(submission__reference=reference, program__slug="orca-lift")
    caseworker = journeys("caseworker")
    admin_sign_in(caseworker, CASEWORKER, staff_passwords()[CASEWORKER])

    _set_status(caseworker, orca, "in_review")
    _set_status(
        caseworker,
        orca,
        "more_info_needed",
        note="Payroll shows different hours",
        message="Please check your monthly income and tell us about your hours.",
        questions=["income.monthly_gross"],
    )

    page = resident.page
    page.goto(f"/my/applications/{orca.reference}/")
    resident.check(
        "request shown",
        lang="en",
        texts=["The agency needs more information", "tell us about your hours"],
    )
    assert "Payroll shows different hours" not in page.inner_text("body")
    page.get_by_role("link", name="Answer this request").click()
    assert path(page) == f"/my/applications/{orca.reference}/respond/", page.url
    resident.check("respond form", lang="en", texts=["Answer the agency's request"])
    page.locator('input[name="income__monthly_gross"]').fill("1,400")
    page.get_by_label("Your reply to the agency").fill("My hours went down in March.")
    page.get_by_role("button", name="Send to the agency").click()
    assert path(page) == f"/my/applications/{orca.reference}/", page.url
    resident.check("answer sent", lang="en", texts=["Your reply", "My hours went down in March."])
    orca.refresh_from_db()
    assert orca.status == Application.Status.RESUBMITTED
    assert orca.answers["income.monthly_gross"] == 140000

    caseworker.page.goto("/admin/applicants/application/")
    caseworker.check("queue", texts=["Resubmitted: response received"])
    _set_status(caseworker, orca, "in_review")
    _set_status(caseworker, orca, "approved", message="Your card is mailed this week.")

    page.goto(f"/my/applications/{orca.reference}/")
    resident.check(
        "approved",
        lang="en",
        texts=[
            "Your application was approved",
            "Your card is mailed this week.",
            "What happens next",
            "Messages and history",
            "More information needed",
            "Resubmitted",
        ],
    )
    page.locator('button[lang="es"]').first.click()
    page.wait_for_load_state("load")
    resident.check(
        "aprobada",
        lang="es",
        texts=[
            "Su solicitud fue aprobada",
            "Your card is mailed this week.",
            "Mensajes e historial",
            "De lunes a viernes",
        ],
    )
