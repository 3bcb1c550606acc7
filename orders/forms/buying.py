"""Forms of the buyer's pages. They check the shape of what is typed; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.forms import PhotosField
from orders.models import OrderStatus, PaymentMethod, RefundRoute, RmaReason
from orders.parties import SHIP_TO_MAX_LENGTHS, ShipTo
from orders.services.cart import MAX_LINE_QUANTITY
from orders.services.rma import RmaDetails


class CartAddForm(forms.Form):
    quantity = forms.IntegerField(
        min_value=1, max_value=MAX_LINE_QUANTITY, initial=1, label=_("Quantity")
    )


class CartLineForm(forms.Form):
    """A new quantity for a line of the cart; the remove button sends `action=remove`."""

    quantity = forms.IntegerField(min_value=0, max_value=MAX_LINE_QUANTITY, label=_("Quantity"))


# Stripe's test payment methods; the card is offered on the pages only with a test key.
TEST_CARDS = [
    ("", _("Choose a test card")),
    ("pm_card_visa", _("Visa test card, accepted")),
    ("pm_card_mastercard", _("Mastercard test card, accepted")),
    ("pm_card_chargeCustomerFail", _("Test card that is declined")),
]


SHIP_TO = SHIP_TO_MAX_LENGTHS
# The service's names of the parts of the address to ship to, and the form's.
SHIP_TO_FIELDS = {
    "ship_to": "ship_name",
    "ship_to.name": "ship_name",
    "ship_to.address": "ship_address",
    "ship_to.city": "ship_city",
    "ship_to.postcode": "ship_postcode",
    "ship_to.country": "ship_country",
    "ship_to.phone": "ship_phone",
}


class CheckoutForm(forms.Form):
    """The checkout of a cart: one `delivery_<n>` choice per seller group of the cart (n counts
    from 1), and the payment methods the sellers' channels allow this buyer (`payment_methods`).
    Whether the chosen combination can be paid that way is the checkout service's to decide,
    and so is whether the address to ship to (`ship_*`, all optional here) is needed."""

    payment_method = forms.ChoiceField(label=_("Payment"))
    card_payment_method = forms.ChoiceField(
        choices=TEST_CARDS,
        required=False,
        label=_("Test card"),
        help_text=_("Stripe's test mode: no money moves."),
    )
    po_number = forms.CharField(max_length=60, required=False, label=_("PO number"))
    use_credit = forms.BooleanField(required=False, label=_("Use my credit first"))
    ship_name = forms.CharField(max_length=SHIP_TO["name"], required=False, label=_("Recipient"))
    ship_address = forms.CharField(
        max_length=SHIP_TO["address"],
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Street address"),
    )
    ship_city = forms.CharField(max_length=SHIP_TO["city"], required=False, label=_("City"))
    ship_postcode = forms.CharField(
        max_length=SHIP_TO["postcode"], required=False, label=_("Postcode")
    )
    ship_country = forms.CharField(
        max_length=SHIP_TO["country"],
        required=False,
        initial="US",
        label=_("Country"),
        help_text=_("Two letters, such as US."),
    )
    ship_phone = forms.CharField(
        max_length=SHIP_TO["phone"], required=False, label=_("Phone (optional)")
    )
    # Not an input: where refusals about the delivery choices as a whole are shown.
    delivery_options = forms.CharField(required=False)

    def __init__(self, data=None, *, sellers=(), payment_methods=(), **kwargs):
        super().__init__(data, **kwargs)
        self.fields["payment_method"].choices = [
            (method, PaymentMethod(method).label) for method in payment_methods
        ]
        if PaymentMethod.CARD not in payment_methods:
            del self.fields["card_payment_method"]
        for number, group in enumerate(sellers, start=1):
            self.fields[f"delivery_{number}"] = forms.TypedChoiceField(
                coerce=int,
                choices=[(option.pk, option.name) for option in group.delivery_options],
                widget=forms.RadioSelect,
                label=_("Delivery"),
                error_messages={"required": _("Choose how this seller delivers.")},
            )

    def clean_ship_country(self) -> str:
        return self.cleaned_data["ship_country"].upper()

    def ship_to_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in dict.fromkeys(SHIP_TO_FIELDS.values())]

    def ship_to(self) -> ShipTo | None:
        """The address typed, or None when every part of it is left empty."""
        parts = {name: self.cleaned_data[f"ship_{name}"] for name in SHIP_TO}
        if not any(value for name, value in parts.items() if name != "country"):
            return None
        return ShipTo(**parts)

    def delivery_option_ids(self) -> tuple[int, ...]:
        return tuple(
            value
            for name, value in self.cleaned_data.items()
            if name.startswith("delivery_") and name.removeprefix("delivery_").isdigit()
        )


class OrderStatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", _("All statuses")), *OrderStatus.choices], required=False, label=_("Status")
    )


class OrderCancelForm(forms.Form):
    reason = forms.CharField(max_length=300, required=False, label=_("Why (optional)"))


class ReturnRequestForm(forms.Form):
    """A request to return units of one order line for a refund."""

    quantity = forms.IntegerField(
        min_value=1, max_value=MAX_LINE_QUANTITY, initial=1, label=_("How many to return")
    )
    reason = forms.ChoiceField(choices=RmaReason.choices, label=_("Reason"))
    refund_route = forms.ChoiceField(
        choices=RefundRoute.choices, initial=RefundRoute.ORIGINAL, label=_("Refund to")
    )
    description = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("What is wrong with it (optional)"),
    )
    photos = PhotosField(label=_("Photos (optional)"), required=False)

    def details(self) -> RmaDetails:
        return RmaDetails(**{k: v for k, v in self.cleaned_data.items() if k != "photos"})


class ReturnShipForm(forms.Form):
    carrier = forms.CharField(max_length=60, label=_("Carrier"))
    tracking_number = forms.CharField(max_length=80, label=_("Tracking number"))
