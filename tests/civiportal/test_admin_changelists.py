"""Every admin changelist costs the same number of queries for 3 rows as for 30."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agencies.exports.api_auth import api_key_create
from agencies.exports.models import BatchExport
from agencies.review.models import AuditEvent
from agencies.routing.models import AgencyChannel, Delivery
from applicants.navigators.models import (
    ClientRelationship,
    NavigatorMembership,
    PartnerOrganization,
)
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
