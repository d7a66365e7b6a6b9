"""Agency scoping in the admin: a caseworker of agency A reaches none of agency B's
applications through any URL, action or upload; anonymous users go to the login page."""

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.urls import reverse

from agencies.review import services
from agencies.review.models import AgencyMembership, AuditEvent, ResidentNotification
from agencies.review.workflow import Status
from applicants.models import Application
from tests.agencies import review_support
from tests.factories import AgencyFactory, UserFactory

stored_file = review_support.stored_file
world = review_support.world


def application_urls(app):
    """Every admin URL that names one application, with the method to call it."""
    pk = app.pk
    return [
        ("get", reverse("admin:applicants_application_change", args=[pk])),
        ("get", reverse("admin:applicants_application_history", args=[pk])),
        ("get", reverse("admin:applicants_application_delete", args=[pk])),
        ("post", reverse("admin:applicants_application_delete", args=[pk])),
        ("post", reverse("admin:applicants_application_status", args=[pk])),
        ("post", reverse("admin:applicants_application_assign", args=[pk])),
        ("post", reverse("admin:applicants_application_note", args=[pk])),
        ("post", reverse("admin:applicants_application_reveal", args=[pk])),
        ("get", reverse("admin:applicants_application_file", args=[pk, 0])),
    ]


def post_data(app):
    return {
        "status": Status.IN_REVIEW,
        "note": "sneaky",
        "assignee": "",
        "assign_to_me": "1",
        "key": "applicant.ssn",
        "post": "yes",
    }


def test_caseworker_of_a_gets_404_or_403_on_every_url_of_b(world, client, stored_file):
    Application.objects.filter(pk=world.app_b.pk).update(
        answers={**world.app_b.answers, "documents.proof_of_income": stored_file}
    )
    services.application_add_note(application=world.app_b, note="b only", acting_user=None)
    client.force_login(world.caseworker_a)
    for method, url in application_urls(world.app_b):
        response = client.get(url) if method == "get" else client.post(url, post_data(world.app_b))
        assert response.status_code in (403, 404), (method, url, response.status_code)
    # The bare object URL redirects to the change view, which is a 404.
    response = client.get(f"/admin/applicants/application/{world.app_b.pk}/", follow=True)
    assert response.status_code == 404
    world.app_b.refresh_from_db()
    assert world.app_b.status == Status.SUBMITTED
    assert world.app_b.assignee is None
    assert not AuditEvent.objects.filter(application=world.app_b, actor=world.caseworker_a).exists()


