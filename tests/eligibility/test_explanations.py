from datetime import date

from tests.eligibility.support import H25, H25_ES, INCOME_RULE, compile_, income_limit

INCOME = {"answer": "household.income_monthly"}
LIMIT_3 = {"lte": [INCOME, income_limit(percent=100, rounding="down_dollar")]}
# 26,650 / 12 = 2,220.83 -> $2,220 (down)


def test_reason_sentence_in_english_and_spanish():
    compiled = compile_(
        {
            "lte": [
                INCOME,
                {
                    "table": "hhs_poverty_guidelines",
                    "year": 2025,
                    "household_size": {"answer": "household.size"},
                    "percent": "121.31",
                    "period": "monthly",
                    "rounding": "down_dollar",
                },
            ]
        }
    )
    # 26,650 * 1.2131 / 12 = 2,694.09 -> $2,694
    answers = {"household.size": 3, "household.income_monthly": 290000}
    en = compiled.evaluate(answers, as_of=date(2025, 6, 1))
    es = compiled.evaluate(answers, as_of=date(2025, 6, 1), language="es")
    assert en.outcome == es.outcome == "ineligible"
    assert en.reasons == [
        "Your household's monthly income, $2,900, is above the limit of $2,694 "
        "for a household of 3" + H25 + "."
    ]
    assert es.reasons == [
        "El ingreso mensual de su hogar, $2,900, está por encima del límite de $2,694 para un "
        "hogar de 3 personas" + H25_ES + "."
    ]


def test_threshold_for_single_deciding_comparison():
    result = compile_(LIMIT_3).evaluate(
        {"household.size": 3, "household.income_monthly": 250000}, as_of=date(2025, 6, 1)
    )
    assert result.threshold == {
        "key": "household.income_monthly",
        "op": "lte",
        "value": 222000,
        "formatted": "$2,220",
    }


def test_threshold_when_income_missing_but_limit_known():
    result = compile_(LIMIT_3).evaluate({"household.size": 3}, as_of=date(2025, 6, 1))
    assert result.outcome == "unknown"
    assert result.missing == ["household.income_monthly"]
    assert result.threshold["value"] == 222000
    assert result.reasons == ["We still need to know your household's monthly income."]


def test_threshold_under_not_is_negated_and_literal_first_is_flipped():
    rule = {"not": {"lt": [{"dollars": 100}, INCOME]}}  # i.e. income <= $100
    result = compile_(rule).evaluate({"household.income_monthly": 5000}, as_of="2025-06-01")
    assert result.outcome == "eligible"
    assert result.threshold == {
        "key": "household.income_monthly",
        "op": "lte",
        "value": 10000,
        "formatted": "$100",
    }
    assert result.reasons == [
        "Your household's monthly income, $50, is at or below the limit of $100."
    ]


def test_no_threshold_when_several_conditions_decide():
    rule = {"all": [LIMIT_3, {"is_answered": "applicant.name"}]}
    result = compile_(rule).evaluate(
        {"household.size": 3, "household.income_monthly": 1}, as_of="2025-06-01"
    )
    assert result.outcome == "ineligible"
    assert result.threshold is None  # only is_answered failed -> one decider but not numeric
    assert result.reasons == ["You have not answered your name."]


def test_reasons_are_only_the_deciding_conditions():
    rule = {
        "all": [
            {"gte": [{"age": "applicant.birth_date"}, {"value": 18}]},
            {"in": [{"answer": "applicant.state"}, ["WA"]]},
            LIMIT_3,
        ]
    }
    answers = {
        "applicant.birth_date": "2010-01-01",
        "applicant.state": "OR",
        "household.size": 3,
        "household.income_monthly": 100,
    }
    result = compile_(rule).evaluate(answers, as_of=date(2025, 6, 1))
    assert result.reasons == [
        "The age from your date of birth, 15, is below the minimum of 18.",
        "Your state, OR, is not one of: WA.",
    ]
    es = compile_(rule).evaluate(answers, as_of=date(2025, 6, 1), language="es")
    assert es.reasons == [
        "La edad según su fecha de nacimiento, 15, está por debajo del mínimo de 18.",
        "Su estado, OR, no es ninguna de estas opciones: WA.",
    ]


def test_eligible_any_gives_the_passing_branch():
    rule = {
        "any": [
            {"in": [{"answer": "applicant.state"}, ["WA"]]},
            {"eq": [{"answer": "applicant.veteran"}, {"value": True}]},
        ]
    }
    result = compile_(rule).evaluate(
        {"applicant.state": "ID", "applicant.veteran": True}, as_of="2025-01-01"
    )
    assert result.reasons == ["Whether you served is yes."]
    assert compile_(rule).evaluate(
        {"applicant.state": "ID", "applicant.veteran": True}, as_of="2025-01-01", language="es"
    ).reasons == ["Si usted sirvió es sí."]


