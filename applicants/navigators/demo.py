"""Demo community navigators for `make demo`: one partner organization with a navigator and
a supervisor navigator (see docs/navigators.md).

Navigators sign in on the resident sign-in page (`/account/sign-in/`) with their email
address, so their usernames are email addresses, as residents' are. They are not admin
staff.
"""

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction

from applicants.navigators.models import NavigatorMembership, PartnerOrganization

DEMO_ORGANIZATION = {
    "slug": "rainier-valley-frc",
    "name": "Rainier Valley Family Resource Center",
    "contact_email": "help@rainier-valley-frc.demo.civiportal.local",
    "contact_phone": "(206) 555-0142",
}
# email (the sign-in), first name, last name, role
DEMO_NAVIGATORS = [
    ("navigator@rainier-valley-frc.demo.civiportal.local", "Maya", "Tran", "navigator"),
    ("supervisor@rainier-valley-frc.demo.civiportal.local", "Daniel", "Okafor", "supervisor"),
]


@transaction.atomic
def demo_partners_create() -> list[tuple[str, str, str]]:
    """Create (or refresh) the demo partner organization and its two navigator accounts,
    each with a new password.

    Returns (email, password, description) rows to print, navigator first. Idempotent:
    running it again changes the passwords and nothing else.
    """
    slug = DEMO_ORGANIZATION["slug"]
    organization, _created = PartnerOrganization.objects.update_or_create(
        slug=slug,
        defaults={**{k: v for k, v in DEMO_ORGANIZATION.items() if k != "slug"}, "is_active": True},
    )
    rows = []
    for email, first_name, last_name, role in DEMO_NAVIGATORS:
        password = secrets.token_urlsafe(9)
        user, _created = get_user_model().objects.get_or_create(
            username=email, defaults={"email": email}
        )
        user.email = email
        user.first_name, user.last_name = first_name, last_name
        # A navigator works on the resident side only; never admin access.
        user.is_staff = user.is_superuser = False
        user.is_active = True
        user.set_password(password)
        user.save()
        NavigatorMembership.objects.update_or_create(
            user=user, defaults={"organization": organization, "role": role}
        )
        rows.append((email, password, f"{role} at {organization.name} (sign in at /navigator/)"))
    return rows
