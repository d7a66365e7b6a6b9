"""Exports in the admin: CSV page and action, PDF link, batch zip with progress and a
requester-only download, presets, API keys shown once."""

import csv
import io
import zipfile

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from agencies.exports.models import AgencyApiKey, BatchExport, ExportPreset
from agencies.review.models import AuditEvent
from tests.agencies import export_support
from tests.agencies.export_support import bearer

world = export_support.world

CSV_URL = "/admin/agencies/batchexport/csv/"
BATCH_URL = "/admin/agencies/batchexport/request/"


def rows_of(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_page_streams_scoped_rows_and_saves_a_preset(client, world):
    client.force_login(world.supervisor_a)
    assert client.get(CSV_URL).status_code == 200
    response = client.post(
        CSV_URL,
        {
            "program": world.program_a.pk,
            "question_keys": "income.monthly_gross\napplicant.name",
            "bom": "on",
            "save_as": "Income only",
        },
    )
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = rows_of(response)
    assert [r["reference"] for r in rows] == [world.app_a.reference]
    assert list(rows[0])[5:7] == ["income.monthly_gross", "applicant.name.first"]
    preset = ExportPreset.objects.get(name="Income only")
    assert preset.agency == world.agency_a
    assert preset.question_keys == ["income.monthly_gross", "applicant.name"]
    again = client.post(CSV_URL, {"program": world.program_a.pk, "preset": preset.pk})
    assert list(rows_of(again)[0])[5:] == [
        "income.monthly_gross", "applicant.name.first", "applicant.name.middle",
        "applicant.name.last",
    ]  # fmt: skip


def test_csv_page_refuses_other_agencies_bad_keys_and_people_without_permission(client, world):
    client.force_login(world.supervisor_a)
    response = client.post(CSV_URL, {"program": world.program_b.pk})
    assert response.status_code == 400 and "program" in response.context["form"].errors
    response = client.post(CSV_URL, {"program": world.program_a.pk, "question_keys": "nope"})
    assert response.status_code == 400 and "question_keys" in response.context["form"].errors
    client.force_login(world.caseworker_a)  # no export permission
    assert client.get(CSV_URL).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORTED).exists()


def test_export_action_on_the_review_queue(client, world):
    client.force_login(world.supervisor_a)
    response = client.post(
        "/admin/applicants/application/",
        {"action": "export_selected_csv", ACTION_CHECKBOX_NAME: [world.app_a.pk]},
    )
    assert [r["reference"] for r in rows_of(response)] == [world.app_a.reference]
    # Someone else's application in the selection refuses the whole action.
    response = client.post(
        "/admin/applicants/application/",
        {"action": "export_selected_csv", ACTION_CHECKBOX_NAME: [world.app_a.pk, world.app_b.pk]},
    )
    assert response.status_code == 403


def test_application_pdf_link_is_scoped(client, world):
    client.force_login(world.caseworker_a)
    url = "/admin/agencies/batchexport/application/{}/pdf/"
    response = client.get(url.format(world.app_a.pk))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client.get(url.format(world.app_b.pk)).status_code == 404


def test_batch_progress_and_requester_only_download(
    client, world, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.supervisor_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(BATCH_URL, {"program": world.program_a.pk})
    assert response.status_code == 302
    batch = BatchExport.objects.get()
    assert batch.status == BatchExport.Status.READY and batch.done == 1
    listing = client.get("/admin/agencies/batchexport/").content.decode()
    download = f"/admin/agencies/batchexport/{batch.pk}/download/"
    assert download in listing and 'http-equiv="refresh"' not in listing
    response = client.get(download)
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.namelist() == [f"rent-help-{world.app_a.reference}.pdf"]
    assert AuditEvent.objects.filter(after__export="batch_download").count() == 1

    # Another supervisor of the same agency, or of another, cannot fetch it.
    from tests.agencies.review_support import staff

    other = staff("super-a2", group="Agency supervisor", agency=world.agency_a)
    client.force_login(other)
    assert client.get(download).status_code == 404
    client.force_login(world.caseworker_b)
    assert client.get(download).status_code in (403, 404)
    # A batch still running makes the list refresh itself.
    BatchExport.objects.filter(pk=batch.pk).update(status="running", done=3, total=10)
    client.force_login(world.supervisor_a)
    listing = client.get("/admin/agencies/batchexport/").content.decode()
    assert 'http-equiv="refresh"' in listing and '<progress max="10" value="3">' in listing


def test_api_key_is_shown_once_and_works(client, world):
    client.force_login(world.superuser)
    response = client.post(
        "/admin/agencies/agencyapikey/add/",
        {
            "agency": world.agency_a.pk,
            "name": "Case system",
            "expires_at_0": "2099-01-01",
            "expires_at_1": "00:00:00",
        },
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    key = next(m for m in shown if "cpk_" in m).split(": ")[-1]
    row = AgencyApiKey.objects.get()
    assert row.name == "Case system" and row.created_by == world.superuser
    assert key not in client.get(f"/admin/agencies/agencyapikey/{row.pk}/change/").content.decode()
    assert client.get("/api/v1/applications", **bearer(key)).status_code == 200
    client.post(
        "/admin/agencies/agencyapikey/",
        {"action": "revoke", ACTION_CHECKBOX_NAME: [row.pk]},
    )
    assert client.get("/api/v1/applications", **bearer(key)).status_code == 401
