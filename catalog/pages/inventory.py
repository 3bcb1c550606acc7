"""The seller's inventory list: their own listings in every status, filtered, sorted and 50 to a
page, with a quick edit of price and quantity on every row."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog import services
from catalog.forms import FORM_NAMES, InventoryFilterForm, QuickEditForm
from catalog.models import Listing, ListingPartNumber
from catalog.pages import seller_of_request
from catalog.selectors import listings_of_seller
from marketplace.errors import DomainError
from marketplace.forms import show_refusal

PER_PAGE = 50
LIST_PARAMS = ("q", "status", "condition", "part_type", "sort", "page")


@dataclass(frozen=True)
class Row:
    listing: Listing
    form: QuickEditForm


def _matching(listings: QuerySet[Listing], filters: InventoryFilterForm) -> QuerySet[Listing]:
    chosen = filters.cleaned_data
    if text := chosen.get("q"):
        matches = Q(title__icontains=text) | Q(seller_sku__istartswith=text)
        if number := filters.number_searched():
            other_numbers = ListingPartNumber.objects.filter(
                listing=OuterRef("pk"), normalised__contains=number
            )
            matches |= Q(part__oe_number_normalised__contains=number) | Exists(other_numbers)
        listings = listings.filter(matches)
    for name in ("status", "condition", "part_type"):
        if chosen.get(name):
            listings = listings.filter(**{name: chosen[name]})
    return listings.order_by(*filters.ordering())


def list_params(raw: str) -> QueryDict:
    """The list's own parameters from a query string (anything else is dropped)."""
    given = QueryDict(raw)
    kept = QueryDict(mutable=True)
    for name in LIST_PARAMS:
        if given.get(name):
            kept[name] = given[name]
    return kept


def inventory_url(params: QueryDict) -> str:
    query = params.urlencode()
    return reverse("inventory-page") + (f"?{query}" if query else "")


def _page_url(params: QueryDict, number: int) -> str:
    params = params.copy()
    params["page"] = str(number)
    return inventory_url(params)


def _render(request, params: QueryDict, *, failed: QuickEditForm | None = None, failed_id=None):
    filters = InventoryFilterForm(params)
    filters.is_valid()
    listings = _matching(listings_of_seller(request.user), filters)
    page = Paginator(listings, PER_PAGE).get_page(params.get("page"))
    rows = [
        Row(listing, failed if listing.pk == failed_id else QuickEditForm.for_listing(listing))
        for listing in page
    ]
    if failed is not None and failed_id not in {row.listing.pk for row in rows}:
        for reasons in failed.errors.values():
            messages.error(request, " ".join(reasons))
    context = {
        "filters": filters,
        "page": page,
        "rows": rows,
        "back": params.urlencode(),
        "previous_url": _page_url(params, page.number - 1) if page.has_previous() else "",
        "next_url": _page_url(params, page.number + 1) if page.has_next() else "",
    }
    status = 400 if failed is not None or filters.errors else 200
    return render(request, "catalog/inventory.html", context, status=status)


@login_required
def inventory_page(request):
    seller_of_request(request)
    return _render(request, list_params(request.GET.urlencode()))


def _quick_edit_saved(request, form: QuickEditForm, listing: Listing) -> bool:
    changes = form.changes_to(listing)
    if form.errors:
        return False
    if not changes:
        messages.info(request, _("Nothing changed on %(sku)s.") % {"sku": listing.seller_sku})
        return True
    try:
        services.listing_update(
            listing=listing, seller=seller_of_request(request), expected=form.expected, **changes
        )
    except DomainError as error:
        show_refusal(form, error, default_field="price", field_names=FORM_NAMES)
        return False
    messages.success(request, _("%(sku)s saved.") % {"sku": listing.seller_sku})
    return True


@login_required
@require_POST
def listing_quick_edit(request, listing_id: int):
    """Change the price and quantity of one listing, then return to the list as it was
    filtered; errors show on that row, next to the field."""
    seller_of_request(request)
    listing = get_object_or_404(listings_of_seller(request.user), pk=listing_id)
    form = QuickEditForm.for_listing(listing, request.POST)
    params = list_params(request.POST.get("back", ""))
    if form.is_valid() and _quick_edit_saved(request, form, listing):
        return redirect(inventory_url(params))
    return _render(request, params, failed=form, failed_id=listing.pk)
