"""Reads of warranty plans, policies and claims, scoped to one party.

Scoping is the access rule: an insurer sees its plans and what was issued and claimed under
them, a holder their own policies and claims, a seller the policies and claims on what it sold.
Anything else is simply not in the queryset (a 404, never a 403 that confirms it exists). Every
queryset selects what its representation prints, so a list costs the same number of queries
whatever its length.
"""

from datetime import date

from django.db.models import Case, Prefetch, Q, QuerySet, Value, When

from catalog.models import Listing
from certification.models import (
    Certificate,
    CertificateStatus,
    Claim,
    ClaimEvent,
    ClaimPayout,
    ClaimPayoutStatus,
    WarrantyPlan,
    WarrantyPolicy,
)
from marketplace.models import Organisation, OrganisationKind, User

POLICY_RELATIONS = (
    "plan", "plan__insurer", "certificate", "listing", "holder", "seller_organisation",
    "seller_user",
)  # fmt: skip


def plans_of_insurer(insurer: Organisation) -> QuerySet[WarrantyPlan]:
    return (
        WarrantyPlan.objects.filter(insurer=insurer)
        .select_related("insurer", "scheme")
        .prefetch_related("rates")
    )


def plans_offered() -> QuerySet[WarrantyPlan]:
    """Active plans anyone may ask a premium quote for."""
    return WarrantyPlan.objects.filter(active=True).select_related("insurer", "scheme")


def _party_scope(user: User, organisation: Organisation | None, *, prefix: str = "") -> Q:
    """Policies (or, with `prefix="policy__"`, claims) the caller may see: their own as holder,
    plus their organisation's as insurer or as seller. An individual seller (C2C) sees what
    they sold themself."""
    scope = Q(**{f"{prefix}holder": user})
    if organisation is None:
        return scope | Q(
            **{f"{prefix}seller_organisation__isnull": True, f"{prefix}seller_user": user}
        )
    if organisation.kind == OrganisationKind.INSURER:
        return scope | Q(**{f"{prefix}plan__insurer": organisation})
    return scope | Q(**{f"{prefix}seller_organisation": organisation})


def policies_visible_to(user: User, organisation: Organisation | None) -> QuerySet[WarrantyPolicy]:
    return WarrantyPolicy.objects.filter(_party_scope(user, organisation)).select_related(
        *POLICY_RELATIONS
    )


def claims_visible_to(user: User, organisation: Organisation | None) -> QuerySet[Claim]:
    return (
        Claim.objects.filter(_party_scope(user, organisation, prefix="policy__"))
        .select_related(
            "payout", "filed_by", *(f"policy__{relation}" for relation in POLICY_RELATIONS)
        )
        .prefetch_related("documents")
    )


def claims_of_insurer(insurer: Organisation) -> QuerySet[Claim]:
    """The claims an insurer decides: those on policies of its plans."""
    return Claim.objects.filter(policy__plan__insurer=insurer).select_related(
        "payout", "policy", "policy__plan"
    )


def claims_of_holder(user: User) -> QuerySet[Claim]:
    return Claim.objects.filter(policy__holder=user).select_related(
        "payout", "policy", "policy__plan"
    )


def with_claim_events(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    return claims.prefetch_related(
        Prefetch("events", queryset=ClaimEvent.objects.select_related("actor"))
    )


def payouts_pending() -> QuerySet[ClaimPayout]:
    """Approved claims' payouts still to be settled, oldest first: what `orders` picks up."""
    return ClaimPayout.objects.filter(status=ClaimPayoutStatus.PENDING).select_related(
        "claim", "claim__policy"
    )


def certificate_covering(*, listing: Listing, scheme_id: int, on: date) -> Certificate | None:
    """The certificate of a scheme that makes `listing` eligible on date `on`: active, in its
    validity period, and covering the listing itself, its product line or its seller. The most
    specific one wins (listing, then product line, then seller), then the longest-lived.

    A revoked, suspended or expired certificate covers nothing; a valid broader certificate
    (say, the seller's) still does.
    """
    covers = Q(listing=listing)
    if listing.product_line_id is not None:
        covers |= Q(product_line_id=listing.product_line_id)
    if listing.seller_organisation_id is not None:
        covers |= Q(seller_organisation_id=listing.seller_organisation_id)
    return (
        Certificate.objects.filter(covers)
        .filter(
            scheme_id=scheme_id,
            status=CertificateStatus.ACTIVE,
            issued_on__lte=on,
            expires_on__gte=on,
        )
        .annotate(
            specificity=Case(
                When(listing__isnull=False, then=Value(0)),
                When(product_line__isnull=False, then=Value(1)),
                default=Value(2),
            )
        )
        .order_by("specificity", "-expires_on", "-id")
        .first()
    )
