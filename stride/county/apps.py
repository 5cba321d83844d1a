from django.apps import AppConfig


class CountyConfig(AppConfig):
    name = "stride.county"
    label = "county"
    verbose_name = "County tools"

    def ready(self) -> None:
        # The reviews' demo step; the rubrics' and self-assessment's system checks.
        from . import demo, rubrics, self_assessment  # noqa: F401
