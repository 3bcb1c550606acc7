"""What every app's list pages share."""

from django.core.paginator import Page, Paginator

ROWS_PER_PAGE = 25


def page_of(request, rows, per_page: int = ROWS_PER_PAGE) -> Page:
    """One page of `rows` (`?page=`): a count and one slice, whatever the list's length; a
    missing or wrong page number gives the first or the last page."""
    return Paginator(rows, per_page).get_page(request.GET.get("page"))
