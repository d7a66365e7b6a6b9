"""`export_cells_function` (compiled once per export) gives exactly what `export_cells` gives.

The reference is the per-answer API: for any question, member count, permission and stored
value, the compiled function's cells equal `export_cells(...)` looked up column by column
in `export_columns(question, members=...)` order, and a value `export_cells` cannot export
fails with the same exception.
"""

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programs.models import QuestionType
from programs.question_types import export_cells, export_columns
from programs.question_types.csv_cells import export_cells_function
from programs.question_types.csv_rows import export_row_function

TYPES = list(QuestionType.values)
MEMBER_TYPES = ["name", "address", "date", "currency", "yes_no", "short_text", "phone"]


def reference_cells(question, value, *, members, can_view_sensitive):
    """What the CSV export wrote before the fast path, as (cells, exception type)."""
    try:
        found = export_cells(question, value, can_view_sensitive=can_view_sensitive)
    except Exception as exc:  # the exception type is what is compared
        return None, type(exc)
    return [found.get(c, "") for c in export_columns(question, members=members)], None


def fast_cells(question, value, *, members, can_view_sensitive):
    function = export_cells_function(
        question, members=members, can_view_sensitive=can_view_sensitive
    )
    try:
        return function(value), None
    except Exception as exc:
        return None, type(exc)


def assert_same(question, value, *, members, can_view_sensitive):
    expected = reference_cells(
        question, value, members=members, can_view_sensitive=can_view_sensitive
    )
    got = fast_cells(question, value, members=members, can_view_sensitive=can_view_sensitive)
    assert got == expected, (question, value, members, can_view_sensitive)
    return got[0]


# Values: mostly the canonical shapes of each type, plus any JSON at all.
texts = st.text(max_size=6) | st.sampled_from(["=cmd", "-1", "Ana", "", "Núñez", "123456789"])
json_scalars = st.none() | st.booleans() | st.integers(-(10**9), 10**9) | texts
json_any = st.recursive(
    json_scalars | st.floats(allow_nan=False),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)
names = st.fixed_dictionaries(
    {"first": texts, "last": texts}, optional={"middle": texts | st.integers()}
)
addresses = st.fixed_dictionaries(
    {"street": texts, "city": texts, "state": st.just("WA"), "zip": st.just("98101")},
    optional={"unit": texts},
)
canonical = {
    "name": names,
    "address": addresses,
    "currency": st.integers(0, 10**10),
    "yes_no": st.booleans(),
    "multiple_choice": st.lists(texts, max_size=3),
    "file": st.fixed_dictionaries({"name": texts}, optional={"size": st.integers()}),
    "date": st.just("2024-02-29"),
}


def value_for(kind, member_fields):
    if kind == "household_members":
        member = st.fixed_dictionaries(
            {},
            optional={
                field["key"]: st.none() | value_for(field["type"], []) for field in member_fields
            },
        )
        return st.lists(member, max_size=4) | st.lists(member | json_any, max_size=4) | json_any
    return canonical.get(kind, json_scalars) | json_any


member_fields = st.lists(
    st.builds(
        lambda key, kind: {"key": key, "type": kind, "label": key},
        st.sampled_from(["name", "birth_date", "income", "x", "x.first"]),
        st.sampled_from(MEMBER_TYPES),
    ),
    max_size=3,
    unique_by=lambda field: field["key"],
)


@st.composite
def cases(draw):
    kind = draw(st.sampled_from(TYPES))
    fields = draw(member_fields) if kind == "household_members" else []
    question = {
        "key": "q.key",
        "type": kind,
        "label": "Q",
        "sensitive": draw(st.booleans()),
        "member_fields": fields,
    }
    value = draw(value_for(kind, fields))
    return question, value, draw(st.integers(0, 4)), draw(st.booleans())


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_compiled_cells_equal_export_cells_for_any_value(case):
    question, value, members, can_view_sensitive = case
    assert_same(question, value, members=members, can_view_sensitive=can_view_sensitive)


HOUSEHOLD = {
    "key": "household.members",
    "type": "household_members",
    "member_fields": [
        {"key": "name", "type": "name"},
        {"key": "birth_date", "type": "date"},
        {"key": "income", "type": "currency"},
    ],
}


