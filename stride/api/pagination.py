from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    """50 records a page; `page_size` asks for up to 200, never a whole state at once."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request) -> int:
        asked = request.query_params.getlist(self.page_size_query_param)
        if not asked:
            return self.page_size
        # One whole number of at least 1, as the schema says; anything else is refused.
        if len(asked) > 1 or not asked[0].isascii() or not asked[0].isdigit() or int(asked[0]) < 1:
            raise ValidationError({self.page_size_query_param: [_("A whole number from 1 up.")]})
        return min(int(asked[0]), self.max_page_size)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters
