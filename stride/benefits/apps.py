from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "stride.benefits"
    label = "benefits"
    verbose_name = "Benefits"

    def ready(self) -> None:
        from . import demo  # noqa: F401  (registers the demo step)
