"""After submitting, the agency side: a request for information with a resident-facing
message naming what is needed, answered by the guest in their own session (upload,
corrected answer, reply) as a new snapshot; withdrawal; each told to the agency through
the delivery outbox; every step audited; anyone else gets a 404."""

import jsonschema
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agencies.review import services as review_services
from agencies.review.models import AuditEvent, ResidentNotification
from agencies.review.resident_services import (
    AnswerNotRequested,
    NothingToAnswer,
    application_respond,
    application_withdraw,
)
from agencies.review.workflow import InvalidStatusTransition, Status
from agencies.routing import attempts
from agencies.routing.channels import webhook
from agencies.routing.models import AgencyChannel, Delivery
from applicants.identity import SESSION_KEY
from applicants.models import Answer, ApplicationUpdate
from tests.agencies import review_support
from tests.agencies.test_routing_services import SCHEMA

world = review_support.world
PDF = b"%PDF-1.4 pay stub"


def _guest_client(client, application):
    session = client.session
    session[SESSION_KEY] = application.submission.applicant_id
    session.save()
    return client


def _ask(world, application, **kwargs):
    review_services.application_set_status(
        application=application, status=Status.IN_REVIEW, acting_user=world.caseworker_a
    )
    review_services.application_set_status(
        application=application,
        status=Status.MORE_INFO_NEEDED,
        note="INTERNAL: pay stub missing from file",
        acting_user=world.caseworker_a,
        resident_message="Please send a recent pay stub and check your monthly income.",
        requested_documents=["documents.proof_of_income"],
        requested_questions=["income.monthly_gross"],
        **kwargs,
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_request_shows_in_the_residents_page_without_the_internal_note(client, world):
    _ask(world, world.app_a)
    html = _guest_client(client, world.app_a).get(f"/my/applications/{world.app_a.reference}/")
    html = html.content.decode()
    assert "The agency needs more information" in html
    assert "Please send a recent pay stub and check your monthly income." in html
    assert "Proof of income" in html and "Monthly income" in html
    assert f"/my/applications/{world.app_a.reference}/respond/" in html
    assert "INTERNAL" not in html
    notification = ResidentNotification.objects.get(status=Status.MORE_INFO_NEEDED)
    assert "Please send a recent pay stub" in notification.message
    assert "INTERNAL" not in notification.message


def test_guest_uploads_corrects_replies_and_resubmits(
    client, world, media, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    app = world.app_a
    _ask(world, app)
    _guest_client(client, app)
    url = f"/my/applications/{app.reference}/respond/"
    with django_assert_max_num_queries(14):
        page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="documents__proof_of_income"' in html and 'name="income__monthly_gross"' in html
    assert 'name="applicant__ssn"' not in html  # only what was asked

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "documents__proof_of_income": SimpleUploadedFile(
                    "stub.pdf", PDF, content_type="application/pdf"
                ),
                "income__monthly_gross": "2,750",
                "reply": "Here is my March pay stub; my hours went down.",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    app.refresh_from_db()
    assert app.status == Status.RESUBMITTED
    assert app.answers["income.monthly_gross"] == 275000
    assert app.answers["documents.proof_of_income"]["name"] == "stub.pdf"
    assert app.answers["applicant.ssn"] == "123456789"
    reply = ApplicationUpdate.objects.get(application=app, kind=ApplicationUpdate.Kind.REPLY)
    assert reply.message == "Here is my March pay stub; my hours went down."
    assert reply.replaced_answers["income.monthly_gross"] == 290000  # the old snapshot kept
    assert "documents.proof_of_income" not in reply.replaced_answers
    profile = Answer.objects.get(
        applicant=app.submission.applicant, question_key="income.monthly_gross"
    )
    assert profile.value == 275000
    responded = AuditEvent.objects.get(application=app, action=AuditEvent.Action.RESIDENT_RESPONDED)
    assert responded.after["answers"]["income.monthly_gross"] == 275000
    assert AuditEvent.objects.filter(
        application=app, action=AuditEvent.Action.STATUS_CHANGED, after__status="resubmitted"
    ).exists()
    delivery = Delivery.objects.get(application=app, event=Delivery.Event.RESUBMITTED)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED  # the internal queue, run in process

    detail = client.get(f"/my/applications/{app.reference}/").content.decode()
    assert "Your reply" in detail and "my hours went down" in detail
    assert "The agency needs more information" not in detail

    # The caseworker sees it highlighted in their queue.
    client.force_login(world.caseworker_a)
    queue = client.get(reverse("admin:applicants_application_changelist")).content.decode()
    assert '<strong class="resubmitted">Resubmitted: response received</strong>' in queue
    review = client.get(reverse("admin:applicants_application_change", args=[app.pk]))
    review = review.content.decode()
    assert "Messages with the resident" in review and "my hours went down" in review


def test_answers_not_requested_are_refused_and_nothing_changes(world):
    app = world.app_a
    _ask(world, app)
    with pytest.raises(AnswerNotRequested):
        application_respond(application=app, reply="x", answers={"applicant.ssn": "999999999"})
    app.refresh_from_db()
    assert app.status == Status.MORE_INFO_NEEDED
    assert app.answers["applicant.ssn"] == "123456789"
    assert not ApplicationUpdate.objects.filter(kind=ApplicationUpdate.Kind.REPLY).exists()


def test_nothing_to_answer_when_not_asked(client, world):
    with pytest.raises(NothingToAnswer):
        application_respond(application=world.app_a, reply="hello")
    response = _guest_client(client, world.app_a).get(
        f"/my/applications/{world.app_a.reference}/respond/"
    )
    assert response.status_code == 302


def test_withdrawal_is_confirmed_audited_and_told_to_every_agency_channel(
    client, world, django_capture_on_commit_callbacks
):
    app = world.app_a
    webhook_channel = AgencyChannel.objects.create(
        agency=world.agency_a, kind="webhook", webhook_url="https://x.example/h"
    )
    _guest_client(client, app)
    url = f"/my/applications/{app.reference}/withdraw/"
    page = client.get(url).content.decode()
    assert "Withdraw my application" in page and app.reference in page
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(url)
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == Status.WITHDRAWN
    event = AuditEvent.objects.get(application=app, after__status="withdrawn")
    deliveries = Delivery.objects.filter(application=app, event=Delivery.Event.WITHDRAWN)
    active = AgencyChannel.objects.filter(agency=world.agency_a, is_active=True)
    assert {d.channel_id for d in deliveries} == {c.pk for c in active}
    assert webhook_channel.pk in {d.channel_id for d in deliveries}
    assert {d.audit_event_id for d in deliveries} == {event.pk}
    payload = webhook.build_payload(deliveries.get(channel=webhook_channel))
    jsonschema.validate(payload, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert payload["event"] == "application.withdrawn"
    assert payload["application"]["status"] == "withdrawn"

    # Withdrawn is final: a second try changes nothing and tells the agency nothing.
    client.post(url)
    assert Delivery.objects.filter(application=app, event=Delivery.Event.WITHDRAWN).count() == len(
        active
    )
    with pytest.raises(InvalidStatusTransition):
        application_withdraw(application=app)


def test_email_notice_names_the_withdrawal(world):
    from agencies.routing.channels import email

    world.agency_a.contact_email = "intake@housing.example"
    world.agency_a.save()
    AgencyChannel.objects.create(agency=world.agency_a, kind="email")
    application_withdraw(application=world.app_a)
    delivery = Delivery.objects.get(channel__kind="email", event=Delivery.Event.WITHDRAWN)
    message = email.build_message(delivery)
    assert message.subject.startswith("Application withdrawn")
    assert "withdrew their application to Rent Help" in message.body
    assert attempts.delivery_attempt(delivery_id=delivery.pk) == "delivered"


def test_someone_elses_application_cannot_be_answered_or_withdrawn(client, world):
    _ask(world, world.app_a)
    _guest_client(client, world.app_b)
    for suffix in ("respond/", "withdraw/"):
        url = f"/my/applications/{world.app_a.reference}/{suffix}"
        assert client.get(url).status_code == 404
        assert client.post(url, {"reply": "mine now"}).status_code == 404
    world.app_a.refresh_from_db()
    assert world.app_a.status == Status.MORE_INFO_NEEDED


def test_caseworker_sets_the_resident_message_and_what_is_needed_in_the_admin(client, world):
    client.force_login(world.caseworker_a)
    status_url = reverse("admin:applicants_application_status", args=[world.app_a.pk])
    client.post(status_url, {"status": Status.IN_REVIEW, "note": ""})
    detail = client.get(reverse("admin:applicants_application_change", args=[world.app_a.pk]))
    assert 'value="documents.proof_of_income"' in detail.content.decode()
    response = client.post(
        status_url,
        {
            "status": Status.MORE_INFO_NEEDED,
            "note": "internal only",
            "resident_message": "Send your latest pay stub.",
            "requested_documents": ["documents.proof_of_income"],
        },
    )
    assert response.status_code == 302
    update = ApplicationUpdate.objects.get(status=Status.MORE_INFO_NEEDED)
    assert update.message == "Send your latest pay stub."
    assert update.requested_documents == ["documents.proof_of_income"]
    assert update.requested_questions == []


def test_respond_page_in_spanish(client, world):
    _ask(world, world.app_a)
    _guest_client(client, world.app_a)
    client.post("/i18n/setlang/", {"language": "es"})
    html = client.get(f"/my/applications/{world.app_a.reference}/respond/").content.decode()
    assert "Responder al pedido de la agencia" in html
    assert "Su respuesta a la agencia" in html
    assert "Enviar a la agencia" in html


def test_denial_email_carries_the_message_appeal_and_contact_in_spanish(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    from programs.models import ProgramVersion
    from tests.agencies.review_support import make_application

    ProgramVersion.objects.filter(pk=world.version_a.pk).update(
        appeal="Call within 90 days.", translations={"es": {"appeal": "Llame en 90 días."}}
    )
    world.agency_a.phone = "206-555-0199"
    world.agency_a.hours = "9 to 5"
    world.agency_a.translations = {"es": {"hours": "de 9 a 5"}}
    world.agency_a.save()
    app = make_application(world.program_a, world.version_a, language="es", email="es@x.org")
    review_services.application_set_status(
        application=app, status=Status.IN_REVIEW, acting_user=world.caseworker_a
    )
    with django_capture_on_commit_callbacks(execute=True):
        review_services.application_set_status(
            application=app,
            status=Status.DENIED,
            note="INTERNAL reason",
            resident_message="Sus ingresos superan el límite.",
            acting_user=world.caseworker_a,
        )
    body = mailoutbox[-1].body
    assert "Sus ingresos superan el límite." in body
    assert "Cómo apelar: Llame en 90 días." in body
    assert "206-555-0199" in body and "de 9 a 5" in body
    assert "INTERNAL" not in body