def test_reason_override_on_leaf_and_group():
    rule = {
        "any": [
            {
                "in": [{"answer": "applicant.state"}, ["WA"]],
                "reason": {"en": "You live in Washington.", "es": "Usted vive en Washington."},
            },
            {"gte": [{"answer": "household.size"}, {"value": 5}]},
        ],
        "reason": {
            "met": {"en": "Residency or size met."},
            "not_met": {"en": "Not in WA and household under 5.", "es": "No cumple."},
        },
    }
    compiled = compile_(rule)
    assert compiled.evaluate(
        {"applicant.state": "OR", "household.size": 2}, as_of="2025-01-01"
    ).reasons == ["Not in WA and household under 5."]
    assert compiled.evaluate(
        {"applicant.state": "OR", "household.size": 2}, as_of="2025-01-01", language="es"
    ).reasons == ["No cumple."]
    assert compiled.evaluate(
        {"applicant.state": "WA"}, as_of="2025-01-01", language="es"
    ).reasons == ["Residency or size met."]  # en fallback
    leaf_only = compile_(rule["any"][0])
    assert leaf_only.evaluate(
        {"applicant.state": "WA"}, as_of="2025-01-01", language="es"
    ).reasons == ["Usted vive en Washington."]


def test_group_override_keeps_missing_exact():
    rule = {
        "all": [LIMIT_3, {"is_answered": "applicant.name"}],
        "reason": {"en": "Income and name."},
    }
    result = compile_(rule).evaluate({"applicant.name": "Ana"}, as_of="2025-01-01")
    assert result.outcome == "unknown"
    assert result.missing == ["household.income_monthly", "household.size"]


def test_question_prompt_labels_are_quoted_and_unknown_language_falls_back():
    rule = {"gte": [{"answer": "applicant.hours"}, {"value": 20}]}
    result = compile_(rule).evaluate({"applicant.hours": 10}, as_of="2025-01-01", language="fr")
    assert result.reasons == [
        "Your answer to “How many hours do you work a week?”, 10, is below the minimum of 20."
    ]


def test_dates_money_with_cents_and_operand_labels():
    rule = {
        "all": [
            {"lt": [{"answer": "applicant.birth_date"}, {"value": "2000-03-01"}]},
            {"gte": [INCOME, {"answer": "utility.bill"}]},
            {
                "gte": [
                    {"count": "household.members", "label": {"en": "Children", "es": "Niños"}},
                    {"value": 2},
                ]
            },
        ]
    }
    answers = {
        "applicant.birth_date": "2001-01-05",
        "household.income_monthly": 1050,
        "utility.bill": 1999,
        "household.members": [{"name": "A"}],
    }
    result = compile_(rule).evaluate(answers, as_of="2025-01-01")
    assert result.reasons == [
        "Your date of birth, January 5, 2001, is on or after March 1, 2000.",
        "Your household's monthly income, $10.50, is below the minimum of your monthly utility "
        "bill ($19.99).",
        "Children, 1, is below the minimum of 2.",
    ]
    es = compile_(rule).evaluate(answers, as_of="2025-01-01", language="es")
    assert (
        es.reasons[0]
        == "Su fecha de nacimiento, 5 de enero de 2001, es el 1 de marzo de 2000 o después."
    )
    assert es.reasons[2] == "Niños, 1, está por debajo del mínimo de 2."


def test_between_and_multiple_choice_sentences():
    rule = {
        "all": [
            {"between": [{"answer": "household.size"}, {"value": 2}, {"value": 4}]},
            {"in": [{"answer": "applicant.benefits"}, ["SNAP", "TANF", "SSI"]]},
        ]
    }
    result = compile_(rule).evaluate(
        {"household.size": 3, "applicant.benefits": ["SNAP", "SSI"]}, as_of="2025-01-01"
    )
    assert result.reasons == [
        "Your household size, 3, is between 2 and 4.",
        "Benefits you receive, SNAP and SSI, includes at least one of: SNAP, TANF, or SSI.",
    ]


def test_income_rule_from_support_eligible_reason():
    result = compile_(INCOME_RULE).evaluate(
        {"household.size": 4, "household.income_monthly": 535900}, as_of="2025-06-01"
    )
    assert result.reasons == [
        "Your household's monthly income, $5,359, is at or below the limit of $5,359 for a "
        "household of 4" + H25 + "."
    ]


def test_reason_keys_name_the_answers_each_reason_prints():
    from tests.eligibility.support import compile_ as _compile

    rule = {
        "all": [
            {"gte": [{"age": "applicant.birth_date"}, {"value": 18}]},
            {"lte": [{"answer": "household.income_monthly"}, {"dollars": 3000}]},
        ]
    }
    answers = {"applicant.birth_date": "1990-01-01", "household.income_monthly": 100000}
    evaluation = _compile(rule).evaluate(answers, as_of="2025-06-01", explain_keys=True)
    assert evaluation.outcome == "eligible"
    assert evaluation.reason_keys == [["applicant.birth_date"], ["household.income_monthly"]]
    assert len(evaluation.reasons) == 2
    # Without the flag the hot path leaves them out.
    assert _compile(rule).evaluate(answers, as_of="2025-06-01").reason_keys is None
    unknown = _compile(rule).evaluate({}, as_of="2025-06-01", explain_keys=True)
    assert unknown.reason_keys == [[] for _ in unknown.reasons]
