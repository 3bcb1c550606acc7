"""What the buyer's pages share: the buyer of the request, and a code drawn as a QR code."""

import segno
from django.core.exceptions import PermissionDenied
from django.utils.safestring import mark_safe

from marketplace.api.permissions import acting_organisation
from marketplace.errors import DomainError
from orders.parties import Buyer


def buyer_of(request) -> Buyer:
    try:
        return Buyer(user=request.user, organisation=acting_organisation(request))
    except DomainError as error:
        raise PermissionDenied(error.message) from None


def qr_svg(code: str) -> str:
    """The code as an inline SVG QR code, drawn on the server (no outside service sees it).
    A full-size QR code, not a Micro QR, so that any counter scanner reads it."""
    return mark_safe(segno.make_qr(code).svg_inline(scale=4))
