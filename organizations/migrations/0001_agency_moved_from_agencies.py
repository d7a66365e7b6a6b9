"""The Agency model moves here from `agencies` without touching its table
(`agencies_agency`, kept by `db_table`); its content type follows it so permissions
granted on agencies (e.g. to the role groups) are kept."""

from django.db import migrations, models


def content_type_follows(apps, schema_editor, old="agencies", new="organizations"):
    """Rename the Agency content type in place (if an older release created it) so the
    permissions that point at it, and the groups holding them, stay valid."""
    content_type = apps.get_model("contenttypes", "ContentType")
    if content_type.objects.filter(app_label=new, model="agency").exists():
        return
    content_type.objects.filter(app_label=old, model="agency").update(app_label=new)


def content_type_returns(apps, schema_editor):
    content_type_follows(apps, schema_editor, old="organizations", new="agencies")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("agencies", "0008_agency_contact_delivery_events"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # State only: the table and its foreign keys stay as they are.
            state_operations=[
                migrations.CreateModel(
                    name="Agency",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=200, verbose_name="name")),
                        ("slug", models.SlugField(max_length=80, unique=True, verbose_name="slug")),
                        (
                            "contact_email",
                            models.EmailField(
                                blank=True, max_length=254, verbose_name="contact email"
                            ),
                        ),
                        ("website", models.URLField(blank=True, verbose_name="website")),
                        (
                            "phone",
                            models.CharField(
                                blank=True, max_length=40, verbose_name="public phone"
                            ),
                        ),
                        ("address", models.TextField(blank=True, verbose_name="public address")),
                        ("hours", models.TextField(blank=True, verbose_name="opening hours")),
                        (
                            "translations",
                            models.JSONField(blank=True, default=dict, verbose_name="translations"),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        "verbose_name": "agency",
                        "verbose_name_plural": "agencies",
                        "db_table": "agencies_agency",
                        "ordering": ["name"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_follows, content_type_returns),
    ]
