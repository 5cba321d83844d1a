from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "stride.reminders"
    label = "reminders"
    verbose_name = "Reminders"

    def ready(self) -> None:
        # The demo step, an email's delivery reports, and a step's reminder that follows it.
        from . import demo, email_status, scheduling  # noqa: F401
