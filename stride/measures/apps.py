from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    """Measures over time. It sits between the shells and the domain apps: it reads the
    domain apps' records and nothing but the shells reads it."""

    name = "stride.measures"
    label = "measures"

    def ready(self) -> None:
        # County goals follow these measures; county, below, cannot import them.
        from stride.county import live

        from .county_figures import FIGURES

        live.register(FIGURES)
