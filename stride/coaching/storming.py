"""Goal-storming: open questions by life area, for a participant who cannot name a goal yet.

The prompts are conversation starters for the coach to ask in their own way;
what the participant says is written down as an idea, in their words.
"""

from django.utils.translation import gettext_lazy as _

from stride.core.vocabulary import LifeArea

PROMPTS = {
    LifeArea.FAMILY: [
        _("What do you enjoy doing with your children?"),
        _("What would you like your family's days to look like a year from now?"),
    ],
    LifeArea.HOME: [
        _("What would make home feel more settled?"),
        _("Is there something about where you live that you would like to change?"),
    ],
    LifeArea.HEALTH: [
        _("What helps you feel your best?"),
        _("What would you like to have more energy for?"),
    ],
    LifeArea.MONEY: [
        _("If you had a little extra each month, what would you do with it?"),
        _("What money worry would you most like to put behind you?"),
    ],
    LifeArea.LEARNING: [
        _("What have you always wanted to learn?"),
        _("Which school or training would open a door for you?"),
    ],
    LifeArea.WORK: [
        _("What work have you liked most, paid or not? What did you like about it?"),
        _("What kind of job would you be proud to tell your kids about?"),
    ],
    LifeArea.COMMUNITY: [
        _("Where do you feel you belong?"),
        _("Who would you like to get to know, or help?"),
    ],
}

# The seeds advise working on one to three goals at a time.
MOST_GOALS_AT_ONCE = 3
