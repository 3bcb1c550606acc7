"""Forms of the buyer's pages."""

from django import forms


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
