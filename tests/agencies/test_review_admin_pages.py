"""The caseworker's pages: the queue, the detail, status changes from it, CSV uploads."""

from datetime import timedelta

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from agencies.review.models import AuditEvent
from agencies.review.workflow import Status
from applicants.models import Applicant, Application, Submission
from tests.agencies import review_support
from tests.agencies.review_support import make_application

world = review_support.world
stored_file = review_support.stored_file

CHANGELIST = "admin:applicants_application_changelist"


def bulk_applications(world, count: int) -> None:
    applicant = Applicant.objects.create(email="many@example.org")
    submissions = Submission.objects.bulk_create(
        Submission(applicant=applicant, submit_token=f"bulk-{n}") for n in range(count)
    )
    statuses = Status.values
    Application.objects.bulk_create(
        Application(
            submission=submission,
            program=world.program_a,
            program_version=world.version_a,
            reference=f"BULK-{n:05d}",
            answers={"applicant.name": {"first": f"Person{n}", "last": "Bulk"}},
            status=statuses[n % len(statuses)],
            assignee=world.caseworker_a2 if n % 3 else None,
        )
        for n, submission in enumerate(submissions)
    )


def test_list_query_count_is_bounded_with_1000_applications(
    world, client, django_assert_max_num_queries
):
    bulk_applications(world, 1000)
    client.force_login(world.caseworker_a)
    with django_assert_max_num_queries(10):
        response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 50
    with django_assert_max_num_queries(10):
        response = client.get(reverse(CHANGELIST), {"status__exact": "submitted", "q": "Bulk"})
    assert response.status_code == 200
    assert response.context["cl"].result_list[0].status == Status.SUBMITTED


def test_list_shows_columns_oldest_waiting_first(world, client):
    old = make_application(world.program_a, world.version_a, answers={})
    Application.objects.filter(pk=old.pk).update(
        submitted_at=timezone.now() - timedelta(days=9),
        answers={"applicant.name": {"first": "Olga", "last": "Old"}},
    )
    decided = make_application(world.program_a, world.version_a, status=Status.APPROVED)
    Application.objects.filter(pk=decided.pk).update(
        submitted_at=timezone.now() - timedelta(days=30)
    )
    client.force_login(world.caseworker_a)
    response = client.get(reverse(CHANGELIST))
    rows = list(response.context["cl"].result_list)
    # Decided applications go last even when older; waiting ones oldest first.
    assert [r.pk for r in rows] == [old.pk, world.app_a.pk, decided.pk]
    assert "Olga Old" in response.text
    assert "Rent Help" in response.text
    admin = response.context["cl"].model_admin
    assert admin.days_waiting(rows[0]) == 9
    assert admin.days_waiting(rows[2]) == "—"


def test_search_by_reference_name_and_email(world, client):
    client.force_login(world.caseworker_b)
    url = reverse(CHANGELIST)
    for term in (world.app_b.reference, "Díaz", "Ana Díaz", "bo@example.org"):
        rows = list(client.get(url, {"q": term}).context["cl"].result_list)
        assert rows == [world.app_b], term
    assert list(client.get(url, {"q": "Nobody"}).context["cl"].result_list) == []


def test_detail_shows_answers_by_screen_masked_eligibility_and_history(world, client, stored_file):
    Application.objects.filter(pk=world.app_a.pk).update(
        answers={**world.app_a.answers, "documents.proof_of_income": stored_file}
    )
    client.force_login(world.caseworker_a)
    url = reverse("admin:applicants_application_change", args=[world.app_a.pk])
    response = client.get(url)
    assert response.status_code == 200
    text = response.text
    assert "About you" in text
    assert "Your name" in text and "Ana Díaz" in text
    assert "$2,900" in text
    assert "123456789" not in text  # sensitive: masked until revealed
    assert "6789" in text  # identifiers keep their last four digits
    assert "Monthly income $2,900 is below the $3,000 limit." in text
    assert "paystub.pdf" in text
    assert reverse("admin:applicants_application_file", args=[world.app_a.pk, 0]) in text
    assert reverse("admin:agencies_application_pdf", args=[world.app_a.pk]) in text

    reveal = client.post(
        reverse("admin:applicants_application_reveal", args=[world.app_a.pk]),
        {"key": "applicant.ssn"},
    )
    assert reveal.status_code == 200
    assert "123456789" in reveal.text
    event = AuditEvent.objects.get(action=AuditEvent.Action.SENSITIVE_VIEWED)
    assert event.actor == world.caseworker_a
    assert event.after == {"question": "applicant.ssn"}


