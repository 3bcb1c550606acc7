"""Forms of the outlet's pickup console."""

from django import forms
from django.utils.translation import gettext_lazy as _

from orders.services.pickups import COLLECTION_METHODS

COLLECTION_METHOD_LABELS = {"cash": _("Cash"), "card_terminal": _("Card terminal")}
COLLECTED_BY_CHOICES = [("", _("Paid online"))] + [
    (method, COLLECTION_METHOD_LABELS[method]) for method in COLLECTION_METHODS
]


class PickupForm(forms.Form):
    code = forms.CharField(max_length=20, label=_("Pickup code"))
    collected_by = forms.ChoiceField(
        choices=COLLECTED_BY_CHOICES, required=False, label=_("Payment taken by")
    )
    reason = forms.CharField(max_length=300, required=False, label=_("Why it was refused"))


class ReturnDropOffForm(forms.Form):
    code = forms.CharField(max_length=20, label=_("Return code"))
