"""Documents a program asks for are uploaded on its own step after the resident chooses
it, kept in the profile, shown on the review page and frozen into the application."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applicants.models import Answer, Application
from programs.models import ProgramVersion
from tests.applicants.conftest import complete_intake
from tests.applicants.test_journey import submit
from tests.factories import (
    ProgramFactory,
    ProgramVersionFactory,
    QuestionFactory,
    ScreenFactory,
    ScreenQuestionFactory,
)

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def program_with_a_document(demo_programs, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    program = ProgramFactory(slug="rent-help", name="Rent Help")
    version = ProgramVersionFactory(program=program, status=ProgramVersion.Status.DRAFT)
    screen = ScreenFactory(version=version, key="documents", title="Your documents")
    question = QuestionFactory(
        key="documents.lease",
        type="file",
        label="A copy of your lease",
        validation={"allowed_extensions": ["pdf"], "max_size_bytes": 1_000_000},
    )
    ScreenQuestionFactory(screen=screen, question=question, required=True)
    ProgramVersion.objects.filter(pk=version.pk).update(
        status=ProgramVersion.Status.PUBLISHED, published_at=timezone.now()
    )
    return program


def test_a_required_document_is_asked_uploaded_reviewed_and_frozen(
    client, program_with_a_document, django_capture_on_commit_callbacks
):
    complete_intake(client)
    assert client.post("/apply/results/", {"programs": ["rent-help"]}).status_code == 302
    step = client.get("/apply/questions/").headers["Location"]
    html = client.get(step).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file"' in html and 'name="documents__lease"' in html

    # Wrong type: a clear field error, nothing stored.
    wrong = client.post(step, {"documents__lease": SimpleUploadedFile("lease.exe", b"MZ")})
    assert wrong.status_code == 400
    assert "error-summary" in wrong.content.decode()
    assert not Answer.objects.filter(question_key="documents.lease").exists()

    upload = SimpleUploadedFile("lease.pdf", PDF, content_type="application/pdf")
    response = client.post(step, {"documents__lease": upload})
    assert response.status_code == 302, response.content.decode()[:1500]
    stored = Answer.objects.get(question_key="documents.lease").value
    assert stored["name"] == "lease.pdf" and stored["size"] == len(PDF)
    assert default_storage.open(stored["path"]).read() == PDF

    assert "lease.pdf" in client.get("/apply/review/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        submit(client)
    application = Application.objects.get(program=program_with_a_document)
    assert application.answers["documents.lease"] == stored


def test_orphaned_uploads_are_purged_once_old_and_referenced_ones_kept(
    program_with_a_document, settings
):
    import datetime

    from applicants.services import uploads_purge_orphaned
    from applicants.tasks import purge_orphaned_uploads
    from tests.factories import AnswerFactory, ApplicationFactory

    def stored(name):
        return default_storage.save(f"uploads/{name}/{name}.pdf", SimpleUploadedFile("x", PDF))

    in_profile, in_application, abandoned = stored("a1"), stored("b2"), stored("c3")
    AnswerFactory(question_key="documents.lease", value={"path": in_profile, "name": "a"})
    ApplicationFactory(answers={"documents.lease": {"path": in_application, "name": "b"}})

    assert uploads_purge_orphaned() == 0  # the abandoned file is too recent yet
    later = timezone.now() + datetime.timedelta(days=3)
    assert uploads_purge_orphaned(now=later) == 1
    assert default_storage.exists(in_profile) and default_storage.exists(in_application)
    assert not default_storage.exists(abandoned)
    assert settings.CELERY_BEAT_SCHEDULE["purge-orphaned-uploads"]["task"] == (
        "applicants.tasks.purge_orphaned_uploads"
    )
    assert purge_orphaned_uploads.delay().get() == 0
