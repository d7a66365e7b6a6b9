"""The public catalog and program detail pages."""

import pytest
from django.urls import reverse

from programs.models import Program, ProgramVersion
from tests.factories import ProgramFactory, ProgramVersionFactory

pytestmark = pytest.mark.django_db


def published_program(**fields):
    program = ProgramFactory(**fields)
    ProgramVersionFactory(program=program, status=ProgramVersion.Status.PUBLISHED)
    return program


@pytest.mark.parametrize("count", [3, 30])
def test_catalog_query_count_does_not_grow_with_programs(
    client, django_assert_max_num_queries, count
):
    for number in range(count):
        published_program(
            name=f"Program {number:02d}",
            categories=["food"],
            translations={"es": {"name": f"Programa {number}"}},
        )
    with django_assert_max_num_queries(3):
        response = client.get(reverse("programs:catalog"))
    assert response.status_code == 200
    assert response.content.decode().count('class="card"') == count


def test_catalog_lists_public_and_closed_but_not_hidden_navigator_or_unpublished(client):
    published_program(
        name="Open Food", summary="Groceries each month.", description="Money for food."
    )
    published_program(
        name="Closed Heat",
        display_mode=Program.DisplayMode.CLOSED,
        closed_message="Funds ran out for 2026.",
    )
    published_program(name="Hidden Pilot", display_mode=Program.DisplayMode.HIDDEN)
    published_program(name="Navigator Only", display_mode=Program.DisplayMode.NAVIGATORS_ONLY)
    draft_only = ProgramFactory(name="Draft Only")
    ProgramVersionFactory(program=draft_only)
    archived = ProgramFactory(name="Archived Only")
    ProgramVersionFactory(program=archived, status=ProgramVersion.Status.ARCHIVED)

    page = client.get(reverse("programs:catalog")).content.decode()
    assert "Open Food" in page and "Groceries each month." in page and "Money for food." in page
    assert "Closed Heat" in page and "Funds ran out for 2026." in page
    assert "Closed to new applications." in page
    for absent in ("Hidden Pilot", "Navigator Only", "Draft Only", "Archived Only"):
        assert absent not in page


def test_catalog_filters_by_category_without_javascript(client):
    published_program(name="Food Program", categories=["food"])
    published_program(name="Bus Program", categories=["transport"])
    page = client.get(reverse("programs:catalog"), {"category": "transport"}).content.decode()
    assert "Bus Program" in page and "Food Program" not in page
    assert '<option value="transport" selected>' in page
    # An unknown category is ignored rather than an error.
    page = client.get(reverse("programs:catalog"), {"category": "<script>"}).content.decode()
    assert "Bus Program" in page and "Food Program" in page


def test_catalog_shows_agency_minutes_and_tags(client):
    program = published_program(
        name="Bus Program", categories=["transport"], time_to_complete_minutes=7
    )
    page = client.get(reverse("programs:catalog")).content.decode()
    assert program.agency.name in page
    assert "About 7 minutes to complete" in page
    assert '<li class="tag">Transportation</li>' in page


def test_catalog_and_detail_in_spanish(client):
    program = published_program(
        name="Basic Food",
        summary="Money for groceries.",
        translations={
            "es": {"name": "Ayuda para alimentos", "summary": "Dinero para comprar comida."}
        },
    )
    client.cookies["django_language"] = "es"
    page = client.get(reverse("programs:catalog"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Ayuda para alimentos" in page and "Dinero para comprar comida." in page
    detail = client.get(reverse("programs:detail", args=[program.slug]), HTTP_ACCEPT_LANGUAGE="es")
    assert "Ayuda para alimentos" in detail.content.decode()


def test_detail_page_and_hidden_programs_by_link(client):
    program = published_program(
        name="Hidden Pilot",
        display_mode=Program.DisplayMode.HIDDEN,
        how_to_apply="Call the office.",
        description="A pilot.",
    )
    response = client.get(reverse("programs:detail", args=[program.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hidden Pilot" in page and "Call the office." in page and program.agency.name in page


def test_detail_is_404_without_a_published_version(client):
    draft_only = ProgramFactory()
    ProgramVersionFactory(program=draft_only)
    assert client.get(reverse("programs:detail", args=[draft_only.slug])).status_code == 404
    assert client.get(reverse("programs:detail", args=["no-such-program"])).status_code == 404


def test_closed_program_detail_shows_message(client):
    program = published_program(
        display_mode=Program.DisplayMode.CLOSED, closed_message="Back in October."
    )
    page = client.get(reverse("programs:detail", args=[program.slug])).content.decode()
    assert "This program is closed to new applications." in page and "Back in October." in page
