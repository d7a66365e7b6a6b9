from django.core.management.base import BaseCommand

from applicants.services import guest_applicants_purge


class Command(BaseCommand):
    help = (
        "Delete guest applicants whose session has expired (older than SESSION_COOKIE_AGE) "
        "and who never submitted. Run daily (cron or Celery beat)."
    )

    def handle(self, *args, **options):
        deleted = guest_applicants_purge()
        self.stdout.write(f"Deleted {deleted} rows of expired guests.")
