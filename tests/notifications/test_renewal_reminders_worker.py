"""Renewal reminders through a real worker and the real Redis broker: the task beat runs
is sent by name, twice, as two beat ticks would; the reminder due today is written and
sent exactly once, and one due tomorrow is not sent yet."""

from datetime import timedelta

from django.utils import timezone

from applicants.models import Applicant
from civiportal.celery import app as celery_app
from notifications.models import Notification, NotificationEvent
from programs.models import ProgramVersion
from tests.agencies.conftest import wait_for
from tests.applicants.test_after_submitting import _decide
from tests.factories import ApplicantFactory


def _approved(submit, *, email, token, ends_in_days):
    application = submit(email=email, token=token).applications.get()
    _decide(application, "approved")
    application.refresh_from_db()
    application.certified_until = timezone.localdate() + timedelta(days=ends_in_days)
    application.save(update_fields=["certified_until"])
    return application


def test_a_reminder_is_sent_exactly_once_on_its_day(celery_worker, submit, demo_programs):
    version = demo_programs["basic-food"]
    ProgramVersion.objects.filter(pk=version.pk).update(
        certification_months=12, renewal_reminder_days=[30, 7]
    )
    due = _approved(submit, email="ana@example.org", token="t-due", ends_in_days=30)
    tomorrow = _approved(submit, email="ben@example.org", token="t-later", ends_in_days=31)
    # A forgotten guest the daily purge deletes: its task is queued after the reminders',
    # and the worker (one process) runs them in order, so once it is gone both ran.
    marker = ApplicantFactory()
    Applicant.objects.filter(pk=marker.pk).update(updated_at=timezone.now() - timedelta(days=60))

    for _tick in range(2):
        celery_app.send_task("applicants.tasks.send_renewal_reminders", queue="celery")
    celery_app.send_task("applicants.tasks.purge_guest_applicants", queue="celery")
    wait_for(lambda: not Applicant.objects.filter(pk=marker.pk).exists(), timeout=90)
    wait_for(
        lambda: Notification.objects.filter(kind="renewal", status="sent").exists(), timeout=60
    )

    reminders = list(Notification.objects.filter(kind="renewal"))
    assert [(n.application_id, n.cause_key, n.address) for n in reminders] == [
        (due.pk, f"renewal:{due.pk}:30:email", "ana@example.org")
    ]
    assert not Notification.objects.filter(application=tomorrow, kind="renewal").exists()
    sent = NotificationEvent.objects.filter(notification=reminders[0], action="sent")
    assert sent.count() == 1
