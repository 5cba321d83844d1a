"""Words several apps share: the life areas of goals, and the kinds of help a family can be pointed to.

Life areas organise goal-storming and what an assessment result suggests.
The four service areas are those of the CalWORKs 2.0 county resource map
(seed 003); specialists are the specialised supports a triage routes to.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LifeArea(models.TextChoices):
    FAMILY = "family", _("Family")
    HOME = "home", _("Home")
    HEALTH = "health", _("Health and well-being")
    MONEY = "money", _("Money")
    LEARNING = "learning", _("Learning")
    WORK = "work", _("Work and career")
    COMMUNITY = "community", _("Community")


class ServiceArea(models.TextChoices):
    WORK = "work", _("Work experience and job placement")
    EDUCATION = "education", _("Education and training")
    CHILD_CARE = "child_care", _("Child care")
    SUPPORTS = "supports", _("Work, personal and family supports")


class Specialist(models.TextChoices):
    HOUSING = "housing", _("Housing help")
    DOMESTIC_VIOLENCE = "domestic_violence", _("Safety and domestic violence advocate")
    MENTAL_HEALTH = "mental_health", _("Mental health counselling")
    SUBSTANCE_USE = "substance_use", _("Substance use support")
    DISABILITY = "disability", _("Disability services")
    CHILD_CARE = "child_care", _("Emergency child care")
    LEGAL = "legal", _("Legal aid")
