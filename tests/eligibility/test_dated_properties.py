"""Property tests: the period lookups agree with a plain scan over the periods."""

from datetime import date, timedelta
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from eligibility.engine.tables import DatedLimit, Table, TableSet, last_anniversary

DAY = timedelta(days=1)
days = st.dates(min_value=date(2019, 1, 1), max_value=date(2031, 12, 31))


def make_periods(starts: list[date], ends: list[int | None]) -> list[Table]:
    """Periods starting on the sorted distinct `starts`; each may end early (never overlapping)."""
    starts = sorted(set(starts))
    periods = []
    for index, start in enumerate(starts):
        following = starts[index + 1] if index + 1 < len(starts) else None
        end = None
        cut = ends[index % len(ends)] if ends else None
        if cut is not None:
            end = start + timedelta(days=cut)
            if following is not None and end >= following:
                end = following - DAY
        elif following is not None:
            end = following - DAY
        periods.append(Table("t", "T", start.year, "annual_dollars", {1: 1000 + index}, 10,
                             effective_from=start, effective_to=end))  # fmt: skip
    return periods


@settings(max_examples=200, deadline=None)
@given(
    starts=st.lists(days, min_size=1, max_size=6),
    ends=st.lists(st.one_of(st.none(), st.integers(0, 800)), max_size=6),
    on=days,
)
def test_in_effect_is_the_period_whose_span_holds_the_date(starts, ends, on):
    periods = make_periods(starts, ends)
    tables = TableSet(periods)
    expected = [
        p
        for p in periods
        if p.effective_from <= on and (p.effective_to is None or on <= p.effective_to)
    ]
    assert len(expected) <= 1
    assert tables.in_effect("t", on) is (expected[0] if expected else None)


@settings(max_examples=200, deadline=None)
@given(on=days, month=st.integers(1, 12), day=st.integers(1, 28))  # 29 Feb: test_dated_tables
def test_last_anniversary_is_the_latest_such_day_not_after(on, month, day):
    found = last_anniversary(on, month, day)
    assert found <= on and (found.month, found.day) == (month, day)
    assert on - found < timedelta(days=366)
    later = found.replace(year=found.year + 1)
    assert later > on


@settings(max_examples=100, deadline=None)
@given(starts=st.lists(days, min_size=1, max_size=5), dates=st.lists(days, min_size=1, max_size=20))
def test_dated_limit_memo_gives_the_same_period_as_a_fresh_lookup(starts, dates):
    tables = TableSet(make_periods(starts, []))
    memo = DatedLimit(tables, "t", percent=Fraction(100), period=None, rounding="cent",
                      switch=(4, 1))  # fmt: skip
    for on in dates + dates:
        fresh = tables.in_effect("t", last_anniversary(on, 4, 1))
        if fresh is None:
            continue
        assert memo.at(on).table is fresh
        assert memo.at(on)(1) == fresh.cents(1, period="annual", rounding="cent")
