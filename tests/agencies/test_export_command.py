"""`manage.py export_applications`: CSV and PDF outputs, and exit code 2 on bad input."""

import csv
import io
import subprocess
import sys
import zipfile

import pytest
from django.core.management import CommandError, call_command

from agencies.review.models import AuditEvent
from tests.agencies import export_support
from tests.agencies.export_support import make_application, submitted_on

world = export_support.world


def test_csv_to_a_file_with_dates(world, tmp_path):
    march = submitted_on(make_application(world.program_a, world.version_a), "2026-03-10")
    out = tmp_path / "out.csv"
    call_command(
        "export_applications",
        "--program=rent-help",
        "--since=2026-03-01",
        "--until=2026-03-31",
        "--format=csv",
        f"--out={out}",
        "--bom",
    )
    text = out.read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert [row["reference"] for row in rows] == [march.reference]
    assert rows[0]["applicant.ssn"] == "•••• 6789"  # masked without --include-sensitive
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORTED)
    assert event.after["export"] == "command_csv" and event.after["rows"] == 1


def test_pdf_as_zip_and_directory(world, tmp_path):
    call_command(
        "export_applications", "--program=rent-help", "--format=pdf", f"--out={tmp_path / 'a.zip'}"
    )
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        assert archive.namelist() == [f"rent-help-{world.app_a.reference}.pdf"]
    call_command(
        "export_applications", "--program=rent-help", "--format=pdf", f"--out={tmp_path / 'dir'}"
    )
    assert [p.name for p in (tmp_path / "dir").iterdir()] == [
        f"rent-help-{world.app_a.reference}.pdf"
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--program=nope", "--format=csv", "--out=-"], "no program with slug 'nope'"),
        (["--program=rent-help", "--format=csv", "--out=-", "--since=03/01"], "not a date"),
        (
            [
                "--program=rent-help",
                "--format=csv",
                "--out=-",
                "--since=2026-04-01",
                "--until=2026-03-01",
            ],
            "--until: 'since' is after 'until'",
        ),
        (
            ["--program=rent-help", "--format=csv", "--out=-", "--columns=no.such"],
            "--columns: Not a question of rent-help: no.such",
        ),
        (["--program=rent-help", "--format=pdf", "--out=-"], "--out: pdf needs a file"),
        (
            ["--program=rent-help", "--format=csv", "--out=/no/such/dir/x.csv"],
            "--out: cannot write",
        ),
    ],
)
def test_bad_arguments_exit_2_with_a_message(world, args, message):
    with pytest.raises(CommandError) as error:
        call_command("export_applications", *args)
    assert error.value.returncode == 2
    assert message in str(error.value)


def test_exit_code_2_from_the_shell(world):
    # argparse's own errors (a bad --format) exit 2 as well.
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "export_applications",
            "--program=x",
            "--format=xls",
            "--out=-",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2 and "invalid choice: 'xls'" in result.stderr
