from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "stride.assessments"
    label = "assessments"
    verbose_name = "Assessments"

    def ready(self) -> None:
        from . import checks, demo  # noqa: F401  (registers the system check and demo step)
