"""A person living alone, with no email and a phone number, by keyboard only, in English
and in Spanish: a definite result for every demo program, two applications, and a
confirmation page with the reference number, the text-message contact and the status
link, then the confirmation sent by text message through the notification outbox by the
real worker. axe-core checks every page."""

import time

import pytest

from applicants.contact import preferred_contact
from applicants.models import Answer, Submission
from notifications.models import Notification
from tests.browser.support import fill_by_keyboard, follow, path, press_space_on, skip_to_main
from tests.browser.test_resident_journeys import form_field_names, spanish

INTAKE = {
    "about-you": {
        "applicant__name_0": "Lena",
        "applicant__name_2": "Ortiz",
        "applicant__birth_date_0": "5",
        "applicant__birth_date_1": "20",
        "applicant__birth_date_2": "1988",
    },
    "contact": {
        "contact__phone": "(206) 555-0142",
        "contact__preference": "text",
        "home__address_0": "200 Pine St",
        "home__address_2": "Seattle",
        "home__address_3": "WA",
        "home__address_4": "98101",
    },
    "household": {"household__size": "1"},
    "household-members": {},
    "income": {"income__monthly_gross": "1,400"},
}
CHOSEN = ["basic-food", "orca-lift"]
PROGRAM_ANSWERS = {"food__expedited_need": "no", "transit__has_orca_card": "no"}
ALL_PROGRAMS = {
    "basic-food",
    "utility-discount",
    "orca-lift",
    "child-care-assistance",
    "energy-assistance",
    "recreation-scholarship",
}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_person_living_alone_without_email_applies_by_keyboard(journeys, lang):
    journey = journeys(f"alone-{lang}", mobile=lang == "es")
    page = journey.page
    tr = (lambda text: text) if lang == "en" else spanish
    page.goto("/apply/")
    if lang == "es":
        page.locator("button[lang=es]").first.press("Enter")
        page.wait_for_load_state()
    journey.check("start", lang=lang)
    skip_to_main(page)
    follow(page, tr("Start now"))

    for step, values in INTAKE.items():
        assert path(page) == f"/apply/intake/{step}/", page.url
        journey.check(f"intake {step}", lang=lang)
        skip_to_main(page)
        fill_by_keyboard(
            page, {f"{step}-{k}": v for k, v in values.items()}, submit=tr("Save and continue")
        )
    assert path(page) == "/apply/intake/review/", page.url
    journey.check("intake review", lang=lang)
    skip_to_main(page)
    fill_by_keyboard(page, {}, submit=tr("See my results"))

    assert path(page) == "/apply/results/", page.url
    journey.check("results", lang=lang)
    outcomes = page.eval_on_selector_all(
        "section.result-group",
        "els => els.flatMap(s => [...s.querySelectorAll('li.result')].map("
        "li => [li.id.replace('program-', ''), s.className]))",
    )
    assert {slug for slug, _ in outcomes} == ALL_PROGRAMS
    assert all("result-unknown" not in group for _, group in outcomes), outcomes
    assert page.locator(".estimate-total").count() == 1
    skip_to_main(page)
    for slug in CHOSEN:
        press_space_on(page, lambda info, s=slug: info["id"] == f"apply-{s}", what=slug)
    fill_by_keyboard(page, {}, submit=tr("Apply to the programs I chose"))

    seen = 0
    while path(page).startswith("/apply/questions/"):
        seen += 1
        assert seen < 6, "the questions never end"
        journey.check(f"questions {seen}", lang=lang)
        names = form_field_names(page)
        assert names <= PROGRAM_ANSWERS.keys(), names
        skip_to_main(page)
        fill_by_keyboard(
            page, {n: PROGRAM_ANSWERS[n] for n in names}, submit=tr("Save and continue")
        )
    assert path(page) == "/apply/review/", page.url
    journey.check("review", lang=lang)
    skip_to_main(page)
    fill_by_keyboard(page, {}, submit=tr("Submit applications"))

    assert "/apply/submitted/" in path(page), page.url
    reference = path(page).rstrip("/").rsplit("/", 1)[-1]
    submission = Submission.objects.get(reference=reference)
    assert sorted(a.program.slug for a in submission.applications.all()) == sorted(CHOSEN)
    assert submission.language == lang
    assert not Answer.objects.filter(
        applicant=submission.applicant, question_key="contact.email", value__contains="@"
    ).exists()
    assert preferred_contact(submission.applicant) == ("text", "2065550142")
    # The confirmation goes by text, through the outbox, sent by the real worker.
    deadline = time.monotonic() + 30
    while True:
        sent = list(Notification.objects.filter(submission=submission))
        if sent and all(row.status == Notification.Status.SENT for row in sent):
            break
        assert time.monotonic() < deadline, [(row.channel, row.status) for row in sent]
        time.sleep(0.2)
    assert [(row.channel, row.address) for row in sent] == [("sms", "2065550142")]
    assert reference in sent[0].body
    journey.check(
        "confirmation",
        lang=lang,
        texts=[
            reference,
            tr(
                "We will send updates by text message to the phone number you gave. "
                "Each agency will contact you about next steps."
            ),
            tr("Your link to check the status"),
        ],
    )
    assert page.locator("#submission-reference").inner_text() == reference
    assert page.locator("button[data-print]").is_visible()
    status_url = page.locator("a.status-url").inner_text()
    page.goto(status_url)
    journey.check("status link", lang=lang, texts=[reference])

    # "My applications" on a 375 px phone: labelled lines, no sideways scrolling.
    page.goto("/my/applications/")
    journey.check("my applications", lang=lang, texts=[reference[:3]])
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{overflow}px of sideways scrolling"
    wrap = page.evaluate(
        "() => { const w = document.querySelector('.table-wrap');"
        " return w.scrollWidth - w.clientWidth; }"
    )
    assert wrap <= 0, f"the table scrolls sideways by {wrap}px"
