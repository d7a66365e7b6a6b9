"""Application PDFs are rendered once, stored, and rendered again only when what they
show changes; downloads and batch zips serve the stored files."""

import io
import zipfile

import pytest
import weasyprint
from django.core.files.storage import default_storage
from django.db import transaction
from pypdf import PdfReader

from agencies.exports.batch import write_pdf_zip
from agencies.exports.pdf_export import PdfOptions
from agencies.exports.pdf_store import STORE_DIR, stored_application_pdf, submission_pdfs_render
from agencies.exports.selection import ExportRange
from agencies.exports.services import (
    application_pdf_for_user,
    batch_export_request,
    resident_application_pdf,
)
from agencies.exports.tasks import build_batch_export
from agencies.review.services import application_set_status
from applicants.models import Submission
from applicants.signals import submission_created
from programs.models import ProgramVersion
from tests.agencies import export_support
from tests.factories import (
    AgencyFactory,
    ApplicationFactory,
    ProgramFactory,
    ProgramVersionFactory,
    SubmissionFactory,
)
from tests.waiting import wait_for

world = export_support.world


def submit_as_the_portal_does(programs):
    """A committed submission whose creation sent `submission_created` in its transaction,
    as `applicants.submission.submission_create` does (so every receiver runs)."""
    with transaction.atomic():
        submission = SubmissionFactory()
        for program in programs:
            version = ProgramVersionFactory(program=program, status=ProgramVersion.Status.PUBLISHED)
            ApplicationFactory(
                submission=submission,
                program=program,
                program_version=version,
                answers={"applicant.name": {"first": "Ana", "last": "Díaz"}},
            )
        submission_created.send(sender=Submission, submission=submission)
    return submission


@pytest.fixture
def layouts(monkeypatch):
    """Counts WeasyPrint layouts while still running the real renderer."""
    calls = []
    real_write_pdf = weasyprint.HTML.write_pdf

    def counting_write_pdf(self, *args, **kwargs):
        calls.append(1)
        return real_write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", counting_write_pdf)
    return calls


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def stored_names(application) -> list[str]:
    try:
        return sorted(default_storage.listdir(f"{STORE_DIR}/{application.pk}")[1])
    except FileNotFoundError:
        return []


def test_second_download_serves_the_stored_file_without_weasyprint(world, layouts):
    first = resident_application_pdf(application=world.app_a, language="en")
    assert len(layouts) == 1
    assert world.app_a.reference in text_of(first)
    assert len(stored_names(world.app_a)) == 1

    again = resident_application_pdf(application=world.app_a, language="en")
    assert again == first  # the same bytes, "printed" date included: not laid out again
    assert len(layouts) == 1


def test_staff_download_view_serves_the_stored_file(client, world, layouts):
    client.force_login(world.caseworker_a)
    url = f"/admin/agencies/batchexport/application/{world.app_a.pk}/pdf/"
    first = client.get(url)
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    second = client.get(url)
    assert second.content == first.content
    assert len(layouts) == 1
    # Another agency's application is still a 404, stored files or not.
    assert (
        client.get(f"/admin/agencies/batchexport/application/{world.app_b.pk}/pdf/").status_code
        == 404
    )


def test_each_audience_and_language_is_its_own_file(world, layouts):
    resident = resident_application_pdf(application=world.app_a, language="en")
    staff = application_pdf_for_user(user=world.supervisor_a, application=world.app_a)
    spanish = resident_application_pdf(application=world.app_a, language="es")
    assert len(layouts) == 3
    assert len({resident, staff, spanish}) == 3
    assert len(stored_names(world.app_a)) == 3


def test_a_status_change_renders_again_and_replaces_the_old_file(world, layouts):
    before = application_pdf_for_user(user=world.supervisor_a, application=world.app_a)
    (old_name,) = stored_names(world.app_a)
    application_set_status(
        application=world.app_a,
        status="in_review",
        note="Checking the lease",
        acting_user=world.supervisor_a,
    )
    world.app_a.refresh_from_db()
    after = application_pdf_for_user(user=world.supervisor_a, application=world.app_a)
    assert len(layouts) == 2
    assert after != before
    assert "Checking the lease" in text_of(after)
    assert "Checking the lease" not in text_of(before)
    assert stored_names(world.app_a) != [old_name]
    assert len(stored_names(world.app_a)) == 1


