"""Every output of an application with sensitive answers, rendered for someone without the
sensitive-answers permission, contains none of the masked values: the caseworker's detail
page (answers and eligibility reasons), the agency PDF, the CSV, the API JSON, and the
resident's PDF (which only its owner can fetch). The owner's own PDF does contain them,
which shows the sweep can find them."""

import io
import json
from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from pypdf import PdfReader

from agencies.exports.api_auth import api_key_create
from agencies.exports.pdf_export import PdfOptions, render_application_pdf
from agencies.exports.selection import ExportRange
from agencies.exports.services import csv_export_for_user
from agencies.review.models import AgencyMembership
from applicants.models import Applicant
from applicants.services import answers_save
from applicants.submission import submission_create
from programs.models import Program
from tests.applicants import conftest as applicant_fixtures
from tests.factories import UserFactory

BIRTH = "1988-01-15"
CHILD_BIRTH = "2019-03-07"
ANSWERS = {
    "applicant.name": {"first": "Ana", "last": "Díaz"},
    "applicant.birth_date": BIRTH,
    "contact.email": "ana@example.org",
    "home.address": {"street": "100 Pine St", "city": "Seattle", "state": "WA", "zip": "98101"},
    "household.size": 2,
    "household.members": [
        {"name": {"first": "Zephyrine", "last": "Díaz"}, "birth_date": CHILD_BIRTH,
         "relationship": "child"},
    ],
    "income.monthly_gross": 321700,
    "benefits.current": [],
    "food.expedited_need": False,
    "transit.has_orca_card": False,
}  # fmt: skip
demo_programs = applicant_fixtures.demo_programs

PERMISSIONS = [
    "applicants.view_application",
    "applicants.change_application",
    "agencies.view_auditevent",
    "organizations.view_agency",
    "agencies.view_delivery",
    "agencies.export_applications",
]


def _age_today() -> int:
    born, today = date.fromisoformat(BIRTH), date.today()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def masked_values_in(text: str) -> list[str]:
    """Which masked values (in any of the forms an output prints them) appear in `text`."""
    age = _age_today()
    forms = {
        "income": ["3,217", "321700", "3217"],
        "birth date": [BIRTH, "1988", "01/15/1988", "1/15/1988"],
        "household member": ["Zephyrine", CHILD_BIRTH, "2019"],
        "age": [f"date of birth, {age}", f"is {age}", f"({age})", f" {age} "],
    }
    return [f"{what}: {form}" for what, found in forms.items() for form in found if form in text]


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def submitted(demo_programs, django_capture_on_commit_callbacks):
    applicant = Applicant.objects.create()
    answers_save(applicant=applicant, values=ANSWERS)
    programs = list(Program.objects.filter(slug__in=["basic-food", "orca-lift"]))
    with django_capture_on_commit_callbacks(execute=False):
        submission = submission_create(
            applicant=applicant, programs=programs, submit_token="sweep-1"
        )
    applications = list(submission.applications.select_related("program__agency"))
    # The reasons really print the values: that is what must not leak.
    reasons = " ".join(r for a in applications for r in a.eligibility["reasons"])
    assert "$3,217" in reasons and str(_age_today()) in reasons, reasons
    return applicant, applications


@pytest.fixture
def unprivileged(submitted):
    _applicant, applications = submitted
    user = UserFactory(username="no-sensitive", is_staff=True)
    for name in PERMISSIONS:
        app_label, codename = name.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    for application in applications:
        AgencyMembership.objects.get_or_create(
            user=user,
            agency=application.program.agency,
            defaults={"role": AgencyMembership.Role.SUPERVISOR},
        )
    user = type(user).objects.get(pk=user.pk)  # fresh permission cache
    assert not user.has_perm("programs.view_sensitive_answers")
    return user


def test_no_output_shows_a_masked_value_to_someone_without_permission(
    client, submitted, unprivileged
):
    applicant, applications = submitted
    outputs = {}
    client.force_login(unprivileged)
    for application in applications:
        slug = application.program.slug
        url = reverse("admin:applicants_application_change", args=[application.pk])
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert "Eligibility at submission" in html
        outputs[f"admin detail {slug}"] = html
        outputs[f"agency PDF {slug}"] = pdf_text(
            render_application_pdf(application, options=PdfOptions(staff=True))
        )
        export = csv_export_for_user(
            user=unprivileged, export_range=ExportRange(application.program)
        )
        outputs[f"CSV {slug}"] = "".join(export.lines())
        _key, secret = api_key_create(
            agency=application.program.agency, name=f"key {slug}", created_by=unprivileged
        )
        client.logout()
        api = client.get(
            f"/api/v1/applications/{application.reference}",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )
        assert api.status_code == 200
        body = api.json()
        assert "income.monthly_gross" in body["masked_answers"]
        outputs[f"API JSON {slug}"] = json.dumps(body, ensure_ascii=False)
        outputs[f"API reasons {slug}"] = " | ".join(body["eligibility"]["reasons"])
        assert body["eligibility"]["reasons"], "the reasons are still there, only hidden"
        # Someone else (another resident) asking for the resident's own PDF gets nothing.
        client.force_login(UserFactory(username=f"other-{slug}"))
        other = client.get(f"/my/applications/{application.reference}/pdf/")
        assert other.status_code == 404
        outputs[f"resident PDF for another resident {slug}"] = other.content.decode()
        client.force_login(unprivileged)

    leaks = {name: masked_values_in(text) for name, text in outputs.items()}
    assert {name: found for name, found in leaks.items() if found} == {}

    # The same sweep finds the values where they belong: the resident's own PDF.
    from agencies.exports.services import resident_application_pdf

    own = pdf_text(resident_application_pdf(application=applications[0]))
    assert masked_values_in(own)
    assert applicant  # the owner is the applicant of these applications
