"""Community navigators: scoping, acting for a client through the same journey, who
entered what, revocation, the access trail, figures."""

import pytest
from django.test import Client
from django.urls import reverse

from applicants.models import Answer, Applicant, Application, Submission
from applicants.navigators.acting import ACTING_KEY
from applicants.navigators.models import (
    ClientRelationship,
    NavigatorMembership,
    PartnerAccessEvent,
    PartnerAccessEventIsAppendOnly,
    PartnerOrganization,
)
from applicants.navigators.services import link_code_create, link_code_redeem, relationship_revoke
from applicants.services import answers_save, guest_applicants_purge
from tests.applicants.conftest import complete_intake
from tests.applicants.test_journey import choose_and_answer, submit
from tests.factories import ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db

ADD_CLIENT_POST = {
    "applicant__name_0": "Rosa",
    "applicant__name_1": "",
    "applicant__name_2": "Mendoza",
    "applicant__birth_date_0": "7",
    "applicant__birth_date_1": "3",
    "applicant__birth_date_2": "1958",
    "contact__email": "rosa@example.org",
    "contact__phone": "",
}


def make_org(slug):
    return PartnerOrganization.objects.create(name=slug.replace("-", " ").title(), slug=slug)


def make_navigator(organization, role=NavigatorMembership.Role.NAVIGATOR, username=None):
    user = UserFactory(username=username or f"nav-{organization.slug}-{role}")
    NavigatorMembership.objects.create(user=user, organization=organization, role=role)
    return user


def make_client(organization, *, navigator=None, name="Client", user=None):
    applicant = Applicant.objects.create(user=user, email=f"{name.lower()}@example.org")
    answers_save(applicant=applicant, values={"applicant.name": {"first": name, "last": "Test"}})
    return ClientRelationship.objects.create(
        organization=organization,
        applicant=applicant,
        created_by=navigator,
        consent_method=ClientRelationship.Consent.ADDED_BY_NAVIGATOR,
    )


@pytest.fixture
def two_orgs(demo_programs):
    x, y = make_org("food-bank-x"), make_org("family-centre-y")
    nav_x, nav_y = make_navigator(x), make_navigator(y)
    return {
        "x": x,
        "y": y,
        "nav_x": nav_x,
        "nav_y": nav_y,
        "client_x": make_client(x, navigator=nav_x, name="Xavier"),
        "client_y": make_client(y, navigator=nav_y, name="Yolanda"),
    }


def navigator_urls(pk):
    """Every navigator URL that names a client, with the method it takes."""
    return [
        ("get", reverse("applicants:navigator_client", kwargs={"pk": pk})),
        ("post", reverse("applicants:navigator_client_act", kwargs={"pk": pk})),
    ]


# Scoping -------------------------------------------------------------------------------


def test_navigator_cannot_list_open_or_act_for_another_organizations_client(client, two_orgs):
    client.force_login(two_orgs["nav_x"])
    other = two_orgs["client_y"]

    listing = client.get("/navigator/").content.decode()
    assert "Xavier" in listing and "Yolanda" not in listing
    assert client.get("/navigator/?q=Yolanda").context["rows"] == []
    assert client.get("/navigator/?q=yolanda%40example.org").context["rows"] == []
    found = client.get("/navigator/?q=xavier").context["rows"]
    assert [row["relationship"] for row in found] == [two_orgs["client_x"]]

    for method, url in navigator_urls(other.pk):
        response = getattr(client, method)(url)
        assert response.status_code == 404, url
    assert ACTING_KEY not in client.session
    # Nor an unknown id.
    for method, url in navigator_urls(other.pk + 1000):
        assert getattr(client, method)(url).status_code == 404, url

    # Its own client opens.
    own = two_orgs["client_x"]
    assert client.get(f"/navigator/clients/{own.pk}/").status_code == 200


