"""Rule size limits: checked without recursion, each breach reported once with its path."""

from eligibility.engine import limits, validate_rule
from tests.eligibility.support import QUESTIONS, TABLES, compile_

LEAF = {"is_answered": "household.size"}


def nested(operator, depth):
    rule = LEAF
    for _ in range(depth):
        rule = {operator: rule} if operator == "not" else {operator: [rule]}
    return rule


def test_not_nested_2000_deep_is_an_error_not_a_recursion_error():
    errors = validate_rule(nested("not", 2000), QUESTIONS, TABLES)
    assert [(e.path, e.message) for e in errors] == [
        ("$" + ".not" * 64, "nested more than 64 levels deep")
    ]


def test_any_400_deep_is_refused_and_the_limit_itself_compiles():
    errors = validate_rule(nested("any", 400), QUESTIONS, TABLES)
    assert errors[0].path == "$" + ".any[0]" * 32
    # 31 nested any groups (63 JSON levels with the leaf) are within the limit and compile.
    assert compile_(nested("any", 31)).evaluate(
        {"household.size": 1}, as_of="2025-06-01"
    ).outcome == ("eligible")


def test_width_size_and_text_limits():
    wide = {"all": [LEAF] * 5000}
    assert validate_rule(wide, QUESTIONS, TABLES)[0].message == (
        "more than 1,000 items in one list or object"
    )
    many = {"all": [{"all": [LEAF] * 900} for _ in range(20)]}
    assert [e.message for e in validate_rule(many, QUESTIONS, TABLES)] == [
        "the rule is too large (more than 20,000 values)"
    ]
    nul = {"eq": [{"answer": "applicant.state"}, {"value": "W\x00A"}]}
    assert [(e.path, e.message) for e in validate_rule(nul, QUESTIONS, TABLES)] == [
        ("$.eq[1].value", "text must not contain a NUL character (\\u0000)")
    ]
    long_text = {"eq": [{"answer": "applicant.state"}, {"value": "W" * 10_001}]}
    assert "longer than 10,000" in validate_rule(long_text, QUESTIONS, TABLES)[0].message


def test_document_walk_can_switch_off_item_and_node_limits():
    assert limits.check({"all": [LEAF] * 5000}, max_items=None, max_nodes=None) == []
