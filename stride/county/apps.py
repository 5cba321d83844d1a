from django.apps import AppConfig


class CountyConfig(AppConfig):
    name = "stride.county"
    label = "county"
    verbose_name = "County tools"

    def ready(self) -> None:
        from . import self_assessment  # noqa: F401  (registers the system check)