def test_staff_note_changes_staff_copy_only_resident_copy_is_reused(world, layouts):
    resident = resident_application_pdf(application=world.app_a, language="en")
    application_set_status(
        application=world.app_a,
        status="in_review",
        note="Internal note",
        acting_user=world.supervisor_a,
    )
    world.app_a.refresh_from_db()
    # The resident's copy shows the new status in its history: it must change too.
    updated = resident_application_pdf(application=world.app_a, language="en")
    assert len(layouts) == 2
    assert updated != resident
    assert "Internal note" not in text_of(updated)


def test_batch_zip_copies_stored_files(world, layouts, tmp_path):
    second = export_support.make_application(world.program_a, world.version_a)
    options = PdfOptions(can_view_sensitive=True, staff=True)
    stored = {
        app.pk: stored_application_pdf(app, options=options).read() for app in (world.app_a, second)
    }
    assert len(layouts) == 2

    target = tmp_path / "batch.zip"
    from applicants.models import Application

    queryset = Application.objects.filter(pk__in=stored).order_by("pk")
    assert write_pdf_zip(queryset, target, options=options) == 2
    assert len(layouts) == 2  # nothing laid out again
    with zipfile.ZipFile(target) as archive:
        for app in (world.app_a, second):
            assert archive.read(f"rent-help-{app.reference}.pdf") == stored[app.pk]


def test_batch_task_renders_what_is_missing_and_stores_it(world, layouts):
    batch = batch_export_request(user=world.supervisor_a, export_range=ExportRange(world.program_a))
    assert build_batch_export(batch.pk) == "ready"
    rendered = len(layouts)
    assert rendered >= 1
    # A second batch of the same applications lays nothing out.
    again = batch_export_request(user=world.supervisor_a, export_range=ExportRange(world.program_a))
    assert build_batch_export(again.pk) == "ready"
    assert len(layouts) == rendered


def test_deleting_an_application_deletes_its_pdfs(world, django_capture_on_commit_callbacks):
    resident_application_pdf(application=world.app_a, language="en")
    assert stored_names(world.app_a)
    pk = world.app_a.pk
    with django_capture_on_commit_callbacks(execute=True):
        world.app_a.delete()
    world.app_a.pk = pk
    assert stored_names(world.app_a) == []


def test_submission_renders_pdfs_in_the_background_on_a_real_worker(pdf_worker, layouts):
    programs = [ProgramFactory(agency=AgencyFactory()), ProgramFactory(agency=AgencyFactory())]
    submission = submit_as_the_portal_does(programs)
    applications = list(submission.applications.all())
    # The resident's copy and the agency's two copies of each application.
    wait_for(lambda: all(len(stored_names(app)) == 3 for app in applications), timeout=60)
    assert "render_submission_pdfs" in pdf_worker.log_path.read_text()

    # Downloads now serve those files: nothing is laid out in this process.
    for application in applications:
        application.refresh_from_db()
        pdf = resident_application_pdf(
            application=application, language=application.submission.language
        )
        assert application.reference in text_of(pdf)
    assert layouts == []
    # Running the task again renders nothing (all stored).
    assert submission_pdfs_render(submission_id=submission.pk) == 0
    assert layouts == []


def test_a_broker_error_never_reaches_the_submission(world, monkeypatch, caplog):
    """With the broker down, queuing the render fails quietly (logged); the first
    download renders in place."""
    from kombu.exceptions import OperationalError

    from agencies.exports import pdf_store
    from agencies.exports.tasks import render_submission_pdfs
    from civiportal.celery import app as celery_app

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(render_submission_pdfs, "apply_async", broker_down)
    celery_app.conf.task_always_eager = False  # restored by the autouse fixture
    pdf_store._enqueue_render(render_submission_pdfs, world.app_a.submission_id)  # logs only
    assert "render on first download" in caplog.text
    assert stored_names(world.app_a) == []
    assert world.app_a.reference in text_of(
        resident_application_pdf(application=world.app_a, language="en")
    )
    assert len(stored_names(world.app_a)) == 1