def test_reveal_needs_the_sensitive_permission(world, client):
    from django.contrib.auth.models import Permission

    world.caseworker_a.groups.clear()
    world.caseworker_a.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_application", "change_application"],
            content_type__app_label="applicants",
        )
    )
    client.force_login(world.caseworker_a)
    url = reverse("admin:applicants_application_change", args=[world.app_a.pk])
    assert "Show (recorded" not in client.get(url).text
    response = client.post(
        reverse("admin:applicants_application_reveal", args=[world.app_a.pk]),
        {"key": "applicant.ssn"},
    )
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SENSITIVE_VIEWED).exists()


def test_status_change_from_the_detail_page(world, client, django_capture_on_commit_callbacks):
    client.force_login(world.caseworker_a)
    status_url = reverse("admin:applicants_application_status", args=[world.app_a.pk])
    response = client.post(status_url, {"status": Status.APPROVED, "note": ""})
    assert response.status_code == 400  # submitted cannot be approved before review
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(status_url, {"status": Status.IN_REVIEW, "note": "Starting"})
    assert response.status_code == 302
    response = client.post(status_url, {"status": Status.DENIED, "note": ""})
    assert response.status_code == 400
    assert "needs a note" in response.text
    world.app_a.refresh_from_db()
    assert world.app_a.status == Status.IN_REVIEW
    detail = client.get(reverse("admin:applicants_application_change", args=[world.app_a.pk]))
    assert "Starting" in detail.text  # the note shows in the history


def test_notes_and_assignment_from_the_detail_page(world, client):
    client.force_login(world.caseworker_a)
    pk = world.app_a.pk
    assert (
        client.post(reverse("admin:applicants_application_note", args=[pk]), {"note": ""})
    ).status_code == 400
    client.post(
        reverse("admin:applicants_application_note", args=[pk]), {"note": "Left a voicemail"}
    )
    assert AuditEvent.objects.get(action=AuditEvent.Action.NOTE_ADDED).note == "Left a voicemail"
    # A caseworker may take an application, not hand it to someone else.
    assign = reverse("admin:applicants_application_assign", args=[pk])
    assert client.post(assign, {"assignee": world.caseworker_a2.pk}).status_code == 403
    client.post(assign, {"assign_to_me": "1"})
    world.app_a.refresh_from_db()
    assert world.app_a.assignee == world.caseworker_a
    client.force_login(world.supervisor_a)
    client.post(assign, {"assignee": world.caseworker_a2.pk})
    world.app_a.refresh_from_db()
    assert world.app_a.assignee == world.caseworker_a2
    # B's caseworker is not a choice for A's application.
    response = client.post(assign, {"assignee": world.caseworker_b.pk})
    assert response.status_code == 400
    world.app_a.refresh_from_db()
    assert world.app_a.assignee == world.caseworker_a2


def test_bulk_action_reports_skipped_rows(world, client):
    approved = make_application(world.program_a, world.version_a, status=Status.APPROVED)
    client.force_login(world.caseworker_a)
    response = client.post(
        reverse(CHANGELIST),
        {"action": "start_review", ACTION_CHECKBOX_NAME: [world.app_a.pk, approved.pk]},
        follow=True,
    )
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert any("1 application changed" in m for m in messages)
    assert any(approved.reference in m and "not changed" in m for m in messages)
    world.app_a.refresh_from_db()
    approved.refresh_from_db()
    assert (world.app_a.status, approved.status) == (Status.IN_REVIEW, Status.APPROVED)


def test_bulk_status_with_note_asks_first_then_applies(world, client):
    Application.objects.filter(pk=world.app_a.pk).update(status=Status.IN_REVIEW)
    client.force_login(world.caseworker_a)
    data = {"action": "change_status", ACTION_CHECKBOX_NAME: [world.app_a.pk]}
    page = client.post(reverse(CHANGELIST), data)
    assert page.status_code == 200
    assert "New status" in page.text
    refused = client.post(reverse(CHANGELIST), {**data, "apply": "1", "status": "denied"})
    assert "needs a note" in refused.text
    client.post(
        reverse(CHANGELIST), {**data, "apply": "1", "status": "denied", "note": "Over the limit"}
    )
    world.app_a.refresh_from_db()
    assert world.app_a.status == Status.DENIED


def csv_upload(text: str):
    return {"csv_file": SimpleUploadedFile("changes.csv", text.encode(), "text/csv")}


