"""Signing in on the pages is for people: a system account (User.is_system) uses the API
with its tokens only, so neither a password nor a session ever opens a page to it."""

from django.contrib.auth.backends import ModelBackend


class PeopleBackend(ModelBackend):
    def user_can_authenticate(self, user) -> bool:
        # Asked at sign-in and again for each session's request (ModelBackend.get_user).
        return super().user_can_authenticate(user) and not getattr(user, "is_system", False)
