"""Forms of the outlet's pickup console."""

from django import forms

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
