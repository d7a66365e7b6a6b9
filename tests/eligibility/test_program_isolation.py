"""One program whose rules cannot be compiled or evaluated is left out; the rest still screen."""

import json
import logging
from datetime import date

import pytest

from applicants import intake
from eligibility.models import ScreeningFailure
from eligibility.services import UNCHECKED, clear_compiled_cache, screen
from programs.models import ProgramVersion
from tests.applicants.conftest import complete_intake

AS_OF = date(2026, 3, 2)
ANSWERS = {
    "household.size": 3,
    "income.monthly_gross": 150000,
    "applicant.birth_date": "1990-01-15",
}
# Divides by (household size - 3): a real ZeroDivisionError for a household of 3, raised while
# evaluating, as a rule with a bad divisor in production would.
RAISES_FOR_THREE = {
    "lte": [
        {"div": [{"answer": "income.monthly_gross"},
                 {"sub": [{"answer": "household.size"}, {"value": 3}]}]},
        {"dollars": 1000},
    ]
}  # fmt: skip
UNCHECKED_TEXT = "We could not check this program. You may still apply."


def deep_any(depth):
    rule = {"is_answered": "income.monthly_gross"}
    for _ in range(depth):
        rule = {"any": [rule]}
    return rule


def store_rule(version, rule):
    # Published versions are frozen by the services; a broken rule can still reach the
    # database (older code, a manual fix, a bank question changed), which is what we guard.
    ProgramVersion.objects.filter(pk=version.pk).update(eligibility_rules=rule)
    clear_compiled_cache()


@pytest.fixture
def broken(demo_programs):
    store_rule(demo_programs["energy-assistance"], RAISES_FOR_THREE)
    return demo_programs


def outcomes(results):
    return {result.program.slug: result.outcome for result in results}


def test_a_program_that_raises_is_left_out_and_every_other_program_still_screens(broken, caplog):
    with caplog.at_level(logging.ERROR, logger="eligibility.services"):
        results = screen(answers=ANSWERS, as_of=AS_OF)
    found = outcomes(results)
    assert found.pop("energy-assistance") == UNCHECKED
    assert len(found) == 5 and UNCHECKED not in found.values()
    assert found["basic-food"] == "eligible"
    left_out = next(r for r in results if r.program.slug == "energy-assistance")
    assert left_out.reasons == [UNCHECKED_TEXT] and left_out.may_apply
    failure = ScreeningFailure.objects.get()
    assert failure.stage == "evaluate" and "ZeroDivisionError" in failure.message
    assert "energy-assistance" in caplog.text and "ZeroDivisionError" in caplog.text

    screen(answers=ANSWERS, as_of=AS_OF)
    failure.refresh_from_db()
    assert failure.occurrences == 2
    # A household the rule can evaluate is screened normally.
    assert outcomes(screen(answers={**ANSWERS, "household.size": 2}, as_of=AS_OF))[
        "energy-assistance"
    ] in ("eligible", "ineligible")


def test_a_program_that_cannot_be_compiled_is_left_out(demo_programs):
    store_rule(demo_programs["orca-lift"], deep_any(400))
    found = outcomes(screen(answers=ANSWERS, as_of=AS_OF, language="es"))
    assert found.pop("orca-lift") == UNCHECKED
    assert UNCHECKED not in found.values() and len(found) == 5
    failure = ScreeningFailure.objects.get()
    assert failure.stage == "compile" and "nested more than 64 levels deep" in failure.message
    spanish = next(r for r in screen(answers=ANSWERS, as_of=AS_OF, language="es")
                   if r.program.slug == "orca-lift")  # fmt: skip
    assert spanish.reasons == [
        "No pudimos revisar este programa. Aún puede presentar una solicitud."
    ]


def test_the_api_leaves_the_program_out_and_answers_for_the_others(client, broken):
    from django.core.cache import cache

    cache.clear()  # the screening rate limit
    response = client.post(
        "/api/v1/screen",
        json.dumps({"answers": ANSWERS, "as_of": "2026-03-02"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    results = {r["slug"]: r for r in response.json()["results"]}
    assert results["energy-assistance"]["outcome"] == "unchecked"
    assert results["energy-assistance"]["reasons"] == [UNCHECKED_TEXT]
    assert results["basic-food"]["outcome"] == "eligible"
    assert sum(r["outcome"] == "unchecked" for r in results.values()) == 1


def test_the_results_page_shows_the_program_as_not_checked(client, broken):
    intake.clear_cache()
    complete_intake(client)  # a household of 3
    response = client.get("/apply/results/")
    assert response.status_code == 200
    html = response.content.decode().replace("&#x27;", "'")
    unchecked = html.split('id="group-unchecked"', 1)[1].split("</section>", 1)[0]
    assert "We could not check these programs" in unchecked
    assert 'id="program-energy-assistance"' in unchecked and UNCHECKED_TEXT in unchecked
    assert 'id="program-basic-food"' in html.split('id="group-unchecked"', 1)[0]
    intake.clear_cache()


def test_the_cli_says_which_program_could_not_be_checked(broken, tmp_path, capsys):
    from django.core.management import call_command

    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(ANSWERS), encoding="utf-8")
    call_command("screen", "--answers", str(answers), "--as-of", "2026-03-02", "--format", "text")
    out = capsys.readouterr().out
    assert "(energy-assistance): could not be checked" in out
    assert f"  - {UNCHECKED_TEXT}" in out
    assert "(basic-food): likely eligible" in out


def test_every_screening_outcome_has_a_label_on_the_application_pdf():
    from django.utils import translation

    from agencies.exports.pdf_export import OUTCOME_LABELS

    assert set(OUTCOME_LABELS) == {"eligible", "ineligible", "unknown", UNCHECKED}
    with translation.override("es"):
        assert str(OUTCOME_LABELS[UNCHECKED]) == "No se pudo revisar"


def written(results):
    return [(r.program.slug, r.outcome, r.reasons, r.missing, r.threshold) for r in results]


def test_the_programs_are_screened_by_one_function_and_say_what_each_says_alone(
    demo_programs,
):
    from eligibility import compiled

    together = screen(answers=ANSWERS, as_of=AS_OF)
    assert len(compiled._compiled_screenings) == 1  # one function for the six programs
    # Each program screened by itself: a single rule is evaluated on its own.
    alone = [
        screen(answers=ANSWERS, as_of=AS_OF, versions=[result.version])[0] for result in together
    ]
    assert written(together) == written(alone)


def test_a_screening_function_that_cannot_be_compiled_leaves_each_program_to_itself(
    demo_programs, monkeypatch, caplog
):
    from eligibility import compiled

    expected = written(screen(answers=ANSWERS, as_of=AS_OF))
    clear_compiled_cache()
    attempts = []

    def too_big(rules):
        attempts.append(len(rules))
        raise RecursionError("maximum recursion depth exceeded during compilation")

    monkeypatch.setattr(compiled, "compile_screening", too_big)
    with caplog.at_level(logging.ERROR, logger="eligibility.services"):
        assert written(screen(answers=ANSWERS, as_of=AS_OF)) == expected
        assert written(screen(answers=ANSWERS, as_of=AS_OF)) == expected
    assert attempts == [6]  # tried once, then each rule alone without trying again
    assert "Could not compile one screening function for 6 rules" in caplog.text
    assert not ScreeningFailure.objects.exists()  # no program was left out


def test_programs_named_by_the_caller_are_screened_each_by_its_own_rule(demo_programs):
    from eligibility import compiled

    named = screen(
        answers=ANSWERS, as_of=AS_OF, program_slugs=["orca-lift", "basic-food", "energy-assistance"]
    )
    chosen = screen(answers=ANSWERS, as_of=AS_OF, versions=[r.version for r in named])
    # Such sets are many and small: no function is compiled for them.
    assert not compiled._compiled_screenings
    catalog = {r.program.slug: r for r in screen(answers=ANSWERS, as_of=AS_OF)}
    assert len(compiled._compiled_screenings) == 1
    assert written(named) == written(chosen) == written([catalog[r.program.slug] for r in named])
