"""Question form fields: canonical cleaning, accessible markup, error summary links."""

import re

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.utils import translation

from programs.question_types import form_field_for, initial_for_form, member_form_class

CHOICES = [
    {"value": "rent", "label": "Rent", "translations": {"es": "Alquiler"}},
    {"value": "food", "label": "Food"},
]
HOUSEHOLD = {
    "key": "household.members",
    "type": "household_members",
    "label": "Who lives with you?",
    "member_fields": [
        {"key": "first_name", "type": "short_text", "label": "First name"},
        {"key": "birth_date", "type": "date", "label": "Date of birth"},
        {"key": "student", "type": "yes_no", "label": "Student?", "required": False},
    ],
}


def q(type_, key="q", **extra):
    return {"key": key, "type": type_, "label": f"Label for {key}", **extra}


def make_form(*questions, data=None, files=None, initial=None):
    fields = {question["key"]: form_field_for(question) for question in questions}
    return type("QuestionForm", (forms.Form,), fields)(data=data, files=files, initial=initial)


def render(template, **context):
    return Template("{% load portal_forms %}" + template).render(Context(context))


@pytest.mark.parametrize(
    ("question", "data", "expected"),
    [
        (q("currency"), {"q": "$1,234.56"}, 123456),
        (q("date"), {"q_0": "2", "q_1": "29", "q_2": "2024"}, "2024-02-29"),
        (q("yes_no"), {"q": "no"}, False),
        (q("single_choice", options=CHOICES), {"q": "food"}, "food"),
        (q("multiple_choice", options=CHOICES), {"q": ["food", "rent"]}, ["rent", "food"]),
        (q("phone"), {"q": "(206) 555-0100"}, "2065550100"),
        (q("email"), {"q": "a@EXAMPLE.org"}, "a@example.org"),
        (q("number"), {"q": "3"}, 3),
        (
            q("name"),
            {"q_0": "Ana", "q_1": "", "q_2": "Diaz"},
            {"first": "Ana", "middle": "", "last": "Diaz"},
        ),
        (
            q("address"),
            {"q_0": "1 Main St", "q_1": "", "q_2": "Yakima", "q_3": "WA", "q_4": "98901-1234"},
            {
                "street": "1 Main St",
                "unit": "",
                "city": "Yakima",
                "state": "WA",
                "zip": "98901-1234",
            },
        ),
        (q("static"), {}, None),
    ],
)
def test_fields_clean_to_canonical_values(question, data, expected):
    form = make_form(question, data=data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["q"] == expected


def test_optional_empty_fields_clean_to_none():
    fields = {
        "a": form_field_for(q("currency"), required=False),
        "b": form_field_for(q("date"), required=False),
    }
    form = type("F", (forms.Form,), fields)(data={"a": "", "b_0": "", "b_1": "", "b_2": ""})
    assert form.is_valid()
    assert form.cleaned_data == {"a": None, "b": None}


@pytest.mark.parametrize(
    ("question", "data", "message"),
    [
        (q("date"), {"q_0": "2", "q_1": "30", "q_2": "2025"}, "Enter a real date"),
        (q("date"), {"q_0": "2", "q_1": "", "q_2": "2025"}, "must include a day"),
        (q("currency"), {"q": "-3"}, "$0 or more"),
        (
            q("address"),
            {"q_0": "1 Main", "q_2": "Yakima", "q_3": "WA", "q_4": "ABCDE"},
            "ZIP code with 5 digits",
        ),
        (q("yes_no"), {}, "Select yes or no."),
    ],
)
def test_field_errors_are_specific(question, data, message):
    form = make_form(question, data=data)
    assert not form.is_valid()
    assert message in " ".join(form.errors["q"])


def test_initial_for_form_prefills_every_compound_widget():
    questions = [
        q("date", key="d"),
        q("name", key="n"),
        q("currency", key="c"),
        q("yes_no", key="y"),
    ]
    values = {
        "d": "2024-02-29",
        "n": {"first": "Ana", "middle": "", "last": "Diaz"},
        "c": 123450,
        "y": True,
    }
    form = make_form(
        *questions,
        initial={k: initial_for_form(x, values[k]) for k, x in zip(values, questions, strict=True)},
    )
    html = str(form["d"]) + str(form["n"]) + str(form["c"]) + str(form["y"])
    assert 'name="d_0" value="2"' in html and 'name="d_2" value="2024"' in html
    assert 'name="n_2" value="Diaz"' in html
    assert 'name="c" value="1,234.50"' in html
    assert re.search(r'value="yes" checked', html)


def test_widgets_have_accessible_attributes():
    html = render(
        "{% for field in form %}{% render_field field %}{% endfor %}",
        form=make_form(
            q("currency", key="c"),
            q("phone", key="p"),
            q("email", key="e"),
            q("name", key="n"),
            q("address", key="a"),
        ),
    )
    assert re.search(r'<input type="text" name="c" inputmode="decimal"', html)
    assert re.search(r'<input type="tel" name="p" autocomplete="tel"', html)
    assert 'type="email" name="e" autocomplete="email"' in html
    for autocomplete in (
        "given-name",
        "additional-name",
        "family-name",
        "address-line1",
        "address-level2",
        "postal-code",
    ):
        assert f'autocomplete="{autocomplete}"' in html
    assert '<select name="a_3" autocomplete="address-level1"' in html


def _labels_tied_to_inputs(html):
    label_targets = set(re.findall(r'<label for="([^"]+)"', html))
    input_ids = set(re.findall(r'<(?:input|select|textarea)[^>]* id="([^"]+)"', html))
    return label_targets, input_ids


@pytest.mark.parametrize(
    "type_", ["short_text", "long_text", "currency", "phone", "identifier", "email", "number"]
)
def test_single_inputs_have_a_label_for_them(type_):
    html = render("{% render_field form.q %}", form=make_form(q(type_, help_text="Hint text")))
    labels, inputs = _labels_tied_to_inputs(html)
    assert labels == inputs == {"id_q"}
    assert "<fieldset" not in html
    assert '<span class="hint" id="id_q-hint">Hint text</span>' in html
    assert 'aria-describedby="id_q-hint"' in html


@pytest.mark.parametrize(
    ("question", "sub_labels"),
    [
        (q("date"), ["Month", "Day", "Year"]),
        (q("name"), ["First name", "Middle name", "Last name"]),
        (
            q("address"),
            ["Street address", "Apartment, suite or unit", "City or town", "State", "ZIP code"],
        ),
        (q("yes_no"), ["Yes", "No"]),
        (q("multiple_choice", options=CHOICES), ["Rent", "Food"]),
    ],
)
def test_grouped_widgets_use_fieldset_legend_and_labelled_parts(question, sub_labels):
    html = render("{% render_field form.q %}", form=make_form(question))
    assert "<fieldset" in html and "<legend>Label for q</legend>" in html
    labels, inputs = _labels_tied_to_inputs(html)
    assert labels == inputs and len(inputs) == len(sub_labels)
    for label in sub_labels:
        assert re.search(rf"<label for=\"id_q_\d\">{re.escape(label)}</label>", html)


def test_dropdown_display_uses_a_select_with_a_label():
    question = q("single_choice", options=CHOICES, validation={"display": "dropdown"})
    html = render("{% render_field form.q %}", form=make_form(question))
    assert '<label for="id_q">' in html and '<select name="q"' in html and "<fieldset" not in html


def test_errors_render_with_ids_aria_and_summary_links_to_inputs():
    form = make_form(
        q("currency", key="income"),
        q("date", key="birth"),
        q("address", key="home"),
        q("yes_no", key="renter"),
        data={"income": "12.345", "birth_0": "2", "birth_1": "30", "birth_2": "2025",
              "home_0": "1 Main", "home_2": "Yakima", "home_3": "WA", "home_4": "ABCDE"},
    )  # fmt: skip
    assert not form.is_valid()
    html = render(
        "{% error_summary form %}{% for field in form %}{% render_field field %}{% endfor %}",
        form=form,
    )
    summary = html.split("</div>")[0]
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    assert "There is a problem" in summary
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    assert [href for href, _message in links] == [
        "id_income",
        "id_birth_0",
        "id_home_4",
        "id_renter_0",
    ]
    for href, _message in links:
        assert f'id="{href}"' in html
    assert 'class="form-group field-error" id="id_income-field"' in html
    assert 'id="id_income-error"' in html
    assert re.search(
        r'name="income"[^>]*aria-describedby="id_income-error"[^>]*aria-invalid="true"', html
    )


def test_error_summary_links_non_field_errors_and_is_empty_without_errors():
    class WithCheck(forms.Form):
        income = form_field_for(q("currency", key="income"))

        def clean(self):
            raise forms.ValidationError("Check your answers.")

    form = WithCheck(data={"income": "5"})
    assert not form.is_valid()
    assert '<a href="#id_income">Check your answers.</a>' in render(
        "{% error_summary form %}", form=form
    )
    assert render("{% error_summary form %}", form=make_form(q("currency"))).strip() == ""


def test_static_question_shows_text_without_an_input():
    html = render(
        "{% render_field form.q %}", form=make_form(q("static", help_text="Bring your ID."))
    )
    assert "Bring your ID." in html and "<input" not in html


def test_spanish_labels_and_options():
    question = q(
        "single_choice",
        options=CHOICES,
        translations={"es": {"label": "¿Qué necesita?", "help_text": "Elija una"}},
    )
    with translation.override("es"):
        html = render("{% render_field form.q %}", form=make_form(question, q("yes_no", key="y")))
        html += render("{% render_field form.y %}", form=make_form(question, q("yes_no", key="y")))
    assert "<legend>¿Qué necesita?</legend>" in html
    assert ">Alquiler</label>" in html and ">Food</label>" in html
    assert ">Sí</label>" in html
    assert "Elija una" in html


def test_member_form_builds_one_person_and_names_errors():
    form_class = member_form_class(HOUSEHOLD)
    form = form_class(
        data={"first_name": "Leo", "birth_date_0": "3", "birth_date_1": "4", "birth_date_2": "2015"}
    )
    assert form.is_valid(), form.errors
    assert form.member_value() == {"first_name": "Leo", "birth_date": "2015-03-04", "student": None}
    bad = form_class(
        data={
            "first_name": "Leo",
            "birth_date_0": "2",
            "birth_date_1": "30",
            "birth_date_2": "2015",
        }
    )
    assert not bad.is_valid()
    assert "Enter a real date" in bad.errors["birth_date"][0]
    editing = form_class(initial=form_class.initial_from_member(form.member_value()))
    assert 'name="birth_date_1" value="4"' in str(editing["birth_date"])
    with pytest.raises(ValueError, match="not a household"):
        member_form_class(q("date"))


def test_household_field_carries_the_list_and_validates_it():
    import json

    member = {"first_name": "Ana", "birth_date": "1990-01-01", "student": True}
    form = make_form(HOUSEHOLD, data={"household.members": json.dumps([member])})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["household.members"] == [member]
    bad = make_form(
        HOUSEHOLD, data={"household.members": json.dumps([{**member, "birth_date": "2023-02-29"}])}
    )
    assert not bad.is_valid()
    assert "Person 1 (Ana), Date of birth" in bad.errors["household.members"][0]


def test_file_field_stores_upload_and_keeps_existing(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    question = q("file", validation={"allowed_extensions": ["pdf"], "max_size_bytes": 1000})
    upload = SimpleUploadedFile("stub.pdf", b"%PDF-1.4 hello", "application/pdf")
    form = make_form(question, data={}, files={"q": upload})
    assert form.is_valid(), form.errors
    meta = form.cleaned_data["q"]
    assert (tmp_path / meta["path"]).exists() and meta["name"] == "stub.pdf"
    kept = make_form(question, data={}, files={}, initial={"q": meta})
    assert kept.is_valid() and kept.cleaned_data["q"] == meta
    assert "Uploaded: stub.pdf" in str(kept["q"])
    too_big = make_form(
        question, data={}, files={"q": SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2000)}
    )
    assert not too_big.is_valid() and "smaller than" in too_big.errors["q"][0]
    wrong = make_form(
        question, data={}, files={"q": SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n")}
    )
    assert not wrong.is_valid() and "PDF" in wrong.errors["q"][0]
    html = render("{% render_field form.q %}", form=make_form(question))
    assert 'accept=".pdf,application/pdf"' in html and '<label for="id_q">' in html
