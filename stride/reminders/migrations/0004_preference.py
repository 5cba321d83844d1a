import datetime
import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
        ("reminders", "0003_message_delivered_at"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Preference",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("uuid", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("lead", models.CharField(choices=[("day_before", "The day before"), ("same_morning", "The same morning"), ("two_hours", "Two hours before")], default="day_before", max_length=16, verbose_name="how long before")),
                ("at", models.TimeField(default=datetime.time(10, 0), verbose_name="time of day")),
                ("changed_at", models.DateTimeField()),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                ("changed_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("participant", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="reminder_preference", to="people.participant")),
            ],
        ),
    ]  # fmt: skip
