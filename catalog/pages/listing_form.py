"""A seller's listing form: create a listing or change one of their own, with its photos.

Only the fields the seller changed from what the page showed are written, through the same
locked update as the inventory API, so a sale or another edit meanwhile is not undone.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog import services
from catalog.forms import FORM_NAMES, ListingForm
from catalog.models import Currency, Listing, ListingPhoto, ProductLine, SizeClass
from catalog.pages import seller_of_request
from catalog.selectors import listings_of_seller, locations_of
from marketplace.errors import DomainError, NotPermitted
from marketplace.forms import show_refusal
from marketplace.selectors import organisation_ids_for

NEW_LISTING = {
    "currency": Currency.USD,
    "quantity_on_hand": 1,
    "warranty_days": 0,
    "size_class": SizeClass.MEDIUM,
}


def _form(request, *, listing: Listing | None = None, initial: dict) -> ListingForm:
    return ListingForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        listing=listing,
        initial=initial,
        locations=locations_of(request.user),
        product_lines=ProductLine.objects.filter(
            organisation_id__in=organisation_ids_for(request.user)
        ),
    )


def _render(request, form: ListingForm, listing: Listing | None = None):
    context = {
        "form": form,
        "listing": listing,
        "photos": listing.photos.all() if listing is not None else [],
        "photo_limit_mb": settings.LISTING_PHOTO_MAX_BYTES // 2**20,
    }
    return render(request, "catalog/listing_form.html", context, status=400 if form.errors else 200)


def _photos_added(request, listing: Listing, form: ListingForm) -> None:
    """Store the new photos; the form checked them, so a refusal here is a race (the limit
    reached from another tab) and is told as a message on the listing's page."""
    for photo in form.cleaned_data["photos"]:
        try:
            services.listing_photo_add(listing=listing, image=photo)
        except DomainError as error:
            messages.error(request, f"{photo.name}: {error.message}")


def _created(request, form: ListingForm) -> Listing | None:
    try:
        listing = services.listing_create(
            seller=seller_of_request(request),
            seller_sku=form.cleaned_data["seller_sku"],
            publish=form.cleaned_data["publish"],
            **form.listing_fields(),
        )
    except DomainError as error:
        # Only publishing can be refused to a seller not yet approved.
        default_field = "publish" if isinstance(error, NotPermitted) else None
        show_refusal(form, error, default_field=default_field, field_names=FORM_NAMES)
        return None
    _photos_added(request, listing, form)
    return listing


@login_required
def listing_new(request):
    seller_of_request(request)
    form = _form(request, initial=NEW_LISTING)
    if request.method == "POST" and form.is_valid():
        listing = _created(request, form)
        if listing is not None:
            messages.success(request, _("Listing %(sku)s created.") % {"sku": listing.seller_sku})
            return redirect("listing-edit", listing.pk)
    return _render(request, form)


def _updated(request, form: ListingForm, listing: Listing) -> bool:
    changes = form.changes_to(listing)
    if form.errors:
        return False
    if changes:
        try:
            services.listing_update(
                listing=listing,
                seller=seller_of_request(request),
                expected=form.expected,
                **changes,
            )
        except DomainError as error:
            show_refusal(form, error, default_field=None)
            return False
    _photos_added(request, listing, form)
    return True


@login_required
def listing_edit(request, listing_id: int):
    """Change one of the seller's own listings (another seller's is a 404)."""
    seller_of_request(request)
    listing = get_object_or_404(listings_of_seller(request.user), pk=listing_id)
    form = _form(request, listing=listing, initial=ListingForm.initial_of(listing))
    if request.method == "POST" and form.is_valid() and _updated(request, form, listing):
        sku = form.cleaned_data["seller_sku"]
        messages.success(request, _("Listing %(sku)s saved.") % {"sku": sku})
        return redirect("listing-edit", listing.pk)
    return _render(request, form, listing)


@login_required
@require_POST
def listing_photo_remove(request, listing_id: int, photo_id: int):
    seller_of_request(request)
    listing = get_object_or_404(listings_of_seller(request.user), pk=listing_id)
    photo = get_object_or_404(ListingPhoto.objects.filter(listing=listing), pk=photo_id)
    services.listing_photo_delete(photo=photo)
    messages.success(request, _("Photo removed."))
    return redirect("listing-edit", listing.pk)
