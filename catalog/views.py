"""Server-rendered pages of the catalog."""

from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.badges import badges_of
from catalog.models import Condition, Fitment, Grade, Location, Make, PartType, PassportEvent
from catalog.passport import passport_verify
from catalog.search import search
from catalog.search.query import Hit, Sort
from catalog.search_page import (
    CONDITION_LABELS,
    facet_groups,
    form_params,
    form_state,
    page_links,
    search_request_or_errors,
    with_point,
)
from catalog.selectors import listings_public
from marketplace.api.permissions import acting_organisation
from marketplace.errors import DomainError

# What a condition and a grade mean to someone who does not sell parts for a living.
CONDITION_EXPLAINED = {
    Condition.NEW_OEM: _("Brand new, made by or for the vehicle's manufacturer."),
    Condition.AFTERMARKET: _("Brand new, made by another maker to fit the vehicle."),
    Condition.RECYCLED: _("Taken from a donor vehicle and sold as it came off, after a check."),
    Condition.REFURBISHED: _("Taken from a donor vehicle, cleaned and repaired where worn."),
    Condition.REMANUFACTURED: _("Taken apart, rebuilt with new wear parts and tested like new."),
}
GRADE_EXPLAINED = {
    Grade.A: _("Best: little wear, no damage."),
    Grade.B: _("Moderate wear or minor damage that does not affect how it works."),
    Grade.C: _("Heavy wear or damage, still works."),
}
SORT_LABELS = {
    Sort.RELEVANCE: _("Best match"),
    Sort.PRICE: _("Lowest price"),
    Sort.PRICE_WITH_CORE: _("Lowest price with core charge"),
    Sort.NEWEST: _("Newest"),
    Sort.GRADE: _("Best grade"),
    Sort.DONOR_MILEAGE: _("Lowest donor mileage"),
    Sort.DISTANCE: _("Nearest first"),
}
WITHIN_KM_CHOICES = (25, 50, 100, 250, 500, 1000)


@dataclass(frozen=True)
class Card:
    """A search hit with what its card shows that the hit keeps as raw data."""

    hit: Hit
    condition: str
    badges: list[str]
    photo_url: str


def home(request):
    listings = listings_public().filter(status="active")[:20]
    return render(request, "home.html", {"listings": listings})


def _cards(hits) -> list[Card]:
    today = timezone.localdate()
    return [
        Card(
            hit=hit,
            condition=CONDITION_LABELS.get(hit.condition, hit.condition),
            badges=hit.badges_on(today),
            photo_url=default_storage.url(hit.photo) if hit.photo else "",
        )
        for hit in hits
    ]


def _form_choices() -> dict:
    return {
        "makes": Make.objects.order_by("name").values_list("name", flat=True),
        "part_types": list(PartType.objects.order_by("name").values_list("code", "name")),
        "conditions": Condition.choices,
        "grades": Grade.choices,
        "sorts": SORT_LABELS.items(),
        "within_km_choices": WITHIN_KM_CHOICES,
    }


def _home_point(request) -> Location | None:
    """Where distances are measured from when the form gives no point: the first place of the
    organisation the signed-in user acts for (a garage's workshop, a seller's yard)."""
    if not request.user.is_authenticated:
        return None
    try:
        organisation = acting_organisation(request)
    except DomainError:
        return None
    if organisation is None:
        return Location.objects.filter(user=request.user).order_by("pk").first()
    return Location.objects.filter(organisation=organisation).order_by("pk").first()


def search_page(request):
    """The search form and, for valid input, its results; invalid input shows the reasons by
    the fields (status 400), never a server error."""
    params = form_params(request.GET)
    home = _home_point(request)
    if home is not None and "lat" not in params and "lng" not in params:
        params = with_point(params, home.latitude, home.longitude)
    at_home = home is not None and (params.get("lat"), params.get("lng")) == (
        str(home.latitude), str(home.longitude)
    )  # fmt: skip
    search_request, errors = search_request_or_errors(params)
    context = {
        "home": home if at_home else None,
        "params": params,
        "errors": errors,
        "form": form_state(params, errors),
        **_form_choices(),
    }
    if search_request is not None and params:
        result = search(search_request)
        context.update(
            result=result,
            cards=_cards(result.hits),
            facets=facet_groups(result, params, part_type_names=dict(context["part_types"])),
            pages=page_links(result, params),
        )
    return render(request, "catalog/search.html", context, status=400 if errors else 200)


def _listing_for_page(listing_id: int):
    fitments = Fitment.objects.select_related("vehicle_model__make").order_by(
        "vehicle_model__make__name", "vehicle_model__name", "year_from"
    )
    queryset = (
        listings_public()
        .select_related("part__interchange_group")
        .prefetch_related(
            Prefetch("part__fitments", queryset=fitments),
            Prefetch(
                "passport",
                queryset=PassportEvent.objects.select_related("recorded_by").order_by("sequence"),
            ),
        )
    )
    return get_object_or_404(queryset, pk=listing_id)


def part_page_context(listing_id: int) -> dict:
    """What the part page shows of a published listing: fitment, donor, condition in plain
    words, seller, certificates and the passport, in a fixed number of queries. The page itself
    is served by `certification.views.part_page`, which adds the warranty offers (the catalog
    does not know about warranty plans). Raises Http404 for a listing that is not published."""
    listing = _listing_for_page(listing_id)
    return {
        "listing": listing,
        "photos": listing.photos.all(),
        "condition_explained": CONDITION_EXPLAINED.get(listing.condition, ""),
        "grade_explained": GRADE_EXPLAINED.get(listing.grade, ""),
        "fitments": listing.part.fitments.all() if listing.part else [],
        "badges": badges_of([listing]).get(listing.pk, []),
        "passport": listing.passport.all(),
        "verification": passport_verify(listing=listing),
    }
