"""The queue and the application page: the eligibility column, previous/next following
the queue's filters and order, the audit trail in words, only the actions a user may run,
and how to reach the resident, guests included."""

from urllib.parse import urlencode

from django.urls import reverse

from agencies.review import services as review_services
from agencies.review.models import AuditEvent
from agencies.review.workflow import Status
from applicants.models import Answer
from tests.agencies import review_support
from tests.agencies.review_support import make_application

world = review_support.world

CHANGELIST = "admin:applicants_application_changelist"


def detail(application, **filters):
    url = reverse("admin:applicants_application_change", args=[application.pk])
    return f"{url}?{urlencode({'_changelist_filters': urlencode(filters)})}" if filters else url


def test_queue_shows_the_eligibility_at_submission(world, client):
    unknown = make_application(world.program_a, world.version_a)
    unknown.eligibility = {"outcome": "unknown", "reasons": []}
    unknown.save(update_fields=["eligibility"])
    client.force_login(world.caseworker_a)
    response = client.get(reverse(CHANGELIST))
    html = response.content.decode()
    assert "Eligibility at submission" in html
    assert "Likely eligible" in html and "Not enough information to tell" in html
    page = client.get(detail(unknown)).content.decode()
    assert "Outcome: <strong>Not enough information to tell</strong>" in page


def test_previous_and_next_follow_the_queues_filter_and_order(
    world, client, django_assert_max_num_queries
):
    # app_a is submitted; these three are resubmitted, oldest first by creation.
    answered = [
        make_application(world.program_a, world.version_a, status=Status.RESUBMITTED)
        for _ in range(3)
    ]
    make_application(world.program_b, world.version_b, status=Status.RESUBMITTED)
    client.force_login(world.caseworker_a)

    response = client.get(detail(answered[1], status__exact="resubmitted"))
    queue = response.context["queue"]
    assert queue["previous"].reference == answered[0].reference
    assert queue["next"].reference == answered[2].reference
    # The links keep the filter, so the caseworker can walk the whole filtered queue.
    assert "_changelist_filters=status__exact%3Dresubmitted" in queue["next"].url
    last = client.get(detail(answered[2], status__exact="resubmitted")).context["queue"]
    assert last["next"] is None  # the other agency's resubmitted one is never a neighbour

    # Sorted by reference, descending: the order the caseworker chose is followed too.
    by_reference = sorted([*answered, world.app_a], key=lambda a: a.reference, reverse=True)
    middle = by_reference[1]
    index = client.get(reverse(CHANGELIST)).context["cl"].list_display.index("reference")
    with django_assert_max_num_queries(20):
        queue = client.get(detail(middle, o=f"-{index}")).context["queue"]
    assert queue["previous"].reference == by_reference[0].reference
    assert queue["next"].reference == by_reference[2].reference


def test_without_filters_the_queue_is_oldest_waiting_first(world, client):
    later = make_application(world.program_a, world.version_a)
    client.force_login(world.caseworker_a)
    queue = client.get(detail(world.app_a)).context["queue"]
    assert queue["previous"] is None
    assert queue["next"].reference == later.reference


def test_audit_trail_shows_labels_not_dicts(world, client):
    review_services.application_set_status(
        application=world.app_a, status=Status.IN_REVIEW, note="", acting_user=world.caseworker_a
    )
    review_services.application_assign(
        application=world.app_a, assignee=world.caseworker_a2, acting_user=world.caseworker_a
    )
    client.force_login(world.caseworker_a)
    html = client.get(detail(world.app_a)).content.decode()
    assert "Status: Submitted → In review" in html
    assert "Assigned to: case-a2" in html
    assert "{&#x27;status&#x27;" not in html and "{'status'" not in html

    client.force_login(world.superuser)
    listing = client.get(reverse("admin:agencies_auditevent_changelist")).content.decode()
    assert "Status: Submitted → In review" in listing
    assert "{&#x27;status&#x27;" not in listing


def test_resident_answers_are_named_not_shown_in_the_trail(world):
    from agencies.review.audit_display import audit_change_text

    event = AuditEvent(
        action=AuditEvent.Action.RESIDENT_RESPONDED,
        before={"answers": {"applicant.ssn": "111223333"}},
        after={"answers": {"applicant.ssn": "999887777"}},
    )
    assert audit_change_text(event) == "Answers changed: applicant.ssn"


def test_actions_a_user_may_not_run_are_not_offered(world, client):
    client.force_login(world.caseworker_a)
    actions = client.get(reverse(CHANGELIST)).context["action_form"].fields["action"].choices
    assert "export_selected_csv" not in dict(actions)
    client.force_login(world.supervisor_a)
    actions = client.get(reverse(CHANGELIST)).context["action_form"].fields["action"].choices
    assert "export_selected_csv" in dict(actions)


def test_a_guests_contact_is_shown(world, client):
    applicant = world.app_a.submission.applicant
    applicant.email = ""
    applicant.save(update_fields=["email"])
    Answer.objects.create(applicant=applicant, question_key="contact.preference", value="text")
    Answer.objects.create(applicant=applicant, question_key="contact.phone", value="2065550100")
    client.force_login(world.caseworker_a)
    html = client.get(detail(world.app_a)).content.decode()
    assert "Text message: 2065550100" in html


def test_a_hand_edited_queue_filter_falls_back_to_the_plain_queue(world, client):
    later = make_application(world.program_a, world.version_a)
    client.force_login(world.caseworker_a)
    for filters in ({"submitted_at__gte": "not-a-date"}, {"no_such_field": "1"}, {"o": "x.y"}):
        response = client.get(detail(world.app_a, **filters))
        assert response.status_code == 200, filters
        assert response.context["queue"]["next"].reference == later.reference


def test_the_queue_filters_by_eligibility_at_submission(world, client):
    unknown = make_application(world.program_a, world.version_a)
    unknown.eligibility = {"outcome": "unknown"}
    unknown.save(update_fields=["eligibility"])
    client.force_login(world.caseworker_a)
    listed = client.get(reverse(CHANGELIST), {"outcome": "unknown"}).context["cl"].result_list
    assert [app.pk for app in listed] == [unknown.pk]
    listed = client.get(reverse(CHANGELIST), {"outcome": "eligible"}).context["cl"].result_list
    assert [app.pk for app in listed] == [world.app_a.pk]
