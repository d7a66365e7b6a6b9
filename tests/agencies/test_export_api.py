"""The agency export API: keys, scoping, filters, cursor pagination, status reports."""

import datetime

import pytest
from django.utils import timezone

from agencies.exports.api_auth import api_key_create, api_key_revoke
from agencies.exports.models import AgencyApiKey
from agencies.review.models import AuditEvent, ResidentNotification
from applicants.models import Application
from tests.agencies import export_support
from tests.agencies.export_support import bearer, make_application, submitted_on

world = export_support.world
keys = export_support.keys


def get(client, url, key, **params):
    return client.get(url, params, **bearer(key))


def test_list_and_detail_are_scoped_to_the_keys_agency(client, world, keys):
    _row, key_a = keys["a"]
    body = get(client, "/api/v1/applications", key_a).json()
    assert [item["reference"] for item in body["results"]] == [world.app_a.reference]
    assert body["next_cursor"] is None
    item = body["results"][0]
    assert item["program"] == "rent-help" and item["status"] == "submitted"
    assert item["answers"]["applicant.name"] == {"first": "Ana", "last": "Díaz"}
    assert item["answers"]["income.monthly_gross"] == 290000
    # Sensitive answers are masked unless the key was allowed to read them.
    assert item["answers"]["applicant.ssn"] == "•••• 6789"
    assert item["masked_answers"] == ["applicant.ssn"]

    detail = get(client, f"/api/v1/applications/{world.app_a.reference}", key_a)
    assert detail.status_code == 200
    assert detail.json()["status_history"] == []
    # Agency B's application is a 404 for A's key, like a reference that does not exist.
    for reference in (world.app_b.reference, "APP-NOPE-NOPE"):
        response = get(client, f"/api/v1/applications/{reference}", key_a)
        assert response.status_code == 404
        assert response.json()["errors"][0]["path"] == "$.reference"
    # Naming B's program is refused, not answered with B's rows.
    response = get(client, "/api/v1/applications", key_a, program="food-help")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"path": "$.query.program", "message": "No such program in your agency."}
    ]
    reads = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORTED)
    assert reads.filter(after__export="api_list").count() == 1
    assert reads.get(after__export="api_read").application == world.app_a


def test_sensitive_key_reads_sensitive_answers(client, world):
    _row, key = api_key_create(
        agency=world.agency_a, name="trusted", created_by=None, can_view_sensitive=True
    )
    item = get(client, "/api/v1/applications", key).json()["results"][0]
    assert item["answers"]["applicant.ssn"] == "123456789" and item["masked_answers"] == []


