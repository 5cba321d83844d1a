"""The minimum-wage limit kept as its monthly inputs instead of a weekly figure to one decimal.

A weekly figure rounded to one decimal left out the SNAP allotment and could
not be compared exactly (45 CFR 261.31(d)). It cannot be turned back into a
grant and an allotment, so a month that had one keeps it in its note for
staff to enter the inputs again.
"""

from django.db import migrations, models


def keep_old_figure_in_note(apps, schema_editor):
    AidMonth = apps.get_model("participation", "AidMonth")
    for month in AidMonth.objects.exclude(flsa_max_weekly_hours=None).iterator():
        line = f"Earlier weekly minimum-wage limit: {month.flsa_max_weekly_hours} hours."
        month.note = f"{month.note} {line}".strip()[:300]
        month.save(update_fields=["note"])


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="aidmonth",
            name="snap_allotment",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=8,
                null=True,
                verbose_name="SNAP allotment for the month",
            ),
        ),
        migrations.AddField(
            model_name="aidmonth",
            name="state_minimum_wage",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=5,
                null=True,
                verbose_name="state minimum wage an hour",
            ),
        ),
        migrations.AddField(
            model_name="aidmonth",
            name="tanf_grant",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=8,
                null=True,
                verbose_name="TANF grant for the month",
            ),
        ),
        migrations.RunPython(keep_old_figure_in_note, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="aidmonth",
            name="flsa_max_weekly_hours",
        ),
    ]
