# The caseload import runs as a task, with its progress kept apart (issue 20).

import django.db.models.deletion
from django.db import migrations, models


def imported_before(apps, schema_editor):
    """Extracts imported before the task existed are imported."""
    extracts = apps.get_model("people", "CaseloadExtract")
    extracts.objects.filter(applied_at__isnull=False).update(status="imported")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_exiters_file"),
    ]

    operations = [
        migrations.AddField(
            model_name="caseloadextract",
            name="error",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="caseloadextract",
            name="queued_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="caseloadextract",
            name="status",
            field=models.CharField(
                choices=[
                    ("ready", "checked, waiting to be imported"),
                    ("importing", "being imported"),
                    ("imported", "imported"),
                    ("failed", "could not be imported"),
                ],
                default="ready",
                max_length=10,
            ),
        ),
        migrations.RunPython(imported_before, migrations.RunPython.noop),
        migrations.CreateModel(
            name="ImportProgress",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("done", models.PositiveIntegerField(default=0)),
                ("total", models.PositiveIntegerField(default=0)),
                ("updated_at", models.DateTimeField(blank=True, null=True)),
                (
                    "extract",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="progress",
                        to="people.caseloadextract",
                    ),
                ),
            ],
        ),
    ]
