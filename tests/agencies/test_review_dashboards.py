"""The supervisor dashboard and the city-wide reach report."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from agencies.review.dashboard import review_dashboard
from agencies.review.reach import reach_report
from agencies.review.workflow import Status
from applicants.models import Application, Submission
from eligibility.models import ScreeningRecord
from tests.agencies import review_support
from tests.agencies.review_support import make_application

world = review_support.world


def test_dashboard_figures_are_scoped_and_correct(world, client):
    now = timezone.now()
    decided = []
    for days in (2, 4, 10):
        app = make_application(world.program_a, world.version_a)
        Application.objects.filter(pk=app.pk).update(
            status=Status.APPROVED,
            submitted_at=now - timedelta(days=days + 1),
            status_changed_at=now - timedelta(days=1),
        )
        decided.append(app)
    make_application(world.program_b, world.version_b, status=Status.DENIED)

    dashboard = review_dashboard(user=world.supervisor_a)
    assert [p["name"] for p in dashboard.by_program] == ["Rent Help"]
    assert dashboard.by_program[0]["counts"][Status.APPROVED] == 3
    assert dashboard.by_program[0]["counts"][Status.SUBMITTED] == 1
    assert dashboard.median_days_to_decision == 4.0
    assert dashboard.decided_count == 3
    assert sum(n for _week, n in dashboard.weeks) == 4
    assert [a.pk for a in dashboard.oldest_waiting] == [world.app_a.pk]

    client.force_login(world.supervisor_a)
    response = client.get(reverse("admin:applicants_application_dashboard"))
    assert response.status_code == 200
    assert "<svg" in response.text and '<title id="chart-title">' in response.text
    assert "<desc" in response.text
    assert world.app_a.reference in response.text
    assert world.app_b.reference not in response.text


def test_reach_report_counts_residents_not_people(world, client):
    eligible_a = world.app_a.submission.applicant  # applied to program A
    ScreeningRecord.objects.create(
        applicant=eligible_a,
        outcomes={"rent-help": "eligible", "food-help": "eligible"},
        likely_eligible_count=2,
    )
    # Screened twice while signed in: still one resident.
    ScreeningRecord.objects.create(
        applicant=eligible_a, outcomes={"rent-help": "eligible"}, likely_eligible_count=1
    )
    # Applied to B as well, from another submission: counts as applying to several.
    to_b = make_application(world.program_b, world.version_b)
    Submission.objects.filter(pk=to_b.submission_id).update(applicant=eligible_a)
    # Anonymous, eligible, never applied.
    ScreeningRecord.objects.create(outcomes={"food-help": "eligible"}, likely_eligible_count=1)
    # Anonymous, not eligible.
    ScreeningRecord.objects.create(outcomes={"food-help": "ineligible"}, likely_eligible_count=0)

    report = reach_report()
    assert report.overall.screened == 3
    assert report.overall.likely_eligible == 2
    assert report.overall.applied == 1
    assert report.overall.applied_share == 50.0
    per_program = {row.label: row for row in report.per_program}
    assert (per_program["Rent Help"].screened, per_program["Rent Help"].applied) == (1, 1)
    assert per_program["Food Help"].screened == 3
    assert per_program["Food Help"].likely_eligible == 2
    assert report.per_month[-1].screened == 3

    client.force_login(world.city_admin)
    response = client.get(reverse("admin:applicants_application_reach"))
    assert response.status_code == 200
    for personal in (world.app_a.reference, "Díaz", eligible_a.email):
        assert personal not in response.text


def test_the_admin_index_leads_each_role_to_its_page(world, client):
    client.force_login(world.city_admin)
    index = client.get(reverse("admin:index"))
    assert reverse("admin:agencies_cityreach_changelist") in index.text
    assert reverse("admin:agencies_reviewdashboard_changelist") not in index.text
    response = client.get(reverse("admin:agencies_cityreach_changelist"))
    assert response["Location"] == reverse("admin:applicants_application_reach")
    assert client.get(reverse("admin:agencies_reviewdashboard_changelist")).status_code == 403
    client.force_login(world.supervisor_a)
    index = client.get(reverse("admin:index"))
    assert reverse("admin:agencies_reviewdashboard_changelist") in index.text
    assert reverse("admin:agencies_cityreach_changelist") not in index.text


def test_reach_report_queries_do_not_grow_with_programs(world, django_assert_max_num_queries):
    from tests.factories import ProgramFactory

    ScreeningRecord.objects.create(
        outcomes={"rent-help": "eligible", "food-help": "unknown"}, likely_eligible_count=1
    )
    with django_assert_max_num_queries(12) as few:
        reach_report()
    for index in range(20):
        program = ProgramFactory(slug=f"extra-{index}", agency=world.agency_a)
        ScreeningRecord.objects.create(outcomes={program.slug: "eligible"}, likely_eligible_count=1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        report = reach_report()
    assert len(report.per_program) == 22
