from django.apps import AppConfig


class CountyConfig(AppConfig):
    name = "stride.county"
    label = "county"
    verbose_name = "County tools"
