from django.apps import AppConfig


class CiviportalConfig(AppConfig):
    name = "civiportal"
    verbose_name = "CiviPortal"
