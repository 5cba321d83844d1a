from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    """Measures over time. It sits between the shells and the domain apps: it reads the
    domain apps' records and nothing but the shells reads it."""

    name = "stride.measures"
    label = "measures"
