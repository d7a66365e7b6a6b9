"""After submitting, in a real browser with axe on every resident page, in English and in
Spanish: a caseworker asks for a pay stub, the guest opens the link from the emailed
request in a browser that never saw them, uploads the pay stub and replies, the
caseworker finds the response highlighted in the queue and approves with a message, and
the resident sees the approval, the message and the history.
"""

import re

import pytest

from applicants.models import Application
from notifications.models import Notification
from tests.browser.support import path
from tests.browser.test_resident_journeys import spanish
from tests.browser.test_staff_journeys import admin_sign_in, resident_submits, staff_passwords

CASEWORKER = "caseworker-king-county-metro"
PAY_STUB = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _set_status(caseworker, application, status, *, message="", note="", documents=()):
    page = caseworker.page
    page.goto(f"/admin/applicants/application/{application.pk}/change/")
    page.get_by_label("New status").select_option(status)
    if note:
        page.get_by_label("Note", exact=True).fill(note)
    if message:
        page.get_by_label("Message to the resident").fill(message)
    for key in documents:
        page.locator(f'input[name="requested_documents"][value="{key}"]').check()
    page.get_by_role("button", name="Change status and tell the resident").click()
    caseworker.check(f"status {status}")


def _emailed_link(application) -> str:
    email = Notification.objects.get(application=application, kind="info_request", channel="email")
    return re.search(r"https?://\S+/back/\S+/", email.body).group(0)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_pay_stub_asked_uploaded_by_the_guest_then_approved_with_a_message(journeys, lang):
    tr = (lambda text: text) if lang == "en" else spanish
    applicant, reference = resident_submits(journeys)
    orca = Application.objects.get(submission__reference=reference, program__slug="orca-lift")
    # The resident's messages are in the language they applied in; the Spanish journey
    # itself is walked in test_resident_journeys, so here the choice is set directly.
    orca.submission.__class__.objects.filter(pk=orca.submission_id).update(language=lang)
    applicant.page.context.close()  # the guest comes back later, from the email alone
    caseworker = journeys("caseworker")
    admin_sign_in(caseworker, CASEWORKER, staff_passwords()[CASEWORKER])

    _set_status(caseworker, orca, "in_review")
    _set_status(
        caseworker,
        orca,
        "more_info_needed",
        note="Payroll shows different hours",
        message="Please upload your latest pay stub.",
        documents=["documents.pay_stub"],
    )

    guest = journeys("guest")
    page = guest.page
    page.goto(_emailed_link(orca).split("://", 1)[1].split("/", 1)[1].join(["/", ""]))
    assert path(page) == f"/my/applications/{orca.reference}/", page.url
    request_title = tr("The agency needs more information")
    guest.check("request shown", lang=lang, texts=[request_title, "latest pay stub"])
    assert "Payroll shows different hours" not in page.inner_text("body")
    page.get_by_role("link", name=tr("Answer this request")).click()
    assert path(page) == f"/my/applications/{orca.reference}/respond/", page.url
    guest.check(
        "respond form",
        lang=lang,
        texts=[tr("Answer the agency's request"), "A recent pay stub" if lang == "en" else "talón"],
    )
    page.locator('input[name="documents__pay_stub"]').set_input_files(
        {"name": "pay-stub.pdf", "mimeType": "application/pdf", "buffer": PAY_STUB}
    )
    page.get_by_label(tr("Your reply to the agency")).fill("My hours went down in March.")
    page.get_by_role("button", name=tr("Send to the agency")).click()
    assert path(page) == f"/my/applications/{orca.reference}/", page.url
    guest.check("answer sent", lang=lang, texts=[tr("Your reply"), "My hours went down in March."])
    orca.refresh_from_db()
    assert orca.status == Application.Status.RESUBMITTED
    assert orca.answers["documents.pay_stub"]["name"] == "pay-stub.pdf"

    caseworker.page.goto("/admin/applicants/application/")
    caseworker.check("queue", texts=["Resubmitted: response received", orca.reference])
    _set_status(caseworker, orca, "in_review")
    _set_status(caseworker, orca, "approved", message="Your card is mailed this week.")

    page.goto(f"/my/applications/{orca.reference}/")
    guest.check(
        "approved",
        lang=lang,
        texts=[
            tr("Your application was approved"),
            "Your card is mailed this week.",
            tr("What happens next"),
            tr("Messages and history"),
            tr("More information needed"),
            tr("Resubmitted"),
            "pay-stub.pdf",
            "Monday to Friday" if lang == "en" else "De lunes a viernes",
        ],
    )
