from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "stride.assessments"
    label = "assessments"
    verbose_name = "Assessments"

    def ready(self) -> None:
        from stride.guides import topics

        from . import checks, demo  # noqa: F401  (registers the system check and demo step)
        from .instruments import catalogue

        # A guide for coaches may be about an instrument (a result's page shows its guides).
        topics.offer(
            topics.Topic.INSTRUMENT,
            lambda: [(each.slug, str(each.title)) for each in catalogue().all_latest()],
        )
