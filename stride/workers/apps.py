from django.apps import AppConfig


class WorkersConfig(AppConfig):
    name = "stride.workers"
    label = "workers"
    verbose_name = "Task workers"
