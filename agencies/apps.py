from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "agencies"

    def ready(self):
        # Celery's autodiscovery only imports `tasks` modules; the review's tasks live apart.
        from agencies import review_tasks  # noqa: F401
