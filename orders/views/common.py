"""What the buyer's pages share: the buyer of the request, one page of a list, and a code drawn
as a QR code."""

import segno
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.utils.safestring import mark_safe

from marketplace.api.permissions import acting_organisation
from marketplace.errors import DomainError
from orders.parties import Buyer

ROWS_PER_PAGE = 25


def buyer_of(request) -> Buyer:
    try:
        return Buyer(user=request.user, organisation=acting_organisation(request))
    except DomainError as error:
        raise PermissionDenied(error.message) from None


def qr_svg(code: str) -> str:
    """The code as an inline SVG QR code, drawn on the server (no outside service sees it).
    A full-size QR code, not a Micro QR, so that any counter scanner reads it."""
    return mark_safe(segno.make_qr(code).svg_inline(scale=4))


def page_of(request, rows, per_page: int = ROWS_PER_PAGE):
    """One page of `rows`; a missing or wrong page number gives the first or the last page."""
    return Paginator(rows, per_page).get_page(request.GET.get("page"))
