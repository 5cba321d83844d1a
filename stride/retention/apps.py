from django.apps import AppConfig


class RetentionConfig(AppConfig):
    """How long a closed case's records are kept, and the task that de-identifies or deletes
    them after that. It sits beside the measures and the records request: it reaches into
    every domain app's records, and only the shells link to it."""

    name = "stride.retention"
    label = "retention"
