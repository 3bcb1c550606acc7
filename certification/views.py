"""Pages that show what certification adds to the catalog."""

from django.shortcuts import render
from django.utils import timezone

from catalog.views import part_page_context
from certification.offers import warranty_offers


def part_page(request, listing_id: int):
    """A published listing with everything a buyer weighs, the warranty plans it can be bought
    with among them."""
    context = part_page_context(listing_id)
    listing = context["listing"]
    context["offers"] = warranty_offers([listing], on=timezone.localdate())[listing.pk]
    return render(request, "catalog/part.html", context)
