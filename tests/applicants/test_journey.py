"""End to end with the Django test client: intake → results → choose → missing questions
→ review → submit → confirmation → my applications."""

import io
import re

import pytest
from django.core import mail

from applicants.models import Application, Submission
from applicants.screening import answers_for_screening
from applicants.selectors import applicant_answers
from applicants.steps import version_questions
from eligibility.services import screen
from tests.applicants.conftest import INTAKE_POSTS, complete_intake, step_data
from tests.applicants.test_intake import programs_sharing_questions
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

# Valid answers to the demo programs' own questions, as form data.
PROGRAM_ANSWERS = {
    "food.expedited_need": "no",
    "housing.tenure": "rent",
    "housing.utility_account": "1234567",
    "utilities.electric_bill_monthly": "80",
    "utilities.water_bill_monthly": "30",
    "transit.has_orca_card": "no",
    "child_care.reason": "work",
    "child_care.provider_name": "Little Sprouts",
    "energy.heating_source": "electric",
    "energy.shutoff_notice": "no",
    "recreation.activities": "swim",
}
FORM_RE = re.compile(r"<form method=\"post\" action=\"\"[^>]*novalidate>(.*?)</form>", re.S)
NAME_RE = re.compile(r'name="([a-z0-9_]+)"')


def asked_keys(html: str) -> set[str]:
    """The question keys a step's form asks (inputs named key__with__parts[_n])."""
    form = FORM_RE.search(html).group(1)
    names = set(NAME_RE.findall(form)) - {"csrfmiddlewaretoken"}
    return {re.sub(r"_\d$", "", name).replace("__", ".") for name in names}


def results_by_outcome(html: str) -> dict[str, str]:
    outcomes = {}
    for outcome, body in re.findall(
        r'<section class="result-group result-(\w+)"(.*?)</section>', html, re.S
    ):
        for slug in re.findall(r'id="program-([\w-]+)"', body):
            outcomes[slug] = outcome
    return outcomes


def choose_and_answer(client, slugs, answered_before):
    response = client.post("/apply/results/", {"programs": slugs})
    assert response.headers["Location"] == "/apply/questions/"
    response = client.get("/apply/questions/")
    asked_everywhere = set()
    while response.headers.get("Location", "").startswith("/apply/questions/"):
        url = response.headers["Location"]
        html = client.get(url).content.decode()
        asked = asked_keys(html)
        assert asked, url
        assert not asked & answered_before, f"asked again: {asked & answered_before}"
        assert not asked & asked_everywhere, "a question was asked twice"
        asked_everywhere |= asked
        data = {
            key.replace(".", "__"): PROGRAM_ANSWERS[key] for key in asked if key in PROGRAM_ANSWERS
        }
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]
    assert response.headers["Location"] == "/apply/review/"
    return asked_everywhere


def submit(client):
    html = client.get("/apply/review/").content.decode()
    token = re.search(r'name="submit_token" value="([^"]+)"', html).group(1)
    return client.post("/apply/review/", {"submit_token": token}), token


