"""Defects found by the authorization and query-count review, each pinned by a test."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agencies.exports.api_auth import api_key_create
from agencies.exports.models import BatchExport
from agencies.review.models import AgencyMembership, AuditEvent
from agencies.routing.models import AgencyChannel, Delivery
from applicants.navigators.models import (
    ClientRelationship,
    NavigatorMembership,
    PartnerOrganization,
)
from tests.agencies import review_support
from tests.factories import (
    AgencyFactory,
    ApplicantFactory,
    ApplicationFactory,
    ProgramFactory,
    ProgramVersionFactory,
    QuestionFactory,
    UserFactory,
)


def _delivery(n):
    application = ApplicationFactory()
    agency = application.program.agency
    channel = AgencyChannel.objects.create(agency=agency, kind=AgencyChannel.Kind.INTERNAL)
    Delivery.objects.create(application=application, agency=agency, channel=channel)


def _audit(n):
    application = ApplicationFactory()
    AuditEvent.objects.create(
        action=AuditEvent.Action.choices[0][0],
        application=application,
        agency=application.program.agency,
        actor=UserFactory(),
        actor_repr="someone",
    )


def _question(n):
    QuestionFactory()


def _version(n):
    ProgramVersionFactory()


def _program(n):
    ProgramFactory()


def _api_key(n):
    api_key_create(agency=AgencyFactory(), name=f"key {n}", created_by=UserFactory())


def _batch(n):
    program = ProgramFactory()
    BatchExport.objects.create(requested_by=UserFactory(), agency=program.agency, program=program)


def _partner(n):
    PartnerOrganization.objects.create(name=f"Org {n}", slug=f"org-{n}-{timezone.now():%f}")


def _navigator(n):
    organization = PartnerOrganization.objects.create(name=f"Org {n}", slug=f"nav-org-{n}")
    NavigatorMembership.objects.create(user=UserFactory(), organization=organization)


def _relationship(n):
    organization = PartnerOrganization.objects.create(name=f"Org {n}", slug=f"rel-org-{n}")
    ClientRelationship.objects.create(
        organization=organization,
        applicant=ApplicantFactory(),
        created_by=UserFactory(),
        consent_method=ClientRelationship.Consent.choices[0][0],
    )


CHANGELISTS = [
    ("agencies", "delivery", _delivery),
    ("agencies", "auditevent", _audit),
    ("programs", "question", _question),
    ("programs", "programversion", _version),
    ("programs", "program", _program),
    ("agencies", "agencyapikey", _api_key),
    ("agencies", "batchexport", _batch),
    ("applicants", "partnerorganization", _partner),
    ("applicants", "navigatormembership", _navigator),
    ("applicants", "clientrelationship", _relationship),
]


@pytest.mark.parametrize(("app", "model", "make"), CHANGELISTS, ids=[c[1] for c in CHANGELISTS])
def test_changelist_queries_do_not_grow_with_rows(client, db, app, model, make):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    url = reverse(f"admin:{app}_{model}_changelist")

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries)

    for n in range(3):
        make(n)
    few = count()
    for n in range(3, 30):
        make(n)
    assert count() == few


def test_staff_cannot_add_a_membership_of_an_agency_they_do_not_work_for(client, db):
    own, other = AgencyFactory(), AgencyFactory()
    user = UserFactory(is_staff=True)
    AgencyMembership.objects.create(user=user, agency=own)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="agencies",
            codename__in=["add_agencymembership", "view_agencymembership"],
        )
    )
    client.force_login(user)
    url = reverse("admin:agencies_agencymembership_add")

    response = client.post(
        url, {"user": user.pk, "agency": other.pk, "role": AgencyMembership.Role.CASEWORKER}
    )

    assert response.status_code == 200
    assert "agency" in response.context["adminform"].form.errors
    assert not AgencyMembership.objects.filter(user=user, agency=other).exists()
    choices = [
        value for value, _label in response.context["adminform"].form.fields["agency"].choices
    ]
    assert other.pk not in [getattr(v, "value", v) for v in choices]
    colleague = UserFactory()
    response = client.post(
        url, {"user": colleague.pk, "agency": own.pk, "role": AgencyMembership.Role.CASEWORKER}
    )
    assert response.status_code == 302
    assert AgencyMembership.objects.filter(user=colleague, agency=own).exists()


def test_delivery_changelist_filter_names_only_the_staff_members_agencies(client, db):
    _delivery(0)
    _delivery(1)
    own, other = (d.agency for d in Delivery.objects.order_by("pk"))
    user = UserFactory(is_staff=True)
    AgencyMembership.objects.create(user=user, agency=own)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="agencies", codename="view_delivery")
    )
    client.force_login(user)

    response = client.get(reverse("admin:agencies_delivery_changelist"))

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == list(Delivery.objects.filter(agency=own))
    content = response.content.decode()
    assert f"agency__id__exact={other.pk}" not in content
    assert f">{other.name}<" not in content


world = review_support.world


def test_agency_staff_see_only_their_agencies_and_city_roles_see_all(world, client):
    changelist = reverse("admin:organizations_agency_changelist")
    client.force_login(world.caseworker_a)
    page = client.get(changelist)
    assert page.status_code == 200
    assert "Housing Agency" in page.text and "Food Agency" not in page.text
    other = reverse("admin:organizations_agency_change", args=[world.agency_b.pk])
    assert client.get(other).status_code in {302, 404}

    client.force_login(world.city_admin)
    page = client.get(changelist)
    assert page.status_code == 200
    assert "Housing Agency" in page.text and "Food Agency" in page.text