def test_same_urls_work_for_a_caseworker_of_b(world, client, stored_file):
    """The 404s above come from scoping, not from broken URLs."""
    Application.objects.filter(pk=world.app_b.pk).update(
        answers={**world.app_b.answers, "documents.proof_of_income": stored_file}
    )
    client.force_login(world.caseworker_b)
    pk = world.app_b.pk
    assert client.get(reverse("admin:applicants_application_change", args=[pk])).status_code == 200
    assert client.get(reverse("admin:applicants_application_history", args=[pk])).status_code == 200
    download = client.get(reverse("admin:applicants_application_file", args=[pk, 0]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"
    assert "attachment" in download["Content-Disposition"]
    assert AuditEvent.objects.filter(
        application=world.app_b, action=AuditEvent.Action.FILE_DOWNLOADED
    ).exists()


def test_changelist_and_filters_never_show_b(world, client):
    client.force_login(world.caseworker_a)
    url = reverse("admin:applicants_application_changelist")
    response = client.get(url)
    assert response.status_code == 200
    assert world.app_a.reference in response.text
    assert world.app_b.reference not in response.text
    assert "Food Help" not in response.text  # B's program is not even a filter choice
    for query in (
        {"program__id__exact": world.program_b.pk},
        {"q": world.app_b.reference},
        {"q": "bo@example.org"},
    ):
        response = client.get(url, query)
        assert response.status_code == 200
        assert world.app_b not in list(response.context["cl"].result_list)


def test_actions_on_b_are_refused(world, client):
    client.force_login(world.supervisor_a)
    url = reverse("admin:applicants_application_changelist")
    for action, extra in [
        ("start_review", {}),
        ("assign_to_me", {}),
        ("change_status", {"apply": "1", "status": Status.IN_REVIEW, "note": "x"}),
    ]:
        response = client.post(
            url,
            {"action": action, ACTION_CHECKBOX_NAME: [world.app_b.pk, world.app_a.pk], **extra},
        )
        assert response.status_code == 403, action
    world.app_b.refresh_from_db()
    world.app_a.refresh_from_db()
    assert world.app_b.status == world.app_a.status == Status.SUBMITTED
    assert world.app_b.assignee is None


def test_csv_upload_cannot_touch_b(world, client):
    client.force_login(world.supervisor_a)
    url = reverse("admin:applicants_application_csv_upload")
    csv_text = f"reference,status,note\n{world.app_b.reference},in_review,\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(url, {"csv_file": SimpleUploadedFile("s.csv", csv_text.encode())})
    assert response.status_code == 400
    assert "No application with this reference in your agencies" in response.text
    # Confirming anyway (a forged form) changes nothing either.
    response = client.post(url, {"confirm": "1", "csv_text": csv_text})
    assert response.status_code == 400
    world.app_b.refresh_from_db()
    assert world.app_b.status == Status.SUBMITTED


def test_audit_trail_and_notifications_of_b_are_out_of_reach(world, client):
    services.application_set_status(
        application=world.app_b, status=Status.IN_REVIEW, note="", acting_user=world.caseworker_b
    )
    event = AuditEvent.objects.get(application=world.app_b)
    notification = ResidentNotification.objects.get(application=world.app_b)
    client.force_login(world.caseworker_a)
    response = client.get(reverse("admin:agencies_auditevent_changelist"))
    assert response.status_code == 200
    assert world.app_b.reference not in response.text
    assert (
        client.get(reverse("admin:agencies_auditevent_change", args=[event.pk])).status_code == 404
    )
    assert client.get(
        reverse("admin:agencies_residentnotification_change", args=[notification.pk])
    ).status_code in (403, 404)


def test_dashboard_and_reach_need_their_permissions(world, client):
    dashboard = reverse("admin:applicants_application_dashboard")
    reach = reverse("admin:applicants_application_reach")
    upload = reverse("admin:applicants_application_csv_upload")
    client.force_login(world.caseworker_a)
    assert client.get(dashboard).status_code == 403
    assert client.get(reach).status_code == 403
    client.force_login(world.city_admin)
    assert client.get(dashboard).status_code == 403
    assert client.get(upload).status_code == 403
    assert client.get(reverse("admin:applicants_application_changelist")).status_code == 403
    assert client.get(reach).status_code == 200
    client.force_login(world.supervisor_a)
    response = client.get(dashboard)
    assert response.status_code == 200
    assert "Rent Help" in response.text
    assert "Food Help" not in response.text


def test_anonymous_users_are_sent_to_login(world, client):
    urls = [u for _m, u in application_urls(world.app_b)] + [
        reverse("admin:applicants_application_changelist"),
        reverse("admin:applicants_application_dashboard"),
        reverse("admin:applicants_application_reach"),
        reverse("admin:applicants_application_csv_upload"),
        reverse("admin:agencies_auditevent_changelist"),
    ]
    login = reverse("admin:login")
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(login), url
    response = client.post(reverse("admin:applicants_application_status", args=[world.app_b.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(login)


def test_audit_events_are_read_only_in_the_admin_even_for_superusers(world, client):
    event = services.application_add_note(
        application=world.app_a, note="original", acting_user=world.caseworker_a
    )
    client.force_login(world.superuser)
    change = reverse("admin:agencies_auditevent_change", args=[event.pk])
    response = client.get(change)
    assert response.status_code == 200
    assert 'name="note"' not in response.text  # shown read-only, not as a field
    assert client.post(change, {"note": "rewritten"}).status_code == 403
    assert client.get(reverse("admin:agencies_auditevent_add")).status_code == 403
    delete = reverse("admin:agencies_auditevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    response = client.post(
        reverse("admin:agencies_auditevent_changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [event.pk], "post": "yes"},
    )
    assert AuditEvent.objects.get(pk=event.pk).note == "original"


def test_staff_cannot_add_a_membership_of_an_agency_they_do_not_work_for(client, db):
    own, other = AgencyFactory(), AgencyFactory()
    user = UserFactory(is_staff=True)
    AgencyMembership.objects.create(user=user, agency=own)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="agencies",
            codename__in=["add_agencymembership", "view_agencymembership"],
        )
    )
    client.force_login(user)
    url = reverse("admin:agencies_agencymembership_add")

    response = client.post(
        url, {"user": user.pk, "agency": other.pk, "role": AgencyMembership.Role.CASEWORKER}
    )

    assert response.status_code == 200
    assert "agency" in response.context["adminform"].form.errors
    assert not AgencyMembership.objects.filter(user=user, agency=other).exists()
    choices = [
        value for value, _label in response.context["adminform"].form.fields["agency"].choices
    ]
    assert other.pk not in [getattr(v, "value", v) for v in choices]
    colleague = UserFactory()
    response = client.post(
        url, {"user": colleague.pk, "agency": own.pk, "role": AgencyMembership.Role.CASEWORKER}
    )
    assert response.status_code == 302
    assert AgencyMembership.objects.filter(user=colleague, agency=own).exists()
