"""The words of reminders and of the answers to a participant's texts, in their language.

Texts go to a phone, so they are short and plain, and name Stride and how to stop.
"""

from datetime import date, datetime

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from stride.people.models import Household, Participant


def language_of(participant: Participant) -> str:
    """The household's language where Stride speaks it; English otherwise."""
    language = participant.household.language
    return (
        language if language in (Household.Language.ENGLISH, Household.Language.SPANISH) else "en"
    )


def consent_words(channel: str, language: str, own_pages: bool = False) -> str:
    """The sentence a person is shown when they agree to reminders (kept word for word);
    `own_pages` when they agree on their own pages, where they can also stop them."""
    with translation.override(language):
        if channel == "postcard":
            return _(
                "I would like reminders about my plan from Stride on postcards mailed to my "
                "home. I can stop them at any time."
            )
        if channel == "email" and own_pages:
            return _(
                "I agree to get reminders about my plan from Stride by email. I can stop them "
                "on my reminders page, or ask my coach to, at any time."
            )
        if channel == "email":
            return _(
                "I agree to get reminders about my plan from Stride by email. I can ask my "
                "coach to stop them at any time."
            )
        return _(
            "I agree to get text message reminders about my plan from Stride. Message and "
            "data rates may apply. Reply STOP to stop, HELP for help."
        )


def step_reminder(what: str, due_on: date, language: str) -> str:
    with translation.override(language):
        # Translators: a date format (Django's date filter): "Thursday, March 12"
        day = formats.date_format(due_on, _("l, F j"))
        return _(
            "Stride: a reminder for %(day)s: %(what)s. Reply 1 when it's done, 2 if not yet. "
            "Reply STOP to stop reminders."
        ) % {"day": day, "what": what}


def appointment_reminder(starts: datetime, language: str) -> str:
    """`starts` is on the household's clock."""
    with translation.override(language):
        day = formats.date_format(starts, _("l, F j"))
        at = formats.time_format(starts, "TIME_FORMAT")
        return _(
            "Stride: a reminder of your appointment with your coach on %(day)s at %(time)s. "
            "Reply STOP to stop reminders."
        ) % {"day": day, "time": at}


def check_in_reminder(language: str) -> str:
    with translation.override(language):
        return _(
            "Stride: it's time for your check-in. Open your own page in Stride to see how "
            "things are going. Reply STOP to stop reminders."
        )


GOAL_WORDS = 80  # a goal's own words, shortened to keep the text short


def review_reminder(goal: str, on: date, language: str) -> str:
    words = goal if len(goal) <= GOAL_WORDS else goal[: GOAL_WORDS - 1].rstrip() + "…"
    with translation.override(language):
        day = formats.date_format(on, _("l, F j"))
        return _(
            "Stride: %(day)s is the day you planned to look back on your goal with your "
            "coach: %(goal)s. What has gone well so far? Reply STOP to stop reminders."
        ) % {"day": day, "goal": words}


def step_subject(language: str) -> str:
    with translation.override(language):
        return _("A reminder about your plan")


def stopped(language: str) -> str:
    with translation.override(language):
        return _("Stride: you will get no more text reminders. Reply START to get them again.")


def started(language: str) -> str:
    with translation.override(language):
        return _(
            "Stride: text reminders are on again. Message and data rates may apply. Reply "
            "STOP to stop, HELP for help."
        )


def help_text(contact: str, language: str) -> str:
    with translation.override(language):
        if contact:
            return _(
                "Stride reminders from your county. For help, contact %(contact)s. Reply STOP "
                "to stop reminders."
            ) % {"contact": contact}
        return _(
            "Stride reminders from your county. For help, call your coach. Reply STOP to stop reminders."
        )


def marked(done: bool, language: str) -> str:
    with translation.override(language):
        if done:
            return _("Stride: well done! Your coach will see that this step is done.")
        return _("Stride: thanks for letting us know. Your coach will see it is not done yet.")


def kept_for_coach(language: str) -> str:
    with translation.override(language):
        return _("Stride: thanks, your coach will read your message.")


def link_message(first_name: str, link: str, days: int, password: bool, language: str) -> str:
    """A one-time link to the participant's own page: their first name and the link, no more."""
    with translation.override(language):
        if password:
            words = ngettext(
                "Stride: hi %(name)s, choose a new password for your page here: %(link)s "
                "(it works once, for %(days)d day).",
                "Stride: hi %(name)s, choose a new password for your page here: %(link)s "
                "(it works once, for %(days)d days).",
                days,
            )
        else:
            words = ngettext(
                "Stride: hi %(name)s, your coach invites you to your own page. Set it up "
                "here: %(link)s (it works once, for %(days)d day).",
                "Stride: hi %(name)s, your coach invites you to your own page. Set it up "
                "here: %(link)s (it works once, for %(days)d days).",
                days,
            )
        return words % {"name": first_name, "link": link, "days": days}


def link_subject(password: bool, language: str) -> str:
    with translation.override(language):
        if password:
            return _("Choose a new password for your Stride page")
        return _("Your own page on Stride")
