from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "stride.people"
    label = "people"
