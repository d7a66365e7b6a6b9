from django.apps import AppConfig


class CiviportalConfig(AppConfig):
    name = "civiportal"
    verbose_name = "CiviPortal"

    def ready(self):
        from civiportal import checks  # noqa: F401  (registers the deployment checks)
