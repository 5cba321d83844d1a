from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "stride.resources"
    label = "resources"
    verbose_name = "Resource map"

    def ready(self) -> None:
        from . import crosswalk, demo  # noqa: F401  (the crosswalk's check, the demo step)
