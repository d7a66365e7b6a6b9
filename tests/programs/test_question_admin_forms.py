"""The question bank admin without JSON (programs/builder/question_forms.py): validation
settings as fields, a household question's member fields as a formset, checked on save with
each error on its field; an unchanged question saves the same JSON."""

import json

import pytest
from django.urls import reverse
from django.utils import translation

from programs.builder.question_forms import (
    member_initial,
    validation_initial,
)
from programs.demo import CATALOG_DIR
from programs.models import Question
from tests.factories import QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db

SUN_BUCKS = json.loads((CATALOG_DIR / "sun-bucks.json").read_text(encoding="utf-8"))
HOUSEHOLD = next(
    q for q in SUN_BUCKS["programs"][0]["questions"] if q["type"] == "household_members"
)


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(username="bank", is_staff=True, is_superuser=True))
    return client


def as_posted(question, members=None):
    """What a browser posts for the question's page, untouched."""
    data = {
        "key": question.key,
        "type": question.type,
        "label": question.label,
        "help_text": question.help_text,
        "options_text": "",
    }
    data.update(
        {k: "" if v is None else v for k, v in validation_initial(question.validation).items()}
    )
    rows = member_initial(question.member_fields if members is None else members)
    data.update(
        {
            "member_fields-TOTAL_FORMS": str(len(rows)),
            "member_fields-INITIAL_FORMS": str(len(rows)),
            "member_fields-MIN_NUM_FORMS": "0",
            "member_fields-MAX_NUM_FORMS": "1000",
        }
    )
    for index, row in enumerate(rows):
        for name, value in row.items():
            if name == "optional":
                if value:
                    data[f"member_fields-{index}-optional"] = "on"
                continue
            data[f"member_fields-{index}-{name}"] = "" if value is None else str(value)
    return data


def household_question():
    return QuestionFactory(
        key=HOUSEHOLD["key"],
        type="household_members",
        label=HOUSEHOLD["label"],
        validation=HOUSEHOLD.get("validation", {}),
        member_fields=HOUSEHOLD["member_fields"],
    )


def test_the_page_has_fields_not_json_and_an_unchanged_save_keeps_the_json(staff_client):
    question = household_question()
    url = reverse("admin:programs_question_change", args=[question.pk])
    page = staff_client.get(url).content.decode()
    assert 'name="validation"' not in page and 'name="member_fields"' not in page
    assert 'name="member_fields-2-options_text"' in page
    assert "child | Child | Hijo o hija" in page
    assert 'name="member_fields-1-validation_max" value="today"' in page
    assert 'name="validation_max_members"' in page
    response = staff_client.post(url, as_posted(question))
    assert response.status_code == 302, response.content.decode()[:2000]
    question.refresh_from_db()
    assert question.member_fields == HOUSEHOLD["member_fields"]
    assert question.validation == HOUSEHOLD.get("validation", {})


def test_members_are_added_changed_and_removed_with_forms(staff_client):
    question = household_question()
    url = reverse("admin:programs_question_change", args=[question.pk])
    data = as_posted(question)
    data["member_fields-0-DELETE"] = "on"  # the first name
    data["member_fields-3-validation_max"] = "500000"  # income: at most $5,000 (in cents)
    data["member_fields-3-label_es"] = "Ingreso mensual"
    data.update(
        {
            "member_fields-TOTAL_FORMS": "5",
            "member_fields-4-key": "student",
            "member_fields-4-type": "yes_no",
            "member_fields-4-label": "In school?",
            "member_fields-4-label_es": "¿Estudia?",
            "member_fields-4-optional": "on",
        }
    )
    assert staff_client.post(url, data).status_code == 302
    question.refresh_from_db()
    keys = [field["key"] for field in question.member_fields]
    assert keys == ["birth_date", "relationship", "income_monthly", "student"]
    income = question.member_fields[2]
    assert income["validation"] == {"min": 0, "max": 500000} and income["required"] is False
    assert income["translations"] == {"es": {"label": "Ingreso mensual"}}
    assert question.member_fields[3] == {
        "key": "student",
        "type": "yes_no",
        "label": "In school?",
        "required": False,
        "translations": {"es": {"label": "¿Estudia?"}},
    }


