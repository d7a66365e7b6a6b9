"""Caseworkers see renewals: marked in the queue, and the dashboard lists the approvals
ending soon with the renewal received for each (scoped to the agency)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from agencies.review.dashboard import renewals_due
from agencies.review.workflow import Status
from applicants.models import Application
from tests.agencies import review_support
from tests.agencies.review_support import make_application

world = review_support.world


def _approved(world, program, version, *, ends_in_days):
    application = make_application(program, version)
    Application.objects.filter(pk=application.pk).update(
        status=Status.APPROVED,
        certified_until=timezone.localdate() + timedelta(days=ends_in_days),
    )
    return Application.objects.get(pk=application.pk)


def test_the_queue_marks_renewals(world, client):
    renewed = _approved(world, world.program_a, world.version_a, ends_in_days=10)
    renewal = make_application(world.program_a, world.version_a, renews=renewed)
    client.force_login(world.caseworker_a)
    queue = client.get(reverse("admin:applicants_application_changelist")).content.decode()
    row = queue.split(renewal.reference, 1)[1].split("</tr>", 1)[0]
    assert '<span class="renewal-flag">Renewal</span>' in row
    plain = queue.split(world.app_a.reference, 1)[1].split("</tr>", 1)[0]
    assert "renewal-flag" not in plain


def test_the_dashboard_shows_renewals_due_scoped_soonest_first(
    world, client, django_assert_max_num_queries
):
    later = _approved(world, world.program_a, world.version_a, ends_in_days=40)
    sooner = _approved(world, world.program_a, world.version_a, ends_in_days=5)
    _approved(world, world.program_a, world.version_a, ends_in_days=90)  # not yet
    other_agency = _approved(world, world.program_b, world.version_b, ends_in_days=5)
    renewal = make_application(world.program_a, world.version_a, renews=sooner)

    with django_assert_max_num_queries(2):
        due = renewals_due(user=world.supervisor_a)
    assert [a.pk for a in due] == [sooner.pk, later.pk]
    assert due[0].renewal.pk == renewal.pk and due[1].renewal is None

    client.force_login(world.supervisor_a)
    page = client.get(reverse("admin:applicants_application_dashboard")).text
    section = page.split("Renewals due in the next 60 days", 1)[1].split("</section>", 1)[0]
    assert section.index(sooner.reference) < section.index(later.reference)
    assert renewal.reference in section and "Not received yet" in section
    assert other_agency.reference not in section