@pytest.mark.parametrize(
    ("question", "value", "cells"),
    [
        ({"key": "i", "type": "currency"}, 123456, ["1234.56"]),
        ({"key": "i", "type": "currency"}, 5, ["0.05"]),
        ({"key": "i", "type": "currency"}, None, [""]),
        ({"key": "y", "type": "yes_no"}, False, ["no"]),
        ({"key": "m", "type": "multiple_choice"}, ["rent", "heat"], ["rent; heat"]),
        ({"key": "n", "type": "name"}, {"first": "Ana", "last": "Díaz"}, ["Ana", "", "Díaz"]),
        ({"key": "f", "type": "file"}, {"name": "pay.pdf", "size": 3}, ["pay.pdf"]),
        ({"key": "s", "type": "static"}, "anything", []),
        ({"key": "p", "type": "phone", "sensitive": True}, "2065550100", ["2065550100"]),
    ],
)
def test_examples_per_type(question, value, cells):
    assert assert_same(question, value, members=0, can_view_sensitive=True) == cells


def test_household_is_flattened_by_index_and_padded_to_the_export_width():
    members = [
        {"name": {"first": "Ana", "last": "Díaz"}, "birth_date": "1990-01-01", "income": 100},
        {"name": {"first": "Leo"}},
    ]
    cells = assert_same(HOUSEHOLD, members, members=3, can_view_sensitive=True)
    assert cells == (
        ["2", "Ana", "", "Díaz", "1990-01-01", "1.00", "Leo", "", "", "", ""] + [""] * 5
    )
    assert len(cells) == len(export_columns(HOUSEHOLD, members=3))


def test_more_members_than_columns_are_dropped_like_export_cells():
    members = [{"birth_date": f"2000-01-0{n}"} for n in range(1, 4)]
    cells = assert_same(HOUSEHOLD, members, members=2, can_view_sensitive=True)
    assert cells[0] == "3" and cells[4] == "2000-01-01" and cells[9] == "2000-01-02"
    assert len(cells) == 11


def test_masks_without_permission_in_the_active_language():
    ssn = {"key": "ssn", "type": "identifier", "sensitive": True}
    assert assert_same(ssn, "123456789", members=0, can_view_sensitive=False) == ["•••• 6789"]
    sensitive_household = {**HOUSEHOLD, "sensitive": True}
    one = [{"birth_date": "2000-01-01"}]
    cells = assert_same(sensitive_household, one, members=2, can_view_sensitive=False)
    assert cells == ["Hidden"] * 6 + [""] * 5
    with translation.override("es"):  # the mask is translated when the row is made
        assert_same(sensitive_household, one, members=2, can_view_sensitive=False)
        assert_same({**ssn, "type": "date"}, "1990-01-01", members=0, can_view_sensitive=False)


def test_odd_stored_values_fail_or_export_exactly_as_export_cells():
    name = {"key": "n", "type": "name"}
    assert fast_cells(name, "not a dict", members=0, can_view_sensitive=True) == (
        None,
        AttributeError,
    )
    assert assert_same(HOUSEHOLD, {"not": "a list"}, members=2, can_view_sensitive=True) is None
    assert assert_same(HOUSEHOLD, "", members=2, can_view_sensitive=True)[0] == "0"


def compiled_row(questions, answers, *, members, can_view_sensitive):
    """What the per-question functions give for a whole row, or the exception type."""
    row = []
    try:
        for question in questions:
            function = export_cells_function(
                question,
                members=members.get(question["key"], 0),
                can_view_sensitive=can_view_sensitive,
            )
            row += function(answers.get(question["key"]))
    except Exception as exc:  # the exception type is what is compared
        return None, type(exc)
    return row, None


def generated_row(questions, answers, *, members, can_view_sensitive):
    function = export_row_function(
        questions, members=members, can_view_sensitive=can_view_sensitive
    )
    try:
        return function(answers), None
    except Exception as exc:  # the exception type is what is compared
        return None, type(exc)


