"""The seller's inventory pages, one module per page group: `inventory` (the list and its quick
edits), `listing_form` (a listing with its photos) and `feeds` (CSV uploads and their reports).
The inventory API is in catalog/api."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from catalog.api.views import seller_for
from catalog.services import Seller
from marketplace.errors import DomainError
from marketplace.models import Organisation


def seller_of_request(request) -> Seller:
    """The signed-in user as a seller; a user acting for a buyer, an outlet or a certifier is
    refused (403)."""
    try:
        return seller_for(request)
    except DomainError as error:
        raise PermissionDenied(error.message) from None


def feed_seller_of_request(request) -> Organisation:
    """The dismantler or remanufacturer the user acts for: feeds are for organisations only."""
    organisation = seller_of_request(request).organisation
    if organisation is None:
        raise PermissionDenied(_("Inventory feeds are for dismantlers and remanufacturers."))
    return organisation
