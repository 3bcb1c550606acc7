"""Warranty cover sold with orders: priced at checkout, issued once the order is paid, and the
buyer's premium refunded when cover can no longer be issued."""

from datetime import date
from decimal import Decimal

import pytest

from certification.models import CertificateStatus, IncludedWarranty, WarrantyPolicy
from certification.services.warranty_claims import ClaimDetails, claim_approve, claim_file
from marketplace.errors import DomainError
from marketplace.models import OrganisationKind
from orders.models import Order, PaymentStatus, Refund
from orders.services import orders as order_services
from orders.services import pickups
from orders.services.cart import cart_line_set
from orders.services.claims import claim_payouts_settle
from orders.services.payments import invoice_mark_paid
from orders.services.sweeps import orders_sweep
from orders.services.warranty import order_warranties_issue
from tests.certification.warranty_factories import (
    CertificateFactory,
    WarrantyPlanFactory,
    insurer_member,
)
from tests.orders.conftest import listing_of, outlet_option, place, seller_with_shipping
from tests.orders.factories import InvoiceTermsFactory
from tests.orders.stripe_helpers import stripe_refunds

pytestmark = pytest.mark.django_db


@pytest.fixture
def reman():
    """A remanufacturer's certified starter (two on hand) and a 10% plan on its scheme."""
    seller, parcel = seller_with_shipping(kind=OrganisationKind.REMANUFACTURER)
    starter = listing_of(seller, condition="remanufactured", grade="", price=Decimal("180.00"),
                         quantity_on_hand=2)  # fmt: skip
    plan = WarrantyPlanFactory(default_rate=Decimal("0.1000"), minimum_premium=Decimal("5.00"))
    certificate = CertificateFactory(listing=starter, scheme=plan.scheme)
    return seller, parcel, starter, plan, certificate


def buy_with_cover(buyer, listing, parcel, plan, quantity=2):
    cart_line_set(buyer=buyer, listing=listing, quantity=quantity, warranty_plan=plan)
    return place(buyer, {}, [parcel], payment_method="card", card_payment_method="pm_card_visa")


def test_a_buyer_chosen_plan_is_priced_into_the_order_and_passed_to_the_insurer(consumer, reman):
    seller, parcel, starter, plan, _ = reman

    order = buy_with_cover(consumer, starter, parcel, plan).orders.get()

    line = order.lines.get()
    assert (line.warranty_plan_id, line.warranty_premium) == (plan.pk, Decimal("36.00"))
    assert order.warranty_premiums_buyer == Decimal("36.00")
    assert order.total == Decimal("360.00") + Decimal("12.00") + Decimal("36.00")
    assert order.total == order.commission + order.seller_net + order.warranty_premiums_buyer
    assert order.seller_net == Decimal("360.00") + Decimal("12.00") - order.commission


def test_policies_are_issued_once_per_unit_when_the_card_is_captured(consumer, reman):
    seller, parcel, starter, plan, certificate = reman
    order = buy_with_cover(consumer, starter, parcel, plan).orders.get()
    assert not WarrantyPolicy.objects.exists()  # authorised is not paid

    order_services.order_accept(order=order, actor=seller.memberships.first().user)
    order_warranties_issue(Order.objects.get(pk=order.pk))  # a repeated payment event

    policies = WarrantyPolicy.objects.order_by("unit")
    assert [(p.unit, p.holder_id, p.certificate_id) for p in policies] == [
        (1, consumer.user.pk, certificate.pk), (2, consumer.user.pk, certificate.pk),
    ]  # fmt: skip
    assert order.lines.get().warranty_outcome.startswith("Issued: WP-")


def test_a_plan_the_seller_includes_costs_the_buyer_nothing_and_comes_out_of_the_sellers_net(
    consumer, reman
):
    seller, parcel, starter, plan, _ = reman
    IncludedWarranty.objects.create(listing=starter, plan=plan)

    order = place(consumer, {starter: 1}, [parcel], payment_method="card",
                  card_payment_method="pm_card_visa").orders.get()  # fmt: skip

    assert order.total == Decimal("192.00")
    assert order.warranty_premiums_seller == Decimal("18.00")
    assert order.seller_net == Decimal("192.00") - order.commission - Decimal("18.00")
    order_services.order_accept(order=order, actor=seller.memberships.first().user)
    assert WarrantyPolicy.objects.get().included_by_seller


def test_cover_that_can_no_longer_be_issued_is_refunded_to_the_buyer(consumer, reman):
    # given a paid-for plan whose certificate is revoked before the seller accepts
    seller, parcel, starter, plan, certificate = reman
    order = buy_with_cover(consumer, starter, parcel, plan).orders.get()
    certificate.status = CertificateStatus.REVOKED
    certificate.save()

    # when the order is captured, and the sweep sends what is unsent
    order_services.order_accept(order=order, actor=seller.memberships.first().user)
    orders_sweep()

    # then no policy is issued and the premium goes back to the card
    assert not WarrantyPolicy.objects.exists()
    line = order.lines.get()
    assert line.warranty_outcome.startswith("Not issued")
    refund = Refund.objects.get(pk=line.warranty_refund_id)
    assert refund.amount == Decimal("36.00")
    payment = order.payment
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED
    assert [r.amount for r in stripe_refunds(payment.stripe_payment_intent_id)] == [3600]


