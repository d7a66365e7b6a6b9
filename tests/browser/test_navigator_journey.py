"""A community navigator in a real browser, by keyboard: signs in, adds a client, acts for
them (the banner on every page of the resident journey), completes the intake, applies to
two programs, submits, stops acting and sees both applications on the client's page with
who entered them. axe-core checks every page; the navigator pages are also checked at
375x667 for sideways scrolling."""

from applicants.models import Answer, Submission
from applicants.navigators.demo import DEMO_NAVIGATORS, demo_partners_create
from applicants.navigators.models import ClientRelationship, PartnerAccessEvent
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.support import (
    fill_by_keyboard,
    follow,
    navigate,
    path,
    press_space_on,
    skip_to_main,
    tab_to,
    text_is,
)
from tests.browser.test_resident_journeys import (
    PROGRAM_ANSWERS,
    form_field_names,
    wait_for_deliveries,
)

ORGANIZATION = "Rainier Valley Family Resource Center"
NAVIGATOR_EMAIL, SUPERVISOR_EMAIL = (row[0] for row in DEMO_NAVIGATORS)
NAVIGATOR_NAME = "Maya Tran"
CLIENT = "Rosa Mendoza"
CLIENT_EMAIL = "rosa.mendoza@example.org"
BANNER = f"You are applying for {CLIENT} as {ORGANIZATION}"
# ORCA LIFT needs an adult of 19 to 64; both need a low income for one person.
CHOSEN = {"orca-lift": "ORCA LIFT reduced fare", "basic-food": "Basic Food"}
ADD_CLIENT = {
    "applicant__name_0": "Rosa",
    "applicant__name_2": "Mendoza",
    "applicant__birth_date_0": "7",
    "applicant__birth_date_1": "3",
    "applicant__birth_date_2": "1985",
}
CONTACT = {
    "contact-contact__phone": "(206) 555-0177",
    "contact-home__address_0": "4400 Rainier Ave S",
    "contact-home__address_2": "Seattle",
    "contact-home__address_3": "WA",
    "contact-home__address_4": "98118",
}


def check_at_phone_size(journey, label: str, *, texts=()) -> None:
    """The same page at 375x667: nothing scrolls sideways, and axe still passes."""
    journey.page.set_viewport_size(PHONE)
    journey.mobile = True
    try:
        journey.check(f"{label} (phone)", texts=texts)
    finally:
        journey.mobile = False
        journey.page.set_viewport_size(DESKTOP)


def sign_in(journey, email: str, password: str) -> None:
    """On the resident sign-in page; the dashboard was asked for, so it opens after."""
    page = journey.page
    page.goto("/navigator/")
    assert path(page) == "/account/sign-in/", page.url
    journey.check("sign in")
    skip_to_main(page)
    fill_by_keyboard(page, {"email": email, "password": password}, submit="Sign in")
    assert path(page) == "/navigator/", page.url


def acting_check(journey, label: str, *, texts=()) -> None:
    """A page of the resident journey used on the client's behalf: the banner is there."""
    journey.check(label, lang="en", texts=[BANNER, *texts])


