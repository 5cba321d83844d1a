from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "stride.resources"
    label = "resources"
    verbose_name = "Resource map"

    def ready(self) -> None:
        from stride.guides import topics

        from . import crosswalk, demo  # noqa: F401  (the crosswalk's check, the demo step)
        from .models import Category

        # A guide for coaches may be about a kind of service (the county's service areas).
        topics.offer(topics.Topic.AREA, lambda: Category.choices)