def test_problems_are_shown_on_the_fields_they_concern(staff_client):
    question = household_question()
    url = reverse("admin:programs_question_change", args=[question.pk])
    data = as_posted(question)
    data["validation_min_members"] = "5"
    data["validation_max_members"] = "2"
    data["member_fields-3-validation_min"] = "lots"
    response = staff_client.post(url, data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "min_members is greater than max_members" in form.errors["validation_min_members"][0]
    member = form.member_formset.forms[3]
    assert member.errors["validation_min"] == ["Enter a number, such as 0 or 20."]
    data = as_posted(question)
    data["member_fields-2-validation_pattern"] = "("
    data["member_fields-1-key"] = "name"  # the first field's key again
    form = staff_client.post(url, data).context["adminform"].form
    assert "duplicate field 'name'" in form.member_formset.forms[1].errors["key"][0]
    assert form.member_formset.forms[2].errors["validation_pattern"]
    assert any("Member field 2" in error for error in form.non_field_errors())
    question.refresh_from_db()
    assert question.member_fields == HOUSEHOLD["member_fields"]


def test_a_number_questions_bounds_are_fields(staff_client):
    question = QuestionFactory(key="household.size", type="number", validation={"min": 1})
    url = reverse("admin:programs_question_change", args=[question.pk])
    data = as_posted(question, members=[])
    data["validation_max"] = "20"
    data["validation_display"] = "radio"  # not for a number
    form = staff_client.post(url, data).context["adminform"].form
    assert "does not apply to number" in form.errors["validation_display"][0]
    data["validation_display"] = ""
    assert staff_client.post(url, data).status_code == 302
    question.refresh_from_db()
    assert question.validation == {"min": 1, "max": 20}


def test_a_new_household_question_is_built_with_member_forms(staff_client):
    url = reverse("admin:programs_question_add")
    assert 'name="member_fields-0-key"' in staff_client.get(url).content.decode()
    data = {
        "key": "household.people",
        "type": "household_members",
        "label": "Who lives with you?",
        "validation_max_members": "12",
        "member_fields-TOTAL_FORMS": "1",
        "member_fields-INITIAL_FORMS": "0",
        "member_fields-MIN_NUM_FORMS": "0",
        "member_fields-MAX_NUM_FORMS": "1000",
        "member_fields-0-key": "age",
        "member_fields-0-type": "number",
        "member_fields-0-label": "Age",
        "member_fields-0-label_es": "Edad",
        "member_fields-0-validation_min": "0",
    }
    assert staff_client.post(url, data).status_code == 302
    question = Question.objects.get(key="household.people")
    assert question.validation == {"max_members": 12}
    assert question.member_fields == [
        {
            "key": "age",
            "type": "number",
            "label": "Age",
            "validation": {"min": 0},
            "translations": {"es": {"label": "Edad"}},
        }
    ]
    data["key"], data["member_fields-TOTAL_FORMS"] = "household.nobody", "0"
    form = staff_client.post(url, data).context["adminform"].form
    # The whole list is at fault, not one member: the error is the form's own.
    assert any("needs fields" in error for error in form.non_field_errors())


def test_the_error_summary_links_each_problem_to_its_field(staff_client):
    question = household_question()
    url = reverse("admin:programs_question_change", args=[question.pk])
    data = as_posted(question)
    data["validation_min_members"] = "5"
    data["validation_max_members"] = "2"
    data["member_fields-3-validation_min"] = "lots"
    data["member_fields-2-validation_pattern"] = "("
    response = staff_client.post(url, data)
    page = response.content.decode()
    assert "Please correct the error" not in page  # Django's note names no field
    assert 'class="error-summary" role="alert" aria-labelledby="error-summary-title"' in page
    assert 'tabindex="-1"' in page
    links = {item["href"]: item["message"] for item in response.context["error_summary"]}
    assert "min_members is greater than max_members" in links["id_validation_min_members"]
    assert links["id_member_fields-3-validation_min"] == (
        "Member field 4: Enter a number, such as 0 or 20."
    )
    assert links["id_member_fields-2-validation_pattern"].startswith("Member field 3: ")
    # The form's own copies of member problems are not listed twice.
    messages = [item["message"] for item in response.context["error_summary"]]
    assert "Correct the member fields below." not in messages
    assert len(messages) == len(set(messages)) == 4  # the pattern has two problems
    for href in links:
        assert f'href="#{href}"' in page and f'id="{href}"' in page


def test_the_question_pages_problems_are_told_in_spanish(staff_client):
    question = household_question()
    url = reverse("admin:programs_question_change", args=[question.pk])
    data = as_posted(question)
    data["validation_min_members"], data["validation_max_members"] = "5", "2"
    data["member_fields-1-key"] = "name"  # the first field's key again
    with translation.override("es"):
        response = staff_client.post(url, data, HTTP_ACCEPT_LANGUAGE="es")
    messages = [str(item["message"]) for item in response.context["error_summary"]]
    assert "min_members es mayor que max_members" in messages
    assert "Campo de miembro 2: campo repetido 'name'" in messages


def test_the_pattern_in_words_is_kept_in_spanish_beside_the_english(staff_client):
    question = QuestionFactory(
        key="housing.account",
        type="identifier",
        label="Account number",
        validation={"pattern": "[0-9]{6,12}", "pattern_description": "6 to 12 digits"},
        translations={"es": {"label": "Número de cuenta"}},
    )
    url = reverse("admin:programs_question_change", args=[question.pk])
    page = staff_client.get(url).content.decode()
    english_at = page.index('name="validation_pattern_description"')
    assert english_at < page.index('name="pattern_description_es"')
    data = as_posted(question)
    data.update(label_es="Número de cuenta", pattern_description_es="de 6 a 12 dígitos")
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    question.refresh_from_db()
    assert question.validation["pattern_description"] == "6 to 12 digits"
    assert question.translations == {
        "es": {"label": "Número de cuenta", "pattern_description": "de 6 a 12 dígitos"}
    }
    assert 'value="de 6 a 12 dígitos"' in staff_client.get(url).content.decode()


def test_a_member_fields_pattern_in_words_is_kept_in_english_and_spanish(staff_client):
    question = household_question()
    url = reverse("admin:programs_question_change", args=[question.pk])
    data = as_posted(question)
    number = int(data["member_fields-TOTAL_FORMS"])
    data["member_fields-TOTAL_FORMS"] = str(number + 1)
    data.update(
        {
            f"member_fields-{number}-key": "badge",
            f"member_fields-{number}-type": "identifier",
            f"member_fields-{number}-label": "Badge number",
            f"member_fields-{number}-validation_pattern": "[0-9]{4}",
            f"member_fields-{number}-validation_pattern_description": "4 digits",
            f"member_fields-{number}-pattern_description_es": "4 dígitos",
        }
    )
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    question.refresh_from_db()
    badge = question.member_fields[-1]
    assert badge["validation"] == {"pattern": "[0-9]{4}", "pattern_description": "4 digits"}
    assert badge["translations"] == {"es": {"pattern_description": "4 dígitos"}}
    page = staff_client.get(url).content.decode()
    english_at = page.index(f'name="member_fields-{number}-validation_pattern_description"')
    assert english_at < page.index(f'name="member_fields-{number}-pattern_description_es"')
    assert 'value="4 dígitos"' in page
