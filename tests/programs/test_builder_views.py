"""The rule builder page in the admin (programs/builder/views.py), posted as a browser
without JavaScript would: rows in, live check, try-it, save; errors on the row's field."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import translation

from programs.builder.forms import RuleRowForm, RuleRowFormSet
from programs.builder.rows import blank_row
from programs.demo import demo_programs_load
from programs.models import ProgramVersion
from tests.factories import QuestionFactory, UserFactory
from tests.programs.page_forms import form_fields
from tests.programs.test_builder_rows import snap_or_income_rows

pytestmark = pytest.mark.django_db

FIELDS = list(RuleRowForm.base_fields)
FORM_ENCODED = "application/x-www-form-urlencoded"


def post_rows(rows, **extra):
    data = {
        "rows-TOTAL_FORMS": str(len(rows)),
        "rows-INITIAL_FORMS": str(len(rows)),
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for name in FIELDS:
            data[f"rows-{index}-{name}"] = str(row.get(name, ""))
    data.update(extra)
    return data


def row(kind="condition", depth=1, **fields):
    return {**blank_row(kind, depth), **fields}


SNAP_OR_185 = snap_or_income_rows()


def url(version):
    return reverse("admin:programs_programversion_rule", args=[version.pk])


def test_the_page_reads_a_published_rule_into_rows_read_only(staff_client):
    demo_programs_load()
    version = ProgramVersion.objects.get(program__slug="orca-lift", status="published")
    page = staff_client.get(url(version)).content.decode()
    assert 'name="rows-0-kind"' in page and 'name="rows-2-kind"' in page
    assert 'value="between" selected' in page
    assert "All of these are true:" in page
    assert "Save the rule" not in page  # published: check and try only


def test_check_shows_the_sentence_and_save_stores_the_json(staff_client, draft):
    response = staff_client.post(url(draft), post_rows(SNAP_OR_185, action="check"))
    page = response.content.decode()
    assert "Any of these is true:" in page
    assert "is at or below 185% of" in page and "The rule is valid." in page
    response = staff_client.post(url(draft), post_rows(SNAP_OR_185, action="save"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.eligibility_rules["any"][1] == {"in": [{"answer": "benefits.current"}, ["snap"]]}
    assert draft.eligibility_rules["any"][0]["lte"][1]["percent"] == 185


def test_errors_are_shown_on_the_row_field_and_nothing_is_saved(staff_client, draft):
    before = draft.eligibility_rules
    rows = [dict(r) for r in SNAP_OR_185]
    rows[2]["right_value"] = "snap, bread"
    response = staff_client.post(url(draft), post_rows(rows, action="save"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "&#x27;bread&#x27; is not one of the question&#x27;s options" in page
    assert 'href="#id_rows-2-right_value"' in page  # the error summary links to the field
    assert 'id="id_rows-2-right_value" aria-describedby' in page or "field-error" in page
    draft.refresh_from_db()
    assert draft.eligibility_rules == before


def test_try_it_gives_the_outcome_with_reasons_and_can_keep_it_as_an_example(staff_client, draft):
    answers = {"try-as_of": "2026-03-02", "try-income__monthly_gross": "9000"}
    answers["try-household__size"] = "2"
    response = staff_client.post(url(draft), post_rows(SNAP_OR_185, action="try", **answers))
    page = response.content.decode()
    assert "Outcome: Ineligible" in page
    assert "is above the limit" in page  # the engine's reason, as the resident reads it
    answers["try-benefits__current"] = "snap"
    answers.update({"try-example_name": "Gets SNAP", "try-expected": "eligible"})
    data = post_rows(SNAP_OR_185, action="add_example", **answers)
    response = staff_client.post(url(draft), data)
    assert "Outcome: Eligible" in response.content.decode()
    draft.refresh_from_db()
    assert draft.examples[-1]["name"] == "Gets SNAP"
    assert draft.examples[-1]["answers"]["benefits.current"] == ["snap"]


def test_row_buttons_change_the_outline_without_saving(staff_client, draft):
    before = draft.eligibility_rules
    response = staff_client.post(url(draft), post_rows(SNAP_OR_185, action="add_group:0"))
    page = response.content.decode()
    assert 'name="rows-3-kind"' in page
    assert 'value="all" selected' in page
    draft.refresh_from_db()
    assert draft.eligibility_rules == before


def screen_url(version, screen=None):
    if screen is None:
        return reverse("admin:programs_programversion_screens", args=[version.pk])
    return reverse("admin:programs_programversion_screen", args=[version.pk, screen.pk])


def screen_post(version, screen, questions, rows=(), **extra):
    data = post_rows(list(rows), action="save", title="Income", title_es="Ingresos")
    data.update({"description": "", "description_es": "Sus ingresos"})
    data.update(
        {
            "questions-TOTAL_FORMS": str(len(questions)),
            "questions-INITIAL_FORMS": "0",
            "questions-MIN_NUM_FORMS": "0",
            "questions-MAX_NUM_FORMS": "1000",
        }
    )
    for index, (key, required) in enumerate(questions):
        data[f"questions-{index}-question"] = key
        if required:
            data[f"questions-{index}-required"] = "on"
    data.update(extra)
    return data


def test_screens_are_added_with_spanish_beside_english_and_questions_default_to_optional(
    staff_client, draft
):
    response = staff_client.post(
        screen_url(draft), {"key": "earnings", "title": "Income", "title_es": "Ingresos"}
    )
    screen = draft.screens.get(key="earnings")
    assert response.url == screen_url(draft, screen)
    page = staff_client.get(response.url).content.decode()
    assert (
        'name="questions-0-required"' in page
        and "checked" not in page.split("questions-0")[1][:300]
    )
    data = screen_post(draft, screen, [("income.monthly_gross", False), ("household.size", True)])
    assert staff_client.post(screen_url(draft, screen), data).status_code == 302
    screen.refresh_from_db()
    assert screen.translations == {"es": {"title": "Ingresos", "description": "Sus ingresos"}}
    asked = [(sq.question.key, sq.required) for sq in screen.screen_questions.order_by("order")]
    assert asked == [("income.monthly_gross", False), ("household.size", True)]


def test_an_invalid_visibility_condition_is_refused_on_the_screen_page(staff_client, draft):
    screen = draft.screens.order_by("order").last()
    before = (
        screen.visible_if,
        list(screen.screen_questions.values_list("question_id", flat=True)),
    )
    shown_if = [row(depth=0, left_question="household.sise", op="gte", right_value="2")]
    data = screen_post(draft, screen, [("income.monthly_gross", False)], rows=shown_if)
    response = staff_client.post(screen_url(draft, screen), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "household.sise" in page and 'href="#id_rows-0-left_question"' in page
    screen.refresh_from_db()
    assert (
        screen.visible_if,
        list(screen.screen_questions.values_list("question_id", flat=True)),
    ) == before
    shown_if[0]["left_question"] = "household.size"
    assert (
        staff_client.post(
            screen_url(draft, screen), screen_post(draft, screen, [], rows=shown_if)
        ).status_code
        == 302
    )
    screen.refresh_from_db()
    assert screen.visible_if == {"gte": [{"answer": "household.size"}, {"value": 2}]}


def test_a_visibility_condition_added_as_a_browser_would_is_saved(staff_client, draft):
    # Posting exactly the fields each page renders: the screen page once rendered no
    # management form for its condition rows, so a browser's rows were dropped on save.
    screen = draft.screens.order_by("order").last()
    page = staff_client.get(screen_url(draft, screen)).content.decode()
    data = {**form_fields(page), "action": "add_condition"}
    page = staff_client.post(screen_url(draft, screen), data).content.decode()
    data = {**form_fields(page), "action": "save"}
    data.update({"rows-0-left_question": "household.size", "rows-0-op": "gte"})
    data["rows-0-right_value"] = "2"
    assert staff_client.post(screen_url(draft, screen), data).status_code == 302
    screen.refresh_from_db()
    assert screen.visible_if == {"gte": [{"answer": "household.size"}, {"value": 2}]}
    page = staff_client.get(screen_url(draft, screen)).content.decode()
    assert staff_client.post(screen_url(draft, screen), form_fields(page)).status_code == 200
    data = {**form_fields(page), "action": "save"}
    assert staff_client.post(screen_url(draft, screen), data).status_code == 302
    screen.refresh_from_db()
    assert screen.visible_if == {"gte": [{"answer": "household.size"}, {"value": 2}]}
    before = draft.eligibility_rules
    page = staff_client.get(url(draft)).content.decode()
    assert staff_client.post(url(draft), {**form_fields(page), "action": "save"}).status_code == 302
    draft.refresh_from_db()
    assert draft.eligibility_rules == before


def test_a_screening_date_no_table_period_covers_is_a_field_error(staff_client, draft):
    answers = {"try-as_of": "2001-01-01", "try-income__monthly_gross": "900"}
    response = staff_client.post(url(draft), post_rows(SNAP_OR_185, action="try", **answers))
    page = response.content.decode()
    assert response.status_code == 200
    assert "No period of the table hhs_poverty_guidelines is in effect on 2001-01-01." in page
    assert 'href="#id_try-as_of"' in page


def examples_url(version):
    return reverse("admin:programs_programversion_examples", args=[version.pk])


def examples_post(page_context, changes):
    """The examples formset as the page shows it, with `changes` typed over it."""
    formset = page_context["formset"]
    data = {
        f"examples-{key}": value
        for key, value in {
            "TOTAL_FORMS": len(formset.forms),
            "INITIAL_FORMS": formset.initial_form_count(),
            "MIN_NUM_FORMS": 0,
            "MAX_NUM_FORMS": 1000,
        }.items()
    }
    for form in formset.forms:
        for bound in form:
            value = bound.value()
            if isinstance(value, list):
                for index, part in enumerate(value):
                    data[f"{bound.html_name}_{index}"] = part if part is not None else ""
                data[bound.html_name] = value
            elif value not in (None, False):
                data[bound.html_name] = value
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_examples_are_edited_as_forms_and_checked_against_the_rule(staff_client, draft):
    stored = list(draft.examples)
    page = staff_client.get(examples_url(draft))
    assert page.context["formset"].forms[0]["name"].value() == stored[0]["name"]
    html = page.content.decode()
    assert 'name="examples-0-income__monthly_gross" value="7,000"' in html
    wrong = examples_post(page.context, {"examples-0-expected": "ineligible"})
    response = staff_client.post(examples_url(draft), wrong)
    assert response.status_code == 200
    assert "expected ineligible, got eligible" in response.content.decode()
    draft.refresh_from_db()
    assert draft.examples == stored
    added = examples_post(
        page.context,
        {
            "examples-3-name": "Household of 2 at $1,000",
            "examples-3-expected": "eligible",
            "examples-3-as_of": "2026-03-02",
            "examples-3-household__size": "2",
            "examples-3-income__monthly_gross": "1,000",
            "examples-1-DELETE": "on",
        },
    )
    response = staff_client.post(examples_url(draft), added)
    assert response.status_code == 302, response.content.decode()[-3000:]
    draft.refresh_from_db()
    assert [e["name"] for e in draft.examples] == [
        stored[0]["name"],
        stored[2]["name"],
        "Household of 2 at $1,000",
    ]
    assert draft.examples[0] == stored[0]
    # An unticked multiple choice is an answer: none of these.
    assert draft.examples[2]["answers"] == {
        "household.size": 2,
        "income.monthly_gross": 100000,
        "benefits.current": [],
    }


@pytest.mark.parametrize("extra", [0, 12])
def test_builder_pages_use_a_fixed_number_of_queries(
    staff_client, draft, extra, django_assert_max_num_queries
):
    for number in range(extra):
        shown_if = {"is_answered": "household.size"}
        screen = draft.screens.create(
            key=f"extra-{number}", title=f"Extra {number}", order=10 + number, visible_if=shown_if
        )
        screen.screen_questions.create(question=QuestionFactory(key=f"extra.q{number}"), order=0)
    screen = draft.screens.order_by("order").first()
    pages = [
        url(draft),
        screen_url(draft),
        screen_url(draft, screen),
        reverse("admin:programs_programversion_examples", args=[draft.pk]),
        reverse("admin:programs_programversion_compare", args=[draft.pk]),
        reverse("admin:programs_programversion_estimate", args=[draft.pk]),
        reverse("admin:programs_programversion_change", args=[draft.pk]),
    ]
    for page in pages:
        with django_assert_max_num_queries(14):
            assert staff_client.get(page).status_code == 200


def test_a_condition_offers_only_the_comparisons_its_question_allows(staff_client, draft):
    page = staff_client.get(url(draft)).content.decode()
    benefits = page.split('name="rows-1-op"')[1].split("</select>")[0]  # multiple choice
    assert 'value="in"' in benefits and 'value="lte"' not in benefits
    income = page.split('name="rows-2-op"')[1].split("</select>")[0]  # currency
    assert 'value="lte"' in income and 'value="in"' not in income


def test_staff_who_may_not_build_programs_cannot_open_the_builder(client, draft):
    client.force_login(UserFactory(username="caseworker", is_staff=True))
    for page in (url(draft), screen_url(draft)):
        assert client.get(page).status_code == 403


def test_the_builder_speaks_spanish_too(staff_client, draft):
    with translation.override("es"):
        page = staff_client.get(url(draft), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Revisar la regla" in page and "Se cumple alguna de estas:" in page


def test_a_post_whose_rows_did_not_arrive_saves_nothing(staff_client, draft, monkeypatch):
    before = draft.eligibility_rules
    response = staff_client.post(url(draft), {"action": "save"})
    assert response.status_code == 200
    assert "ManagementForm data is missing" in response.content.decode()
    # A rule of more rows than the formset takes (500) is refused whole. The limit is
    # lowered here so the page that says so renders 21 rows, not 501 (most of a minute).
    assert (RuleRowFormSet.max_num, RuleRowFormSet.validate_max) == (500, True)
    monkeypatch.setattr(RuleRowFormSet, "max_num", 20)
    too_many = [row("all", 0)] + [row(left_question="household.size", right_value="1")] * 20
    data = urlencode(post_rows(too_many, action="save"))  # as a browser posts it
    response = staff_client.post(url(draft), data, content_type=FORM_ENCODED)
    assert "Please submit at most 20 forms." in response.content.decode()
    draft.refresh_from_db()
    assert draft.eligibility_rules == before


def test_row_problems_are_told_in_spanish_on_their_field(staff_client, draft):
    def check_in_spanish(rows):
        with translation.override("es"):
            response = staff_client.post(
                url(draft), post_rows(rows, action="check"), HTTP_ACCEPT_LANGUAGE="es"
            )
        return response.content.decode()

    rows = [*SNAP_OR_185, row("any", 0)]  # a second row at the top
    page = check_in_spanish(rows)
    assert "Solo una fila puede estar en el nivel superior" in page
    assert 'href="#id_rows-3-kind"' in page  # the row's type: every row shows it
    rows = [dict(r) for r in SNAP_OR_185]
    rows[1]["left_question"], rows[2]["right_value"] = "", ""
    page = check_in_spanish(rows)
    assert "Elija una pregunta." in page and "Choose a question." not in page
    assert 'href="#id_rows-1-left_question"' in page
    assert "Escriba los valores que se buscan, separados por comas." in page
    assert 'href="#id_rows-2-right_value"' in page


def test_a_condition_compared_with_a_calculation_is_built_with_rows_under_it(staff_client, draft):
    yearly = [
        row("condition", 0, left="computed", op="lt", right="dollars", right_value="50000"),
        row("mul", 1, label_en="Your yearly income", label_es="Su ingreso anual"),
        row("answer", 2, left_question="income.monthly_gross"),
        row("value", 2, right_value="12"),
    ]
    page = staff_client.post(url(draft), post_rows(yearly, action="check")).content.decode()
    assert "The rule is valid." in page and "Your yearly income is below $50,000" in page
    assert "Part of the calculation of the condition above." in page
    added = staff_client.post(url(draft), post_rows(yearly, action="add_operand:1"))
    assert 'name="rows-TOTAL_FORMS" value="5"' in added.content.decode()
    assert staff_client.post(url(draft), post_rows(yearly, action="save")).status_code == 302
    draft.refresh_from_db()
    assert draft.eligibility_rules == {
        "lt": [
            {
                "mul": [{"answer": "income.monthly_gross"}, {"value": 12}],
                "label": {"en": "Your yearly income", "es": "Su ingreso anual"},
            },
            {"dollars": 50000},
        ]
    }
    yearly[3]["right_value"] = "twelve"
    page = staff_client.post(url(draft), post_rows(yearly, action="check")).content.decode()
    assert 'href="#id_rows-3-right_value"' in page
