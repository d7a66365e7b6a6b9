"""Seed the reference tables from the document shipped with the engine (2025 and 2026 HHS
poverty guidelines, Seattle UDP 70% SMI limits). Tables already present are left alone, so
admins' later changes are never overwritten."""

import json
from datetime import date
from pathlib import Path

from django.db import migrations

SEED = Path(__file__).resolve().parent.parent / "engine" / "tables" / "reference_tables.json"


def seed(apps, schema_editor):
    ReferenceTable = apps.get_model("eligibility", "ReferenceTable")
    TablePeriod = apps.get_model("eligibility", "TablePeriod")
    TableChange = apps.get_model("eligibility", "TableChange")
    document = json.loads(SEED.read_text(encoding="utf-8"))
    for entry in document["tables"]:
        if ReferenceTable.objects.filter(key=entry["key"]).exists():
            continue
        table = ReferenceTable.objects.create(
            key=entry["key"],
            title=entry["title"]["en"],
            title_es=entry["title"].get("es", ""),
            unit=entry["unit"],
            source_publisher=entry["source"]["publisher"],
            source_url=entry["source"]["url"],
            notes=entry.get("notes", ""),
        )
        TableChange.objects.create(
            table_key=table.key, action="table_created", after=entry, via="seed"
        )
        for period in entry["periods"]:
            TablePeriod.objects.create(
                table=table,
                effective_from=date.fromisoformat(period["effective_from"]),
                effective_to=date.fromisoformat(period["effective_to"])
                if period.get("effective_to")
                else None,
                values=period.get("values") or {},
                additional_person=period.get("additional_person"),
                value=period.get("value"),
                source_citation=period["source"]["citation"],
                source_url=period["source"].get("url", ""),
            )


class Migration(migrations.Migration):
    dependencies = [("eligibility", "0002_reference_tables")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
