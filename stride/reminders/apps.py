from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "stride.reminders"
    label = "reminders"
    verbose_name = "Reminders"

    def ready(self) -> None:
        from . import scheduling  # noqa: F401  (writes a step's reminder when its step is saved)
