"""Warranty writes: insurers' plans and premium rates, and the policies issued for sold units.

Claims are in `certification.services.warranty_claims`; both are re-exported here so callers
(the API, admin actions, `orders`) import one module.

`orders` calls `policy_issue_for_sale` when an order is paid or collected, passing the sale as
plain data (`SaleRecord`): `certification` never imports `orders`.
"""

import base64
import secrets
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from catalog.models import Condition, Grade, Listing, PartType, PassportEventKind
from catalog.passport import passport_append
from certification.claims import cover_end
from certification.models import PremiumRate, Scheme, WarrantyPlan, WarrantyPolicy
from certification.premiums import CoveredUnit, PremiumRule, RateRule, duplicate_rates, premium_for
from certification.selectors_warranty import certificate_covering
from certification.services.warranty_claims import (  # noqa: F401 (re-exported)
    ClaimDetails,
    ClaimRefused,
    claim_approve,
    claim_document_add,
    claim_file,
    claim_payable,
    claim_payout_settle,
    claim_reject,
    claim_request_info,
    claim_resubmit,
    paid_on_policy,
    require_insurer_member,
)
from marketplace.errors import Conflict, DomainError, NotPermitted
from marketplace.models import Organisation, OrganisationKind, User

# What a policy relies on once issued: these terms of a plan are frozen after its first policy
# (a policy copies its period and values, but claims read the limits from the plan).
PLAN_COVER_TERMS = (
    "cover_months", "cover_km", "labour_covered", "labour_hourly_cap", "max_payout_per_claim",
    "max_payout_total", "excess", "currency",
)  # fmt: skip
PLAN_OTHER_FIELDS = ("name", "default_rate", "minimum_premium", "active")
POLICY_NUMBER_BYTES = 10  # 80 random bits: a number cannot be guessed from another


class WarrantyNotIssued(Conflict):
    """No policy can be issued for a sale (no valid certificate, inactive plan, wrong currency).

    Policies already issued for the sale are unaffected; `orders` catches this and goes on
    with the order.
    """

    code = "warranty_not_issued"

    def __init__(self, message: str, *, sale_reference: str, reason: str):
        super().__init__(message)
        self.sale_reference = sale_reference
        self.reason = reason


# Plans and rates


