"""The Agency model leaves `agencies` for `organizations`: the foreign keys are re-pointed
and the model removed, in state only (the table `agencies_agency` stays)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0008_agency_contact_delivery_events"),
        ("organizations", "0001_agency_moved_from_agencies"),
        ("programs", "0005_program_agency_in_organizations"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # State only: the table and its foreign keys stay as they are.
            state_operations=[
                migrations.AlterField(
                    model_name="agencymembership",
                    name="agency",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="memberships",
                        to="organizations.agency",
                        verbose_name="agency",
                    ),
                ),
                migrations.AlterField(
                    model_name="agencychannel",
                    name="agency",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="channels",
                        to="organizations.agency",
                    ),
                ),
                migrations.AlterField(
                    model_name="delivery",
                    name="agency",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="deliveries",
                        to="organizations.agency",
                    ),
                ),
                migrations.AlterField(
                    model_name="agencyapikey",
                    name="agency",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="api_keys",
                        to="organizations.agency",
                        verbose_name="agency",
                    ),
                ),
                migrations.AlterField(
                    model_name="agencyqueueitem",
                    name="agency",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="queue_items",
                        to="organizations.agency",
                    ),
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="agency",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="audit_events",
                        to="organizations.agency",
                        verbose_name="agency",
                    ),
                ),
                migrations.AlterField(
                    model_name="batchexport",
                    name="agency",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="batch_exports",
                        to="organizations.agency",
                        verbose_name="agency",
                    ),
                ),
                migrations.AlterField(
                    model_name="exportpreset",
                    name="agency",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="export_presets",
                        to="organizations.agency",
                        verbose_name="agency",
                    ),
                ),
                migrations.DeleteModel(
                    name="Agency",
                ),
            ],
            database_operations=[],
        ),
    ]
