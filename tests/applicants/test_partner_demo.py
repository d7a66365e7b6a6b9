"""`make demo` creates a partner organization with a navigator and a supervisor navigator
whose printed passwords work on the resident sign-in page."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from applicants.navigators.demo import DEMO_NAVIGATORS, demo_partners_create
from applicants.navigators.models import (
    NavigatorMembership,
    PartnerAccessEvent,
    PartnerOrganization,
)

pytestmark = pytest.mark.django_db

NAVIGATOR, SUPERVISOR = (row[0] for row in DEMO_NAVIGATORS)


def counts():
    return {
        "organizations": PartnerOrganization.objects.count(),
        "memberships": NavigatorMembership.objects.count(),
        "users": get_user_model().objects.count(),
    }


def printed_passwords(out: str) -> dict[str, str]:
    return dict(re.findall(r"^\s+(\S+@rainier-valley-frc\S*)\s+(\S+)\s", out, re.MULTILINE))


def sign_in(email: str, password: str) -> Client:
    browser = Client()
    response = browser.post(
        "/account/sign-in/?next=/navigator/", {"email": email, "password": password}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response.headers["Location"] == "/navigator/"
    return browser


def test_load_demo_creates_the_partner_organization_and_navigators_idempotently(capsys):
    call_command("load_demo")
    first = counts()
    first_passwords = printed_passwords(capsys.readouterr().out)
    call_command("load_demo")
    assert counts() == first
    passwords = printed_passwords(capsys.readouterr().out)

    assert first["organizations"] == 1 and first["memberships"] == 2
    organization = PartnerOrganization.objects.get()
    assert organization.name == "Rainier Valley Family Resource Center"
    assert organization.is_active
    roles = dict(NavigatorMembership.objects.values_list("user__username", "role"))
    assert roles == {NAVIGATOR: "navigator", SUPERVISOR: "supervisor"}
    for user in get_user_model().objects.filter(username__in=roles):
        assert not user.is_staff and not user.is_superuser
        assert user.email == user.username
        assert user.get_full_name()

    # Fresh passwords on every run, as for the other demo users: only the latest work.
    assert set(passwords) == {NAVIGATOR, SUPERVISOR}
    assert passwords[NAVIGATOR] != first_passwords[NAVIGATOR]
    assert Client().login(username=NAVIGATOR, password=first_passwords[NAVIGATOR]) is False

    navigator = sign_in(NAVIGATOR, passwords[NAVIGATOR])
    page = navigator.get("/navigator/")
    assert page.status_code == 200
    assert "Rainier Valley Family Resource Center" in page.content.decode()
    assert navigator.get("/navigator/figures/").status_code == 403
    assert navigator.get("/admin/").status_code == 302  # not staff: back to the admin login

    supervisor = sign_in(SUPERVISOR, passwords[SUPERVISOR])
    assert supervisor.get("/navigator/figures/").status_code == 200
    assert PartnerAccessEvent.objects.filter(
        actor__username=SUPERVISOR, action=PartnerAccessEvent.Action.FIGURES_VIEWED
    ).exists()


def test_demo_partners_restores_a_changed_organization_and_membership():
    demo_partners_create()
    organization = PartnerOrganization.objects.get()
    organization.is_active = False
    organization.save()
    membership = NavigatorMembership.objects.get(user__username=SUPERVISOR)
    membership.role = NavigatorMembership.Role.NAVIGATOR
    membership.save()

    rows = demo_partners_create()

    assert [row[0] for row in rows] == [NAVIGATOR, SUPERVISOR]
    assert PartnerOrganization.objects.get().is_active
    assert NavigatorMembership.objects.get(user__username=SUPERVISOR).is_supervisor
    assert counts() == {"organizations": 1, "memberships": 2, "users": 2}
