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


class Circumstance(models.TextChoices):
    """Family circumstances a service can be meant for (the resource map's first input).

    Read from the household record, the latest assessments and triage. The
    codes are stored in service rules and in instrument files: never rename one.
    """

    CHILDREN_UNDER_SIX = "children_under_6", _("Children under six")
    SCHOOL_AGE_CHILDREN = "school_age_children", _("School-age children")
    TEEN_PARENT = "teen_parent", _("Pregnant or parenting teen")
    TWO_PARENTS = "two_parents", _("Two parents at home")
    LIMITED_ENGLISH = "limited_english", _("Prefers a language other than English")
    NEEDS_CHILD_CARE = "needs_child_care", _("Needs child care")
    NO_CAR = "no_car", _("No reliable way to get around")
    HOUSING_CRISIS = "housing_crisis", _("Housing at risk")
    FOOD = "food", _("Short of food")
    NO_DIPLOMA = "no_diploma", _("Working towards a diploma or GED")
    LITTLE_WORK_HISTORY = "little_work_history", _("Building work experience")
    DISABILITY = "disability", _("Health condition or disability")
    MENTAL_HEALTH = "mental_health", _("Stress, worry or sadness")
    SUBSTANCE_USE = "substance_use", _("Alcohol or drugs")
    SAFETY = "safety", _("Safety at home")
    LEGAL = "legal", _("A legal problem")
