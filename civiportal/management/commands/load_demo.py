import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from agencies.demo import demo_staff_create
from applicants.navigators.demo import demo_partners_create
from eligibility.table_models import TableChange
from eligibility.table_selectors import seed_document
from eligibility.table_services import table_document_import
from programs.demo import CATALOG_DIR, DEMO_FILE, demo_programs_load
from programs.documents.errors import DocumentInvalid

DEMO_USERS = [
    # username, description, is_superuser
    ("admin", "superuser: everything in the admin", True),
]


class Command(BaseCommand):
    help = (
        "Load the demo programs and the Washington starter catalog and create demo users, "
        "printing their fresh passwords."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        # The shipped reference tables first (the migration seeds only a new database): a
        # period added to the seed document reaches an existing demo on its next load. One
        # table at a time, so a table whose change is refused (an admin changed it, or a new
        # period would start inside one programs have used) does not hold back the others.
        seed = seed_document()
        added = 0
        for entry in seed["tables"]:
            try:
                with transaction.atomic():
                    tables = table_document_import(
                        data={**seed, "tables": [entry]}, via=TableChange.Via.SEED
                    )
            except DocumentInvalid as error:
                self.stderr.write(f"Reference table {entry['key']} left as it is:\n{error}")
            else:
                added += len(tables.periods_added) + len(tables.periods_changed)
        self.stdout.write(f"Reference tables: {added} periods added or corrected.")
        for title, path in (("Demo programs", DEMO_FILE), ("Washington catalog", CATALOG_DIR)):
            loaded, current = demo_programs_load(path=path)
            self.stdout.write(
                f"{title}: {len(loaded)} published now, {len(current)} already up to date."
            )
        user_model = get_user_model()
        lines = []
        for username, description, is_superuser in DEMO_USERS:
            password = secrets.token_urlsafe(9)
            user, _created = user_model.objects.get_or_create(
                username=username, defaults={"email": f"{username}@demo.civiportal.local"}
            )
            user.is_staff = True
            user.is_superuser = is_superuser
            user.set_password(password)
            user.save()
            lines.append(f"  {username:<14} {password:<14} {description}")
        # Role groups and caseworker/supervisor accounts for two agencies (agencies.demo).
        for username, password, description in demo_staff_create():
            lines.append(f"  {username:<14} {password:<14} {description}")
        # A partner organization with a navigator and a supervisor (applicants.navigators.demo):
        # they sign in with their email address at /account/sign-in/, not in the admin.
        for email, password, description in demo_partners_create():
            lines.append(f"  {email:<14} {password:<14} {description}")
        self.stdout.write("Demo users (passwords are new on every run):")
        self.stdout.write("\n".join(lines))
