"""The 500s found by the penetration test each return a 4xx now."""

import json

import pytest

from tests.applicants.conftest import step_data

pytestmark = pytest.mark.django_db


def test_deeply_nested_json_to_the_screening_api_is_a_400_naming_the_limit(client, demo_programs):
    body = '{"answers": {"household.size": ' + "[" * 100_000 + "]" * 100_000 + "}}"
    response = client.post("/api/v1/screen", body, content_type="application/json")
    assert response.status_code == 400
    assert "nested deeper than" in response.json()["errors"][0]["message"]


def test_an_oversized_api_body_is_refused_before_it_is_parsed(client, settings):
    settings.API_MAX_BODY_BYTES = 1000
    body = json.dumps({"answers": {"x": "a" * 5000}})
    response = client.post("/api/v1/screen", body, content_type="application/json")
    assert response.status_code == 400
    assert "1000 bytes" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    "url",
    [
        "/my/applications/a%00b/pdf/",
        "/my/applications/a%00b/",
        "/apply/submitted/CP-%00/",
        "/apply/people/household.members/2147483648/",
        "/apply/people/household.members/99999999999999999999/remove/",
        "/navigator/clients/9223372036854775808/",
        "/api/v1/applications/a%00b",
    ],
)
def test_nul_bytes_and_out_of_range_ids_in_paths_are_404(client, demo_programs, url):
    client.post("/apply/intake/about-you/", step_data("about-you"))
    assert client.get(url).status_code == 404
