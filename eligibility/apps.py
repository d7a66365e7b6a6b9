from django.apps import AppConfig


class EligibilityConfig(AppConfig):
    name = "eligibility"

    def ready(self):
        # Connects the signals that keep the cache of versions in effect per request.
        from eligibility import published  # noqa: F401
