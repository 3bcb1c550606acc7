from rest_framework.pagination import PageNumberPagination


class CappedPageNumberPagination(PageNumberPagination):
    """Page numbers with a client-chosen size that can never exceed `max_page_size`."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
