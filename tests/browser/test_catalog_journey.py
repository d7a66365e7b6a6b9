"""With the Washington starter catalog loaded (26 programs), a household of four with two
children, a pregnant adult and $3,000 a month goes through the shared intake by keyboard,
sees a result for every program with the published estimated values, applies to the two
pregnancy programs, answers the one question they add, and then sees both as likely.
axe-core checks every page."""

import pytest

from applicants import intake
from eligibility.services import clear_compiled_cache
from programs.demo import CATALOG_DIR, demo_programs_load
from programs.models import ProgramVersion
from tests.browser.support import fill_by_keyboard, follow, path, press_space_on, skip_to_main
from tests.browser.test_resident_journeys import form_field_names

INTAKE = {
    "about-you": {
        "applicant__name_0": "Rosa",
        "applicant__name_2": "Vega",
        "applicant__birth_date_0": "2",
        "applicant__birth_date_1": "14",
        "applicant__birth_date_2": "1994",
    },
    "contact": {
        "contact__email": "rosa@example.org",
        "home__address_0": "300 Rainier Ave S",
        "home__address_2": "Seattle",
        "home__address_3": "WA",
        "home__address_4": "98144",
    },
    "household": {"household__size": "4"},
}
PEOPLE = [
    {"name": "Luis", "relationship": "spouse",
     "birth_date_0": "7", "birth_date_1": "1", "birth_date_2": "1991"},
    {"name": "Eva", "relationship": "child",
     "birth_date_0": "3", "birth_date_1": "9", "birth_date_2": "2019"},
    {"name": "Leo", "relationship": "child",
     "birth_date_0": "2", "birth_date_1": "10", "birth_date_2": "2024"},
]  # fmt: skip
INCOME = {"income__monthly_gross": "3,000"}
PREGNANCY_PROGRAMS = ["apple-health-pregnancy", "wic"]
# What the catalog publishes for this household (2025 tax year credits; 2026 amounts).
ESTIMATES = {
    "sun-bucks": "about $120 a year",  # one child aged 5 to 18
    "child-tax-credit": "about $4,400 a year",  # $2,200 for each of two children
    "federal-eitc": "about $7,152 a year",  # the most with two children
    "lifeline": "about $9.25 a month",
    "orca-lift": "about $80 a month",
}


@pytest.fixture
def catalog(portal):
    demo_programs_load(path=CATALOG_DIR)
    intake.clear_cache()
    clear_compiled_cache()
    yield
    clear_compiled_cache()


def outcome_by_slug(page) -> dict[str, str]:
    pairs = page.eval_on_selector_all(
        "section.result-group",
        "els => els.flatMap(s => [...s.querySelectorAll('li.result')].map("
        "li => [li.id.replace('program-', ''), s.className.replace('result-group ', '')]))",
    )
    return dict(pairs)


def answer_intake(journey) -> None:
    page = journey.page
    for step, values in INTAKE.items():
        assert path(page) == f"/apply/intake/{step}/", page.url
        journey.check(f"intake {step}", lang="en")
        skip_to_main(page)
        data = {f"{step}-{k}": v for k, v in values.items()}
        fill_by_keyboard(page, data, submit="Save and continue")
    assert path(page) == "/apply/intake/household-members/", page.url
    for person in PEOPLE:
        skip_to_main(page)
        follow(page, "Add a person")
        journey.check(f"add {person['name']}", lang="en")
        skip_to_main(page)
        fill_by_keyboard(page, person, submit="Save this person")
        assert path(page) == "/apply/intake/household-members/", page.url
    journey.check("household members", lang="en", texts=[p["name"] for p in PEOPLE])
    skip_to_main(page)
    fill_by_keyboard(page, {}, submit="Save and continue")
    assert path(page) == "/apply/intake/income/", page.url
    journey.check("intake income", lang="en")
    skip_to_main(page)
    fill_by_keyboard(
        page, {f"income-{k}": v for k, v in INCOME.items()}, submit="Save and continue"
    )
    assert path(page) == "/apply/intake/review/", page.url
    journey.check("intake review", lang="en", texts=["Eva", "Leo", "$3,000"])
    skip_to_main(page)
    fill_by_keyboard(page, {}, submit="See my results")


def test_a_family_of_four_expecting_a_baby_sees_every_catalog_program(journeys, catalog):
    published = set(
        ProgramVersion.objects.filter(status="published").values_list("program__slug", flat=True)
    )
    assert len(published) == 26
    journey = journeys("catalog-family")
    page = journey.page
    page.goto("/apply/")
    skip_to_main(page)
    follow(page, "Start now")
    answer_intake(journey)

    assert path(page) == "/apply/results/", page.url
    journey.check("results", lang="en", texts=["Your likely value"])
    outcomes = outcome_by_slug(page)
    assert set(outcomes) == published
    # Pregnancy is asked only by the programs that use it: until then Apple Health for
    # pregnant people is "unknown", while WIC already counts the two-year-old.
    assert outcomes["apple-health-pregnancy"] == "result-unknown"
    for slug in ("wic", "apple-health-adults", "apple-health-kids", "sun-bucks", "federal-eitc"):
        assert outcomes[slug] == "result-eligible", (slug, outcomes[slug])
    for slug, text in ESTIMATES.items():
        estimate = page.locator(f"#program-{slug} .estimate").inner_text()
        assert text in estimate, (slug, estimate)

    skip_to_main(page)
    for slug in PREGNANCY_PROGRAMS:
        press_space_on(page, lambda info, s=slug: info["id"] == f"apply-{s}", what=slug)
    fill_by_keyboard(page, {}, submit="Apply to the programs I chose")
    asked = set()
    while path(page).startswith("/apply/questions/"):
        journey.check(f"questions {len(asked)}", lang="en")
        names = form_field_names(page)
        assert names <= {"household__pregnant"}, names
        asked |= names
        skip_to_main(page)
        fill_by_keyboard(page, {n: "yes" for n in names}, submit="Save and continue")
    assert asked == {"household__pregnant"}, "one shared question for both programs"
    assert path(page) == "/apply/review/", page.url

    page.goto("/apply/results/")
    journey.check("results after the pregnancy answer", lang="en")
    outcomes = outcome_by_slug(page)
    assert {outcomes[slug] for slug in PREGNANCY_PROGRAMS} == {"result-eligible"}
