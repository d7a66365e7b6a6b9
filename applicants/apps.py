from django.apps import AppConfig


class ApplicantsConfig(AppConfig):
    name = "applicants"

    def ready(self):
        # Registers the account emails' send-time renderer with notifications.
        from applicants import accounts  # noqa: F401