def test_guest_journey_from_intake_to_three_frozen_applications(
    client, demo_programs, django_capture_on_commit_callbacks
):
    complete_intake(client)
    profile = applicant_answers(applicant=Submission.applicant.field.related_model.objects.get())
    answered_before = set(profile)

    # Results match the engine, grouped by outcome.
    html = client.get("/apply/results/").content.decode()
    expected = {
        s.program.slug: s for s in screen(answers=answers_for_screening(profile), language="en")
    }
    assert results_by_outcome(html) == {slug: s.outcome for slug, s in expected.items()}
    for screening in expected.values():
        for reason in screening.reasons:
            assert str(reason) in html.replace("&#x27;", "'").replace("&quot;", '"')
    chosen = [slug for slug, s in expected.items() if s.may_apply][:3]
    assert len(chosen) == 3

    asked = choose_and_answer(client, chosen, answered_before)
    assert asked  # each of the chosen programs has questions of its own

    review = client.get("/apply/review/").content.decode()
    assert "Answered on" in review and "Goes to:" in review
    assert review.count("ana@example.org") == 1  # every answer shown once

    with django_capture_on_commit_callbacks(execute=True):
        response, _token = submit(client)
    submission = Submission.objects.get()
    assert response.headers["Location"] == f"/apply/submitted/{submission.reference}/"
    applications = list(submission.applications.select_related("program_version"))
    assert sorted(a.program.slug for a in applications) == sorted(chosen)
    profile = applicant_answers(applicant=submission.applicant)
    for application in applications:
        asked_by_version = {q.key for q in version_questions(application.program_version, profile)}
        assert set(application.answers) == asked_by_version & set(profile)
        assert application.answers["contact.email"] == "ana@example.org"
        assert application.reference.startswith(submission.reference + "-")
        assert application.eligibility["outcome"] == expected[application.program.slug].outcome

    confirmation = client.get(response.headers["Location"]).content.decode()
    for application in applications:
        assert application.reference in confirmation
    assert len(mail.outbox) == 1 and submission.reference in mail.outbox[0].body
    assert mail.outbox[0].to == ["ana@example.org"]

    # Editing the profile later leaves what the agencies received unchanged.
    frozen = {a.pk: a.answers for a in applications}
    contact = {**INTAKE_POSTS["contact"], "contact__email": "changed@example.org"}
    assert client.post("/apply/intake/contact/", step_data("contact", contact)).status_code == 302
    assert (
        applicant_answers(applicant=submission.applicant)["contact.email"] == "changed@example.org"
    )
    for application in Application.objects.all():
        assert application.answers == frozen[application.pk]

    listing = client.get("/my/applications/").content.decode()
    for application in applications:
        assert application.reference in listing
    assert "Submitted" in listing


def test_double_submit_creates_one_submission(
    client, demo_programs, django_capture_on_commit_callbacks
):
    complete_intake(client)
    choose_and_answer(client, ["basic-food"], set())
    with django_capture_on_commit_callbacks(execute=True):
        first, token = submit(client)
        again = client.post("/apply/review/", {"submit_token": token})
    assert Submission.objects.count() == 1 and Application.objects.count() == 1
    assert again.headers["Location"] == first.headers["Location"]
    assert len(mail.outbox) == 1


def test_review_in_spanish_and_confirmation_email_in_the_residents_language(client, demo_programs):
    complete_intake(client)
    choose_and_answer(client, ["basic-food"], set())
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    response, _token = submit(client)
    assert Submission.objects.get().language == "es"
    assert '<html lang="es">' in client.get(response.headers["Location"]).content.decode()


def test_gating_program_found_ineligible_cannot_be_chosen(client, demo_programs):
    complete_intake(client, overrides={"income": {"income__monthly_gross": "90,000"}})
    profile = applicant_answers(applicant=Submission.applicant.field.related_model.objects.get())
    refused = [
        s.program.slug for s in screen(answers=answers_for_screening(profile)) if not s.may_apply
    ]
    assert refused  # basic-food is gating and this income is far above its limit
    html = client.get("/apply/results/").content.decode()
    assert f'value="{refused[0]}"' not in html
    response = client.post("/apply/results/", {"programs": [refused[0]]})
    assert response.status_code == 400
    assert "applicants.chosen" not in client.session


def test_someone_elses_application_and_submission_are_404(client, demo_programs):
    other = ApplicationFactory()
    complete_intake(client)
    for url in (
        f"/my/applications/{other.reference}/",
        f"/my/applications/{other.reference}/pdf/",
        f"/apply/submitted/{other.submission.reference}/",
    ):
        assert client.get(url).status_code == 404
    assert other.reference not in client.get("/my/applications/").content.decode()


