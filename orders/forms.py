"""Forms of the ordering pages. They only check the shape of what is typed; the services
decide, and their refusals are shown next to the field they name."""

from django import forms

from marketplace.errors import DomainError
from orders.services.pickups import COLLECTION_METHODS

COLLECTED_BY_CHOICES = [("", "Paid online")] + [
    (method, method.replace("_", " ").capitalize()) for method in COLLECTION_METHODS
]


class PickupForm(forms.Form):
    code = forms.CharField(max_length=20, label="Pickup code")
    collected_by = forms.ChoiceField(
        choices=COLLECTED_BY_CHOICES, required=False, label="Payment taken by"
    )
    reason = forms.CharField(max_length=300, required=False, label="Why it was refused")


class ReturnDropOffForm(forms.Form):
    code = forms.CharField(max_length=20, label="Return code")


def show_refusal(form: forms.Form, error: DomainError, *, default_field: str) -> None:
    """Put a service's refusal next to the fields it names (or the one the form is about)."""
    named = {field: reasons for field, reasons in error.fields.items() if field in form.fields}
    if not named:
        form.add_error(default_field, error.message)
    for field, reasons in named.items():
        for reason in reasons:
            form.add_error(field, reason)


class CartAddForm(forms.Form):
    quantity = forms.IntegerField(min_value=1, max_value=10_000, initial=1)


class CheckoutForm(forms.Form):
    """Delivery options come as one `delivery_<n>` radio group per seller in the cart."""

    payment_method = forms.ChoiceField(
        choices=[("invoice", "On invoice"), ("at_pickup", "At pickup"), ("card", "Card")]
    )
    po_number = forms.CharField(max_length=60, required=False, label="PO number")
    use_credit = forms.BooleanField(required=False, label="Use my credit first")

    def delivery_option_ids(self, data) -> tuple[int, ...]:
        chosen = [value for key, value in data.items() if key.startswith("delivery_")]
        return tuple(int(value) for value in chosen if value.isdigit())


class RejectForm(forms.Form):
    reason = forms.CharField(max_length=300, label="Why you cannot supply it")
