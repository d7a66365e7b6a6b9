"""The caseworker home: what agency staff land on at /admin/, scoped to their agencies,
with counts, at a query count that does not grow with agencies or applications."""

from django.urls import reverse

from agencies.review.workflow import Status
from applicants.models import Application
from tests.agencies import review_support
from tests.agencies.review_support import make_application, published_version, staff
from tests.factories import AgencyFactory, ProgramFactory

world = review_support.world


def sections(response) -> dict:
    return {entry["section"].key: entry["section"] for entry in response.context["home_sections"]}


def test_caseworker_lands_on_their_home_with_their_counts(world, client):
    mine = make_application(world.program_a, world.version_a, assignee=world.caseworker_a)
    answered = make_application(world.program_a, world.version_a, status=Status.RESUBMITTED)
    make_application(world.program_a, world.version_a, status=Status.APPROVED)
    make_application(
        world.program_a, world.version_a, status=Status.DENIED, assignee=world.caseworker_a
    )
    client.force_login(world.caseworker_a)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert response.templates[0].name == "admin/agencies/home.html"
    found = sections(response)
    # A decided application assigned to me is no longer work.
    assert found["mine"].count == 1 and found["mine"].rows == [mine]
    # Submitted (app_a, mine) and resubmitted count as waiting on the agency.
    assert found["waiting"].count == 3
    assert found["resubmitted"].count == 1 and found["resubmitted"].rows == [answered]
    html = response.content.decode()
    assert 'Assigned to me <span class="home-count">(1)</span>' in html
    assert mine.reference in html and answered.reference in html


def test_a_caseworker_never_sees_another_agencys_counts_or_rows(world, client):
    for _ in range(3):
        make_application(world.program_b, world.version_b, status=Status.RESUBMITTED)
    client.force_login(world.caseworker_a)

    found = sections(client.get(reverse("admin:index")))

    assert found["waiting"].count == 1
    assert found["waiting"].rows == [world.app_a]
    assert found["resubmitted"].count == 0
    assert all(row.program.agency_id == world.agency_a.pk for s in found.values() for row in s.rows)


def test_staff_outside_any_agency_keep_the_plain_admin_index(world, client):
    client.force_login(world.city_admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "home_sections" not in response.context


def test_home_query_count_does_not_grow_with_agencies_or_applications(
    world, client, django_assert_max_num_queries
):
    # Every section has rows already, so each list query is made in both measurements.
    make_application(
        world.program_a, world.version_a, status=Status.RESUBMITTED, assignee=world.supervisor_a
    )
    client.force_login(world.supervisor_a)
    client.get(reverse("admin:index"))  # warm per-process caches (content types, ...)
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("admin:index"))
    for n in range(4):
        agency = AgencyFactory(name=f"Agency {n}", slug=f"agency-{n}")
        program = ProgramFactory(slug=f"program-{n}", name=f"Program {n}", agency=agency)
        version = published_version(program)
        staff(f"member-{n}", agency=agency).agency_memberships.create(
            agency=world.agency_a, role="caseworker"
        )
        world.supervisor_a.agency_memberships.create(agency=agency, role="supervisor")
        for status in (Status.SUBMITTED, Status.RESUBMITTED, Status.IN_REVIEW):
            make_application(program, version, status=status, assignee=world.supervisor_a)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("admin:index"))
    found = sections(response)
    assert found["mine"].count == 13 and len(found["mine"].rows) == 5
    assert (
        found["waiting"].count
        == Application.objects.exclude(program__agency=world.agency_b)
        .filter(status__in=[Status.SUBMITTED, Status.RESUBMITTED, Status.IN_REVIEW])
        .count()
    )


def test_each_count_links_to_the_queue_listing_the_same_applications(world, client):
    make_application(world.program_a, world.version_a, assignee=world.caseworker_a)
    make_application(
        world.program_a, world.version_a, status=Status.APPROVED, assignee=world.caseworker_a
    )
    make_application(world.program_a, world.version_a, status=Status.RESUBMITTED)
    make_application(world.program_a, world.version_a, status=Status.MORE_INFO_NEEDED)
    make_application(world.program_b, world.version_b, status=Status.RESUBMITTED)
    client.force_login(world.caseworker_a)

    for entry in client.get(reverse("admin:index")).context["home_sections"]:
        queue = client.get(entry["queue_url"])
        assert queue.status_code == 200, entry["queue_url"]
        listed = {app.pk for app in queue.context["cl"].result_list}
        assert len(listed) == entry["section"].count, entry["section"].key
        assert {app.pk for app in entry["section"].rows} <= listed


def test_renewals_due_are_counted_for_the_caseworkers_agencies_only(world, client):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    due = make_application(world.program_a, world.version_a, status=Status.APPROVED)
    later = make_application(world.program_a, world.version_a, status=Status.APPROVED)
    elsewhere = make_application(world.program_b, world.version_b, status=Status.APPROVED)
    Application.objects.filter(pk__in=[due.pk, elsewhere.pk]).update(
        certified_until=today + timedelta(days=20)
    )
    Application.objects.filter(pk=later.pk).update(certified_until=today + timedelta(days=90))
    client.force_login(world.caseworker_a)

    response = client.get(reverse("admin:index"))

    found = sections(response)
    assert found["renewals"].count == 1 and found["renewals"].rows == [due]
    html = response.content.decode()
    assert 'Renewal due within 60 days <span class="home-count">(1)</span>' in html
    queue = client.get(reverse("admin:applicants_application_changelist") + "?work=renewal_due")
    assert [app.pk for app in queue.context["cl"].result_list] == [due.pk]
