from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "stride.participation"
    label = "participation"
    verbose_name = "Participation"