def test_csv_upload_previews_then_applies_in_one_go(world, client):
    second = make_application(world.program_a, world.version_a, status=Status.IN_REVIEW)
    client.force_login(world.supervisor_a)
    url = reverse("admin:applicants_application_csv_upload")
    text = (
        "reference,status,note\n"
        f"{world.app_a.reference},In review,\n"
        f"{second.reference},denied,Income over the limit\n"
    )
    preview = client.post(url, csv_upload(text))
    assert preview.status_code == 200
    assert "Apply all changes" in preview.text
    assert Application.objects.get(pk=second.pk).status == Status.IN_REVIEW  # not yet
    done = client.post(url, {"confirm": "1", "csv_text": preview.context["preview"].text})
    assert done.status_code == 302
    assert Application.objects.get(pk=world.app_a.pk).status == Status.IN_REVIEW
    assert Application.objects.get(pk=second.pk).status == Status.DENIED
    assert AuditEvent.objects.filter(action=AuditEvent.Action.BULK_UPLOAD).count() == 1


def test_csv_upload_with_a_bad_row_changes_nothing(world, client):
    second = make_application(world.program_a, world.version_a, status=Status.IN_REVIEW)
    client.force_login(world.supervisor_a)
    url = reverse("admin:applicants_application_csv_upload")
    text = (
        "reference,status,note\n"
        f"{world.app_a.reference},in_review,\n"
        f"{second.reference},denied,\n"
        "NOPE-0000,approved,\n"
        f"{world.app_a.reference},withdrawn,\n"
        f"{second.reference.lower()}x,flying,\n"
    )
    response = client.post(url, csv_upload(text))
    assert response.status_code == 400
    rows = response.context["preview"].rows
    assert rows[0].ok
    assert "needs a note" in rows[1].error
    assert "No application" in rows[2].error
    assert "more than once" in rows[3].error
    assert not rows[4].ok
    assert "Apply all changes" not in response.text
    # A forged confirm of the same text is checked again and refused as a whole.
    response = client.post(url, {"confirm": "1", "csv_text": text})
    assert response.status_code == 400
    assert Application.objects.get(pk=world.app_a.pk).status == Status.SUBMITTED
    assert not AuditEvent.objects.exists()


def test_csv_upload_file_errors_are_specific(world, client):
    client.force_login(world.supervisor_a)
    url = reverse("admin:applicants_application_csv_upload")
    for content, message in [
        (b"id,what\n1,2\n", "missing: reference, status"),
        (b"reference,status,note\n", "no changes"),
        (b"\xff\xfe\x00bad", "not UTF-8"),
    ]:
        response = client.post(url, {"csv_file": SimpleUploadedFile("x.csv", content)})
        assert response.status_code == 400
        assert message in response.text, message


def test_answers_outside_the_screens_are_still_masked(world, client):
    from tests.factories import QuestionFactory

    QuestionFactory(key="applicant.alien_number", type="identifier", sensitive=True)
    Application.objects.filter(pk=world.app_a.pk).update(
        answers={
            **world.app_a.answers,
            "applicant.alien_number": "A99887766",
            "x.unknown": "zz-unknown-answer",
        }
    )
    client.force_login(world.caseworker_a)
    text = client.get(reverse("admin:applicants_application_change", args=[world.app_a.pk])).text
    assert "A99887766" not in text
    assert "7766" in text
    # A key the bank does not know may have been sensitive: hidden until an audited Show.
    assert "zz-unknown-answer" not in text
    assert 'name="key" value="x.unknown"' in text


def test_answers_outside_the_screens_stay_masked_until_an_audited_show(world, client):
    # A key the bank no longer knows (the question was deleted after submission): even a
    # caseworker allowed to see sensitive answers sees it only after pressing Show.
    Application.objects.filter(pk=world.app_a.pk).update(
        answers={**world.app_a.answers, "legacy.alien_number": "A-987654321"}
    )
    client.force_login(world.caseworker_a)
    url = reverse("admin:applicants_application_change", args=[world.app_a.pk])
    page = client.get(url).text
    assert "Other answers" in page
    assert "A-987654321" not in page
    assert 'name="key" value="legacy.alien_number"' in page

    reveal = client.post(
        reverse("admin:applicants_application_reveal", args=[world.app_a.pk]),
        {"key": "legacy.alien_number"},
    )
    assert reveal.status_code == 200
    assert "A-987654321" in reveal.text
    event = AuditEvent.objects.get(action=AuditEvent.Action.SENSITIVE_VIEWED)
    assert event.after == {"question": "legacy.alien_number"}
