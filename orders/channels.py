"""Which channel an order belongs to, and what that channel allows. Pure functions."""

from orders.models.choices import Channel, DeliveryKind, PaymentMethod


def order_channel(*, buyer_is_business: bool, seller_is_business: bool, delivery_kind: str) -> str:
    """The channel follows from who buys, who sells and how the part changes hands.

    Collection at an outlet makes an order `o2o` whoever the parties are; otherwise an individual
    seller makes it `c2c`, and a business seller `b2b` or `b2c` by who buys.
    """
    if delivery_kind == DeliveryKind.OUTLET_COLLECTION:
        return Channel.O2O
    if not seller_is_business:
        return Channel.C2C
    return Channel.B2B if buyer_is_business else Channel.B2C


def payment_methods(*, channel: str, buyer_has_invoice_terms: bool) -> frozenset[str]:
    """How an order of `channel` may be paid.

    Card always. Invoice only for business buyers the platform has given credit, buying from a
    business (a private seller cannot wait 30 days). Cash or card terminal at the outlet only
    when the part is collected there.
    """
    methods = {PaymentMethod.CARD}
    if buyer_has_invoice_terms and channel in (Channel.B2B, Channel.O2O):
        methods.add(PaymentMethod.INVOICE)
    if channel == Channel.O2O:
        methods.add(PaymentMethod.AT_PICKUP)
    return frozenset(methods)


def uses_tier_prices(channel: str, *, buyer_is_business: bool) -> bool:
    """Quantity tiers are trade prices: for business buyers buying from businesses."""
    return buyer_is_business and channel in (Channel.B2B, Channel.O2O)


def holds_funds_in_escrow(channel: str) -> bool:
    """C2C money stays with the platform until the buyer confirms receipt (or time passes)."""
    return channel == Channel.C2C


def allows_changed_mind_returns(channel: str) -> bool:
    """Only consumers buying from a business have the statutory right to return a part they
    no longer want; business buyers, private sales and outlet pickups do not."""
    return channel == Channel.B2C
