"""A long rule on the builder's rule page: a browser posts every field of every row (44 a
condition), far past Django's 1,000 posted fields, so signed-in staff may post more to the
admin (civiportal/request_limits.py: StaffFormFieldsMiddleware) while visitors keep
Django's limit."""

from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.urls import reverse

from programs.builder.forms import RuleRowForm, RuleRowFormSet, ValueRowForm, ValueRowFormSet
from tests.programs.test_builder_views import post_rows, row, url

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"  # what a browser sends for these forms


def sixty_conditions():
    rows = [row("all", 0)]
    for number in range(60):
        if number % 3 == 0:
            rows.append(
                row(
                    left_question="income.monthly_gross",
                    op="lte",
                    right="table",
                    table_id="hhs_poverty_guidelines",
                    table_size="answer",
                    table_size_value="household.size",
                    table_percent=str(100 + number),
                    table_period="monthly",
                )
            )
        else:
            rows.append(row(left_question="household.size", op="lte", right_value=str(number)))
    return rows


def post(client, version, data):
    return client.post(url(version), urlencode(data, doseq=True), content_type=FORM)


def test_a_rule_of_sixty_conditions_round_trips_through_the_rule_page(staff_client, draft):
    data = post_rows(sixty_conditions(), action="save")
    assert len(data) > 2 * settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    response = post(staff_client, draft, data)
    assert response.status_code == 302, response.content.decode()[:500]
    draft.refresh_from_db()
    stored = draft.eligibility_rules
    assert len(stored["all"]) == 60
    assert stored["all"][3]["lte"][1]["percent"] == 103
    assert stored["all"][59] == {"lte": [{"answer": "household.size"}, {"value": 59}]}

    page = staff_client.get(url(draft)).content.decode()
    assert 'name="rows-60-kind"' in page and 'name="rows-61-kind"' not in page
    # The page's rows, posted back unchanged, check valid and save the same JSON.
    response = post(staff_client, draft, post_rows(sixty_conditions(), action="check"))
    assert response.status_code == 200
    assert "The rule is valid." in response.content.decode()
    post(staff_client, draft, post_rows(sixty_conditions(), action="save"))
    draft.refresh_from_db()
    assert draft.eligibility_rules == stored


def test_visitors_keep_djangos_limit_on_posted_fields(client):
    fields = {f"field{number}": "x" for number in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client.post(reverse("admin:login"), urlencode(fields), content_type=FORM)
    assert response.status_code == 400


def test_staff_over_their_own_limit_get_a_400_not_a_500(staff_client, draft, settings):
    settings.STAFF_FORM_MAX_NUMBER_FIELDS = 100
    response = post(staff_client, draft, post_rows(sixty_conditions(), action="check"))
    assert response.status_code == 400


def test_the_longest_rule_the_builder_accepts_fits_in_the_staff_limit():
    most = RuleRowFormSet.max_num * len(RuleRowForm.base_fields)
    most += ValueRowFormSet.max_num * len(ValueRowForm.base_fields)
    assert most + 100 <= settings.STAFF_FORM_MAX_NUMBER_FIELDS  # +100: management, try-it
