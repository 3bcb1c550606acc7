"""Forms of the seller's pages."""

from django import forms


class RejectForm(forms.Form):
    reason = forms.CharField(max_length=300, label="Why you cannot supply it")
