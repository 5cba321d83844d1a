from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "stride.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from stride.core import events

        from . import fanout

        events.happened.connect(fanout.on_events, dispatch_uid="webhooks.fanout")
