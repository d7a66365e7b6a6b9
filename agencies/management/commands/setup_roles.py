from django.core.management.base import BaseCommand

from agencies.review.roles import ROLE_PERMISSIONS, roles_setup


class Command(BaseCommand):
    help = "Create or update the staff role groups with exactly their permissions."

    def handle(self, *args, **options):
        missing = roles_setup()
        for name in ROLE_PERMISSIONS:
            self.stdout.write(f"  {name}")
        for name, codes in missing.items():
            self.stderr.write(f"  {name}: skipped unknown permissions {', '.join(codes)}")
        self.stdout.write(self.style.SUCCESS("Roles are up to date."))
