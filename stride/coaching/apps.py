from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "stride.coaching"
    label = "coaching"
    verbose_name = "Coaching"
