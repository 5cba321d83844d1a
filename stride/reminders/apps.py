from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "stride.reminders"
    label = "reminders"
    verbose_name = "Reminders"

    def ready(self) -> None:
        from . import demo, scheduling  # noqa: F401  (the demo step; a step's reminder follows it)