def test_a_download_before_the_background_render_renders_in_place(
    db, layouts, django_capture_on_commit_callbacks
):
    """The render is queued but no worker has run it yet: the download lays the PDF out
    itself and stores it, and the background task then renders only the other copies."""
    from civiportal.celery import app as celery_app

    celery_app.conf.task_always_eager = False  # restored by the autouse fixture
    celery_app.control.purge()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            submission = submit_as_the_portal_does([ProgramFactory(agency=AgencyFactory())])
        with celery_app.connection_for_write() as broker:
            client = broker.default_channel.client
            # The render waits on the PDF workers' queue, not on routing's or the default.
            assert (client.llen("pdfs"), client.llen("celery")) == (1, 0)
    finally:
        celery_app.control.purge()
    (application,) = submission.applications.all()
    pdf = resident_application_pdf(application=application, language=submission.language)
    assert application.reference in text_of(pdf)
    assert len(layouts) == 1
    # What the worker does when it gets to the message: the agency's two copies.
    assert submission_pdfs_render(submission_id=submission.pk) == 2
    assert resident_application_pdf(application=application, language=submission.language) == pdf
    assert len(layouts) == 3


def test_history_changes_render_the_pdfs_again_on_a_real_worker(pdf_worker, layouts):
    """A status change with a message to the resident, then the resident's reply: each
    time the worker replaces the stored copies, so downloads lay nothing out."""
    from agencies.review.resident_services import application_respond
    from applicants.models import Application
    from tests.agencies.review_support import staff

    program = ProgramFactory(agency=AgencyFactory())
    caseworker = staff("pdf-case", agency=program.agency)
    submission = submit_as_the_portal_does([program])
    (application,) = submission.applications.all()
    wait_for(lambda: len(stored_names(application)) == 3, timeout=60)

    def changes_then_renders(change, text: str) -> None:
        before = stored_names(application)
        change()
        wait_for(lambda: not set(before) & set(stored_names(application)), timeout=60)
        assert len(stored_names(application)) == 3
        fresh = Application.objects.get(pk=application.pk)
        pdf = resident_application_pdf(application=fresh, language=submission.language)
        assert text in text_of(pdf)

    def set_status(status: str, message: str):
        return lambda: application_set_status(
            application=application,
            status=status,
            acting_user=caseworker,
            note="internal",
            resident_message=message,
        )

    changes_then_renders(
        set_status(Application.Status.IN_REVIEW, "We are reading it."), "We are reading it."
    )
    changes_then_renders(
        set_status(Application.Status.MORE_INFO_NEEDED, "Please send your lease."),
        "Please send your lease.",
    )
    changes_then_renders(
        lambda: application_respond(application=application, reply="Lease sent by post."),
        "Lease sent by post.",
    )
    assert layouts == []  # every download above was served from the worker's files
    assert "render_application_pdfs" in pdf_worker.log_path.read_text()


def test_pdf_renders_have_a_queue_and_a_compose_worker_of_their_own():
    """A backlog of layouts (seconds of CPU each) must not hold up routing: the render
    tasks go to `pdfs`, which the main worker of docker compose does not consume."""
    import re
    from pathlib import Path

    from django.conf import settings

    for task in ("render_submission_pdfs", "render_application_pdfs"):
        assert settings.CELERY_TASK_ROUTES[f"agencies.export_tasks.{task}"] == {"queue": "pdfs"}
    compose = (Path(settings.BASE_DIR) / "docker-compose.yml").read_text()
    # Each service's name (two spaces in) and the queues of its worker command.
    consumed = {
        name: queues.split(",")
        for name, queues in re.findall(
            r"^  ([\w-]+):\n(?:    .*\n)*?    command: celery .* worker .*-Q (\S+)", compose, re.M
        )
    }
    assert consumed["pdf-worker"] == ["pdfs"]
    assert "pdfs" not in consumed["worker"] and "routing" in consumed["worker"]
