import json
from pathlib import Path

import pytest

from applicants import intake
from programs.models import ProgramVersion

DEMO = Path(__file__).resolve().parents[2] / "programs" / "demo" / "programs.json"


@pytest.fixture(autouse=True)
def fresh_intake_cache():
    # The intake is cached in process; each test builds its own programs.
    intake.clear_cache()
    yield
    intake.clear_cache()


@pytest.fixture
def demo_programs(db):
    """The six demo programs, published, as `make demo` loads them."""
    from programs.services import program_document_import

    versions, _warnings = program_document_import(data=json.loads(DEMO.read_text()), publish=True)
    return {v.program.slug: ProgramVersion.objects.get(pk=v.pk) for v in versions}


# What a resident types on each intake step of the demo programs, as form data.
INTAKE_POSTS = {
    "about-you": {
        "applicant__name_0": "Ana",
        "applicant__name_1": "",
        "applicant__name_2": "Díaz",
        "applicant__birth_date_0": "4",
        "applicant__birth_date_1": "12",
        "applicant__birth_date_2": "1990",
    },
    "contact": {
        "contact__email": "ana@example.org",
        "contact__phone": "(206) 555-0100",
        "home__address_0": "100 Pine St",
        "home__address_1": "",
        "home__address_2": "Seattle",
        "home__address_3": "WA",
        "home__address_4": "98101",
    },
    "household": {"household__size": "3"},
    "household-members": {},
    "income": {"income__monthly_gross": "1,500"},
}


def step_data(step: str, values: dict | None = None) -> dict:
    values = INTAKE_POSTS[step] if values is None else values
    data = {f"{step}-{name}": value for name, value in values.items()}
    data["intake_wizard-current_step"] = step
    return data


def complete_intake(client, *, overrides=None):
    """Walk the demo intake from the first step to the results page."""
    overrides = overrides or {}
    for step in INTAKE_POSTS:
        values = {**INTAKE_POSTS[step], **overrides.get(step, {})}
        response = client.post(f"/apply/intake/{step}/", step_data(step, values))
        assert response.status_code == 302, response.content.decode()[:3000]
    response = client.post("/apply/intake/review/", {"intake_wizard-current_step": "review"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/apply/results/"
    return response
