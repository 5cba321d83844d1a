"""Search, filter and sort for caseloads (web pages and the API share it)."""

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from stride.core import access
from stride.core.models import Role, User

from .models import Enrollment, Household, Member, Participant, Program

SORTS = {
    "name": ("member__last_name", "member__first_name", "pk"),
    "-name": ("-member__last_name", "-member__first_name", "-pk"),
    "household_size": ("household__member_count", "pk"),
    "-household_size": ("-household__member_count", "-pk"),
    # More months on aid means an earlier aid start.
    "months_on_aid": ("-current_enrollment__aid_start", "pk"),
    "-months_on_aid": ("current_enrollment__aid_start", "-pk"),
    "assigned_since": ("assigned_since", "pk"),
    "-assigned_since": ("-assigned_since", "-pk"),
    "last_contact": ("last_contact_at", "pk"),
    "-last_contact": ("-last_contact_at", "-pk"),
}


def search_participants(queryset: QuerySet[Participant], text: str) -> QuerySet[Participant]:
    """Every word must match a first or last name; or the text is a case number."""
    text = text.strip()
    if not text:
        return queryset
    by_name = Q()
    for word in text.split()[:4]:
        by_name &= Q(member__first_name__icontains=word) | Q(member__last_name__icontains=word)
    return queryset.filter(by_name | Q(household__case_number__iexact=text))


def program_filter() -> django_filters.ModelChoiceFilter:
    """The program a participant is enrolled in now, chosen by its code."""
    return django_filters.ModelChoiceFilter(
        label=_("Program"),
        field_name="current_enrollment__program",
        queryset=Program.objects.all(),
        to_field_name="code",
        empty_label=_("Any program"),
    )


class CaseloadFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or case number"), method="filter_q")
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        field_name="current_enrollment__status",
        choices=Enrollment.Status.choices,
        empty_label=_("Any status"),
    )
    program = program_filter()
    coach = django_filters.ModelChoiceFilter(
        label=_("Coach"),
        queryset=User.objects.none(),
        to_field_name="username",
        empty_label=_("Any coach"),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        method="filter_sort",
        empty_label=None,
        choices=[
            ("name", _("Name (A to Z)")),
            ("-name", _("Name (Z to A)")),
            ("months_on_aid", _("Fewest months on aid")),
            ("-months_on_aid", _("Most months on aid")),
            ("-assigned_since", _("Newest assignment")),
            ("assigned_since", _("Oldest assignment")),
            ("last_contact", _("Longest since contact")),
            ("-last_contact", _("Most recent contact")),
            ("-household_size", _("Largest household")),
            ("household_size", _("Smallest household")),
        ],
    )

    class Meta:
        model = Participant
        fields = ["q", "status", "program", "coach", "sort"]

    def __init__(
        self, data: Mapping[str, Any] | None = None, *args: Any, user: User, **kwargs: Any
    ) -> None:
        super().__init__(data, *args, **kwargs)
        if user.role == Role.COACH:
            del self.filters["coach"]
        else:
            self.filters["coach"].queryset = access.coaches_visible_to(user)

    def filter_q(
        self, queryset: QuerySet[Participant], name: str, value: str
    ) -> QuerySet[Participant]:
        return search_participants(queryset, value)

    def filter_sort(
        self, queryset: QuerySet[Participant], name: str, value: str
    ) -> QuerySet[Participant]:
        return queryset.order_by(*SORTS.get(value, SORTS["name"]))

    @property
    def qs(self) -> QuerySet[Participant]:
        queryset: QuerySet[Participant] = super().qs
        if not queryset.query.order_by:
            queryset = queryset.order_by(*SORTS["name"])
        return queryset


# A household's shape, read from the relationships recorded for its members (not their ages).
ONE_PARENT, TWO_PARENTS, NO_CHILDREN = "one-parent", "two-parents", "no-children"
HOUSEHOLD_SHAPES = [
    (ONE_PARENT, _("One parent with children")),
    (TWO_PARENTS, _("Two parents with children")),
    (NO_CHILDREN, _("No children")),
]


def with_shape(queryset: QuerySet[Participant], shape: str) -> QuerySet[Participant]:
    """The participants whose household has `shape`: with a child and no spouse or partner
    recorded, with both, or with no child."""
    in_household = Member.objects.filter(household=OuterRef("household"))
    child = Exists(in_household.filter(relationship=Member.Relationship.CHILD))
    partner = Exists(in_household.filter(relationship=Member.Relationship.PARTNER))
    if shape == ONE_PARENT:
        return queryset.filter(child, ~partner)
    if shape == TWO_PARENTS:
        return queryset.filter(child, partner)
    if shape == NO_CHILDREN:
        return queryset.filter(~child)
    return queryset


class FamilyFilter(django_filters.FilterSet):
    """Which of the families in scope a measure counts: by program, language and household
    shape, each as the family has it today."""

    program = program_filter()
    language = django_filters.ChoiceFilter(
        label=_("Language"),
        field_name="household__language",
        choices=Household.Language.choices,
        empty_label=_("Any language"),
    )
    shape = django_filters.ChoiceFilter(
        label=_("Household"),
        method="filter_shape",
        choices=HOUSEHOLD_SHAPES,
        empty_label=_("Any household"),
    )

    class Meta:
        model = Participant
        fields = ["program", "language", "shape"]

    def filter_shape(
        self, queryset: QuerySet[Participant], name: str, value: str
    ) -> QuerySet[Participant]:
        return with_shape(queryset, value)

    def chosen(self) -> list[str]:
        """What the filter narrows to, in words: one phrase for each choice that holds (a
        choice that does not is named beside its field and left out)."""
        if not self.is_bound:
            return []
        self.form.is_valid()
        said = []
        for name, value in self.form.cleaned_data.items():
            if value and name == "program":
                said.append(str(value))
            elif value:
                said.append(str(dict(self.filters[name].extra["choices"])[value]))
        return said

    def query(self) -> str:
        """The choices that hold, as a query string for links that keep them."""
        if not self.is_bound:
            return ""
        self.form.is_valid()
        return urlencode(
            {name: self.data[name] for name, value in self.form.cleaned_data.items() if value}
        )
