from django.db import migrations, models

# The measures named before goals followed the live measures, and the live measure each
# became; the others stay as they were and show without live figures.
LIVE_KEYS = {"work_participation": "work-rate", "pairing_consistency": "pairing"}


def follow_live_measures(apps, schema_editor):
    CountyGoal = apps.get_model("county", "CountyGoal")
    for old, new in LIVE_KEYS.items():
        CountyGoal.objects.filter(measure=old).update(measure=new)


class Migration(migrations.Migration):

    dependencies = [
        ("county", "0002_county_goals"),
    ]

    operations = [
        migrations.AddField(
            model_name="countygoal",
            name="activity",
            field=models.CharField(
                blank=True,
                choices=[
                    ("orientation", "Orientation and first appraisal"),
                    ("job_search", "Job search and job readiness"),
                    ("subsidised", "Subsidized employment"),
                    ("education", "Education and training"),
                    ("work_experience", "Work experience and community service"),
                    ("keeping_work", "Keeping and growing in a job"),
                ],
                max_length=20,
                verbose_name="program activity",
            ),
        ),
        migrations.RunPython(follow_live_measures, migrations.RunPython.noop),
    ]
