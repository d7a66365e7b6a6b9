"""Issue 19's must-show journey in Chromium: a program admin builds a program with two
screens and the rule "household income at or below 185% of the poverty guideline in effect,
or anyone in the household receives SNAP" through the builder's forms (no JSON typed
anywhere), checks it in the try-it panel, adds two examples, publishes it, and a resident
then screens eligible for it. Every builder page passes axe; the rule rows are driven by
keyboard. The published program exports to the document written by hand for that rule.
A second journey builds a computed value from rows and uses it in the rule by name."""

import json
from pathlib import Path

from organizations.models import Agency
from programs.documents.export import export_document
from programs.models import Program, Question
from programs.selectors import versions_for_export
from programs.services import program_version_create_draft
from tests.browser.support import follow, navigate, path, skip_to_main, tab_to, text_is
from tests.browser.test_resident_journeys import answer_intake
from tests.browser.test_staff_journeys import admin_sign_in, staff_passwords

FIXTURE = Path(__file__).parents[1] / "programs" / "fixtures" / "food-and-fare-help.json"


def field(page, name):
    return page.locator(f'[name="{name}"]')


def press(page, name):
    page.get_by_role("button", name=name, exact=True).first.click()
    page.wait_for_load_state("load")


def create_program_and_draft(admin):
    page = admin.page
    page.goto("/admin/programs/program/add/")
    admin.check("new program")
    field(page, "name").fill("Food and Fare Help")
    page.keyboard.press("Tab")  # the admin's script fills the slug in from the name
    assert field(page, "slug").input_value() == "food-and-fare-help"
    field(page, "agency").select_option(str(Agency.objects.get(slug="wa-dshs").pk))
    field(page, "summary").fill(
        "Help with groceries and bus fares for households with low incomes."
    )
    field(page, "source").fill(
        "Household income at or below 185% of the HHS poverty guideline in effect, "
        "or a household that gets SNAP."
    )
    press(page, "Save")
    program = Program.objects.get(slug="food-and-fare-help")
    page.goto("/admin/programs/programversion/add/")
    admin.check("new version")
    field(page, "program").select_option(str(program.pk))
    press(page, "Save and continue editing")
    admin.check("draft version", texts=["Screens builder", "Eligibility rule builder"])
    return program


def add_screen(admin, link, key, title, title_es, questions):
    page = admin.page
    page.get_by_role("link", name=link, exact=True).click()
    admin.check(f"screens before {key}")
    field(page, "key").fill(key)
    field(page, "title").fill(title)
    field(page, "title_es").fill(title_es)
    press(page, "Add the screen")
    admin.check(f"screen {key}", texts=[f"Screen “{title}” added."])
    for index, (question, required) in enumerate(questions):
        field(page, f"questions-{index}-question").fill(question)
        if required:
            field(page, f"questions-{index}-required").check()
    press(page, "Save the screen")
    admin.check(f"screen {key} saved", texts=["The screen is saved."])


def build_rule(admin):
    page = admin.page
    page.get_by_role("link", name="Rule", exact=True).click()
    admin.check("empty rule", texts=["No conditions yet"])
    # The outline by keyboard: a group, then two conditions inside it.
    skip_to_main(page)
    tab_to(page, text_is("Add a group at the end"), what="add a group")
    navigate(page)
    tab_to(page, lambda info: info["name"] == "rows-0-kind", what="the group's type")
    page.keyboard.press("ArrowDown")  # all -> any
    assert field(page, "rows-0-kind").input_value() == "any"
    for _ in range(2):
        skip_to_main(page)
        tab_to(page, text_is("Add a condition after row 1"), what="add a condition")
        navigate(page)
    admin.check("group with two conditions")
    field(page, "rows-1-left_question").fill("income.monthly_gross")
    field(page, "rows-1-op").select_option("lte")
    field(page, "rows-1-right").select_option("table")
    field(page, "rows-2-left_question").fill("benefits.current")
    field(page, "rows-2-op").select_option("in")
    field(page, "rows-2-right_value").fill("snap")
    press(page, "Check the rule")
    # The table settings open for a table limit; the missing table is marked on its field.
    admin.check("rule with an error", texts=["There is a problem", "Choose a table."])
    assert page.locator("#id_rows-1-table_id").is_visible()
    field(page, "rows-1-table_id").select_option("hhs_poverty_guidelines")
    field(page, "rows-1-table_percent").fill("185")
    field(page, "rows-1-table_size").select_option("answer")
    field(page, "rows-1-table_size_value").fill("household.size")
    field(page, "rows-1-table_period").select_option("monthly")
    press(page, "Check the rule")
    admin.check(
        "rule checked",
        texts=[
            "The rule is valid.",
            "Any of these is true:",
            "is at or below 185% of HHS poverty guidelines",
            "includes Basic Food (SNAP)",
        ],
    )
    press(page, "Save the rule")
    admin.check("rule saved", texts=["The rule is saved."])


