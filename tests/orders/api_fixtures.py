"""Helpers of the orders API tests: who calls, and orders placed through the services."""

from decimal import Decimal

from marketplace.models import Membership, Organisation
from orders.models import Order
from orders.services.orders import order_accept
from tests.conftest import client_for
from tests.orders.conftest import listing_of, place, seller_with_shipping
from tests.orders.factories import InvoiceTermsFactory


def member_of(organisation: Organisation):
    return Membership.objects.filter(organisation=organisation).first().user


def seller_client(organisation: Organisation):
    return client_for(member_of(organisation))


def give_invoice_terms(buyer, credit_limit: str = "100000") -> None:
    InvoiceTermsFactory(organisation=buyer.organisation, credit_limit=Decimal(credit_limit))


def invoice_order(buyer, *, accepted: bool = False) -> Order:
    """One invoice order of a fresh dismantler's part, placed by `buyer` (who has terms)."""
    seller, parcel = seller_with_shipping()
    checkout = place(buyer, {listing_of(seller, price=Decimal("100.00")): 1}, [parcel])
    order = checkout.orders.get()
    if accepted:
        order = order_accept(order=order, actor=member_of(seller))
    return order