def _plan_term_errors(values: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if values.get("labour_covered") and values.get("labour_hourly_cap") is None:
        errors["labour_hourly_cap"] = [_("A plan that covers labour needs an hourly cap.")]
    per_claim, total = values.get("max_payout_per_claim"), values.get("max_payout_total")
    if per_claim is not None and total is not None and total < per_claim:
        errors["max_payout_total"] = [_("The total limit cannot be below the per-claim limit.")]
    return errors


def plan_create(
    *, insurer: Organisation, actor: User, scheme: Scheme, values: dict
) -> WarrantyPlan:
    """A new plan of `insurer` under `scheme`. `values` holds the plan's terms, premium rule
    fields and name (see PLAN_COVER_TERMS and PLAN_OTHER_FIELDS).

    Raises NotPermitted unless `actor` acts for the approved insurer; DomainError for an
    inactive scheme or inconsistent limits.
    """
    if insurer.kind != OrganisationKind.INSURER or not insurer.is_approved:
        raise NotPermitted(_("Only an approved insurer offers warranty plans."))
    require_insurer_member(actor, insurer.pk)
    if not scheme.active:
        raise DomainError.for_field("scheme", _("This certification scheme is not active."))
    known = {key: values[key] for key in (*PLAN_COVER_TERMS, *PLAN_OTHER_FIELDS) if key in values}
    if errors := _plan_term_errors(known):
        raise DomainError(_("The plan's terms do not agree."), fields=errors)
    return WarrantyPlan.objects.create(insurer=insurer, scheme=scheme, **known)


@transaction.atomic
def plan_update(*, plan: WarrantyPlan, actor: User, values: dict) -> WarrantyPlan:
    """Change a plan. Its cover terms are frozen once it has issued a policy (Conflict): the
    insurer offers a new plan instead. The premium rule, name and `active` may always change;
    they apply to policies issued from now on."""
    require_insurer_member(actor, plan.insurer_id)
    plan = WarrantyPlan.objects.select_for_update().get(pk=plan.pk)
    changed = {key: value for key, value in values.items() if getattr(plan, key) != value}
    frozen = sorted(set(changed) & set(PLAN_COVER_TERMS))
    if frozen and plan.policies.exists():
        raise Conflict(
            _("This plan has issued policies: its cover terms can no longer change."),
            fields={key: [_("Frozen once a policy is issued.")] for key in frozen},
            code="plan_terms_frozen",
        )
    for key, value in changed.items():
        setattr(plan, key, value)
    current = {key: getattr(plan, key) for key in PLAN_COVER_TERMS}
    if errors := _plan_term_errors(current):
        raise DomainError(_("The plan's terms do not agree."), fields=errors)
    plan.save()
    return plan


def _rate_errors(rates: list[RateRule]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    codes = {rate.part_type for rate in rates if rate.part_type}
    known_types = set(PartType.objects.filter(code__in=codes).values_list("code", flat=True))
    for index, rate in enumerate(rates):
        reasons = []
        if rate.condition not in Condition.values:
            reasons.append(_("Unknown condition '%(condition)s'.") % {"condition": rate.condition})
        if rate.grade and rate.grade not in Grade.values:
            reasons.append(_("Unknown grade '%(grade)s'.") % {"grade": rate.grade})
        if rate.part_type and rate.part_type not in known_types:
            reasons.append(_("Unknown part type '%(part_type)s'.") % {"part_type": rate.part_type})
        if not Decimal("0") <= rate.rate <= Decimal("1"):
            reasons.append(_("A rate is a fraction of the covered value, from 0 to 1."))
        if rate in duplicate_rates(rates[: index + 1]):
            reasons.append(_("This condition, grade and part type is already priced."))
        if reasons:
            errors[f"rates.{index}"] = reasons
    return errors


@transaction.atomic
def plan_rates_set(*, plan: WarrantyPlan, actor: User, rates: list[RateRule]) -> list[PremiumRate]:
    """Replace a plan's premium rates as a whole. Raises DomainError naming each bad row
    (`rates.<index>`); nothing is written then."""
    require_insurer_member(actor, plan.insurer_id)
    if errors := _rate_errors(rates):
        raise DomainError(_("Some premium rates are invalid."), fields=errors)
    WarrantyPlan.objects.select_for_update().get(pk=plan.pk)
    PremiumRate.objects.filter(plan=plan).delete()
    return PremiumRate.objects.bulk_create(
        PremiumRate(
            plan=plan, condition=r.condition, grade=r.grade, part_type=r.part_type, rate=r.rate
        )
        for r in rates
    )


def premium_rule_of(plan: WarrantyPlan) -> PremiumRule:
    """The plan's premium rule as a value (reads `plan.rates`; prefetch it for lists)."""
    return PremiumRule(
        default_rate=plan.default_rate,
        minimum=plan.minimum_premium,
        rates=tuple(
            RateRule(condition=r.condition, grade=r.grade, part_type=r.part_type, rate=r.rate)
            for r in plan.rates.all()
        ),
    )


# Policies


@dataclass(frozen=True)
class SaleRecord:
    """One sold order line, as `orders` tells it: plain data, no `orders` model.

    `sale_reference` names the line uniquely and for good (e.g. "order-12-line-34"): it is
    what makes issuing idempotent. `holder_id` is the buyer user.
    """

    sale_reference: str
    listing_id: int
    quantity: int
    unit_price: Decimal
    currency: str
    holder_id: int
    plan_id: int
    sold_on: date
    seller_organisation_id: int | None = None
    seller_user_id: int | None = None
    included_by_seller: bool = False


def new_policy_number() -> str:
    token = base64.b32encode(secrets.token_bytes(POLICY_NUMBER_BYTES)).decode()
    return "WP-" + "-".join(token[i : i + 4] for i in range(0, len(token), 4))


def _policies_of_sale(sale: SaleRecord) -> list[WarrantyPolicy]:
    return list(
        WarrantyPolicy.objects.filter(sale_reference=sale.sale_reference, unit__lte=sale.quantity)
        .select_related("plan__insurer", "listing")
        .order_by("unit")
    )


def _check_sale(sale: SaleRecord) -> None:
    if not 0 < len(sale.sale_reference) <= 80:
        raise DomainError.for_field("sale_reference", _("A sale reference has 1 to 80 characters."))
    if sale.quantity < 1:
        raise DomainError.for_field("quantity", _("A sale covers at least one unit."))
    if sale.unit_price < 0:
        raise DomainError.for_field("unit_price", _("A unit price cannot be negative."))


def _refuse(sale: SaleRecord, reason: str, message: str) -> WarrantyNotIssued:
    return WarrantyNotIssued(message, sale_reference=sale.sale_reference, reason=reason)


def _cover_for(sale: SaleRecord):
    """The plan, listing and certificate a sale would be covered by; WarrantyNotIssued if not."""
    plan = WarrantyPlan.objects.prefetch_related("rates").filter(pk=sale.plan_id).first()
    if plan is None or not plan.active:
        raise _refuse(sale, "plan_unavailable", _("This warranty plan is not offered."))
    if plan.currency != sale.currency:
        raise _refuse(
            sale,
            "currency_mismatch",
            _("The plan covers sales in %(currency)s only.") % {"currency": plan.currency},
        )
    listing = Listing.objects.select_related("part_type").get(pk=sale.listing_id)
    certificate = certificate_covering(listing=listing, scheme_id=plan.scheme_id, on=sale.sold_on)
    if certificate is None:
        raise _refuse(
            sale,
            "no_valid_certificate",
            _(
                "The part holds no valid certificate of the plan's scheme (revoked, suspended, "
                "expired or never issued): no warranty can be issued."
            ),
        )
    return plan, listing, certificate


def _new_policies(sale: SaleRecord, units: set[int]) -> list[WarrantyPolicy]:
    plan, listing, certificate = _cover_for(sale)
    holder = User.objects.get(pk=sale.holder_id)
    covered = CoveredUnit(
        condition=listing.condition,
        grade=listing.grade,
        part_type=listing.part_type.code,
        value=sale.unit_price,
    )
    premium = premium_for(premium_rule_of(plan), covered)
    return [
        WarrantyPolicy(
            number=new_policy_number(), plan=plan, certificate=certificate, listing=listing,
            unit=unit, sale_reference=sale.sale_reference,
            seller_organisation_id=sale.seller_organisation_id,
            seller_user_id=sale.seller_user_id, holder=holder,
            holder_name=holder.get_full_name() or holder.username, holder_email=holder.email,
            starts_on=sale.sold_on, ends_on=cover_end(sale.sold_on, plan.cover_months),
            cover_km=plan.cover_km, currency=plan.currency, covered_value=sale.unit_price,
            premium=premium, included_by_seller=sale.included_by_seller,
        )
        for unit in sorted(units)
    ]  # fmt: skip


@transaction.atomic
def _insert_policies(sale: SaleRecord, policies: list[WarrantyPolicy]) -> list[WarrantyPolicy]:
    """Insert what no concurrent caller has inserted, record ours in the passport, and return
    all of the sale's policies. `ON CONFLICT DO NOTHING` reports no ids, so a row is ours when
    it carries one of the random numbers we drew."""
    WarrantyPolicy.objects.bulk_create(policies, ignore_conflicts=True)
    issued = _policies_of_sale(sale)
    ours = {policy.number for policy in policies}
    for policy in issued:
        if policy.number in ours:
            _passport_record_policy(policy)
    return issued


def _passport_record_policy(policy: WarrantyPolicy) -> None:
    """`warranty_issued`: the policy's number, plan and period, never the holder."""
    plan = policy.plan
    passport_append(
        listing=policy.listing,
        kind=PassportEventKind.WARRANTY_ISSUED,
        unit=policy.unit,
        details={
            "policy": policy.number,
            "plan": plan.name,
            "plan_id": plan.pk,
            "insurer": plan.insurer.name,
            "starts_on": policy.starts_on.isoformat(),
            "ends_on": policy.ends_on.isoformat(),
            "cover_km": policy.cover_km,
        },
        recorded_by=plan.insurer,
    )


def policy_issue_for_sale(*, sale: SaleRecord) -> list[WarrantyPolicy]:
    """Issue one policy per unit of a sale, exactly once, and return them by unit.

    Idempotent and safe under concurrency: a repeat (a second payment event, a retried task)
    returns the policies already issued, whatever has happened to the certificate since. The
    insert is `ON CONFLICT DO NOTHING` on (sale_reference, unit), so two callers at once issue
    each unit once; the loser waits for the winner's row and reads it.

    Each policy is recorded in the part's passport (`warranty_issued`, with the policy's unit)
    in the transaction that inserts it; a repeat inserts nothing and so records nothing.

    Raises WarrantyNotIssued (409) when nothing may be issued: no active, unexpired
    certificate of the plan's scheme covers the listing on `sold_on` (revoked, suspended,
    expired), the plan is inactive, or the sale's currency is not the plan's. DomainError for
    malformed sale data.
    """
    _check_sale(sale)
    wanted = set(range(1, sale.quantity + 1))
    issued = _policies_of_sale(sale)
    # A few rounds only because an 80-bit policy number could, in theory, collide: the
    # conflict would then skip that unit and the next round gives it a fresh number.
    for _round in range(3):
        missing = wanted - {policy.unit for policy in issued}
        if not missing:
            return issued
        issued = _insert_policies(sale, _new_policies(sale, missing))
    raise RuntimeError(f"Could not issue policies for {sale.sale_reference}.")


@transaction.atomic
def policy_transfer(
    *, policy: WarrantyPolicy, actor: User, holder_name: str, holder_email: str
) -> WarrantyPolicy:
    """Name the vehicle owner the part was fitted for as the policy's beneficiary. Only the
    holder (the buyer) may; they keep access to the policy and its claims."""
    if policy.holder_id != actor.pk:
        raise NotPermitted(_("Only the policy's holder may transfer it."))
    if not holder_name.strip():
        raise DomainError.for_field("holder_name", _("Name the new holder."))
    policy = WarrantyPolicy.objects.select_for_update(no_key=True).get(pk=policy.pk)
    policy.holder_name, policy.holder_email = holder_name.strip(), holder_email
    policy.save(update_fields=["holder_name", "holder_email"])
    return policy