def test_checkout_refuses_a_plan_no_longer_offered_naming_the_part(consumer, reman):
    seller, parcel, starter, plan, certificate = reman
    cart_line_set(buyer=consumer, listing=starter, quantity=1, warranty_plan=plan)
    certificate.status = CertificateStatus.SUSPENDED
    certificate.save()

    with pytest.raises(DomainError) as refused:
        place(consumer, {}, [parcel], payment_method="card", card_payment_method="pm_card_visa")

    assert f"warranty.{starter.pk}" in refused.value.fields
    assert not Order.objects.exists()


def test_a_plan_not_offered_for_the_part_cannot_go_in_the_cart(consumer, reman):
    seller, parcel, starter, _, _ = reman
    other_plan = WarrantyPlanFactory()

    with pytest.raises(DomainError) as refused:
        cart_line_set(buyer=consumer, listing=starter, quantity=1, warranty_plan=other_plan)

    assert "warranty_plan" in refused.value.fields


def test_pay_at_pickup_issues_the_policy_when_the_part_is_collected(
    consumer, reman, outlet, outlet_staff, outlet_counter
):
    seller, _, starter, plan, _ = reman
    option = outlet_option(seller, outlet_counter)
    cart_line_set(buyer=consumer, listing=starter, quantity=1, warranty_plan=plan)
    order = place(consumer, {}, [option], payment_method="at_pickup").orders.get()
    seller_user = seller.memberships.first().user
    order_services.order_accept(order=order, actor=seller_user)
    order_services.order_mark_ready_for_pickup(order=order, actor=seller_user)
    assert not WarrantyPolicy.objects.exists()

    pickups.pickup_collect(
        outlet=outlet, user=outlet_staff, code=order.pickup_code, collected_by="card_terminal"
    )

    assert (
        WarrantyPolicy.objects.get().sale_reference
        == f"order-{order.pk}-line-{order.lines.get().pk}"
    )


def test_an_approved_claim_is_paid_back_to_the_buyers_card_once(consumer, reman):
    # given a paid order with cover, and a claim the insurer approved
    seller, parcel, starter, plan, _ = reman
    order = buy_with_cover(consumer, starter, parcel, plan, quantity=1).orders.get()
    order_services.order_accept(order=order, actor=seller.memberships.first().user)
    policy = WarrantyPolicy.objects.get()
    details = ClaimDetails(failure="No charge at idle", failed_on=date.today(),
                           parts_amount=Decimal("150.00"))  # fmt: skip
    claim = claim_file(policy=policy, actor=consumer.user, details=details)
    claim_approve(claim=claim, actor=insurer_member(plan.insurer), amount=Decimal("100.00"))

    # when the settlement task runs, twice (the refund reaches Stripe through a task started
    # on commit, or through the sweep, which sends whatever is unsent)
    first, second = claim_payouts_settle(), claim_payouts_settle()
    orders_sweep()

    # then the card gets 100.00 back once, and the claim is settled with that refund
    assert (first, second) == (1, 0)
    claim.refresh_from_db()
    payout = claim.payout
    assert claim.status == "settled"
    assert payout.settlement_reference == f"refund-{Refund.objects.get().pk}"
    intent = order.payment.stripe_payment_intent_id
    assert [r.amount for r in stripe_refunds(intent)] == [10000]


def test_a_claim_on_an_invoice_order_is_left_for_the_platform_to_settle(garage_buyer, reman):
    seller, parcel, starter, plan, _ = reman
    InvoiceTermsFactory(organisation=garage_buyer.organisation, credit_limit=Decimal("5000"))
    cart_line_set(buyer=garage_buyer, listing=starter, quantity=1, warranty_plan=plan)
    order = place(garage_buyer, {}, [parcel], payment_method="invoice").orders.get()
    order_services.order_accept(order=order, actor=seller.memberships.first().user)
    invoice_mark_paid(payment=order.payment)
    details = ClaimDetails(failure="Seized", failed_on=date.today(), parts_amount=Decimal("90"))
    claim = claim_file(policy=WarrantyPolicy.objects.get(), actor=garage_buyer.user,
                       details=details)  # fmt: skip
    claim_approve(claim=claim, actor=insurer_member(plan.insurer), amount=Decimal("40.00"))

    assert claim_payouts_settle() == 0
    claim.refresh_from_db()
    assert claim.status == "approved"
    assert claim.payout.status == "pending"
