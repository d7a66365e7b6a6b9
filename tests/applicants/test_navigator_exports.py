"""An application a community navigator submitted names them and their organization
wherever an agency reads it: the admin detail page, the CSV export and the PDF."""

import csv
import io

import pytest

from agencies.exports.selection import ExportRange
from agencies.exports.services import (
    application_pdf_for_user,
    csv_export_for_user,
    resident_application_pdf,
)
from applicants.models import Submission
from applicants.navigators.models import NavigatorMembership, PartnerOrganization
from tests.agencies import export_support
from tests.agencies.test_export_pdf import text_of
from tests.factories import UserFactory

world = export_support.world


def read(export) -> list[dict]:
    return list(csv.DictReader(io.StringIO("".join(export.lines()), newline="")))


def entered_by_navigator(application, *, organization_name="Food Bank X"):
    organization = PartnerOrganization.objects.create(name=organization_name, slug="food-bank-x")
    navigator = UserFactory(username="nav-pat", first_name="Pat", last_name="Lee")
    NavigatorMembership.objects.create(user=navigator, organization=organization)
    Submission.objects.filter(pk=application.submission_id).update(
        entered_by_navigator=navigator, partner_organization=organization
    )
    application.refresh_from_db()
    return navigator, organization


def test_admin_detail_shows_who_entered_the_application(client, world):
    entered_by_navigator(world.app_a)
    client.force_login(world.caseworker_a)
    html = client.get(f"/admin/applicants/application/{world.app_a.pk}/change/").content.decode()
    assert "Entered by (community navigator)" in html
    assert "Pat Lee · Food Bank X" in html


def test_admin_detail_of_a_residents_own_application_has_no_navigator_line(client, world):
    client.force_login(world.caseworker_a)
    html = client.get(f"/admin/applicants/application/{world.app_a.pk}/change/").content.decode()
    assert "Entered by (community navigator)" not in html


def test_csv_has_navigator_and_organization_columns(world):
    other = export_support.make_application(world.program_a, world.version_a)
    entered_by_navigator(world.app_a)
    rows = {
        row["reference"]: row
        for row in read(
            csv_export_for_user(user=world.supervisor_a, export_range=ExportRange(world.program_a))
        )
    }
    assert rows[world.app_a.reference]["entered_by_navigator"] == "nav-pat"
    assert rows[world.app_a.reference]["partner_organization"] == "Food Bank X"
    assert rows[other.reference]["entered_by_navigator"] == ""
    assert rows[other.reference]["partner_organization"] == ""


def test_csv_organization_name_cannot_run_as_a_formula(world):
    entered_by_navigator(world.app_a, organization_name='=HYPERLINK("http://evil")')
    rows = read(
        csv_export_for_user(user=world.supervisor_a, export_range=ExportRange(world.program_a))
    )
    assert rows[0]["partner_organization"] == '\'=HYPERLINK("http://evil")'


@pytest.mark.parametrize("audience", ["agency", "resident"])
def test_pdf_names_the_navigator_and_organization(world, audience):
    entered_by_navigator(world.app_a)
    if audience == "agency":
        pdf = application_pdf_for_user(user=world.supervisor_a, application=world.app_a)
    else:
        pdf = resident_application_pdf(application=world.app_a, language="en")
    text = text_of(pdf)
    assert "Entered by Pat Lee for Food Bank X" in text


def test_pdf_of_a_residents_own_application_has_no_navigator_line(world):
    text = text_of(application_pdf_for_user(user=world.supervisor_a, application=world.app_a))
    assert "Entered by" not in text
