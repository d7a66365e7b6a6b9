from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class AgenciesConfig(AppConfig):
    name = "agencies"

    def ready(self):
        # Celery's autodiscovery imports only `agencies.tasks`; the sub-domains keep their
        # tasks in their own packages, and a worker that never imported them discards their
        # messages (tests/civiportal/test_registered_tasks.py checks every task is reachable).
        from agencies.exports import tasks as export_tasks  # noqa: F401
        from agencies.exports.pdf_store import (
            pdfs_delete_with_application,
            pdfs_render_after_submission,
            pdfs_render_after_update,
        )
        from agencies.review.notifications import resident_notification_mark_sent
        from agencies.routing import tasks as routing_tasks  # noqa: F401
        from agencies.routing.services import route_new_submission
        from applicants.models import Application, ApplicationUpdate
        from applicants.signals import submission_created
        from notifications.signals import notification_sent

        # The outbox rows are written in the submission's own transaction.
        submission_created.connect(route_new_submission, dispatch_uid="agencies.routing")
        notification_sent.connect(
            resident_notification_mark_sent, dispatch_uid="agencies.resident_notification_sent"
        )
        # Stored PDFs are rendered after commit, in the background (exports/pdf_store.py).
        submission_created.connect(pdfs_render_after_submission, dispatch_uid="agencies.pdfs")
        post_save.connect(
            pdfs_render_after_update, sender=ApplicationUpdate, dispatch_uid="agencies.pdfs"
        )
        post_delete.connect(
            pdfs_delete_with_application, sender=Application, dispatch_uid="agencies.pdfs"
        )