def test_a_forged_acting_session_for_another_organizations_client_is_refused(client, two_orgs):
    client.force_login(two_orgs["nav_x"])
    session = client.session
    session[ACTING_KEY] = two_orgs["client_y"].pk
    session.save()
    response = client.get("/apply/intake/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/navigator/"
    assert ACTING_KEY not in client.session
    # The navigator's own (empty) profile is what the journey shows now, never Y's client.
    assert "Yolanda" not in client.get("/apply/intake/about-you/").content.decode()
    assert PartnerAccessEvent.objects.filter(
        actor=two_orgs["nav_x"], action=PartnerAccessEvent.Action.ACTING_REFUSED
    ).exists()


def test_pages_need_a_signed_in_navigator(client, two_orgs):
    response = client.get("/navigator/")
    assert response.status_code == 302 and response.headers["Location"].startswith(
        "/account/sign-in/"
    )
    client.force_login(UserFactory(username="plain-resident"))
    for url in ("/navigator/", "/navigator/clients/add/", "/navigator/clients/link/"):
        assert client.get(url).status_code == 403, url
    assert client.get(f"/navigator/clients/{two_orgs['client_x'].pk}/").status_code == 403
    # A navigator of a switched-off organization loses access.
    client.force_login(two_orgs["nav_x"])
    PartnerOrganization.objects.filter(pk=two_orgs["x"].pk).update(is_active=False)
    assert client.get("/navigator/").status_code == 403


def test_figures_are_for_supervisors_of_the_organization(client, two_orgs):
    client.force_login(two_orgs["nav_x"])
    assert client.get("/navigator/figures/").status_code == 403
    supervisor = make_navigator(two_orgs["x"], role=NavigatorMembership.Role.SUPERVISOR)
    submission_x = Submission.objects.create(
        applicant=two_orgs["client_x"].applicant,
        submit_token="x-1",
        partner_organization=two_orgs["x"],
        entered_by_navigator=two_orgs["nav_x"],
    )
    submission_y = Submission.objects.create(
        applicant=two_orgs["client_y"].applicant,
        submit_token="y-1",
        partner_organization=two_orgs["y"],
    )
    version, other_version = list(two_orgs_versions())[:2]
    ApplicationFactory(submission=submission_x, program_version=version, status="approved")
    ApplicationFactory(submission=submission_x, program_version=other_version, status="denied")
    ApplicationFactory(submission=submission_y, program_version=version, status="approved")
    client.force_login(supervisor)
    html = client.get("/navigator/figures/").content.decode()
    figures = client.get("/navigator/figures/").context["figures"]
    assert figures["clients_current"] == 1
    assert figures["clients_served"] == 1
    assert figures["totals"] == {
        "total": 2,
        "approved": 1,
        "denied": 1,
        "withdrawn": 0,
        "pending": 0,
    }
    assert {row["program__slug"] for row in figures["per_program"]} == {
        version.program.slug,
        other_version.program.slug,
    }
    assert version.program.name in html


def two_orgs_versions():
    from programs.models import ProgramVersion

    return ProgramVersion.objects.filter(status=ProgramVersion.Status.PUBLISHED).order_by(
        "program__slug"
    )


# Adding a client and acting for them ----------------------------------------------------


def test_navigator_adds_a_client_completes_the_intake_and_applies_to_two_programs(
    client, two_orgs, django_capture_on_commit_callbacks
):
    navigator, organization = two_orgs["nav_x"], two_orgs["x"]
    client.force_login(navigator)

    form = client.get("/navigator/clients/add/").content.decode()
    assert 'for="id_contact__email"' in form
    response = client.post("/navigator/clients/add/", ADD_CLIENT_POST)
    assert response.status_code == 302, response.content.decode()[:2000]
    relationship = ClientRelationship.objects.get(applicant__email="rosa@example.org")
    assert response.headers["Location"] == f"/navigator/clients/{relationship.pk}/"
    client_applicant = relationship.applicant
    assert client_applicant.user is None
    assert relationship.consent_method == ClientRelationship.Consent.ADDED_BY_NAVIGATOR
    name = Answer.objects.get(applicant=client_applicant, question_key="applicant.name")
    assert name.value["first"] == "Rosa"
    assert (name.entered_by, name.partner_organization) == (navigator, organization)

    # Act for the client: the same journey, with the banner on every page.
    response = client.post(f"/navigator/clients/{relationship.pk}/act/")
    assert response.headers["Location"] == "/apply/continue/"
    page = client.get("/apply/intake/about-you/").content.decode()
    assert "You are applying for Rosa Mendoza as Food Bank X" in page
    assert "Stop acting" in page
    assert 'value="Rosa"' in page  # pre-filled from the client's profile

    complete_intake(client, overrides={"about-you": {"applicant__name_0": "Rosa"}})
    assert not Answer.objects.filter(applicant__user=navigator).exists()
    answers = Answer.objects.filter(applicant=client_applicant)
    assert answers.count() > 4
    assert set(answers.values_list("entered_by", "partner_organization").distinct()) == {
        (navigator.pk, organization.pk)
    }

    results = client.get("/apply/results/")
    chosen = [slug for slug, label in results.context["form"].fields["programs"].choices][:2]
    assert len(chosen) == 2
    choose_and_answer(client, chosen, set())
    with django_capture_on_commit_callbacks(execute=True):
        response, _token = submit(client)
    submission = Submission.objects.get(applicant=client_applicant)
    assert response.headers["Location"] == f"/apply/submitted/{submission.reference}/"
    assert submission.entered_by_navigator == navigator
    assert submission.partner_organization == organization
    assert client.get(response.headers["Location"]).status_code == 200

    # Both applications on the client's page, with who entered them.
    response = client.post("/navigator/stop-acting/")
    assert response.headers["Location"] == f"/navigator/clients/{relationship.pk}/"
    assert ACTING_KEY not in client.session
    page = client.get(f"/navigator/clients/{relationship.pk}/").content.decode()
    assert "You are applying for" not in page
    for application in submission.applications.all():
        assert application.reference in page
        assert application.get_status_display() in page
    assert page.count(f"{navigator.username} for Food Bank X") == 2
    assert "Screened" in page

    # The dashboard shows the client's screener outcome and applications.
    dashboard = client.get("/navigator/").content.decode()
    assert "Rosa Díaz" in dashboard and "likely eligible for" in dashboard
    assert dashboard.count('class="tag"') == 2

    # Every look at the client's data is in the trail.
    actions = set(
        PartnerAccessEvent.objects.filter(applicant=client_applicant).values_list(
            "action", flat=True
        )
    )
    assert {
        PartnerAccessEvent.Action.CLIENT_ADDED,
        PartnerAccessEvent.Action.ACTING_STARTED,
        PartnerAccessEvent.Action.ACTING_REQUEST,
        PartnerAccessEvent.Action.ACTING_STOPPED,
        PartnerAccessEvent.Action.CLIENT_VIEWED,
    } <= actions
    assert PartnerAccessEvent.objects.filter(
        action=PartnerAccessEvent.Action.ACTING_REQUEST, path="/apply/review/"
    ).exists()
    listed = PartnerAccessEvent.objects.filter(action=PartnerAccessEvent.Action.CLIENTS_LISTED)
    assert client_applicant.pk in listed.first().detail["applicants"]


def test_add_client_errors_are_specific_and_keep_what_was_typed(client, two_orgs):
    client.force_login(two_orgs["nav_x"])
    data = {**ADD_CLIENT_POST, "applicant__birth_date_2": "", "contact__email": ""}
    response = client.post("/navigator/clients/add/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert 'href="#id_applicant__birth_date_0"' in html
    assert 'value="Rosa"' in html
    assert not ClientRelationship.objects.filter(applicant__email="rosa@example.org").exists()
    assert not Answer.objects.filter(question_key="applicant.name", value__first="Rosa").exists()

    data = {**ADD_CLIENT_POST, "contact__email": ""}
    html = client.post("/navigator/clients/add/", data).content.decode()
    assert "Enter an email address or a phone number to reach the client." in html
    assert 'href="#id_contact__email"' in html


def test_switching_clients_does_not_carry_the_journey_over(client, two_orgs):
    client.force_login(two_orgs["nav_x"])
    first = two_orgs["client_x"]
    second = make_client(two_orgs["x"], navigator=two_orgs["nav_x"], name="Second")
    client.post(f"/navigator/clients/{first.pk}/act/")
    session = client.session
    session["applicants.chosen"] = ["food-help"]
    session.save()
    client.post(f"/navigator/clients/{second.pk}/act/")
    assert "applicants.chosen" not in client.session
    assert client.session[ACTING_KEY] == second.pk


# Linking an account and revoking -----------------------------------------------------


def test_resident_links_with_a_code_sees_the_organization_and_revokes_mid_acting(client, two_orgs):
    resident_user = UserFactory(username="maria")
    resident_client = Client()
    resident_client.force_login(resident_user)

    page = resident_client.get("/my/helpers/").content.decode()
    assert "No organization can see or act on your applications." in page
    response = resident_client.post("/my/helpers/")
    code = response.context["code"]
    assert code and code in response.content.decode()

    client.force_login(two_orgs["nav_x"])
    response = client.post("/navigator/clients/link/", {"code": code.lower()})
    assert response.status_code == 302
    relationship = ClientRelationship.objects.get(applicant__user=resident_user)
    assert relationship.consent_method == ClientRelationship.Consent.LINKED_BY_CODE
    assert relationship.organization == two_orgs["x"]
    assert "Food Bank X" in resident_client.get("/my/helpers/").content.decode()

    # The navigator is acting, half-way through the intake.
    client.post(f"/navigator/clients/{relationship.pk}/act/")
    assert client.get("/apply/intake/about-you/").status_code == 200

    response = resident_client.post(f"/my/helpers/{relationship.pk}/revoke/")
    assert response.status_code == 302
    relationship.refresh_from_db()
    assert relationship.revoked_at is not None and relationship.revoked_by == resident_user
    assert "No organization can see" in resident_client.get("/my/helpers/").content.decode()

    # Removed at once: the very next request of the acting session leaves the journey,
    # and a form posted now saves nothing for the resident.
    from tests.applicants.conftest import step_data

    response = client.post("/apply/intake/about-you/", step_data("about-you"))
    assert response.status_code == 302 and response.headers["Location"] == "/navigator/"
    assert not Answer.objects.filter(applicant=relationship.applicant).exists()
    assert ACTING_KEY not in client.session
    for method, url in navigator_urls(relationship.pk):
        assert getattr(client, method)(url).status_code == 404, url
    assert "maria" not in client.get("/navigator/").content.decode()


def test_a_resident_cannot_revoke_someone_elses_relationship(client, two_orgs):
    client.force_login(UserFactory(username="nosy"))
    relationship = two_orgs["client_x"]
    assert client.post(f"/my/helpers/{relationship.pk}/revoke/").status_code == 404
    relationship.refresh_from_db()
    assert relationship.revoked_at is None
    with pytest.raises(Exception, match="Only the resident"):
        relationship_revoke(relationship=relationship, revoked_by=two_orgs["nav_x"])


def test_resident_page_needs_an_account_and_shows_only_their_own(client, two_orgs):
    response = client.get("/my/helpers/")
    assert response.status_code == 302 and "/account/sign-in/" in response.headers["Location"]
    # A navigator acting for a client manages their own helpers there, not the client's.
    linked_user = UserFactory(username="linked")
    linked = make_client(two_orgs["x"], name="Linked", user=linked_user)
    client.force_login(two_orgs["nav_x"])
    client.post(f"/navigator/clients/{linked.pk}/act/")
    page = client.get("/my/helpers/").content.decode()
    assert "Food Bank X" not in page.split("Organizations helping you")[1].split("<h2")[0]
    assert client.post(f"/my/helpers/{linked.pk}/revoke/").status_code == 404


# The access trail and record keeping -------------------------------------------------


def test_access_events_are_append_only(two_orgs):
    event = PartnerAccessEvent.objects.create(
        actor=two_orgs["nav_x"], organization=two_orgs["x"], action="client_viewed"
    )
    with pytest.raises(PartnerAccessEventIsAppendOnly):
        event.save()
    with pytest.raises(PartnerAccessEventIsAppendOnly):
        event.delete()
    with pytest.raises(PartnerAccessEventIsAppendOnly):
        PartnerAccessEvent.objects.all().update(path="x")
    with pytest.raises(PartnerAccessEventIsAppendOnly):
        PartnerAccessEvent.objects.all().delete()


def test_clients_without_an_account_are_not_purged_as_forgotten_guests(two_orgs):
    from datetime import timedelta

    from django.utils import timezone

    Applicant.objects.all().update(updated_at=timezone.now() - timedelta(days=400))
    Answer.objects.all().update(updated_at=timezone.now() - timedelta(days=400))
    stray = Applicant.objects.create()
    Applicant.objects.filter(pk=stray.pk).update(updated_at=timezone.now() - timedelta(days=400))
    guest_applicants_purge()
    assert not Applicant.objects.filter(pk=stray.pk).exists()
    assert Applicant.objects.filter(pk=two_orgs["client_x"].applicant_id).exists()


def test_dashboard_queries_do_not_grow_with_clients(
    client, two_orgs, django_assert_max_num_queries
):
    organization, navigator = two_orgs["x"], two_orgs["nav_x"]
    client.force_login(navigator)
    client.get("/navigator/")

    def add_clients(count, start):
        for n in range(start, start + count):
            relationship = make_client(organization, navigator=navigator, name=f"Person{n}")
            submission = Submission.objects.create(
                applicant=relationship.applicant, submit_token=f"bulk-{n}"
            )
            ApplicationFactory(
                submission=submission, program_version=next(iter(two_orgs_versions()))
            )

    add_clients(2, 0)
    with django_assert_max_num_queries(12) as few:
        assert client.get("/navigator/").status_code == 200
    add_clients(15, 10)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get("/navigator/")
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
    assert response.content.decode().count('class="card"') == 18


def test_link_code_redeem_service_is_single_use(two_orgs):
    resident = Applicant.objects.create(user=UserFactory(username="solo"))
    membership = NavigatorMembership.objects.get(user=two_orgs["nav_x"])
    _row, code = link_code_create(applicant=resident)
    relationship = link_code_redeem(code=code, membership=membership)
    assert relationship.applicant == resident
    with pytest.raises(Exception, match="already been used"):
        link_code_redeem(
            code=code, membership=NavigatorMembership.objects.get(user=two_orgs["nav_y"])
        )
    assert not ClientRelationship.objects.filter(
        organization=two_orgs["y"], applicant=resident
    ).exists()


def test_agency_sees_navigator_on_the_application_model(two_orgs):
    """What exports and the admin read: the submission names navigator and organization."""
    navigator = two_orgs["nav_x"]
    submission = Submission.objects.create(
        applicant=two_orgs["client_x"].applicant,
        submit_token="t",
        entered_by_navigator=navigator,
        partner_organization=two_orgs["x"],
    )
    application = ApplicationFactory(submission=submission)
    application = Application.objects.select_related(
        "submission__entered_by_navigator", "submission__partner_organization"
    ).get(pk=application.pk)
    assert application.submission.entered_by_navigator == navigator
    assert application.submission.partner_organization.name == "Food Bank X"


def test_link_code_expires_and_a_new_code_replaces_the_old_one(client, two_orgs):
    from datetime import timedelta

    from django.utils import timezone

    resident = Applicant.objects.create(user=UserFactory(username="late"))
    membership = NavigatorMembership.objects.get(user=two_orgs["nav_x"])
    row, code = link_code_create(applicant=resident)
    assert code not in row.code_hash and len(row.code_hash) == 64
    later = row.expires_at + timedelta(seconds=1)
    with pytest.raises(Exception, match="expired"):
        link_code_redeem(code=code, membership=membership, now=later)
    # Still usable one second before its end.
    assert link_code_redeem(
        code=code, membership=membership, now=row.expires_at - timedelta(seconds=1)
    )

    other = Applicant.objects.create(user=UserFactory(username="twice"))
    _old_row, old_code = link_code_create(applicant=other)
    _new_row, new_code = link_code_create(applicant=other)
    client.force_login(two_orgs["nav_y"])
    response = client.post("/navigator/clients/link/", {"code": old_code})
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert 'href="#id_code"' in response.content.decode()
    assert client.post("/navigator/clients/link/", {"code": new_code}).status_code == 302
    assert ClientRelationship.objects.filter(organization=two_orgs["y"], applicant=other).exists()
    assert timezone.now() < _new_row.expires_at


def test_wrong_codes_are_refused_and_then_throttled(client, two_orgs):
    from applicants.navigators.services import LINK_ATTEMPT_LIMIT

    resident = Applicant.objects.create(user=UserFactory(username="target"))
    _row, code = link_code_create(applicant=resident)
    client.force_login(two_orgs["nav_x"])
    response = client.post("/navigator/clients/link/", {"code": "12"})
    assert response.status_code == 400 and "A code has 8 letters and numbers" in (
        response.content.decode()
    )
    for _attempt in range(LINK_ATTEMPT_LIMIT):
        response = client.post("/navigator/clients/link/", {"code": "0000-0000"})
        assert "not recognised" in response.content.decode()
    # Even the right code is refused while the navigator is throttled.
    response = client.post("/navigator/clients/link/", {"code": code})
    assert response.status_code == 400 and "Too many codes" in response.content.decode()
    assert not ClientRelationship.objects.filter(applicant=resident).exists()
    assert (
        PartnerAccessEvent.objects.filter(action=PartnerAccessEvent.Action.LINK_FAILED).count()
        == LINK_ATTEMPT_LIMIT + 1
    )


def test_a_guest_cannot_get_a_link_code(two_orgs):
    from applicants.navigators.services import NotAllowed

    with pytest.raises(NotAllowed):
        link_code_create(applicant=Applicant.objects.create())


def test_admin_manages_organizations_and_navigators(client, two_orgs):
    admin_user = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    for url in (
        "/admin/applicants/partnerorganization/",
        "/admin/applicants/partnerorganization/add/",
        f"/admin/applicants/partnerorganization/{two_orgs['x'].pk}/change/",
        "/admin/applicants/clientrelationship/",
        "/admin/applicants/partneraccessevent/",
        "/admin/applicants/navigatormembership/",
    ):
        assert client.get(url).status_code == 200, url
    new_navigator = UserFactory(username="new-nav")
    response = client.post(
        "/admin/applicants/partnerorganization/add/",
        {
            "name": "Senior Centre",
            "slug": "senior-centre",
            "contact_email": "",
            "contact_phone": "",
            "is_active": "on",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-user": new_navigator.pk,
            "memberships-0-role": "supervisor",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    membership = NavigatorMembership.objects.get(user=new_navigator)
    assert membership.organization.slug == "senior-centre" and membership.is_supervisor
    assert not new_navigator.is_staff


def test_navigators_land_on_their_dashboard_after_signing_in(client, two_orgs):
    # Residents and navigators sign in with their email, which is their username.
    navigator = make_navigator(two_orgs["x"], username="maya@example.org")
    resident = UserFactory(username="rosa@example.org")
    credentials = {"password": "correct-horse-battery-staple"}
    response = client.post("/account/sign-in/", {"email": navigator.username, **credentials})
    assert response.status_code == 302
    assert response.headers["Location"] == "/navigator/"
    response = Client().post("/account/sign-in/", {"email": resident.username, **credentials})
    assert response.status_code == 302
    assert response.headers["Location"] != "/navigator/"


def test_navigator_only_programs_are_offered_only_through_navigators(client, two_orgs):
    from applicants.submission import SubmissionNotAllowed, submission_create
    from programs.models import Program

    Program.objects.filter(slug="energy-assistance").update(display_mode="navigators_only")

    resident = Client()
    complete_intake(resident)
    offered = dict(resident.get("/apply/results/").context["form"].fields["programs"].choices)
    assert "energy-assistance" not in offered
    with pytest.raises(SubmissionNotAllowed):
        submission_create(
            applicant=Applicant.objects.filter(user=None).latest("pk"),
            programs=[Program.objects.get(slug="energy-assistance")],
            submit_token="resident-token",
            language="en",
        )

    client.force_login(two_orgs["nav_x"])
    client.post(f"/navigator/clients/{two_orgs['client_x'].pk}/act/")
    complete_intake(client)
    offered = dict(client.get("/apply/results/").context["form"].fields["programs"].choices)
    assert "energy-assistance" in offered
