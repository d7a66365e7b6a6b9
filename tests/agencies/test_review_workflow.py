"""The review workflow: transitions, notes, bulk changes, assignment and the audit trail."""

import pytest

from agencies.review import services
from agencies.review.models import AuditEvent, AuditEventIsAppendOnly, ResidentNotification
from agencies.review.workflow import (
    TRANSITIONS,
    InvalidStatusTransition,
    NoteRequired,
    Status,
    allowed_transitions,
)
from applicants.models import Application
from tests.agencies import review_support
from tests.agencies.review_support import make_application

world = review_support.world


def test_every_status_has_a_row_in_the_transition_table():
    assert set(TRANSITIONS) == set(Status.values)
    for targets in TRANSITIONS.values():
        assert targets <= set(Status.values)


def test_decisions_and_withdrawals_are_final():
    for status in (Status.APPROVED, Status.DENIED, Status.WITHDRAWN):
        assert allowed_transitions(status) == frozenset()


@pytest.mark.parametrize(
    ("path", "note"),
    [
        ([Status.IN_REVIEW, Status.APPROVED], ""),
        ([Status.IN_REVIEW, Status.DENIED], "Income above the limit"),
        (
            [Status.IN_REVIEW, Status.MORE_INFO_NEEDED, Status.RESUBMITTED, Status.IN_REVIEW],
            "Send a pay stub",
        ),
        ([Status.WITHDRAWN], ""),
    ],
)
def test_allowed_paths_are_followed_and_audited(world, path, note):
    app = world.app_a
    for status in path:
        before = app.status
        services.application_set_status(
            application=app, status=status, note=note, acting_user=world.caseworker_a
        )
        app.refresh_from_db()
        assert app.status == status
        event = AuditEvent.objects.filter(application=app).order_by("-pk").first()
        assert event.action == AuditEvent.Action.STATUS_CHANGED
        assert event.actor == world.caseworker_a
        assert event.before == {"status": before}
        assert event.after == {"status": status}
        assert event.agency_id == world.agency_a.pk
    assert ResidentNotification.objects.filter(application=app).count() == len(path)


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (Status.SUBMITTED, Status.APPROVED),
        (Status.SUBMITTED, Status.DENIED),
        (Status.SUBMITTED, Status.RESUBMITTED),
        (Status.APPROVED, Status.IN_REVIEW),
        (Status.DENIED, Status.APPROVED),
        (Status.WITHDRAWN, Status.IN_REVIEW),
        (Status.IN_REVIEW, Status.SUBMITTED),
        (Status.IN_REVIEW, "archived"),
    ],
)
def test_forbidden_transitions_raise_and_change_nothing(world, start, target):
    Application.objects.filter(pk=world.app_a.pk).update(status=start)
    with pytest.raises(InvalidStatusTransition):
        services.application_set_status(
            application=world.app_a, status=target, note="a note", acting_user=world.caseworker_a
        )
    world.app_a.refresh_from_db()
    assert world.app_a.status == start
    assert not AuditEvent.objects.filter(application=world.app_a).exists()
    assert not ResidentNotification.objects.exists()


@pytest.mark.parametrize("note", ["", "   "])
def test_denial_without_a_note_is_refused(world, note):
    Application.objects.filter(pk=world.app_a.pk).update(status=Status.IN_REVIEW)
    with pytest.raises(NoteRequired, match="needs a note"):
        services.application_set_status(
            application=world.app_a, status=Status.DENIED, note=note, acting_user=world.caseworker_a
        )
    world.app_a.refresh_from_db()
    assert world.app_a.status == Status.IN_REVIEW


def test_bulk_change_moves_only_the_allowed_rows(world):
    submitted = world.app_a
    approved = make_application(world.program_a, world.version_a, status=Status.APPROVED)
    in_review = make_application(world.program_a, world.version_a, status=Status.IN_REVIEW)
    result = services.applications_bulk_set_status(
        applications=[submitted, approved, in_review],
        status=Status.IN_REVIEW,
        note="",
        acting_user=world.supervisor_a,
    )
    assert [a.pk for a in result.changed] == [submitted.pk]
    assert {a.pk for a, _reason in result.skipped} == {approved.pk, in_review.pk}
    assert all("cannot move" in reason for _a, reason in result.skipped)
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert statuses[submitted.pk] == Status.IN_REVIEW
    assert statuses[approved.pk] == Status.APPROVED
    assert AuditEvent.objects.filter(action=AuditEvent.Action.STATUS_CHANGED).count() == 1


def test_assignment_only_to_members_of_the_agency(world):
    services.application_assign(
        application=world.app_a, assignee=world.caseworker_a2, acting_user=world.supervisor_a
    )
    world.app_a.refresh_from_db()
    assert world.app_a.assignee == world.caseworker_a2
    event = AuditEvent.objects.get(action=AuditEvent.Action.ASSIGNED)
    assert event.after["assignee"] == world.caseworker_a2.pk
    with pytest.raises(services.InvalidAssignee):
        services.application_assign(
            application=world.app_a, assignee=world.caseworker_b, acting_user=world.supervisor_a
        )
    world.app_a.refresh_from_db()
    assert world.app_a.assignee == world.caseworker_a2


def test_notes_are_audited_and_empty_notes_refused(world):
    services.application_add_note(
        application=world.app_a, note="Called the resident", acting_user=world.caseworker_a
    )
    assert AuditEvent.objects.get(action=AuditEvent.Action.NOTE_ADDED).note == "Called the resident"
    with pytest.raises(services.EmptyNote):
        services.application_add_note(application=world.app_a, note=" ", acting_user=None)


def test_audit_events_cannot_be_changed_or_deleted_through_the_model(world):
    event = services.application_add_note(
        application=world.app_a, note="original", acting_user=world.caseworker_a
    )
    event.note = "rewritten"
    with pytest.raises(AuditEventIsAppendOnly):
        event.save()
    with pytest.raises(AuditEventIsAppendOnly):
        event.delete()
    with pytest.raises(AuditEventIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(note="rewritten")
    with pytest.raises(AuditEventIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AuditEventIsAppendOnly):
        world.app_a.audit_events.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).note == "original"
