"""The program builder in the admin, driven as a logged-in staff user would."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from programs.models import Program, ProgramVersion, Screen
from programs.services import program_version_create_draft, program_version_publish
from tests.factories import (
    ProgramFactory,
    QuestionFactory,
    ScreenFactory,
    ScreenQuestionFactory,
)
from tests.programs.test_builder_views import post_rows, row

pytestmark = pytest.mark.django_db


def management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def version_form(program, **overrides):
    data = {"program": str(program.pk), **management("screens")}
    data.update(overrides)
    return data


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_build_publish_and_copy_a_program_through_the_admin(staff_client):
    program = ProgramFactory(slug="rent-help", name="Rent Help")
    size = QuestionFactory(key="household.size", type="number", label="People at home")
    income = QuestionFactory(key="income.monthly_gross", type="currency", label="Monthly income")

    # 1. Create a draft with one screen; the rule and an example come from the builder.
    response = staff_client.post(
        reverse("admin:programs_programversion_add"),
        version_form(
            program,
            eligibility_gating="on",
            **{
                **management("screens", total=1),
                "screens-0-order": "0",
                "screens-0-key": "household",
                "screens-0-title": "Your household",
                "screens-0-title_es": "Su hogar",
                "screens-0-description": "",
            },
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    draft = ProgramVersion.objects.get(program=program)
    assert (draft.number, draft.status, draft.eligibility_gating) == (1, "draft", True)
    screen = draft.screens.get()
    assert screen.translations == {"es": {"title": "Su hogar"}}
    income_row = row(0, left_question="income.monthly_gross", op="lte", right="dollars")
    income_row["right_value"] = "2000"
    rule_url = reverse("admin:programs_programversion_rule", args=[draft.pk])
    trial = {"try-income__monthly_gross": "1,000", "try-example_name": "low"}
    trial["try-expected"] = "eligible"
    response = staff_client.post(rule_url, post_rows([income_row], action="save"))
    assert response.status_code == 302
    staff_client.post(rule_url, post_rows([income_row], action="add_example", **trial))
    draft.refresh_from_db()
    assert draft.eligibility_rules == {
        "lte": [{"answer": "income.monthly_gross"}, {"dollars": 2000}]
    }
    assert [example["name"] for example in draft.examples] == ["low"]

    # 2. Add the screen's questions, in order, on the screen page.
    response = staff_client.post(
        reverse("admin:programs_screen_change", args=[screen.pk]),
        {
            "order": "0",
            "key": "household",
            "title": "Your household",
            "description": "",
            "title_es": "Su hogar",
            **management("screen_questions", total=2),
            "screen_questions-0-order": "0",
            "screen_questions-0-question": str(size.pk),
            "screen_questions-0-required": "on",
            "screen_questions-1-order": "1",
            "screen_questions-1-question": str(income.pk),
            "screen_questions-1-required": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert [sq.question.key for sq in screen.screen_questions.order_by("order")] == [
        "household.size",
        "income.monthly_gross",
    ]

    # 3. Publish.
    response = staff_client.post(reverse("admin:programs_programversion_publish", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ProgramVersion.Status.PUBLISHED
    assert any("Published Rent Help version 1" in m for m in messages_of(response))

    # 4. A new draft from the published version.
    response = staff_client.post(
        reverse("admin:programs_programversion_new_draft", args=[draft.pk])
    )
    second = ProgramVersion.objects.get(program=program, number=2)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:programs_programversion_change", args=[second.pk])
    assert second.status == ProgramVersion.Status.DRAFT
    assert [sq.question.key for sq in second.screens.get().screen_questions.order_by("order")] == [
        "household.size",
        "income.monthly_gross",
    ]
    assert second.eligibility_rules == draft.eligibility_rules


@pytest.fixture
def published_version():
    program = ProgramFactory(slug="frozen", name="Frozen")
    draft = program_version_create_draft(program=program)
    screen = ScreenFactory(version=draft, key="one", title="Original title")
    ScreenQuestionFactory(screen=screen, question=QuestionFactory(key="a.question"))
    return program_version_publish(version=draft)


def test_published_version_is_read_only_in_the_admin(staff_client, published_version):
    change_url = reverse("admin:programs_programversion_change", args=[published_version.pk])
    page = staff_client.get(change_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="eligibility_rules"' not in html  # view-only: no inputs
    assert "Publish</button>" not in html
    assert "Create new draft from this version" in html

    response = staff_client.post(
        change_url,
        version_form(published_version.program, eligibility_rules='{"is_answered": "a.question"}'),
    )
    assert response.status_code == 403
    published_version.refresh_from_db()
    assert published_version.eligibility_rules == {}

    screen = published_version.screens.get()
    response = staff_client.post(
        reverse("admin:programs_screen_change", args=[screen.pk]),
        {"order": "0", "key": "one", "title": "Changed", **management("screen_questions")},
    )
    assert response.status_code == 403
    assert Screen.objects.get(pk=screen.pk).title == "Original title"

    response = staff_client.post(
        reverse("admin:programs_programversion_delete", args=[published_version.pk]),
        {"post": "yes"},
    )
    assert response.status_code == 403
    assert ProgramVersion.objects.filter(pk=published_version.pk).exists()


def test_bulk_delete_of_a_published_version_is_refused(staff_client, published_version):
    response = staff_client.post(
        reverse("admin:programs_programversion_changelist"),
        {"action": "delete_selected", "_selected_action": [published_version.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302, 403)
    assert ProgramVersion.objects.filter(pk=published_version.pk).exists()


def test_publishing_twice_shows_an_error_message_not_a_500(staff_client, published_version):
    response = staff_client.post(
        reverse("admin:programs_programversion_publish", args=[published_version.pk]),
        follow=True,
    )
    assert response.status_code == 200
    assert any("cannot be changed" in m for m in messages_of(response))


def test_publish_errors_are_listed_as_messages(staff_client):
    program = ProgramFactory(name="Broken")
    draft = program_version_create_draft(program=program)
    screen = ScreenFactory(version=draft, key="one")
    ScreenQuestionFactory(
        screen=screen, question=QuestionFactory(key="income.monthly_gross", type="currency")
    )
    draft.eligibility_rules = {"lte": [{"answer": "income.monthly_gross"}, {"dollars": 10}]}
    draft.examples = [
        {"name": "rich", "answers": {"income.monthly_gross": 999999}, "expected": "eligible"}
    ]
    draft.save()
    response = staff_client.post(
        reverse("admin:programs_programversion_changelist"),
        {"action": "publish_versions", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert response.status_code == 200
    messages = messages_of(response)
    assert any("was not published" in m for m in messages)
    assert any(
        "$.programs[0].examples[0]" in m and "rich: expected eligible, got ineligible" in m
        for m in messages
    )
    draft.refresh_from_db()
    assert draft.status == ProgramVersion.Status.DRAFT


def test_preview_renders_a_draft_screen_with_bank_form_fields(staff_client):
    program = ProgramFactory(name="Preview Me")
    draft = program_version_create_draft(program=program)
    screen = ScreenFactory(version=draft, key="one", title="First screen", order=0)
    ScreenQuestionFactory(
        screen=screen,
        question=QuestionFactory(key="household.size", type="number", label="How many people?"),
    )
    url = reverse("admin:programs_programversion_preview", args=[draft.pk])
    page = staff_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        "First screen" in html and "How many people?" in html and 'for="id_household__size"' in html
    )
    response = staff_client.post(url + "?step=1", {"household__size": "abc"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    response = staff_client.post(url + "?step=1", {"household__size": "3"})
    assert "These answers are valid." in response.content.decode()


def test_preview_is_admin_only(client):
    draft = program_version_create_draft(program=ProgramFactory())
    response = client.get(reverse("admin:programs_programversion_preview", args=[draft.pk]))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_question_admin_lists_programs_using_it_and_searches(staff_client, published_version):
    question = published_version.screens.get().screen_questions.get().question
    page = staff_client.get(reverse("admin:programs_question_change", args=[question.pk]))
    assert "frozen" in page.content.decode()
    results = staff_client.get(reverse("admin:programs_question_changelist"), {"q": "a.question"})
    assert "a.question" in results.content.decode()


def test_question_admin_refuses_type_change_under_published_versions(
    staff_client, published_version
):
    question = published_version.screens.get().screen_questions.get().question
    response = staff_client.post(
        reverse("admin:programs_question_change", args=[question.pk]),
        {
            "key": question.key,
            "type": "number",
            "label": question.label,
            "help_text": "",
            "options": "[]",
            "validation": "{}",
            "member_fields": "[]",
            "translations": "{}",
        },
    )
    assert response.status_code == 200
    assert "Create a question with a new key instead." in response.content.decode()
    question.refresh_from_db()
    assert question.type == "short_text"


def test_a_program_with_a_published_version_cannot_be_deleted(staff_client, published_version):
    program = published_version.program
    response = staff_client.post(
        reverse("admin:programs_program_delete", args=[program.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert ProgramVersion.objects.filter(pk=published_version.pk).exists()


def test_the_version_page_shows_rule_estimate_examples_and_visibility_without_json_inputs(
    staff_client,
):
    QuestionFactory(key="income.monthly_gross", type="currency", label="Monthly income")
    draft = program_version_create_draft(program=ProgramFactory(name="Bill Help"))
    ScreenFactory(
        version=draft, visible_if={"gte": [{"answer": "income.monthly_gross"}, {"dollars": 1}]}
    )
    draft.eligibility_rules = {"lte": [{"answer": "income.monthly_gross"}, {"dollars": 2000}]}
    draft.estimated_value = {"amount": {"dollars": 25}, "period": "monthly"}
    draft.examples = [{"name": "low", "answers": {}, "expected": "unknown"}]
    draft.save()
    url = reverse("admin:programs_programversion_change", args=[draft.pk])
    html = staff_client.get(url).content.decode()
    textareas = re.findall(r'<textarea name="([^"]+)"', html)
    assert textareas and all(name.endswith(("description", "description_es")) for name in textareas)
    for name in ("eligibility_rules", "estimated_value", "examples", "visible_if"):
        assert f'name="{name}"' not in html and f'-{name}"' not in html
    for line in ("Monthly income is at or below $2,000", "$25", "low: Unknown"):
        assert f"<li>{line}</li>" in html
    assert "<li>Monthly income is at or above $1</li>" in html  # the screen's visibility
    for page in ("rule", "estimate", "examples"):
        assert reverse(f"admin:programs_programversion_{page}", args=[draft.pk]) in html
    # A posted rule is ignored: the page saves only the program and gating.
    data = version_form(draft.program, eligibility_rules='{"is_answered": "x"}')
    data.update(management("screens", total=1, initial=1))
    screen = draft.screens.get()
    data.update({f"screens-0-{k}": getattr(screen, k) for k in ("order", "key", "title")})
    data.update({"screens-0-id": screen.pk, "screens-0-version": draft.pk})
    assert staff_client.post(url, data).status_code == 302
    draft.refresh_from_db()
    assert draft.eligibility_rules["lte"][1] == {"dollars": 2000}


def test_question_options_and_spanish_texts_are_edited_without_json(staff_client):
    question = QuestionFactory(
        key="housing.tenure",
        type="single_choice",
        label="Do you rent or own?",
        options=[
            {"value": "rent", "label": "Rent", "translations": {"es": "Alquiler", "vi": "Thuê"}},
            {"value": "own", "label": "Own"},
        ],
        translations={"es": {"label": "¿Alquila o es dueño?"}, "vi": {"label": "Thuê?"}},
    )
    url = reverse("admin:programs_question_change", args=[question.pk])
    page = staff_client.get(url).content.decode()
    assert "rent | Rent | Alquiler\nown | Own" in page
    assert 'name="translations"' not in page and 'name="options"' not in page
    data = {
        "key": "housing.tenure",
        "type": "single_choice",
        "label": "Do you rent or own?",
        "label_es": "¿Alquila o es propietario?",
        "help_text": "",
        "help_text_es": "Elija una.",
        "options_text": "rent | Rent | Alquiler\nown | Own | Propia\nother | Something else",
        "validation": "{}",
        "member_fields": "[]",
    }
    assert staff_client.post(url, data).status_code == 302
    question.refresh_from_db()
    assert question.options == [
        {"value": "rent", "label": "Rent", "translations": {"vi": "Thuê", "es": "Alquiler"}},
        {"value": "own", "label": "Own", "translations": {"es": "Propia"}},
        {"value": "other", "label": "Something else"},
    ]
    assert question.translations == {
        "vi": {"label": "Thuê?"},
        "es": {"label": "¿Alquila o es propietario?", "help_text": "Elija una."},
    }
    data["options_text"] = "rent | Rent | Alquiler | extra"
    response = staff_client.post(url, data)
    assert "Line 1: write value | English label | Spanish label." in response.content.decode()
    data["options_text"] = ""
    form = staff_client.post(url, data).context["adminform"].form
    assert list(form.errors) == ["options_text"]  # a choice question needs options


def test_programs_take_spanish_texts_and_categories_as_checkboxes(staff_client):
    agency = ProgramFactory().agency
    response = staff_client.post(
        reverse("admin:programs_program_add"),
        {
            "name": "Rent Help",
            "name_es": "Ayuda con el alquiler",
            "slug": "rent-help",
            "agency": str(agency.pk),
            "summary": "Money toward rent.",
            "summary_es": "Dinero para el alquiler.",
            "time_to_complete_minutes": "10",
            "categories": ["housing", "utilities"],
            "display_mode": "public",
            **management("versions"),
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    program = Program.objects.get(slug="rent-help")
    assert program.categories == ["housing", "utilities"]
    assert program.translations == {
        "es": {"name": "Ayuda con el alquiler", "summary": "Dinero para el alquiler."}
    }
    assert program.text("name", "es") == "Ayuda con el alquiler"
