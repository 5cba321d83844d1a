from django.apps import AppConfig


class StaffConfig(AppConfig):
    """The staff's shell: the screens that put many apps side by side (the menu, the front
    door, Today, a participant's profile). It sits above every domain app, beside `portal`
    (the participant's shell) and `api`; nothing imports it."""

    name = "stride.staff"
    label = "staff"
