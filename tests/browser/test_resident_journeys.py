"""The resident's journeys in a real browser, by keyboard only: intake → results → three
programs → missing questions → review → submit → confirmation → my applications, in
English and in Spanish, on a desktop and a phone-sized screen, and resuming on another
device after signing in. axe-core checks every page."""

import re

import pytest
from django.utils import translation

from agencies.routing.models import Delivery
from applicants.models import Application, Submission
from notifications.models import Notification
from tests.applicants.conftest import INTAKE_POSTS
from tests.browser.support import (
    KeyboardError,
    fill_by_keyboard,
    focused,
    follow,
    navigate,
    path,
    press_space_on,
    skip_to_main,
    tab_to,
    text_is,
)
from tests.waiting import wait_for

VERIFY_LINK = re.compile(r"https?://[^/\s]+(/account/sign-up/verify/[^/\s]+/[^/\s]+/)")
CHOSEN = ["orca-lift", "child-care-assistance", "recreation-scholarship"]
# Answers to the chosen programs' own questions, by form field name.
PROGRAM_ANSWERS = {
    "transit__has_orca_card": "no",
    "child_care__reason": "work",
    "child_care__provider_name": "Little Sprouts",
    "recreation__activities": ["swim", "camps"],
    "housing__tenure": "rent",
    "energy__heating_source": "electric",
    "energy__shutoff_notice": "no",
    "food__expedited_need": "no",
}
CHILD = {"name": "Leo", "birth_date_0": "9", "birth_date_1": "3", "birth_date_2": "2019"}

# What each page must show, in English and in Spanish: program content from the demo
# programs' translations and the engine's reasons (interface strings are checked against
# the Spanish catalogue where they are used as button names).
PAGE_TEXTS = {
    "about-you": ("Your full name", "Su nombre completo"),
    "contact": ("Email address", "Correo electrónico"),
    "household": (
        "How many people live in your household, including you?",
        "¿Cuántas personas viven en su hogar, incluido usted?",
    ),
    "household-members": ("People in your household", "Personas en su hogar"),
    "add-person": ("Relationship to you", "Parentesco con usted"),
    "income": (
        "Your household's total monthly income before taxes",
        "El ingreso mensual total de su hogar antes de impuestos",
    ),
    "intake-review": ("How many people live in your household", "¿Cuántas personas viven"),
    "results": (
        "There is a child under 13 in your household.",
        "Hay un niño o niña menor de 13 años en su hogar.",
    ),
    "orca-card": ("Do you already have an ORCA card?", "¿Ya tiene una tarjeta ORCA?"),
    "child-care": ("Why do you need child care?", "¿Por qué necesita cuidado infantil?"),
    "activities": (
        "Which activities are you interested in?",
        "¿Qué actividades le interesan?",
    ),
    "review": ("Your full name", "Su nombre completo"),
    "programs": ("ORCA LIFT reduced fare", "Tarifa reducida ORCA LIFT"),
}


def texts(page: str, lang: str) -> list[str]:
    english, spanish_text = PAGE_TEXTS[page]
    return [spanish_text if lang == "es" else english]


def spanish(text: str) -> str:
    """The Spanish the portal shows for one of its own interface strings."""
    with translation.override("es"):
        return translation.gettext(text)


def intake_values(step: str) -> dict:
    return {f"{step}-{name}": value for name, value in INTAKE_POSTS[step].items()}


def form_field_names(page) -> set[str]:
    """The fields a step asks to fill; an optional document (ORCA LIFT's pay stub) is
    left for the agency to ask for, as most residents would."""
    return set(
        page.eval_on_selector_all(
            "main form [name]:not([type=hidden]):not([type=file])", "els => els.map(e => e.name)"
        )
    )