def test_navigator_adds_a_client_applies_to_two_programs_and_sees_both(journeys):
    passwords = {email: password for email, password, _description in demo_partners_create()}
    journey = journeys("navigator")
    page = journey.page

    sign_in(journey, NAVIGATOR_EMAIL, passwords[NAVIGATOR_EMAIL])
    journey.check("dashboard, no clients", texts=[ORGANIZATION, "has no clients yet"])

    # Add a client; first without a way to reach them, which is refused with a clear error.
    skip_to_main(page)
    follow(page, "Add a client")
    assert path(page) == "/navigator/clients/add/", page.url
    journey.check("add a client", texts=[ORGANIZATION])
    check_at_phone_size(journey, "add a client")
    skip_to_main(page)
    fill_by_keyboard(page, ADD_CLIENT, submit="Add client")
    assert path(page) == "/navigator/clients/add/", page.url
    journey.check(
        "add a client, error", texts=["Enter an email address or a phone number to reach"]
    )
    assert page.title().startswith("Error:")
    assert page.input_value("#id_applicant__name_0") == "Rosa", "what was typed is kept"
    skip_to_main(page)
    fill_by_keyboard(page, {"contact__email": CLIENT_EMAIL}, submit="Add client")
    relationship = ClientRelationship.objects.get(applicant__email=CLIENT_EMAIL)
    assert path(page) == f"/navigator/clients/{relationship.pk}/", page.url
    journey.check(
        "new client", texts=["Client added.", CLIENT, "Not screened yet.", "No applications yet."]
    )

    # Act for the client: the same journey, on their record, with the banner.
    skip_to_main(page)
    follow(page, "Act for this client")
    # The add-client form answered "about you", so the intake resumes at the next step.
    assert path(page) == "/apply/intake/contact/", page.url
    acting_check(journey, "intake contact")
    check_at_phone_size(journey, "intake contact, acting", texts=[BANNER])
    assert page.input_value("#id_contact-contact__email") == CLIENT_EMAIL, "pre-filled"
    skip_to_main(page)
    fill_by_keyboard(page, CONTACT, submit="Save and continue")

    assert path(page) == "/apply/intake/household/", page.url
    acting_check(journey, "intake household")
    skip_to_main(page)
    fill_by_keyboard(page, {"household-household__size": "1"}, submit="Save and continue")

    assert path(page) == "/apply/intake/household-members/", page.url
    acting_check(journey, "intake household members")
    skip_to_main(page)
    fill_by_keyboard(page, {}, submit="Save and continue")

    assert path(page) == "/apply/intake/income/", page.url
    acting_check(journey, "intake income")
    skip_to_main(page)
    fill_by_keyboard(page, {"income-income__monthly_gross": "1,400"}, submit="Save and continue")

    assert path(page) == "/apply/intake/review/", page.url
    acting_check(journey, "intake review", texts=[CLIENT, CLIENT_EMAIL])
    skip_to_main(page)
    fill_by_keyboard(page, {}, submit="See my results")

    # Two programs, their own questions, review, submit.
    assert path(page) == "/apply/results/", page.url
    acting_check(journey, "results", texts=list(CHOSEN.values()))
    skip_to_main(page)
    for slug in CHOSEN:
        press_space_on(page, lambda info, s=slug: info["id"] == f"apply-{s}", what=slug)
    fill_by_keyboard(page, {}, submit="Apply to the programs I chose")
    seen = 0
    while path(page).startswith("/apply/questions/"):
        seen += 1
        assert seen < 6, "the questions never end"
        acting_check(journey, f"questions {seen}")
        names = form_field_names(page)
        assert names <= PROGRAM_ANSWERS.keys(), names - PROGRAM_ANSWERS.keys()
        skip_to_main(page)
        fill_by_keyboard(page, {n: PROGRAM_ANSWERS[n] for n in names}, submit="Save and continue")
    assert seen >= 1
    assert path(page) == "/apply/review/", page.url
    acting_check(journey, "review", texts=[CLIENT, *CHOSEN.values()])
    skip_to_main(page)
    fill_by_keyboard(page, {}, submit="Submit applications")

    assert "/apply/submitted/" in path(page), page.url
    reference = path(page).rstrip("/").rsplit("/", 1)[-1]
    submission = Submission.objects.get(reference=reference)
    applications = list(submission.applications.select_related("program"))
    references = [application.reference for application in applications]
    acting_check(journey, "confirmation", texts=["Applications submitted", *references])
    assert submission.applicant_id == relationship.applicant_id
    assert {application.program.slug for application in applications} == set(CHOSEN)
    assert submission.entered_by_navigator.username == NAVIGATOR_EMAIL
    assert submission.partner_organization.name == ORGANIZATION
    entered = Answer.objects.filter(applicant=relationship.applicant)
    assert set(entered.values_list("entered_by__username", "partner_organization__name")) == {
        (NAVIGATOR_EMAIL, ORGANIZATION)
    }

    # Stop acting from the banner: back on the client's page, with both applications.
    tab_to(page, text_is("Stop acting"), what="the banner's Stop acting button")
    navigate(page)
    assert path(page) == f"/navigator/clients/{relationship.pk}/", page.url
    journey.check(
        "client page after applying",
        texts=["You stopped acting for this client.", CLIENT, *CHOSEN.values(), *references],
    )
    assert BANNER not in page.inner_text("body")
    entered_by = f"{NAVIGATOR_NAME} for {ORGANIZATION}"
    for application in applications:
        row = page.locator("main tr", has_text=application.reference)
        assert row.count() == 1, application.reference
        assert row.locator("td.status").inner_text() == "Submitted"
        assert entered_by in row.inner_text()
    check_at_phone_size(journey, "client page", texts=[entered_by])

    # The dashboard lists the client with both applications.
    skip_to_main(page)
    follow(page, "Your clients")
    assert path(page) == "/navigator/", page.url
    journey.check("dashboard with the client", texts=[CLIENT, CLIENT_EMAIL, *references])
    check_at_phone_size(journey, "dashboard with the client", texts=[CLIENT])

    # The other navigator page: linking a resident's account by their code.
    skip_to_main(page)
    follow(page, "Link a resident's account")
    assert path(page) == "/navigator/clients/link/", page.url
    journey.check("link an account", texts=["The code works once"])
    check_at_phone_size(journey, "link an account")

    # The supervisor sees the organization's figures, the two applications counted.
    supervisor = journeys("supervisor")
    sign_in(supervisor, SUPERVISOR_EMAIL, passwords[SUPERVISOR_EMAIL])
    skip_to_main(supervisor.page)
    follow(supervisor.page, "Organization figures")
    assert path(supervisor.page) == "/navigator/figures/", supervisor.page.url
    supervisor.check("figures", texts=[f"Figures for {ORGANIZATION}", *CHOSEN.values()])
    check_at_phone_size(supervisor, "figures")
    for name in CHOSEN.values():
        cells = supervisor.page.locator("main tbody tr", has_text=name).locator("td")
        assert cells.first.inner_text() == "1", f"{name}: one application submitted"

    assert {
        PartnerAccessEvent.Action.CLIENT_ADDED,
        PartnerAccessEvent.Action.ACTING_STARTED,
        PartnerAccessEvent.Action.ACTING_REQUEST,
        PartnerAccessEvent.Action.ACTING_STOPPED,
        PartnerAccessEvent.Action.CLIENT_VIEWED,
    } <= set(
        PartnerAccessEvent.objects.filter(applicant=relationship.applicant).values_list(
            "action", flat=True
        )
    )
    wait_for_deliveries(reference, len(CHOSEN))
