"""Demo staff for the caseworker review: a caseworker and a supervisor for two agencies,
a program admin and a city admin, each in their role group (see `agencies.review.roles`)."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from agencies.review.models import AgencyMembership
from agencies.review.roles import CASEWORKER, CITY_ADMIN, PROGRAM_ADMIN, SUPERVISOR, roles_setup
from organizations.models import Agency


def _demo_user(username: str, group: str, description: str) -> tuple[str, str, str]:
    password = secrets.token_urlsafe(9)
    user, _created = get_user_model().objects.get_or_create(
        username=username, defaults={"email": f"{username}@demo.civiportal.local"}
    )
    user.is_staff = True
    user.is_superuser = False
    user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get(name=group)])
    return username, password, description


@transaction.atomic
def demo_staff_create(*, agencies: int = 2) -> list[tuple[str, str, str]]:
    """Set up the role groups and create (or refresh) the demo staff, with new passwords.

    Returns (username, password, description) rows to print. Idempotent.
    """
    roles_setup()
    rows = [
        _demo_user("programadmin", PROGRAM_ADMIN, "program admin: builds programs"),
        _demo_user("cityadmin", CITY_ADMIN, "city admin: city-wide reach report"),
    ]
    with_programs = Agency.objects.filter(programs__isnull=False).distinct().order_by("slug")
    for agency in with_programs[:agencies]:
        for role, group in (
            (AgencyMembership.Role.CASEWORKER, CASEWORKER),
            (AgencyMembership.Role.SUPERVISOR, SUPERVISOR),
        ):
            row = _demo_user(f"{role}-{agency.slug}"[:150], group, f"{role} at {agency.name}")
            user = get_user_model().objects.get(username=row[0])
            AgencyMembership.objects.update_or_create(
                user=user, agency=agency, defaults={"role": role}
            )
            rows.append(row)
    return rows