def answer_intake(journey, *, lang: str, add_child: bool) -> None:
    """From the first intake step to the results page."""
    page = journey.page
    labels = {"save": "Save and continue", "results": "See my results"}
    if lang == "es":
        labels = {key: spanish(text) for key, text in labels.items()}
    for step in ("about-you", "contact"):
        assert path(page) == f"/apply/intake/{step}/", page.url
        journey.check(f"intake {step}", lang=lang, texts=texts(step, lang))
        skip_to_main(page)
        fill_by_keyboard(page, intake_values(step), submit=labels["save"])

    assert path(page) == "/apply/intake/household/", page.url
    journey.check("intake household", lang=lang, texts=texts("household", lang))
    # Enter in a text field submits the form with its default button, as residents do.
    skip_to_main(page)
    tab_to(page, lambda info: info["name"] == "household-household__size", what="household size")
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("3")
    navigate(page, "Enter")

    assert path(page) == "/apply/intake/household-members/", page.url
    journey.check(
        "intake household members",
        lang=lang,
        texts=texts("household-members", lang),
    )
    if add_child:
        skip_to_main(page)
        follow(page, "Add a person" if lang == "en" else spanish("Add a person"))
        journey.check("add a person", lang=lang, texts=texts("add-person", lang))
        skip_to_main(page)
        names = form_field_names(page)
        assert {"name", "relationship"} <= names, names
        fill_by_keyboard(
            page,
            {**CHILD, "relationship": "child"},
            submit="Save this person" if lang == "en" else spanish("Save this person"),
        )
        assert path(page) == "/apply/intake/household-members/", page.url
        journey.check("intake household members with a child", lang=lang, texts=["Leo"])
    skip_to_main(page)
    fill_by_keyboard(page, {}, submit=labels["save"])

    assert path(page) == "/apply/intake/income/", page.url
    journey.check("intake income", lang=lang, texts=texts("income", lang))
    skip_to_main(page)
    fill_by_keyboard(page, intake_values("income"), submit=labels["save"])

    assert path(page) == "/apply/intake/review/", page.url
    journey.check(
        "intake review",
        lang=lang,
        texts=[*texts("intake-review", lang), "ana@example.org", *(["Leo"] if add_child else [])],
    )
    skip_to_main(page)
    fill_by_keyboard(page, {}, submit=labels["results"])
    assert path(page) == "/apply/results/", page.url


def choose_and_submit(journey, *, lang: str) -> str:
    """From the results page to the confirmation; returns the submission reference."""
    page = journey.page
    tr = (lambda text: text) if lang == "en" else spanish
    journey.check("results", lang=lang, texts=texts("results", lang) + texts("programs", lang))
    skip_to_main(page)
    for slug in CHOSEN:
        press_space_on(page, lambda info, s=slug: info["id"] == f"apply-{s}", what=slug)
    fill_by_keyboard(page, {}, submit=tr("Apply to the programs I chose"))

    seen = 0
    while path(page).startswith("/apply/questions/"):
        seen += 1
        assert seen < 10, "the questions never end"
        step = path(page).rstrip("/").rsplit("/", 1)[-1]
        journey.check(f"questions {step}", lang=lang, texts=texts(step, lang))
        names = form_field_names(page)
        unknown = names - PROGRAM_ANSWERS.keys()
        assert not unknown, f"asked again or unexpected on {page.url}: {unknown}"
        skip_to_main(page)
        fill_by_keyboard(
            page, {n: PROGRAM_ANSWERS[n] for n in names}, submit=tr("Save and continue")
        )
    assert seen >= 2, "each chosen program asks something of its own"

    assert path(page) == "/apply/review/", page.url
    journey.check(
        "review", lang=lang, texts=[*texts("review", lang), "ana@example.org", "Little Sprouts"]
    )
    skip_to_main(page)
    fill_by_keyboard(page, {}, submit=tr("Submit applications"))

    assert "/apply/submitted/" in path(page), page.url
    reference = path(page).rstrip("/").rsplit("/", 1)[-1]
    submission = Submission.objects.get(reference=reference)
    references = sorted(submission.applications.values_list("reference", flat=True))
    journey.check(
        "confirmation",
        lang=lang,
        texts=[tr("Applications submitted"), *texts("programs", lang), reference, *references],
    )
    assert submission.language == lang
    assert sorted(a.program.slug for a in submission.applications.all()) == sorted(CHOSEN)

    skip_to_main(page)
    follow(page, tr("See all my applications"))
    assert path(page) == "/my/applications/", page.url
    statuses = page.locator("td.status").all_inner_texts()
    journey.check("my applications", lang=lang, texts=[*texts("programs", lang), *references])
    with translation.override(lang):
        assert statuses == [str(Application.Status.SUBMITTED.label)] * 3
    return reference


def wait_for_deliveries(reference: str, count: int, timeout: float = 30) -> None:
    """The real worker picks the submission up and delivers to each agency's queue."""
    delivered = Delivery.objects.filter(
        application__submission__reference=reference, status=Delivery.Status.DELIVERED
    )
    wait_for(lambda: delivered.count() >= count, timeout, what=f"{count} deliveries")


@pytest.mark.parametrize("mobile", [False, True], ids=["desktop", "phone"])
def test_resident_applies_to_three_programs_by_keyboard_only(journeys, mobile):
    journey = journeys("resident", mobile=mobile)
    page = journey.page
    page.goto("/")
    journey.check("home", lang="en")
    skip_to_main(page)
    follow(page, "Check what you qualify for")
    assert path(page) == "/apply/", page.url
    journey.check("start", lang="en")
    skip_to_main(page)
    follow(page, "Start now")

    answer_intake(journey, lang="en", add_child=True)
    reference = choose_and_submit(journey, lang="en")
    wait_for_deliveries(reference, 3)


