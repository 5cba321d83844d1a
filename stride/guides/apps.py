from django.apps import AppConfig


class GuidesConfig(AppConfig):
    name = "stride.guides"
    label = "guides"
    verbose_name = "Guides for coaches"

    def ready(self) -> None:
        from . import demo  # noqa: F401  (registers the guides' demo step)