@st.composite
def rows(draw):
    questions, answers, members = [], {}, {}
    for index in range(draw(st.integers(1, 4))):
        question, value, count, _ = draw(cases())
        question = {**question, "key": f"k{index}"}
        questions.append(question)
        members[question["key"]] = count
        if draw(st.booleans()):  # an unanswered question is absent from the answers
            answers[question["key"]] = value
    return questions, answers, members, draw(st.booleans())


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows())
def test_generated_row_equals_the_per_question_functions(case):
    questions, answers, members, can_view_sensitive = case
    expected = compiled_row(
        questions, answers, members=members, can_view_sensitive=can_view_sensitive
    )
    got = generated_row(questions, answers, members=members, can_view_sensitive=can_view_sensitive)
    assert got == expected


def test_generated_row_for_a_program_like_the_benchmark():
    questions = [
        {"key": "applicant.name", "type": "name"},
        {"key": "income", "type": "currency"},
        {"key": "ssn", "type": "identifier", "sensitive": True},
        {"key": "notes", "type": "static"},
        HOUSEHOLD,
    ]
    answers = {
        "applicant.name": {"first": "=cmd", "last": "Núñez"},
        "income": 290050,
        "ssn": "123456789",
        "household.members": [{"name": {"first": "Leo"}, "income": 5}],
    }
    members = {"household.members": 2}
    row = export_row_function(questions, members=members, can_view_sensitive=False)(answers)
    assert row == [
        "=cmd", "", "Núñez", "2900.50", "•••• 6789",
        "1", "Leo", "", "", "", "0.05", "", "", "", "", "",
    ]  # fmt: skip
    assert export_row_function([], members={})(answers) == []


def test_question_keys_are_data_not_code():
    key = "x'] + __import__('os').getcwd() + ['"
    question = {"key": key, "type": "name"}
    row = export_row_function([question])({key: {"first": "Ana"}})
    assert row == ["Ana", "", ""]


@st.composite
def households(draw):
    """Household questions answered the canonical way (a list of member dicts), which the
    generic strategies above reach too rarely."""
    fields = draw(member_fields.filter(bool))
    count = draw(st.integers(0, 4))
    member = st.fixed_dictionaries(
        {}, optional={field["key"]: value_for(field["type"], []) for field in fields}
    )
    value = draw(st.lists(member, max_size=count))
    question = {"key": "h", "type": "household_members", "member_fields": fields}
    return question, value, count


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(households(), st.booleans())
def test_households_generate_the_same_cells(case, can_view_sensitive):
    question, value, count = case
    members = {"h": count}
    expected = compiled_row([question], {"h": value}, members=members, can_view_sensitive=True)
    got = generated_row([question], {"h": value}, members=members, can_view_sensitive=True)
    assert got == expected
    assert_same(question, value, members=count, can_view_sensitive=can_view_sensitive)


TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d")
trigger_texts = st.sampled_from(["=1+2", "-5", "+x", "@a", "\tx", "\uff1dx", "a=b", ""])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows(), st.lists(trigger_texts, max_size=3))
def test_generated_row_neutralises_like_the_exporter(case, extra_texts):
    questions, answers, members, can_view_sensitive = case
    for index, text in enumerate(extra_texts):  # free text that starts formulas
        questions.append({"key": f"t{index}", "type": "short_text"})
        answers[f"t{index}"] = text
    expected, error = compiled_row(
        questions, answers, members=members, can_view_sensitive=can_view_sensitive
    )
    function = export_row_function(
        questions,
        members=members,
        can_view_sensitive=can_view_sensitive,
        formula_triggers=TRIGGERS,
    )
    if error:
        with pytest.raises(error):
            function(answers)
        return
    assert function(answers) == [
        "'" + cell if cell.startswith(TRIGGERS) else cell for cell in expected
    ]


def test_values_left_to_the_per_question_functions_are_neutralised_too():
    questions = [HOUSEHOLD, {"key": "income", "type": "currency"}]
    answers = {  # more members than columns, and an amount stored as text
        "household.members": [{"name": {"first": "=cmd"}}, {"name": {"first": "@x"}}],
        "income": "-5",
    }
    function = export_row_function(
        questions, members={"household.members": 1}, formula_triggers=TRIGGERS
    )
    assert function(answers) == ["2", "'=cmd", "", "", "", "", "'-1.95"]
