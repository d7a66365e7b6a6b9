from django.apps import AppConfig


class CiviportalConfig(AppConfig):
    name = "civiportal"
    verbose_name = "CiviPortal"

    def ready(self):
        # Registers the deployment checks and the sign-in signal receivers.
        from civiportal import checks, login_throttle, middleware  # noqa: F401
