"""After submitting, the resident's side: no duplicate applications (service and web),
programs already applied to marked on results and catalog and left out of suggestions,
and the application page with its history, the decision explained and the agency's
contact details, in English and Spanish."""

import pytest

from agencies.review.services import application_set_status
from applicants.models import Application
from applicants.services import answers_save
from applicants.submission import ApplicationAlreadyOpen, submission_create
from programs.models import ProgramVersion
from tests.applicants.conftest import complete_intake
from tests.applicants.test_journey import choose_and_answer, submit
from tests.factories import ApplicantFactory, ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db

PROFILE = {
    "applicant.name": {"first": "Ana", "last": "Díaz"},
    "applicant.birth_date": "1990-04-12",
    "contact.email": "ana@example.org",
    "home.address": {"street": "1 Pine", "city": "Seattle", "state": "WA", "zip": "98101"},
    "household.size": 2,
    "household.members": [],
    "income.monthly_gross": 100000,
    "food.expedited_need": False,
}


@pytest.fixture
def resident(demo_programs):
    applicant = ApplicantFactory()
    answers_save(applicant=applicant, values=PROFILE)
    return applicant


def _decide(application, status, **kwargs):
    caseworker = UserFactory(is_staff=True)
    application_set_status(
        application=application, status="in_review", acting_user=caseworker, note=""
    )
    application_set_status(application=application, status=status, acting_user=caseworker, **kwargs)


def test_applying_twice_to_an_open_program_is_refused_by_the_service(resident, demo_programs):
    program = demo_programs["basic-food"].program
    first = submission_create(applicant=resident, programs=[program], submit_token="t-1")
    with pytest.raises(ApplicationAlreadyOpen) as refused:
        submission_create(applicant=resident, programs=[program], submit_token="t-2")
    application = first.applications.get()
    assert refused.value.applications == [application]
    assert application.reference in refused.value.messages[0]
    assert "Basic Food" in refused.value.messages[0]
    assert Application.objects.count() == 1


@pytest.mark.parametrize("final", ["denied", "withdrawn"])
def test_after_a_denial_or_withdrawal_applying_again_is_allowed(resident, demo_programs, final):
    program = demo_programs["basic-food"].program
    first = submission_create(applicant=resident, programs=[program], submit_token="t-1")
    application = first.applications.get()
    if final == "denied":
        _decide(application, "denied", note="income above the limit")
    else:
        application_set_status(application=application, status="withdrawn", acting_user=None)
    second = submission_create(applicant=resident, programs=[program], submit_token="t-2")
    assert second.applications.get().program == program
    assert Application.objects.count() == 2


def test_an_approved_application_still_blocks_a_new_one(resident, demo_programs):
    program = demo_programs["basic-food"].program
    first = submission_create(applicant=resident, programs=[program], submit_token="t-1")
    _decide(first.applications.get(), "approved")
    with pytest.raises(ApplicationAlreadyOpen):
        submission_create(applicant=resident, programs=[program], submit_token="t-2")


def test_a_program_allowing_reapplication_takes_a_second_open_application(resident, demo_programs):
    version = demo_programs["basic-food"]
    ProgramVersion.objects.filter(pk=version.pk).update(allows_reapplication=True)
    program = version.program
    submission_create(applicant=resident, programs=[program], submit_token="t-1")
    submission_create(applicant=resident, programs=[program], submit_token="t-2")
    assert Application.objects.filter(program=program).count() == 2


def test_another_residents_application_does_not_block(resident, demo_programs):
    program = demo_programs["basic-food"].program
    ApplicationFactory(program=program, program_version=demo_programs["basic-food"])
    submission_create(applicant=resident, programs=[program], submit_token="t-1")
    assert Application.objects.count() == 2