def try_and_keep_examples(admin):
    page = admin.page
    field(page, "try-as_of").fill("2026-03-02")
    field(page, "try-household__size").fill("1")
    for income, outcome, name in (
        ("1,500", "eligible", "One person earning $1,500 a month"),
        ("9,000", "ineligible", "One person earning $9,000 a month, no SNAP"),
    ):
        field(page, "try-income__monthly_gross").fill(income)
        press(page, "Try it")
        admin.check(f"tried {income}", texts=[f"Outcome: {outcome}"])
        field(page, "try-example_name").fill(name)
        field(page, "try-expected").select_option(outcome)
        press(page, "Add these answers as an example")
        admin.check(f"example {income}", texts=[f"Example “{name}” added."])


def test_a_program_admin_builds_and_publishes_a_program_and_a_resident_qualifies(journeys):
    passwords = staff_passwords()
    admin = journeys("program-admin")
    admin_sign_in(admin, "programadmin", passwords["programadmin"])
    program = create_program_and_draft(admin)
    page = admin.page
    add_screen(
        admin,
        "Screens builder",
        "household",
        "Your household",
        "Su hogar",
        [("household.size", True)],
    )
    add_screen(
        admin,
        "All screens of this version",
        "income",
        "Income and benefits",
        "Ingresos y beneficios",
        [("income.monthly_gross", True), ("benefits.current", False)],
    )
    build_rule(admin)
    try_and_keep_examples(admin)

    page.get_by_role("link", name="Back to the version").click()
    press(page, "Publish")
    admin.check("published", texts=["Published Food and Fare Help version 1"])
    assert program.versions.get().status == "published"

    versions, _missing = versions_for_export(slugs=[program.slug], which="published")
    exported = json.loads(json.dumps(export_document(versions)))
    assert exported == json.loads(FIXTURE.read_text(encoding="utf-8"))

    resident = journeys("resident", axe=False)
    resident.page.goto("/apply/")
    skip_to_main(resident.page)
    follow(resident.page, "Start now")
    answer_intake(resident, lang="en", add_child=False)
    assert path(resident.page) == "/apply/results/"
    eligible = resident.page.locator("section.result-eligible").inner_text()
    assert "Food and Fare Help" in eligible


