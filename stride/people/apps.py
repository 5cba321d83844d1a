from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "stride.people"
    label = "people"

    def ready(self) -> None:
        from . import demo  # noqa: F401  (registers the promises the demo keeps)
