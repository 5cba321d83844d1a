from django.apps import AppConfig


class CasefileConfig(AppConfig):
    """A participant's records request. It sits beside the measures, between the shells and
    the domain apps: it reads every domain app's part of a record, and only the shells read it."""

    name = "stride.casefile"
    label = "casefile"
