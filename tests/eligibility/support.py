"""Questions and helpers shared by the eligibility engine tests (plain data, no Django)."""

from datetime import date

from eligibility.engine import QuestionInfo, compile_rule, load_tables

TABLES = load_tables()
AS_OF = date(2025, 6, 1)
# How a reason names the period of the 2025 guidelines it used.
H25 = (
    " (HHS poverty guidelines, 48 contiguous states and the District of Columbia, in effect from "
    "January 15, 2025)"
)
H25_ES = (
    " (Pautas de pobreza del HHS, 48 estados contiguos y el Distrito de Columbia, vigente desde "
    "el 15 de enero de 2025)"
)

MEMBER_FIELDS = {
    "name": "name",
    "birth_date": "date",
    "relationship": "single_choice",
    "income_monthly": "currency",
    "hours_weekly": "number",
}

QUESTIONS = {
    q.key: q
    for q in [
        QuestionInfo(
            "household.income_monthly",
            "currency",
            {"en": "Your household's monthly income", "es": "El ingreso mensual de su hogar"},
        ),
        QuestionInfo(
            "household.size", "number", {"en": "Your household size", "es": "El tamaño de su hogar"}
        ),
        QuestionInfo(
            "applicant.birth_date",
            "date",
            {"en": "Your date of birth", "es": "Su fecha de nacimiento"},
        ),
        QuestionInfo(
            "applicant.state",
            "single_choice",
            {"en": "Your state", "es": "Su estado"},
            options=["WA", "OR", "ID"],
        ),
        QuestionInfo(
            "applicant.veteran", "yes_no", {"en": "Whether you served", "es": "Si usted sirvió"}
        ),
        QuestionInfo(
            "applicant.benefits",
            "multiple_choice",
            {"en": "Benefits you receive", "es": "Los beneficios que recibe"},
            options=["SNAP", "TANF", "SSI"],
        ),
        QuestionInfo("applicant.name", "name", {"en": "Your name"}),
        QuestionInfo("applicant.address", "address", {"en": "Your address"}),
        QuestionInfo("applicant.id_document", "file", {"en": "A photo ID"}),
        QuestionInfo("intro", "static", {"en": "Welcome"}),
        QuestionInfo("utility.bill", "currency", {"en": "Your monthly utility bill"}),
        QuestionInfo("applicant.hours", "number", {"en": "How many hours do you work a week?"}),
        QuestionInfo(
            "household.members",
            "household_members",
            {"en": "Your household", "es": "Su hogar"},
            member_fields=MEMBER_FIELDS,
        ),
    ]
}


def compile_(rule):
    return compile_rule(rule, QUESTIONS, TABLES)


def outcome(rule, answers, as_of=AS_OF):
    return compile_(rule).evaluate(answers, as_of=as_of).outcome


def income_limit(percent=200, year=2025, period="monthly", rounding="up_dollar", size=None):
    return {
        "table": "hhs_poverty_guidelines",
        "year": year,
        "household_size": size or {"answer": "household.size"},
        "percent": percent,
        "period": period,
        "rounding": rounding,
    }


INCOME_RULE = {"lte": [{"answer": "household.income_monthly"}, income_limit()]}
