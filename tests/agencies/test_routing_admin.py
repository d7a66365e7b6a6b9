"""The routing admin (agencies and their deliveries) shows staff only their own agencies."""

from django.contrib.auth.models import Permission
from django.urls import reverse

from agencies.review.models import AgencyMembership
from agencies.routing.models import AgencyChannel, Delivery
from tests.agencies import review_support
from tests.factories import ApplicationFactory, UserFactory

world = review_support.world


def _delivery(n):
    application = ApplicationFactory()
    agency = application.program.agency
    channel = AgencyChannel.objects.create(agency=agency, kind=AgencyChannel.Kind.INTERNAL)
    Delivery.objects.create(application=application, agency=agency, channel=channel)


def test_delivery_changelist_filter_names_only_the_staff_members_agencies(client, db):
    _delivery(0)
    _delivery(1)
    own, other = (d.agency for d in Delivery.objects.order_by("pk"))
    user = UserFactory(is_staff=True)
    AgencyMembership.objects.create(user=user, agency=own)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="agencies", codename="view_delivery")
    )
    client.force_login(user)

    response = client.get(reverse("admin:agencies_delivery_changelist"))

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == list(Delivery.objects.filter(agency=own))
    content = response.content.decode()
    assert f"agency__id__exact={other.pk}" not in content
    assert f">{other.name}<" not in content


def test_agency_staff_see_only_their_agencies_and_city_roles_see_all(world, client):
    changelist = reverse("admin:organizations_agency_changelist")
    client.force_login(world.caseworker_a)
    page = client.get(changelist)
    assert page.status_code == 200
    assert "Housing Agency" in page.text and "Food Agency" not in page.text
    other = reverse("admin:organizations_agency_change", args=[world.agency_b.pk])
    assert client.get(other).status_code in {302, 404}

    client.force_login(world.city_admin)
    page = client.get(changelist)
    assert page.status_code == 200
    assert "Housing Agency" in page.text and "Food Agency" in page.text
