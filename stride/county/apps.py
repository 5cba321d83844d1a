from django.apps import AppConfig


class CountyConfig(AppConfig):
    name = "stride.county"
    label = "county"
    verbose_name = "County tools"

    def ready(self) -> None:
        from . import rubrics, self_assessment  # noqa: F401  (register the system checks)