def test_a_program_admin_builds_a_computed_value_by_rows_and_uses_it_by_name(journeys):
    """A named value (income minus $100 of work costs) built from rows, used in the
    condition by name, tried and saved: no JSON typed, axe 0 on every step."""
    admin = journeys("program-admin")
    admin_sign_in(admin, "programadmin", staff_passwords()["programadmin"])
    published = Program.objects.get(slug="basic-food").versions.get(status="published")
    draft = program_version_create_draft(program=published.program, from_version=published)
    page = admin.page
    page.goto(f"/admin/programs/programversion/{draft.pk}/rule/")
    admin.check("rule with no named values", texts=["No named values yet."])
    press(page, "Add a named value")
    field(page, "values-0-value_name").fill("income_after_costs")
    field(page, "values-0-label_en").fill("Your income after work costs")
    field(page, "values-0-label_es").fill("Su ingreso después de gastos de trabajo")
    press(page, "Add a calculation after value row 1")
    press(page, "Indent value row 3")  # the first operand goes under the calculation
    press(page, "Add an operand after value row 2")
    admin.check("a calculation with two operands")
    field(page, "values-1-kind").select_option("sub")
    field(page, "values-2-left_question").fill("income.monthly_gross")
    field(page, "values-3-kind").select_option("dollars")
    field(page, "rows-0-left").select_option("named")
    page.locator("#row-1 summary", has_text="named values").click()
    field(page, "rows-0-left_name").fill("income_after_costs")
    press(page, "Check the rule")
    # The amount field appears for the operand now typed as dollars; it is still empty.
    admin.check("the amount is missing", texts=["There is a problem", "Enter an amount."])
    field(page, "values-3-right_value").fill("100")
    press(page, "Check the rule")
    admin.check(
        "computed value checked",
        texts=[
            "The rule is valid.",
            "Your income after work costs is: your household's total monthly income "
            "before taxes minus $100",
        ],
    )
    field(page, "try-as_of").fill("2026-03-02")
    field(page, "try-household__size").fill("1")
    field(page, "try-income__monthly_gross").fill("2,000")
    press(page, "Try it")
    admin.check("tried", texts=["Outcome: eligible", "Your income after work costs, $1,900"])
    press(page, "Save the rule")
    admin.check("saved", texts=["The rule is saved."])
    draft.refresh_from_db()
    assert draft.eligibility_rules == {
        "values": {
            "income_after_costs": {
                "sub": [{"answer": "income.monthly_gross"}, {"dollars": 100}],
                "label": {
                    "en": "Your income after work costs",
                    "es": "Su ingreso después de gastos de trabajo",
                },
            }
        },
        "lte": [
            {"named": "income_after_costs"},
            published.eligibility_rules["lte"][1],
        ],
    }
    # A side may be a calculation too: its rows go under the condition (not saved here).
    field(page, "rows-0-right").select_option("computed")
    press(page, "Check the rule")
    admin.check("a calculated side without rows", texts=["Indent one row under this one"])
    press(page, "Add a calculation under row 1")
    admin.check("a calculation under the condition", texts=["Part of the calculation"])
    # The version page reads it aloud (no JSON inputs); the estimate page uses the same rows.
    page.goto(f"/admin/programs/programversion/{draft.pk}/change/")
    admin.check("version page", texts=["Your income after work costs is:"])
    page.get_by_role("link", name="Edit in the estimate builder").click()
    press(page, "Add a calculation at the end")
    admin.check("estimate with a calculation", texts=["Estimated benefit of Basic Food"])
    household = Question.objects.get(key="household.members")
    page.goto(f"/admin/programs/question/{household.pk}/change/")
    admin.check("member fields as forms", texts=["Member field 1", "Member field 2"])
    # A mistake: the linked summary replaces Django's "Please correct the errors below".
    field(page, "validation_min_members").fill("5")
    field(page, "validation_max_members").fill("2")
    field(page, "member_fields-0-validation_min").fill("lots")
    press(page, "Save")
    admin.check(
        "question errors summarised",
        texts=["There is a problem", "Member field 1: Enter a number, such as 0 or 20."],
    )
    assert page.locator(".errornote").count() == 0
    page.locator(".error-summary").get_by_role(
        "link", name="Member field 1: Enter a number"
    ).click()
    assert page.evaluate("document.activeElement.id") == "id_member_fields-0-validation_min"
    page.locator(".error-summary").get_by_role("link", name="min_members is greater").click()
    assert page.evaluate("document.activeElement.id") == "id_validation_min_members"
    # A screen shown only to larger households: its condition rows are saved with the
    # screen (they were dropped once, the page posting no count of its rows).
    screen = draft.screens.order_by("order").last()
    page.goto(f"/admin/programs/programversion/{draft.pk}/screens/{screen.pk}/")
    press(page, "Add a condition at the end")
    field(page, "rows-0-left_question").fill("household.size")
    field(page, "rows-0-op").select_option("gte")
    field(page, "rows-0-right_value").fill("3")
    press(page, "Save the screen")
    admin.check("screen shown only if", texts=["The screen is saved."])
    screen.refresh_from_db()
    assert screen.visible_if == {"gte": [{"answer": "household.size"}, {"value": 3}]}
