"""Program.agency points at the Agency model in its new app; same table, same column."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0001_agency_moved_from_agencies"),
        ("programs", "0004_version_decision_texts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # State only: the table and its foreign keys stay as they are.
            state_operations=[
                migrations.AlterField(
                    model_name="program",
                    name="agency",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="programs",
                        to="organizations.agency",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
