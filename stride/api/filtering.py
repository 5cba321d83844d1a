import django_filters
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from rest_framework.exceptions import ValidationError


class StrictFilters(filters.DjangoFilterBackend):
    """A filter given with no value is refused (400), unless the filter takes free text, and
    so is a yes/no filter that is neither true nor false.

    django-filter reads `?status=` as no filter at all; the schema says a status is one of
    its choices, so an empty one is an error the client should hear about.
    """

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is not None:
            empty = {
                name: [_("Give a value, or leave this parameter out.")]
                for name, found in filterset.filters.items()
                if type(found) is not django_filters.CharFilter
                and name in request.query_params
                and not all(request.query_params.getlist(name))
            }
            # django-filter reads a yes/no it cannot parse as no filter; the schema says boolean.
            unreadable = {
                name: [_("Give true or false.")]
                for name, found in filterset.filters.items()
                if isinstance(found, django_filters.BooleanFilter)
                and any(v not in ("true", "false") for v in request.query_params.getlist(name))
            }
            if empty or unreadable:
                raise ValidationError(empty | unreadable)
        return super().filter_queryset(request, queryset, view)
