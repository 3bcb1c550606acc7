"""Every row lock on stock, in one place, always taken in primary-key order.

Two checkouts that lock the same listings in different orders could each wait for the other
forever; locking in ascending id order means the later one simply waits its turn.

Availability is `quantity_on_hand` minus the quantity held by order lines whose
`reserved_until` still lies ahead. An unaccepted order's hold lapses by itself when its time is
up: no job has to give the stock back. When a seller accepts, the held quantity leaves
`quantity_on_hand` for good (the CHECK `quantity_on_hand >= 0` is the backstop) and the hold ends.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, F, IntegerField, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Listing
from catalog.tasks import search_index_soon
from marketplace.errors import Conflict
from orders.models import OrderLine


@dataclass(frozen=True)
class Shortage:
    listing_id: int
    requested: int
    available: int


class InsufficientStock(Conflict):
    """Some listings do not have the quantity asked for; `shortages` says which and how many."""

    code = "insufficient_stock"

    def __init__(self, shortages: list[Shortage]):
        self.shortages = shortages
        fields = {
            f"listing.{s.listing_id}": [
                _("Only %(available)s available, %(requested)s asked for.")
                % {"available": s.available, "requested": s.requested}
            ]
            for s in shortages
        }
        super().__init__(_("Some parts are no longer available in that quantity."), fields=fields)


def lock_listings(listing_ids: Iterable[int]) -> dict[int, Listing]:
    """Lock the listings' rows for this transaction, in ascending id order.

    FOR NO KEY UPDATE: checkouts and stock updates still exclude each other, but a buyer adding
    the same listing to a cart is not made to wait (its foreign key check at commit takes a
    KEY SHARE lock, which plain FOR UPDATE would block)."""
    ids = sorted(set(listing_ids))
    locked = (
        Listing.objects.select_for_update(of=("self",), no_key=True)
        .select_related("seller_organisation", "part_type")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    return {listing.pk: listing for listing in locked}


def held_quantities(listing_ids: Iterable[int], *, excluding_order_id: int | None = None) -> dict:
    """Quantity held by live reservations, per listing. Read after the listings are locked,
    so no new hold can appear on them until this transaction ends."""
    holds = OrderLine.objects.filter(
        listing_id__in=list(listing_ids), reserved_until__gt=timezone.now()
    )
    if excluding_order_id is not None:
        holds = holds.exclude(order_id=excluding_order_id)
    rows = (
        holds.values("listing_id").annotate(held=Sum("quantity")).values_list("listing_id", "held")
    )
    return dict(rows)


def check_available(requested: dict[int, int], listings: dict[int, Listing], held: dict) -> None:
    """Raise InsufficientStock unless every listing can give the requested quantity."""
    shortages = []
    for listing_id, quantity in sorted(requested.items()):
        listing = listings.get(listing_id)
        available = 0
        if listing is not None and listing.status == "active":
            available = max(listing.quantity_on_hand - held.get(listing_id, 0), 0)
        if quantity > available:
            shortages.append(Shortage(listing_id, quantity, available))
    if shortages:
        raise InsufficientStock(shortages)


def _change_on_hand(lines: list[OrderLine], sign: int) -> None:
    """One UPDATE for all lines (an order holds each listing once)."""
    change = Case(
        *[When(pk=line.listing_id, then=Value(sign * line.quantity)) for line in lines],
        output_field=IntegerField(),
    )
    Listing.objects.filter(pk__in=[line.listing_id for line in lines]).update(
        quantity_on_hand=F("quantity_on_hand") + change, search_dirty=True
    )
    _follow_stock([line.listing_id for line in lines])


def take_stock(lines: list[OrderLine]) -> None:
    """The seller has accepted: the lines' quantities leave the shelf for good and their holds
    end. The caller holds the listings' locks (see `lock_listings`)."""
    _change_on_hand(lines, -1)
    release_holds(lines)


def return_stock(lines: list[OrderLine]) -> None:
    """Taken stock comes back to the shelf (a cancelled or uncollected order)."""
    _change_on_hand(lines, +1)


def release_holds(lines: list[OrderLine]) -> None:
    """End the holds of lines whose stock was never taken."""
    OrderLine.objects.filter(pk__in=[line.pk for line in lines]).update(reserved_until=None)


def _follow_stock(listing_ids: list[int]) -> None:
    """As `catalog.rules.status_for_stock` says: sold out at zero on hand, active again when
    stock comes back. Search follows on commit."""
    listings = Listing.objects.filter(pk__in=listing_ids)
    listings.filter(status="active", quantity_on_hand=0).update(status="sold_out")
    listings.filter(status="sold_out", quantity_on_hand__gt=0).update(status="active")
    search_index_soon()
