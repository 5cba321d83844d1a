from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "stride.portal"
    label = "portal"
