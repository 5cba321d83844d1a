from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "stride.coaching"
    label = "coaching"
    verbose_name = "Coaching"

    def ready(self) -> None:
        from . import demo  # noqa: F401  (registers the coaching demo step)
