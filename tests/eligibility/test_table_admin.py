"""Reference tables in the admin: upload and edit table documents, as a program admin would."""

import json
from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from eligibility.services import screen
from eligibility.table_models import ReferenceTable, TableChange, TablePeriod
from eligibility.table_selectors import document_text, tables_document
from tests.eligibility.test_table_import import ONE_AT_2700, with_2027_period
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

UPLOAD = reverse("admin:eligibility_referencetable_upload")


@pytest.fixture
def table_admin(client):
    """A program admin: staff with the reference-table permissions only (no superuser)."""
    user = UserFactory(username="tables", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="eligibility",
                                   codename__in=["view_referencetable", "change_referencetable",
                                             "view_tablechange"])
    )  # fmt: skip
    client.force_login(user)
    client.user = user
    return client


def upload(client, document):
    text = document if isinstance(document, str) else json.dumps(document)
    file = SimpleUploadedFile("tables.json", text.encode(), content_type="application/json")
    return client.post(UPLOAD, {"document": file})


def outcome_on(on):
    (result,) = screen(answers=ONE_AT_2700, program_slugs=["orca-lift"], as_of=on)
    return result.outcome


def test_upload_adds_a_period_that_counts_from_its_first_day(table_admin, demo_programs):
    assert table_admin.get(UPLOAD).status_code == 200
    response = upload(table_admin, with_2027_period(tables_document()))
    assert response.status_code == 302
    assert outcome_on(date(2027, 1, 11)) == "ineligible"
    assert outcome_on(date(2027, 1, 12)) == "eligible"
    change = TableChange.objects.get(action="period_added")
    assert (change.via, change.acting_user, change.effective_from) == (
        "upload", table_admin.user, date(2027, 1, 12)
    )  # fmt: skip
    listing = table_admin.get(reverse("admin:eligibility_tablechange_changelist"))
    assert b"hhs_poverty_guidelines" in listing.content


def test_upload_with_errors_lists_each_path_and_writes_nothing(table_admin):
    document = with_2027_period(tables_document())
    document["tables"][0]["periods"][2]["effective_from"] = "2027-02-30"
    document["tables"][1]["title"] = {}
    before = TablePeriod.objects.count()
    response = upload(table_admin, document)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nothing was saved: 2 problems." in body
    assert "$.tables[0].periods[2].effective_from: effective_from must be a date" in body
    assert "$.tables[1].title" in body
    assert TablePeriod.objects.count() == before
    response = upload(table_admin, "{nope")
    assert "This is not valid JSON" in response.content.decode()


def test_edit_as_document_refuses_a_used_period_and_saves_a_new_one(table_admin, demo_programs):
    table = ReferenceTable.objects.get(key="hhs_poverty_guidelines")
    url = reverse("admin:eligibility_referencetable_edit_document", args=[table.pk])
    page = table_admin.get(url)
    assert page.status_code == 200
    shown = json.loads(page.context["form"].initial["document"])
    assert shown == tables_document(keys=["hhs_poverty_guidelines"])
    shown["tables"][0]["periods"][1]["values"]["1"] = 1
    response = table_admin.post(url, {"document": json.dumps(shown)})
    assert "$.tables[0].periods[1]: the period from 2026-01-13 has been in effect" in (
        response.content.decode()
    )
    shown = with_2027_period(tables_document(keys=["hhs_poverty_guidelines"]))
    response = table_admin.post(url, {"document": document_text(shown)})
    assert response.status_code == 302
    assert TableChange.objects.get(action="period_added").via == "admin"


def test_download_matches_the_export_command_and_needs_permission(table_admin, client):
    response = table_admin.get(reverse("admin:eligibility_referencetable_download"))
    assert response.content.decode() == document_text(tables_document())
    other = UserFactory(username="caseworker", is_staff=True)
    client.force_login(other)
    assert client.get(UPLOAD).status_code == 403
    assert client.get(reverse("admin:eligibility_referencetable_download")).status_code == 403


def test_tables_cannot_be_added_or_deleted_outside_documents(table_admin):
    table = ReferenceTable.objects.get(key="wa_state_median_income")
    assert table_admin.get(reverse("admin:eligibility_referencetable_add")).status_code == 403
    delete = reverse("admin:eligibility_referencetable_delete", args=[table.pk])
    assert table_admin.post(delete, {"post": "yes"}).status_code == 403
    page = table_admin.get(reverse("admin:eligibility_referencetable_change", args=[table.pk]))
    assert b"Edit as a document" in page.content and b"Seattle Public Utilities" in page.content
