from datetime import date

import pytest

from eligibility.engine.values import age_on
from tests.eligibility.support import outcome

ADULT = {"gte": [{"age": "applicant.birth_date"}, {"value": 18}]}


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2025, 3, 14), 17),
        (date(2025, 3, 15), 18),
        (date(2025, 3, 16), 18),
        (date(2026, 3, 14), 18),
        (date(2026, 3, 15), 19),
    ],
)
def test_age_around_birthday(as_of, expected):
    assert age_on(date(2007, 3, 15), as_of) == expected


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2025, 2, 28), 20),  # non-leap year: not yet
        (date(2025, 3, 1), 21),  # a year older on 1 March
        (date(2028, 2, 28), 23),
        (date(2028, 2, 29), 24),  # leap year: on the day itself
        (date(2004, 2, 29), 0),
    ],
)
def test_age_for_leap_day_birthday(as_of, expected):
    assert age_on(date(2004, 2, 29), as_of) == expected


def test_age_rule_on_and_around_18th_birthday():
    answers = {"applicant.birth_date": "2007-06-01"}
    assert outcome(ADULT, answers, as_of=date(2025, 5, 31)) == "ineligible"
    assert outcome(ADULT, answers, as_of=date(2025, 6, 1)) == "eligible"


def test_leap_day_18th_birthday_in_rule():
    answers = {"applicant.birth_date": "2008-02-29"}
    assert outcome(ADULT, answers, as_of=date(2026, 2, 28)) == "ineligible"
    assert outcome(ADULT, answers, as_of=date(2026, 3, 1)) == "eligible"


def test_member_age_uses_same_rule():
    rule = {
        "gte": [
            {
                "count": "household.members",
                "where": {"gte": [{"member_age": "birth_date"}, {"value": 65}]},
            },
            {"value": 1},
        ]
    }
    members = [{"birth_date": "1960-02-29"}]
    assert outcome(rule, {"household.members": members}, as_of=date(2025, 2, 28)) == "ineligible"
    assert outcome(rule, {"household.members": members}, as_of=date(2025, 3, 1)) == "eligible"
