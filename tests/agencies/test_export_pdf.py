"""The application PDF (agency and resident copies) and the batch zip of PDFs."""

import io
import zipfile

from pypdf import PdfReader

from agencies.exports.models import BatchExport
from agencies.exports.pdf_export import PdfOptions, render_application_pdf
from agencies.exports.selection import ExportRange
from agencies.exports.services import application_pdf_for_user, batch_export_request
from agencies.exports.tasks import build_batch_export
from agencies.review.models import AuditEvent
from agencies.review.services import application_set_status
from tests.agencies import export_support
from tests.agencies.export_support import make_application, second_version

world = export_support.world


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def household_application(world):
    version = second_version(world.program_a)
    return make_application(
        world.program_a,
        version,
        answers={
            "applicant.name": {"first": "José", "last": "Núñez"},
            "income.monthly_gross": 123456,
            "contact.phone": "2065550100",
            "household.members": [
                {
                    "name": {"first": "Γιώργος", "last": "Παπαδόπουλος"},
                    "birth_date": "2015-04-02",
                    "relationship": "child",
                },
                {"name": {"first": "Дмитрий", "last": "Иванов"}, "relationship": "spouse"},
            ],
        },
    )


def test_agency_pdf_has_every_answer_names_in_any_script_and_history(world):
    application = household_application(world)
    application_set_status(
        application=application,
        status="in_review",
        note="Checking pay stubs",
        acting_user=world.supervisor_a,
    )
    application.refresh_from_db()
    pdf = application_pdf_for_user(user=world.supervisor_a, application=application)
    text = text_of(pdf)
    for expected in (
        "Housing Agency",
        "Rent Help",
        application.reference,
        "José Núñez",
        "$1,234.56",
        "(206) 555-0100",
        "123456789",  # the supervisor may see sensitive answers
        "Γιώργος",
        "Παπαδόπουλος",
        "Дмитрий",
        "Иванов",
        "April 2, 2015",
        "Child",
        "Spouse",
        "Likely eligible",
        "Monthly income $2,900 is below the $3,000 limit.",
        "In review",
        "Checking pay stubs",
        "super-a",
        "Page 1 / ",
    ):
        assert expected in text, expected
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORTED)
    assert event.application == application and event.after["export"] == "pdf"


def test_sensitive_answers_are_masked_for_staff_without_permission(world):
    pdf = render_application_pdf(
        world.app_a, options=PdfOptions(can_view_sensitive=False, staff=True)
    )
    text = text_of(pdf)
    assert "123456789" not in text and "6789" in text and "sensitive, not shown" in text


def test_resident_copy_shows_their_sensitive_answers_but_no_staff_notes(world):
    from agencies.exports.services import resident_application_pdf

    application_set_status(
        application=world.app_a,
        status="in_review",
        note="internal remark",
        acting_user=world.caseworker_a,
    )
    text = text_of(resident_application_pdf(application=world.app_a, language="en"))
    assert "123456789" in text and "Ana Díaz" in text and "In review" in text
    assert "internal remark" not in text and "case-a" not in text


def test_non_latin_name_renders_with_real_glyphs(world):
    application = make_application(
        world.program_a,
        world.version_a,
        answers={"applicant.name": {"first": "محمد", "last": "Ωμέγα"}},
    )
    text = text_of(render_application_pdf(application, options=PdfOptions(can_view_sensitive=True)))
    assert "Ωμέγα" in text


def test_batch_zip_of_pdfs_with_progress(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    second = make_application(world.program_a, world.version_a)
    make_application(world.program_b, world.version_b)  # another agency's: never included
    # Eager Celery: the task runs on commit, inside this test's transaction.
    from django.db import transaction

    with transaction.atomic():
        batch = batch_export_request(
            user=world.supervisor_a, export_range=ExportRange(world.program_a)
        )
    # on_commit hooks do not fire in a test transaction: run the task as the worker would.
    assert build_batch_export(batch.pk) == "ready"
    assert build_batch_export(batch.pk) == "not pending"  # safe to run twice
    batch.refresh_from_db()
    assert batch.status == BatchExport.Status.READY
    assert (batch.done, batch.total, batch.percent) == (2, 2, 100)
    with zipfile.ZipFile(tmp_path / batch.file_path) as archive:
        names = sorted(archive.namelist())
        assert names == sorted(f"rent-help-{app.reference}.pdf" for app in (world.app_a, second))
        assert world.app_a.reference in text_of(
            archive.read(f"rent-help-{world.app_a.reference}.pdf")
        )
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORTED, after__export="batch_pdf"
    ).exists()


def test_chinese_names_are_drawn_with_a_cjk_font(world):
    """Text extraction alone would pass with empty boxes: check the glyphs come from a
    font that has them (fonts-noto-cjk, installed by scripts/install_browser_deps.sh)."""
    application = make_application(
        world.program_a,
        world.program_a.versions.get(status="published"),
        answers={"applicant.name": {"first": "伟", "last": "张"}},
    )
    pdf = render_application_pdf(application, options=PdfOptions(can_view_sensitive=True))
    assert "伟" in text_of(pdf) and "张" in text_of(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("CJK" in name for name in fonts), fonts
