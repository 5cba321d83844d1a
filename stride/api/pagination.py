from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    """50 records a page; `page_size` asks for up to 200, never a whole state at once."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
