"""The intake stores "nobody else" and "no benefits" as answers, so a person living alone
gets a definite result for every demo program."""

from applicants.models import Answer
from tests.applicants.conftest import complete_intake


def test_living_alone_with_no_benefits_gets_definite_results(client, demo_programs):
    complete_intake(
        client,
        overrides={
            "household": {"household__size": "1"},
            "income": {"income__monthly_gross": "9,000"},
        },
    )
    stored = dict(Answer.objects.values_list("question_key", "value"))
    assert stored["household.members"] == []
    assert stored["benefits.current"] == []

    page = client.get("/apply/results/").content.decode()
    assert 'class="result-group result-unknown"' not in page
    assert "We still need to know" not in page
    for slug in demo_programs:
        assert f'id="program-{slug}"' in page
