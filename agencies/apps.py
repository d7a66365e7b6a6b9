from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "agencies"

    def ready(self):
        # Celery's autodiscovery only imports `tasks` modules; the review's tasks live apart.
        from agencies import review_tasks  # noqa: F401
        from agencies.services import route_new_submission
        from applicants.signals import submission_created

        # The outbox rows are written in the submission's own transaction.
        submission_created.connect(route_new_submission, dispatch_uid="agencies.routing")
