"""Every audit trail in the portal refuses changes and deletions, row by row and in bulk."""

import pytest

from agencies.review.models import AuditEvent, AuditEventIsAppendOnly
from agencies.routing.models import DeliveryEvent
from applicants.navigators.models import PartnerAccessEvent, PartnerAccessEventIsAppendOnly
from civiportal.append_only import AppendOnlyError
from tests.factories import ApplicationFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "error", "make"),
    [
        (AuditEvent, AuditEventIsAppendOnly, lambda: {"action": "note_added", "note": "x"}),
        (
            PartnerAccessEvent,
            PartnerAccessEventIsAppendOnly,
            lambda: {"action": "clients_listed"},
        ),
    ],
)
def test_trails_refuse_updates_and_deletes(model, error, make):
    row = model.objects.create(**make())
    for attempt in (
        row.save,
        row.delete,
        lambda: model.objects.filter(pk=row.pk).update(action="x"),
        lambda: model.objects.filter(pk=row.pk).delete(),
    ):
        with pytest.raises(error):
            attempt()
    assert issubclass(error, AppendOnlyError)
    assert model.objects.filter(pk=row.pk).exists()


@pytest.mark.django_db
def test_delivery_history_is_append_only():
    from agencies.routing.models import AgencyChannel, Delivery

    application = ApplicationFactory()
    channel = AgencyChannel.objects.create(agency=application.program.agency, kind="internal")
    delivery = Delivery.objects.create(
        application=application, agency=application.program.agency, channel=channel
    )
    event = DeliveryEvent.objects.create(delivery=delivery, action="created")
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        DeliveryEvent.objects.filter(pk=event.pk).delete()
