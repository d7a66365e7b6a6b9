"""A program admin adds and corrects a table's periods field by field in the admin: each change
checked and audited like a document import, and a period published programs have used is never
changed in place."""

from datetime import date

import pytest
from django.urls import reverse

from eligibility.services import screen
from eligibility.table_models import ReferenceTable, TableChange, TablePeriod
from tests.eligibility.test_table_admin import table_admin  # noqa: F401 (fixture)
from tests.eligibility.test_table_import import ONE_AT_2700
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# The made-up 2027 guidelines of the import tests, as an admin types them.
FIELDS_2027 = {
    "effective_from": "2027-01-12",
    **{f"size_{size}": str(16400 + (size - 1) * 5800) for size in range(1, 9)},
    "size_9": "",
    "additional_person": "5800",
    "source_citation": "Test figures for a future year",
    "source_url": "https://example.org/2027",
}


def hhs():
    return ReferenceTable.objects.get(key="hhs_poverty_guidelines")


def add_url(table):
    return reverse("admin:eligibility_referencetable_add_period", args=[table.pk])


def period_url(period):
    return reverse("admin:eligibility_referencetable_period", args=[period.table_id, period.pk])


def outcome_on(on):
    (result,) = screen(answers=ONE_AT_2700, program_slugs=["orca-lift"], as_of=on)
    return result.outcome


def test_a_period_added_by_its_fields_counts_from_its_first_day(table_admin, demo_programs):  # noqa: F811
    page = table_admin.get(add_url(hhs()))
    assert page.status_code == 200
    # A new period starts from the latest amounts; its dates and source are its own.
    assert page.context["form"].initial["size_1"] == 15960
    assert "effective_from" not in page.context["form"].initial
    response = table_admin.post(add_url(hhs()), FIELDS_2027)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert outcome_on(date(2027, 1, 11)) == "ineligible"
    assert outcome_on(date(2027, 1, 12)) == "eligible"
    change = TableChange.objects.get(action="period_added")
    assert (change.via, change.acting_user, change.effective_from) == (
        "admin", table_admin.user, date(2027, 1, 12)
    )  # fmt: skip
    assert change.after["values"]["8"] == 16400 + 7 * 5800


def test_a_future_period_is_corrected_field_by_field_and_audited(table_admin, demo_programs):  # noqa: F811
    table_admin.post(add_url(hhs()), FIELDS_2027)
    period = TablePeriod.objects.get(
        table__key="hhs_poverty_guidelines", effective_from="2027-01-12"
    )
    page = table_admin.get(period_url(period))
    assert page.context["form"].fields["effective_from"].disabled
    listing = table_admin.get(reverse("admin:eligibility_referencetable_change", args=[hhs().pk]))
    assert period_url(period).encode() in listing.content
    assert b"Locked: used by published programs" in listing.content  # the 2025 and 2026 periods
    corrected = {**FIELDS_2027, "size_1": "16450", "size_9": "62800", "additional_person": "137.5"}
    response = table_admin.post(period_url(period), corrected)
    assert response.status_code == 302, response.content.decode()[:3000]
    period.refresh_from_db()
    assert (period.values["1"], period.values["9"], period.additional_person) == (
        16450, 62800, "137.5"
    )  # fmt: skip
    change = TableChange.objects.get(action="period_changed")
    assert (change.before["values"]["1"], change.after["values"]["1"]) == (16400, 16450)
    assert (change.via, change.acting_user) == ("admin", table_admin.user)


def test_a_period_published_programs_used_is_shown_locked_and_never_changed(
    table_admin,  # noqa: F811
    demo_programs,
):
    period = TablePeriod.objects.get(
        table__key="hhs_poverty_guidelines", effective_from="2026-01-13"
    )
    page = table_admin.get(period_url(period))
    body = page.content.decode()
    assert "cannot be changed. Add a new period instead." in body
    assert add_url(hhs()) in body
    assert all(field.disabled for field in page.context["form"].fields.values())
    response = table_admin.post(period_url(period), {**FIELDS_2027, "size_1": "1"})
    assert response.status_code == 200
    assert "cannot be changed. Add a new period instead." in response.content.decode()
    period.refresh_from_db()
    assert period.values["1"] == 15960
    assert not TableChange.objects.filter(action="period_changed").exists()


def test_bad_fields_are_named_on_the_field_and_nothing_is_saved(table_admin, demo_programs):  # noqa: F811
    before = (TablePeriod.objects.count(), TableChange.objects.count())
    typed = {**FIELDS_2027, "size_3": "$26,650", "additional_person": ""}
    form = table_admin.post(add_url(hhs()), typed).context["form"]
    assert "without $ or commas" in form.errors["size_3"][0]
    assert "additional_person" in form.errors
    # A gap in household sizes is caught by the table document's own checks, on its field.
    gap = {**FIELDS_2027, "size_2": ""}
    form = table_admin.post(add_url(hhs()), gap).context["form"]
    assert form.errors and not form.non_field_errors(), form.errors
    # A new period may not start, on or before today, inside a period programs have used.
    early = {**FIELDS_2027, "effective_from": "2026-02-01"}
    form = table_admin.post(add_url(hhs()), early).context["form"]
    assert "which published programs have used" in form.errors["effective_from"][0]
    assert (TablePeriod.objects.count(), TableChange.objects.count()) == before


def test_single_value_tables_have_one_value_field(table_admin):  # noqa: F811
    from eligibility.table_services import table_document_import

    table_document_import(
        data={"format": "civiportal.tables/1", "tables": [{
            "key": "test_shelter_cap", "title": {"en": "Test shelter cap"},
            "unit": "monthly_dollars",
            "source": {"publisher": "Test", "url": "https://example.org/cap"},
            "periods": [{"effective_from": "2025-10-01", "value": 744,
                         "source": {"citation": "Test FY2026"}}],
        }]},
        via="command",
    )  # fmt: skip
    table = ReferenceTable.objects.get(key="test_shelter_cap")
    form = table_admin.get(add_url(table)).context["form"]
    assert "value" in form.fields and "size_1" not in form.fields
    response = table_admin.post(
        add_url(table),
        {"effective_from": "2026-10-01", "value": "769", "source_citation": "Test FY2027"},
    )
    assert response.status_code == 302
    assert TablePeriod.objects.get(table=table, effective_from="2026-10-01").value == 769


def test_only_table_admins_may_change_periods(client, demo_programs):
    period = TablePeriod.objects.filter(table__key="hhs_poverty_guidelines").first()
    client.force_login(UserFactory(username="caseworker", is_staff=True))
    assert client.get(add_url(hhs())).status_code == 403
    assert client.post(period_url(period), FIELDS_2027).status_code == 403
