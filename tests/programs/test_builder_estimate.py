"""The estimate page (programs/builder/estimate.py): the estimated benefit edited as forms,
its amount as rows that may use the rule's named values, checked on save with each error on
its field; every catalog estimate reads into rows and back unchanged."""

import json

import pytest
from django.urls import reverse

from programs.builder.forms import ValueRowForm
from programs.builder.values import blank_value_row, expression_rows, rows_expression
from programs.demo import CATALOG_DIR
from programs.services import program_version_create_draft
from tests.factories import ProgramFactory, QuestionFactory

ESTIMATES = [
    program["eligibility"]["estimated_value"]
    for path in sorted(CATALOG_DIR.glob("*.json"))
    for program in json.loads(path.read_text(encoding="utf-8"))["programs"]
    if program["eligibility"].get("estimated_value")
]
FIELDS = list(ValueRowForm.base_fields)


@pytest.mark.parametrize("estimate", ESTIMATES, ids=lambda e: json.dumps(e["amount"])[:40])
def test_every_catalog_estimate_amount_survives_rows_and_back(estimate):
    rows = expression_rows(estimate["amount"], {})
    amount, errors, _paths = rows_expression(rows, {}, "$.amount")
    assert errors == [] and amount == estimate["amount"]


@pytest.fixture
def draft(db):
    QuestionFactory(key="income.monthly_gross", type="currency", label="Monthly income")
    version = program_version_create_draft(program=ProgramFactory(name="Bill Help"))
    version.eligibility_rules = {
        "values": {"net": {"sub": [{"answer": "income.monthly_gross"}, {"dollars": 100}]}},
        "lte": [{"named": "net"}, {"dollars": 2000}],
    }
    version.save()
    return version


def post(rows, **fields):
    data = {
        "amount-TOTAL_FORMS": str(len(rows)),
        "amount-INITIAL_FORMS": str(len(rows)),
        "amount-MIN_NUM_FORMS": "0",
        "amount-MAX_NUM_FORMS": "1000",
        "period": "monthly",
        "explanation_en": "A tenth of your net income.",
        "explanation_es": "Una décima parte de su ingreso neto.",
    }
    for index, row in enumerate(rows):
        for name in FIELDS:
            data[f"amount-{index}-{name}"] = str(row.get(name, ""))
    data.update(fields)
    return data


def tenth_of(name):
    return [
        {**blank_value_row("percent", 0), "right_value": "10"},
        {**blank_value_row("named", 1), "left_name": name},
    ]


def test_the_amount_may_use_the_rules_named_values_and_errors_are_on_the_field(staff_client, draft):
    url = reverse("admin:programs_programversion_estimate", args=[draft.pk])
    refused = staff_client.post(url, post(tenth_of("gross"), action="save"))
    page = refused.content.decode()
    assert refused.status_code == 200 and "There is a problem" in page
    assert "unknown named value &#x27;gross&#x27; (defined: net)" in page
    assert 'href="#id_amount-1-left_name"' in page
    draft.refresh_from_db()
    assert draft.estimated_value == {}
    checked = staff_client.post(url, post(tenth_of("net"), action="check")).content.decode()
    assert "The estimate is valid." in checked and "10% of net" in checked
    assert staff_client.post(url, post(tenth_of("net"), action="save")).status_code == 302
    draft.refresh_from_db()
    assert draft.estimated_value == {
        "amount": {"percent": 10, "of": {"named": "net"}},
        "period": "monthly",
        "explanation": {
            "en": "A tenth of your net income.",
            "es": "Una décima parte de su ingreso neto.",
        },
    }
    again = staff_client.get(url).content.decode()
    assert 'name="amount-TOTAL_FORMS" value="2"' in again and "A tenth of your net" in again


def test_row_buttons_build_the_amount_and_emptying_everything_removes_the_estimate(
    staff_client, draft
):
    url = reverse("admin:programs_programversion_estimate", args=[draft.pk])
    page = staff_client.post(url, post([], action="value_add_calculation")).content.decode()
    assert 'name="amount-TOTAL_FORMS" value="1"' in page
    assert 'name="amount-0-kind"' in page
    draft.estimated_value = {"amount": {"dollars": 5}}
    draft.save()
    empty = post([], action="save", period="", explanation_en="", explanation_es="")
    assert staff_client.post(url, empty).status_code == 302
    draft.refresh_from_db()
    assert draft.estimated_value == {}
    lonely = post([], action="save")  # texts without an amount
    assert "Add the amount" in staff_client.post(url, lonely).content.decode()


def test_a_count_of_some_members_shows_each_comparison_as_fields(staff_client, draft):
    (sun_bucks,) = [e for e in ESTIMATES if '"dollars": 120' in json.dumps(e)]
    draft.estimated_value = sun_bucks
    draft.save()
    url = reverse("admin:programs_programversion_estimate", args=[draft.pk])
    page = staff_client.get(url).content.decode()
    assert '<option value="count" selected>' in page
    assert 'name="amount-2-where_join"' in page and 'value="all" selected' in page
    assert 'name="amount-2-where2_value" value="18"' in page
