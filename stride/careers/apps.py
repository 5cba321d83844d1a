from django.apps import AppConfig


class CareersConfig(AppConfig):
    name = "stride.careers"
    label = "careers"
    verbose_name = "Careers"

    def ready(self) -> None:
        from . import checks, demo  # noqa: F401  (registers the system check and demo step)
