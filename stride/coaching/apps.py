from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "stride.coaching"
    label = "coaching"
    verbose_name = "Coaching"

    def ready(self) -> None:
        from stride.guides import topics

        from . import demo  # noqa: F401  (registers the coaching demo step)
        from .models import CoachingSession

        # A guide for coaches may be about a stage of the cycle (the goal page and the review
        # form show the guides of theirs).
        topics.offer(topics.Topic.STAGE, lambda: CoachingSession.Stage.choices)
