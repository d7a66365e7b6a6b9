"""The results page shows every demo program's estimate up front, with how it was
estimated and its source, and a total of likely monthly and yearly value at the top."""

import re

from applicants.models import Answer, Applicant
from applicants.services import answers_save
from tests.applicants.conftest import complete_intake

BILLS = {"utilities.electric_bill_monthly": 10000, "utilities.water_bill_monthly": 8000}


def _card(page, slug):
    match = re.search(
        rf'<li class="card result" id="program-{slug}">(.*?)</li>\s*(<li|</ul>)', page, re.S
    )
    assert match, slug
    return match.group(1)


def test_every_demo_estimate_is_shown_with_its_source(client, demo_programs):
    complete_intake(client)  # household of 3, $1,500 a month, born 1990
    [applicant] = Applicant.objects.all()
    answers_save(applicant=applicant, values=BILLS)
    assert Answer.objects.filter(applicant=applicant).count() > 2

    page = client.get("/apply/results/").content.decode()
    with_estimates = [slug for slug, version in demo_programs.items() if version.estimated_value]
    assert set(with_estimates) == {"basic-food", "utility-discount", "orca-lift"}
    for slug in with_estimates:
        card = _card(page, slug)
        assert "Estimated value:" in card, slug
        assert "How we estimated this" in card, slug
        citation = demo_programs[slug].estimated_value["source"]["citation"]
        assert "Source:" in card and citation.split(",")[0].replace('"', "&quot;") in card, slug

    # Screened today, in federal fiscal year 2027 (from 1 October 2026): $808 (3 people)
    # - 30% x ($1,500 - $217) = $423.10, rounded down to the dollar.
    assert "about $423 a month" in _card(page, "basic-food")
    # 60% of $100 electricity + 50% of $80 water.
    assert "about $100 a month" in _card(page, "utility-discount")
    # $2.00 saved on each of 40 rides.
    assert "about $80 a month" in _card(page, "orca-lift")
    top = page.split('class="result-group')[0]
    assert "about $603 a month" in top
    assert "about $7,236 a year" in top


def test_spanish_results_explain_the_estimate_in_spanish(client, demo_programs):
    complete_intake(client)
    client.post("/i18n/setlang/", {"language": "es", "next": "/apply/results/"})
    page = client.get("/apply/results/").content.decode()
    card = _card(page, "basic-food")
    assert "Cómo calculamos esto" in card
    assert "la asignación máxima del USDA" in card
