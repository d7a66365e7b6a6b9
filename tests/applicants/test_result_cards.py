"""The results page's cards are written in Python (applicants/result_cards.py), their
program part kept per published signature and language: what a program admin wrote is
escaped as the template escaped it, an edit shows on the next view, and the Spanish page
is Spanish."""

import re

from tests.applicants.conftest import complete_intake


def _card(page: str, slug: str) -> str:
    """The whole card, up to the next card or the end of its group."""
    start = page.index(f'<li class="card result" id="program-{slug}">')
    return re.split(r'<li class="card result"|</section>', page[start + 1 :], maxsplit=1)[0]


def test_a_card_escapes_what_the_program_admin_wrote(client, demo_programs):
    program = demo_programs["basic-food"].program
    complete_intake(client)
    assert "Basic Food" in _card(client.get("/apply/results/").content.decode(), "basic-food")

    # An edit changes the published signature: the kept card is written again.
    program.name = 'Food <b>& "more"</b>'
    program.summary = "Groceries <script>alert(1)</script>"
    program.description = "Line one\nLine <two>"
    program.save()
    card = _card(client.get("/apply/results/").content.decode(), "basic-food")
    assert "<h3>Food &lt;b&gt;&amp; &quot;more&quot;&lt;/b&gt;</h3>" in card
    assert "<p>Groceries &lt;script&gt;alert(1)&lt;/script&gt;</p>" in card
    assert "<p>Line one<br>Line &lt;two&gt;</p>" in card
    assert (
        '<label for="apply-basic-food">Apply to Food &lt;b&gt;&amp; &quot;more&quot;'
        "&lt;/b&gt;</label>"
    ) in card
    assert "<b>" not in card and "<script>" not in card


def test_the_cards_in_spanish(client, demo_programs):
    complete_intake(client)
    english = _card(client.get("/apply/results/").content.decode(), "basic-food")
    client.post("/i18n/setlang/", {"language": "es"})
    spanish = _card(client.get("/apply/results/").content.decode(), "basic-food")
    assert "Apply to" in english and "Why:" in english
    assert "Apply to" not in spanish and "Why:" not in spanish
    assert re.search(r'<label for="apply-basic-food">Solicitar [^<]+</label>', spanish)
    assert "Valor estimado:" in spanish, spanish


def test_a_card_names_an_open_application_instead_of_a_box(client, demo_programs):
    from tests.applicants.test_journey import choose_and_answer, submit

    complete_intake(client)
    choose_and_answer(client, ["basic-food"], set())
    submit(client)
    card = _card(client.get("/apply/results/").content.decode(), "basic-food")
    assert 'class="alert alert-success open-application"' in card
    assert 'name="programs"' not in card


def test_open_applications_are_only_looked_up_for_a_resident_who_has_submitted(
    client, demo_programs
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.applicants.test_journey import choose_and_answer, submit

    def application_queries():
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/apply/results/").content.decode()
        return sum('"applicants_application"' in q["sql"] or "applicants_application a" in q["sql"]
                   for q in captured.captured_queries), page  # fmt: skip

    complete_intake(client)
    # Known from the answers' own query: nobody who never submitted has an open application.
    assert application_queries()[0] == 0
    choose_and_answer(client, ["basic-food"], set())
    submit(client)
    looked_up, page = application_queries()
    assert looked_up == 1
    assert 'class="alert alert-success open-application"' in _card(page, "basic-food")