def test_applying_twice_over_the_web_is_refused_with_a_clear_message(client, demo_programs):
    complete_intake(client)
    choose_and_answer(client, ["basic-food"], set())
    submit(client)
    application = Application.objects.get()

    results = client.get("/apply/results/").content.decode()
    card = results.split('id="program-basic-food"', 1)[1].split('id="program-', 1)[0]
    assert "You already applied" in card and application.reference in card
    assert 'name="programs" value="basic-food"' not in card
    assert f'href="/my/applications/{application.reference}/"' in card
    # Choosing it anyway (a stale form) is refused at submission.
    client.post("/apply/results/", {"programs": ["utility-discount"]})
    session = client.session
    session["applicants.chosen"] = ["basic-food"]
    session.save()
    response, _token = submit(client)
    assert response.status_code == 400
    assert "You already applied to Basic Food" in response.content.decode()
    assert Application.objects.count() == 1

    catalog = client.get("/programs/").content.decode()
    assert catalog.count("You already applied") == 1
    assert application.reference in catalog


def test_after_a_denial_applying_again_over_the_web_is_allowed(client, demo_programs):
    complete_intake(client)
    choose_and_answer(client, ["basic-food"], set())
    submit(client)
    first = Application.objects.get()
    _decide(first, "denied", note="income above the limit")

    results = client.get("/apply/results/").content.decode()
    card = results.split('id="program-basic-food"', 1)[1].split('id="program-', 1)[0]
    assert "You already applied" not in card
    assert 'name="programs" value="basic-food"' in card
    choose_and_answer(client, ["basic-food"], set())
    response, _token = submit(client)
    assert response.status_code == 302, response.content.decode()[:1000]
    assert Application.objects.filter(program__slug="basic-food").count() == 2


def test_confirmation_suggests_no_program_applied_to_before(client, demo_programs):
    complete_intake(client)
    choose_and_answer(client, ["basic-food"], set())
    submit(client)
    choose_and_answer(client, ["utility-discount"], set())
    response, _token = submit(client)
    html = client.get(response.headers["Location"]).content.decode()
    suggestions = html.split("Other programs you may still qualify for", 1)[1]
    assert "<h3>Basic Food</h3>" not in suggestions
    assert "<h3>Utility Discount" not in suggestions
    assert "<h3>" in suggestions  # others are still suggested


def _resident_application(client, demo_programs, *, language="en"):
    complete_intake(client)
    choose_and_answer(client, ["basic-food"], set())
    submit(client)
    application = Application.objects.select_related("submission").get()
    application.submission.language = language
    application.submission.save(update_fields=["language"])
    return application


def test_application_page_explains_a_denial_with_history_and_contact(
    client, demo_programs, django_assert_max_num_queries
):
    application = _resident_application(client, demo_programs)
    _decide(
        application,
        "denied",
        note="INTERNAL: checked payroll by phone",
        resident_message="Your monthly income is above the limit for a household of 2.",
    )
    url = f"/my/applications/{application.reference}/"
    with django_assert_max_num_queries(14):
        html = client.get(url).content.decode()
    assert "Your application was not approved" in html
    assert "Your monthly income is above the limit for a household of 2." in html
    assert "INTERNAL" not in html
    assert "How to appeal" in html and "within 90 days" in html
    assert "1-877-501-2233" in html and "Monday to Friday" in html
    history = html.split("Messages and history", 1)[1]
    assert history.index("Submitted") < history.index("In review") < history.index("Denied")
    assert "Withdraw this application" not in html


def test_application_page_in_spanish(client, demo_programs):
    application = _resident_application(client, demo_programs, language="es")
    _decide(application, "approved", resident_message="Aprobada desde el 1 de enero.")
    client.post("/i18n/setlang/", {"language": "es"})
    html = client.get(f"/my/applications/{application.reference}/").content.decode()
    assert "Su solicitud fue aprobada" in html
    assert "Aprobada desde el 1 de enero." in html
    assert "La agencia se comunicará con usted" in html
    assert "De lunes a viernes" in html
    assert "Mensajes e historial" in html


def test_the_residents_pdf_includes_messages_and_history(client, demo_programs):
    import io

    from pypdf import PdfReader

    application = _resident_application(client, demo_programs)
    _decide(application, "approved", note="staff only", resident_message="Benefits start May 1.")
    response = client.get(f"/my/applications/{application.reference}/pdf/")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Messages and history" in text
    assert "Benefits start May 1." in text
    assert "staff only" not in text