def test_resident_applies_in_spanish_switching_language_by_keyboard(journeys):
    # Spanish runs on the narrowest phone: longer words, least room (320 px wide).
    journey = journeys("residente", narrow=True)
    page = journey.page
    page.goto("/apply/")
    journey.check("start in English", lang="en", texts=["Check what you qualify for"])
    # The header's language switcher comes before the main content in tab order.
    tab_to(page, lambda info: info["lang"] == "es" and info["tag"] == "button", what="Español")
    navigate(page, "Enter")
    assert path(page) == "/apply/", "switching language keeps the resident on the page"
    journey.check("start", lang="es", texts=[spanish("Check what you qualify for")])
    assert spanish("Check what you qualify for") != "Check what you qualify for"
    skip_to_main(page)
    follow(page, spanish("Start now"))

    answer_intake(journey, lang="es", add_child=True)
    reference = choose_and_submit(journey, lang="es")
    wait_for_deliveries(reference, 3)


def sent_verification_link(worker) -> str:
    """The link of the sign-up email the worker sent (through the outbox) to its log:
    the test worker's email backend is the console's."""
    wait_for(
        lambda: Notification.objects.filter(kind="sign_up_verify", status="sent").exists(),
        60,
        what="the sign-up email sent",
    )
    links = VERIFY_LINK.findall(worker.log_path.read_text(errors="replace"))
    assert links, "no verification link in the worker's log"
    return links[-1]


def test_resident_leaves_mid_intake_and_resumes_on_another_device(journeys, celery_worker):
    first = journeys("first-device")
    page = first.page
    page.goto("/apply/intake/")
    assert path(page) == "/apply/intake/about-you/", page.url
    skip_to_main(page)
    fill_by_keyboard(page, intake_values("about-you"), submit="Save and continue")
    skip_to_main(page)
    fill_by_keyboard(page, intake_values("contact"), submit="Save and continue")
    assert path(page) == "/apply/intake/household/", page.url
    first.check("left at household")

    # The step page offers an account to continue elsewhere; everything so far is kept.
    tab_to(page, text_is("Create an account"), what="Create an account")
    navigate(page)
    first.check("sign up", texts=["Everything you entered so far is kept."])
    skip_to_main(page)
    fill_by_keyboard(
        page,
        {
            "email": "ana@example.org",
            "password1": "a long and unusual passphrase",
            "password2": "a long and unusual passphrase",
        },
        submit="Create account",
    )
    # The address is verified before the account exists: the link arrives by email.
    first.check("sign up, check your email", texts=["Check your email"])
    page.goto(sent_verification_link(celery_worker))
    first.check("signed up", texts=["Your account is ready."])
    page.context.close()

    # Later, on another device.
    second = journeys("second-device")
    page = second.page
    page.goto("/apply/")
    second.check("start, signed out")
    skip_to_main(page)
    follow(page, "Sign in")
    second.check("sign in")
    skip_to_main(page)
    fill_by_keyboard(
        page,
        {"email": "ana@example.org", "password": "a long and unusual passphrase"},
        submit="Sign in",
    )
    assert path(page) == "/apply/intake/household/", f"did not resume: {page.url}"
    second.check("resumed at household", texts=["You are signed in."])

    # What was entered on the first device is there, pre-filled.
    skip_to_main(page)
    fill_by_keyboard(page, {}, submit="Back")
    assert path(page) == "/apply/intake/contact/", page.url
    second.check("contact pre-filled")
    assert page.input_value("#id_contact-contact__email") == "ana@example.org"
    try:
        skip_to_main(page)
        fill_by_keyboard(page, {}, submit="Save and continue")
    except KeyboardError:
        raise AssertionError(f"could not continue from the contact step: {focused(page)}") from None
    assert path(page) == "/apply/intake/household/", page.url
    skip_to_main(page)
    fill_by_keyboard(page, {"household-household__size": "1"}, submit="Save and continue")
    skip_to_main(page)
    fill_by_keyboard(page, {}, submit="Save and continue")
    skip_to_main(page)
    fill_by_keyboard(page, intake_values("income"), submit="Save and continue")
    skip_to_main(page)
    fill_by_keyboard(page, {}, submit="See my results")
    assert path(page) == "/apply/results/", page.url
    second.check("results after resuming", texts=["ORCA LIFT"])
