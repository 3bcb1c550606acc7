"""The catalog's side of certification: the badges listings carry, and product lines.

`certification` decides what a certificate says and calls these services in the same
transaction as its own change; the catalog never reads certification's models. Every change
of a badge marks the listings it covers dirty (one UPDATE), so the search index learns of an
issue, a suspension or a revocation on the next indexing run. Expiry needs no call at all:
search compares `certified_until` with today's date.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Badge, BadgeSubject, Listing, ProductLine
from catalog.tasks import search_index_soon
from marketplace.errors import Conflict, NotPermitted
from marketplace.models import Organisation, OrganisationKind


@dataclass(frozen=True)
class BadgeTerms:
    """What a badge says, as the certificate's scheme and certifier word it."""

    scheme_slug: str
    label: str
    summary: str
    certifier_name: str


@dataclass(frozen=True)
class BadgeCoverage:
    """What a badge covers: exactly one listing, product line or seller, as `subject` says."""

    subject: str
    listing: Listing | None = None
    product_line: ProductLine | None = None
    seller_organisation: Organisation | None = None


@dataclass(frozen=True)
class CoveredListing:
    """The facts that decide which badges cover a listing."""

    listing_id: int
    product_line_id: int | None
    seller_organisation_id: int | None


def _covered_listings(badge: Badge) -> QuerySet[Listing]:
    if badge.subject == BadgeSubject.LISTING:
        return Listing.objects.filter(pk=badge.listing_id)
    if badge.subject == BadgeSubject.PRODUCT_LINE:
        return Listing.objects.filter(product_line_id=badge.product_line_id)
    return Listing.objects.filter(seller_organisation_id=badge.seller_organisation_id)


def _mark_covered_dirty(badge: Badge) -> None:
    # `updated_at` moves too: Elasticsearch keeps a document only for a newer version.
    _covered_listings(badge).update(search_dirty=True, updated_at=timezone.now())
    search_index_soon()


@transaction.atomic
def badge_publish(
    *,
    certificate_number: str,
    terms: BadgeTerms,
    coverage: BadgeCoverage,
    valid_from: date,
    valid_until: date,
    active: bool,
) -> Badge:
    """Create or update (by certificate number) the badge of one certificate and mark the
    listings it covers for re-indexing."""
    badge, _ = Badge.objects.update_or_create(
        certificate_number=certificate_number,
        defaults={
            "scheme_slug": terms.scheme_slug,
            "label": terms.label,
            "summary": terms.summary,
            "certifier_name": terms.certifier_name,
            "subject": coverage.subject,
            "listing": coverage.listing,
            "product_line": coverage.product_line,
            "seller_organisation": coverage.seller_organisation,
            "valid_from": valid_from,
            "valid_until": valid_until,
            "active": active,
        },
    )
    _mark_covered_dirty(badge)
    return badge


@transaction.atomic
def badge_set_active(*, certificate_number: str, active: bool) -> Badge:
    """Show or hide a certificate's badge (suspended, reinstated, revoked, expired); the
    listings it covers leave or join the certified ones on the next indexing run.

    Raises Badge.DoesNotExist for a number that was never published."""
    badge = Badge.objects.select_for_update().get(certificate_number=certificate_number)
    if badge.active != active:
        badge.active = active
        badge.save(update_fields=["active", "updated_at"])
    _mark_covered_dirty(badge)
    return badge


def badges_relabel(*, scheme_slug: str, label: str, summary: str) -> int:
    """A scheme renamed its badge: what its badges show follows. Search keeps no labels, so
    nothing is re-indexed. Returns how many badges changed."""
    return Badge.objects.filter(scheme_slug=scheme_slug).update(
        label=label, summary=summary, updated_at=timezone.now()
    )


def _covering(listings: Iterable[CoveredListing], today: date) -> dict[int, list[Badge]]:
    """The active, unexpired badges covering each listing, in one query."""
    listings = list(listings)
    if not listings:
        return {}
    lines = {c.product_line_id for c in listings if c.product_line_id is not None}
    sellers = {c.seller_organisation_id for c in listings if c.seller_organisation_id is not None}
    badges = Badge.objects.filter(active=True, valid_until__gte=today).filter(
        Q(listing_id__in=[c.listing_id for c in listings])
        | Q(product_line_id__in=lines)
        | Q(seller_organisation_id__in=sellers)
    )
    by_listing, by_line, by_seller = defaultdict(list), defaultdict(list), defaultdict(list)
    for badge in badges.order_by("valid_until", "id"):
        if badge.listing_id is not None:
            by_listing[badge.listing_id].append(badge)
        elif badge.product_line_id is not None:
            by_line[badge.product_line_id].append(badge)
        else:
            by_seller[badge.seller_organisation_id].append(badge)
    return {
        c.listing_id: [
            *by_listing.get(c.listing_id, []),
            *by_line.get(c.product_line_id, []),
            *by_seller.get(c.seller_organisation_id, []),
        ]
        for c in listings
    }


def badges_for_listings(listing_ids: Iterable[int]) -> dict[int, list[Badge]]:
    """The badges to show on each listing: active and unexpired, whether they cover the
    listing itself, its product line or its seller. Two queries whatever the number of ids."""
    covered = [
        CoveredListing(*row)
        for row in Listing.objects.filter(id__in=list(listing_ids)).values_list(
            "id", "product_line_id", "seller_organisation_id"
        )
    ]
    return _covering(covered, timezone.localdate())


def badges_of(listings: Iterable[Listing]) -> dict[int, list[Badge]]:
    """`badges_for_listings` for listings already loaded: one query."""
    covered = (
        CoveredListing(listing.pk, listing.product_line_id, listing.seller_organisation_id)
        for listing in listings
    )
    return _covering(covered, timezone.localdate())


def badge_labels_for(listings: Iterable[Listing]) -> dict[int, tuple[tuple[str, date], ...]]:
    """(label, last valid day) of the active badges covering each listing, for the search
    index; one query for a whole batch of loaded listings."""
    return {
        listing_id: tuple(sorted((badge.label, badge.valid_until) for badge in badges))
        for listing_id, badges in badges_of(listings).items()
    }


def product_line_create(
    *, organisation: Organisation, name: str, description: str = ""
) -> ProductLine:
    """A remanufacturer names a range of its products, to be certified as a whole.

    Raises NotPermitted for an organisation that is not a remanufacturer, Conflict when it
    already has a line of that name."""
    if organisation.kind != OrganisationKind.REMANUFACTURER:
        raise NotPermitted(_("Only remanufacturers have product lines."))
    try:
        with transaction.atomic():
            return ProductLine.objects.create(
                organisation=organisation, name=name, description=description
            )
    except IntegrityError:
        raise Conflict.for_field(
            "name", _("You already have a product line of this name.")
        ) from None