def test_own_application_prints_and_downloads_as_pdf(client, demo_programs):
    from pypdf import PdfReader

    complete_intake(client)
    choose_and_answer(client, ["basic-food"], set())
    submit(client)
    application = Application.objects.get()
    html = client.get(f"/my/applications/{application.reference}/").content.decode()
    assert "Ana Díaz" in html and application.reference in html
    response = client.get(f"/my/applications/{application.reference}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert application.reference in text and "Basic Food" in text


@pytest.mark.parametrize("programs", [3, 30])
def test_results_page_queries_do_not_grow_with_programs(
    client, programs, django_assert_max_num_queries
):
    programs_sharing_questions(programs)
    client.post(
        "/apply/intake/about/",
        {"about-t__name": "Ana", "about-t__size": "2", "intake_wizard-current_step": "about"},
    )
    client.get("/apply/results/")  # warm per-process caches as a running server would
    with django_assert_max_num_queries(15):
        response = client.get("/apply/results/")
    assert response.status_code == 200
    assert len(results_by_outcome(response.content.decode())) == programs


@pytest.mark.parametrize("count", [1, 3])
def test_submitting_reads_each_version_screening_and_answer_once(
    client, demo_programs, django_assert_max_num_queries, count
):
    from agencies.routing.models import AgencyChannel

    # The agencies' internal queues exist, as after their first submission.
    for version in demo_programs.values():
        AgencyChannel.objects.get_or_create(
            agency_id=version.program.agency_id, kind=AgencyChannel.Kind.INTERNAL
        )
    complete_intake(client)
    profile = applicant_answers(applicant=Submission.applicant.field.related_model.objects.get())
    screenings = screen(answers=answers_for_screening(profile), language="en")
    chosen = [s.program.slug for s in screenings if s.may_apply][:count]
    choose_and_answer(client, chosen, set())
    html = client.get("/apply/review/").content.decode()
    token = re.search(r'name="submit_token" value="([^"]+)"', html).group(1)
    # The same bound for one program and three: versions come from the in-process cache
    # (one signature query), the profile is read in the query that locks the applicant,
    # the applications and the outbox rows are bulk inserts written already marked as
    # queued, and the confirmation of a new submission is inserted without a read first.
    # In a server that is 15 queries (bench/bench_journey.py counts them); here the
    # test's transaction turns BEGIN/COMMIT into savepoints and the session is saved in
    # one more (17), and no on-commit callback runs (none makes a query in a server).
    with django_assert_max_num_queries(17) as captured:
        response = client.post("/apply/review/", {"submit_token": token})
    submission = Submission.objects.get()
    assert response.headers["Location"] == f"/apply/submitted/{submission.reference}/"
    assert sorted(a.program.slug for a in submission.applications.all()) == sorted(chosen)
    sql = [query["sql"] for query in captured.captured_queries]
    assert sum('FROM "applicants_answer"' in q for q in sql) == 1
    assert not any(q.startswith('SELECT "programs_programversion"') for q in sql)
    assert not any(q.startswith('SELECT "notifications_notification"') for q in sql)
    # Written already marked as queued, so publishing them on commit writes nothing.
    from agencies.routing.models import Delivery
    from notifications.models import Notification

    marks = Delivery.objects.filter(application__submission=submission).values_list(
        "queued_for", flat=True
    )
    assert len(marks) == count and None not in marks
    assert Notification.objects.get(submission=submission).queued_for is not None


def _session_writes(client, url: str) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return [
        q["sql"]
        for q in captured
        if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")
    ]


def test_a_page_view_that_changes_nothing_writes_no_session(client, demo_programs):
    from django.conf import settings
    from django.test import Client

    # A new visitor reading the first step gets no session at all.
    first_step = f"/apply/intake/{next(iter(INTAKE_POSTS))}/"
    assert settings.SESSION_COOKIE_NAME not in Client().get(first_step).cookies
    complete_intake(client)
    pages = [f"/apply/intake/{step}/" for step in INTAKE_POSTS]
    pages += ["/apply/intake/review/", "/apply/results/"]
    for url in pages:
        _session_writes(client, url)  # the first view may move the wizard to this step
        assert _session_writes(client, url) == [], url
    choose_and_answer(client, ["basic-food"], set())
    _session_writes(client, "/apply/review/")  # the review page keeps its submit token
    assert _session_writes(client, "/apply/review/") == []


def test_results_are_recorded_once_for_the_citys_reach_figures(client, demo_programs):
    from eligibility.models import ScreeningRecord

    complete_intake(client)
    client.get("/apply/results/")
    client.get("/apply/results/")
    record = ScreeningRecord.objects.get()
    assert set(record.outcomes) == set(demo_programs)


def test_submission_service_returns_the_first_submission_for_a_repeated_token(demo_programs):
    from applicants.services import answers_save
    from applicants.submission import submission_create
    from tests.factories import ApplicantFactory

    applicant = ApplicantFactory()
    answers_save(
        applicant=applicant,
        values={
            "applicant.name": {"first": "Ana", "last": "Díaz"},
            "applicant.birth_date": "1990-04-12",
            "contact.email": "ana@example.org",
            "home.address": {"street": "1 Pine", "city": "Seattle", "state": "WA", "zip": "98101"},
            "household.size": 2,
            "household.members": [],
            "income.monthly_gross": 100000,
            "food.expedited_need": False,
        },
    )
    program = demo_programs["basic-food"].program
    first = submission_create(applicant=applicant, programs=[program], submit_token="t-1")
    again = submission_create(applicant=applicant, programs=[program], submit_token="t-1")
    assert again.pk == first.pk
    assert Submission.objects.count() == 1 and Application.objects.count() == 1

    # The repeat is found by the unique token, after the insert fails and rolls back
    # (nothing is read before the insert); another resident presenting it is refused.
    from applicants.submission import SubmissionNotAllowed

    stranger = ApplicantFactory()
    answers_save(applicant=stranger, values={"household.size": 1})
    with pytest.raises(SubmissionNotAllowed):
        submission_create(applicant=stranger, programs=[program], submit_token="t-1")
    assert Submission.objects.count() == 1 and Application.objects.count() == 1


def test_screens_hidden_by_their_condition_are_not_asked_nor_frozen(client, demo_programs):
    from django.utils import timezone

    from programs.models import Program, ProgramVersion
    from tests.factories import (
        ProgramVersionFactory,
        QuestionFactory,
        ScreenFactory,
        ScreenQuestionFactory,
    )

    tenure = QuestionFactory(key="housing.tenure")
    landlord = QuestionFactory(key="housing.landlord_name", type="short_text")
    version = ProgramVersionFactory(program__slug="rent-help", program__name="Rent Help")
    ScreenQuestionFactory(
        screen=ScreenFactory(version=version, key="home", order=0), question=tenure
    )
    renters = ScreenFactory(
        version=version,
        key="landlord",
        order=1,
        visible_if={"eq": [{"answer": "housing.tenure"}, {"value": "rent"}]},
    )
    ScreenQuestionFactory(screen=renters, question=landlord)
    ProgramVersion.objects.filter(pk=version.pk).update(
        status=ProgramVersion.Status.PUBLISHED, published_at=timezone.now()
    )
    assert Program.objects.get(slug="rent-help").display_mode == "public"

    complete_intake(client)
    client.post("/apply/results/", {"programs": ["rent-help"]})
    response = client.get("/apply/questions/")
    assert response.headers["Location"] == "/apply/questions/home/"
    response = client.post("/apply/questions/home/", {"housing__tenure": "own"})
    assert response.headers["Location"] == "/apply/review/"  # the landlord screen is hidden
    assert "landlord" not in client.get("/apply/review/").content.decode().lower()
    submit(client)
    assert "housing.landlord_name" not in Application.objects.get().answers

    # Answered "rent": the landlord screen applies and is asked (once the first
    # application is withdrawn: an open one may not be applied to again).
    Application.objects.update(status=Application.Status.WITHDRAWN)
    client.post("/apply/results/", {"programs": ["rent-help"]})
    client.post("/apply/questions/home/?edit=1", {"housing__tenure": "rent"})
    assert client.get("/apply/questions/").headers["Location"] == "/apply/questions/landlord/"


def test_intake_step_in_spanish_uses_the_translated_question(client, demo_programs):
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    html = client.get("/apply/intake/about-you/").content.decode()
    assert '<html lang="es">' in html
    assert "Su nombre completo" in html
