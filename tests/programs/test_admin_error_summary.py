"""The program, version and screen admin pages list their errors in a linked summary at the
top (programs/admin_errors.py), each a link to its field, inline rows named by their number,
instead of Django's note that names no field."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import ProgramFactory, ProgramVersionFactory, QuestionFactory, ScreenFactory
from tests.programs.test_admin import management, version_form

pytestmark = pytest.mark.django_db


def summary_links(page: str) -> dict[str, str]:
    """{href: text} of the error summary's links."""
    box = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    assert box, "no error summary on the page"
    return dict(re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', box.group(0)))


def test_a_program_with_errors_links_each_to_its_field(staff_client):
    agency = ProgramFactory().agency
    response = staff_client.post(
        reverse("admin:programs_program_add"),
        {
            "name": "",
            "slug": "not a slug",
            "agency": str(agency.pk),
            "summary": "Money toward rent.",
            "time_to_complete_minutes": "-3",
            "display_mode": "public",
            **management("versions"),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    links = summary_links(page)
    assert set(links) >= {"id_name", "id_slug", "id_time_to_complete_minutes"}
    assert links["id_name"] == "This field is required."
    assert "Please correct the error" not in page
    # Each link's target is on the page.
    for href in links:
        assert f'id="{href}"' in page


def test_a_screen_rows_errors_name_the_row(staff_client):
    version = ProgramVersionFactory()
    screen = ScreenFactory(version=version, key="household", title="Your household")
    question = QuestionFactory(key="household.size", type="number")
    url = reverse("admin:programs_screen_change", args=[screen.pk])
    response = staff_client.post(
        url,
        {
            "order": "0",
            "key": "household",
            "title": "Your household",
            "description": "",
            **management("screen_questions", total=2),
            "screen_questions-0-order": "0",
            "screen_questions-0-question": str(question.pk),
            "screen_questions-1-order": "x",
            "screen_questions-1-question": str(question.pk),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    links = summary_links(page)
    assert links == {
        "id_screen_questions-1-order": "Screen questions, row 2: Enter a whole number."
    }
    assert "Please correct the error" not in page


def test_a_version_with_errors_has_the_summary_in_spanish_too(staff_client):
    version = ProgramVersionFactory()
    url = reverse("admin:programs_programversion_change", args=[version.pk])
    data = version_form(version.program)
    data.update(
        {
            **management("screens", total=1),
            "screens-0-order": "0",
            "screens-0-key": "",
            "screens-0-title": "Your household",
        }
    )
    with translation.override("es"):
        response = staff_client.post(url, data, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    page = response.content.decode()
    links = summary_links(page)
    assert '<h2 id="error-summary-title">Hay un problema</h2>' in page
    (text,) = links.values()
    assert links == {"id_screens-0-key": text}
    assert text.startswith("Pantallas") and text.endswith(", fila 1: Este campo es obligatorio.")
    assert "Please correct the error" not in page