def test_bad_missing_revoked_and_expired_keys_are_refused(client, world, keys):
    row, key = keys["a"]
    assert client.get("/api/v1/applications").status_code == 401
    for header in ("Bearer nope", f"Token {key}", f"Bearer {key[:-2]}xx"):
        response = client.get("/api/v1/applications", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert response.json()["errors"][0]["path"] == "$.headers.Authorization"
    assert get(client, "/api/v1/applications", key).status_code == 200
    row.refresh_from_db()
    assert row.last_used_at is not None
    api_key_revoke(api_key=row)
    response = get(client, "/api/v1/applications", key)
    assert response.status_code == 401 and "revoked" in response.json()["errors"][0]["message"]

    _expired_row, expired = api_key_create(
        agency=world.agency_a,
        name="old",
        created_by=None,
        expires_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    response = get(client, "/api/v1/applications", expired)
    assert response.status_code == 401 and "expired" in response.json()["errors"][0]["message"]


def test_keys_are_stored_hashed(world, keys):
    row, key = keys["a"]
    stored = AgencyApiKey.objects.get(pk=row.pk)
    assert key.split("_")[2] not in (stored.hashed_secret, stored.salt)
    assert key not in str(AgencyApiKey.objects.filter(pk=row.pk).values().get())


def test_cursor_pagination_returns_every_row_once(client, world, keys):
    _row, key = keys["a"]
    same_moment = [make_application(world.program_a, world.version_a) for _ in range(5)]
    for app in same_moment:
        submitted_on(app, "2026-03-02")  # equal timestamps: the id breaks ties
    for day in ("2026-03-01", "2026-03-03", "2026-03-04"):
        submitted_on(make_application(world.program_a, world.version_a), day)
    expected = list(
        Application.objects.filter(program=world.program_a)
        .order_by("submitted_at", "pk")
        .values_list("reference", flat=True)
    )
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = get(client, "/api/v1/applications", key, **params).json()
        seen += [item["reference"] for item in body["results"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == expected and len(expected) == 9 and pages == 3


def test_filters_and_their_errors(client, world, keys):
    _row, key = keys["a"]
    march = submitted_on(make_application(world.program_a, world.version_a), "2026-03-10")
    body = get(
        client,
        "/api/v1/applications",
        key,
        program="rent-help",
        status="submitted",
        submitted_since="2026-03-10",
        submitted_until="2026-03-10",
    ).json()
    assert [item["reference"] for item in body["results"]] == [march.reference]
    response = get(
        client,
        "/api/v1/applications",
        key,
        status="lost",
        submitted_since="yesterday",
        limit="1000",
        cursor="!!",
        colour="blue",
    )
    assert response.status_code == 400
    paths = [error["path"] for error in response.json()["errors"]]
    assert paths == [
        "$.query.colour",
        "$.query.status",
        "$.query.submitted_since",
        "$.query.limit",
        "$.query.cursor",
    ]


@pytest.mark.parametrize("pages", [3, 30])
def test_list_queries_do_not_grow_with_rows(
    client, world, keys, pages, django_assert_max_num_queries
):
    _row, key = keys["a"]
    for _ in range(pages):
        make_application(world.program_a, world.version_a)
    get(client, "/api/v1/applications", key)  # last_used_at written once a minute at most
    with django_assert_max_num_queries(6):
        body = get(client, "/api/v1/applications", key, limit=50).json()
    assert len(body["results"]) == pages + 1


def test_status_report_follows_the_workflow_and_tells_the_resident(client, world, keys):
    row, key = keys["a"]
    url = f"/api/v1/applications/{world.app_a.reference}/status"

    def post(body, *, raw=None):
        return client.post(
            url, raw if raw is not None else body, content_type="application/json", **bearer(key)
        )

    # Not allowed straight from submitted to approved.
    response = post({"status": "approved"})
    assert response.status_code == 409 and response.json()["errors"][0]["path"] == "$.status"
    assert post({"status": "maybe"}).json()["errors"][0]["path"] == "$.status"
    assert post(None, raw="not json").json()["errors"][0]["path"] == "$"
    assert post({"status": "in_review", "extra": 1}).json()["errors"][0]["path"] == "$.extra"

    response = post({"status": "in_review"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "in_review"
    assert [h["status"] for h in response.json()["status_history"]] == ["in_review"]
    # A denial needs a note, as in the admin.
    response = post({"status": "denied"})
    assert response.status_code == 400 and response.json()["errors"][0]["path"] == "$.note"
    assert post({"status": "denied", "note": "Income above the limit"}).status_code == 200
    world.app_a.refresh_from_db()
    assert world.app_a.status == "denied"
    changes = AuditEvent.objects.filter(
        application=world.app_a, action=AuditEvent.Action.STATUS_CHANGED
    ).order_by("created_at", "pk")
    assert [e.after["status"] for e in changes] == ["in_review", "denied"]
    assert (
        AuditEvent.objects.filter(
            application=world.app_a, action=AuditEvent.Action.NOTE_ADDED, note__contains=row.prefix
        ).count()
        == 2
    )
    assert ResidentNotification.objects.filter(application=world.app_a).count() == 2
    # Another agency's application cannot be touched.
    other = client.post(
        f"/api/v1/applications/{world.app_b.reference}/status",
        {"status": "in_review"},
        content_type="application/json",
        **bearer(key),
    )
    assert other.status_code == 404
    world.app_b.refresh_from_db()
    assert world.app_b.status == "submitted"


def test_key_authenticated_posts_need_no_csrf_token(world, keys):
    from django.test import Client

    _row, key = keys["a"]
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        f"/api/v1/applications/{world.app_a.reference}/status",
        {"status": "in_review"},
        content_type="application/json",
        **bearer(key),
    )
    assert response.status_code == 200


def test_creating_and_revoking_a_key_is_audited(db):
    from agencies.review.models import AuditEvent
    from tests.factories import AgencyFactory, UserFactory

    supervisor = UserFactory()
    agency = AgencyFactory()
    row, _key = api_key_create(agency=agency, name="Case system", created_by=supervisor)
    api_key_revoke(api_key=row, acting_user=supervisor)
    api_key_revoke(api_key=row, acting_user=supervisor)  # already revoked: no second row
    events = list(
        AuditEvent.objects.filter(agency=agency).order_by("id").values_list("action", "actor")
    )
    assert events == [("api_key_created", supervisor.pk), ("api_key_revoked", supervisor.pk)]


def test_status_report_carries_a_message_for_the_resident(client, world, keys):
    from applicants.models import ApplicationUpdate

    _row, key = keys["a"]
    url = f"/api/v1/applications/{world.app_a.reference}/status"

    def post(body):
        return client.post(url, body, content_type="application/json", **bearer(key))

    assert post({"status": "in_review", "resident_message": 3}).json()["errors"][0]["path"] == (
        "$.resident_message"
    )
    assert post({"status": "in_review"}).status_code == 200
    response = post(
        {"status": "denied", "note": "internal: payroll", "resident_message": "Over the limit."}
    )
    assert response.status_code == 200
    update = ApplicationUpdate.objects.get(application=world.app_a, status="denied")
    assert update.message == "Over the limit."
