from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "stride.participation"
    label = "participation"
    verbose_name = "Participation"

    def ready(self) -> None:
        from . import demo  # noqa: F401  (registers the demo step)
