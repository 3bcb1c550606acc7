"""What every page's forms share, and the sign-up form.

Forms check the shape of the input; services decide, and a service's refusal is shown by
`show_refusal` next to the field it names.
"""

from collections.abc import Mapping

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.errors import DomainError, NotPermitted
from marketplace.models import OrganisationKind
from marketplace.services import SELF_REGISTERED_KINDS


def show_refusal(
    form: forms.Form,
    error: DomainError,
    *,
    default_field: str | None,
    field_names: Mapping[str, str] | None = None,
) -> None:
    """Put a service's refusal next to the fields it names, or next to `default_field` (above
    the form when None) when it names none of the form's fields. `field_names` maps a service's
    argument names to the form's where they differ. A refusal of who the caller is (not a
    member, not approved) names no field and goes above the form."""
    if isinstance(error, NotPermitted) and not error.fields:
        form.add_error(None, error.message)
        return
    field_names = field_names or {}
    named = {}
    for name, reasons in error.fields.items():
        field = field_names.get(name, name)
        if field in form.fields:
            named.setdefault(field, []).extend(reasons)
    if not named:
        form.add_error(default_field, error.message)
    for field, reasons in named.items():
        for reason in reasons:
            form.add_error(field, reason)


def status_for(*forms: forms.Form | None) -> int:
    """The status of a page showing `forms`: 400 once any of them was refused, else 200."""
    return 400 if any(form is not None and form.errors for form in forms) else 200


PRIVATE = "private"
ACCOUNT_KIND_CHOICES = [(PRIVATE, _("A private person buying or selling my own parts"))] + [
    (kind.value, kind.label) for kind in OrganisationKind if kind in SELF_REGISTERED_KINDS
]


class SignUpForm(forms.Form):
    username = forms.RegexField(
        regex=r"^[\w.@+-]{3,150}$",
        max_length=150,
        label=_("Username"),
        error_messages={
            "invalid": _("Use 3 to 150 letters, digits and the signs . @ + - _ only."),
        },
    )
    email = forms.EmailField(label=_("Email"))
    password = forms.CharField(
        widget=forms.PasswordInput(render_value=False), max_length=128, label=_("Password")
    )
    password_again = forms.CharField(
        widget=forms.PasswordInput(render_value=False), max_length=128, label=_("Password again")
    )
    account_kind = forms.ChoiceField(
        choices=ACCOUNT_KIND_CHOICES, initial=PRIVATE, label=_("The account is for")
    )
    organisation_name = forms.CharField(
        max_length=200, required=False, label=_("Business name"),
        help_text=_("Businesses start pending: the marketplace approves them before they trade."),
    )  # fmt: skip
    address = forms.CharField(max_length=300, required=False, label=_("Address"))
    city = forms.CharField(max_length=100, required=False, label=_("City"))
    postcode = forms.CharField(max_length=20, required=False, label=_("Postcode"))
    country = forms.RegexField(
        regex=r"^[A-Z]{2}$", max_length=2, initial="US", label=_("Country"),
        error_messages={"invalid": _("Use the two capital letters of the country, as US or CN.")},
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_again") != data.get("password"):
            self.add_error("password_again", _("The two passwords differ."))
        if data.get("account_kind", PRIVATE) != PRIVATE and not data.get("organisation_name"):
            self.add_error("organisation_name", _("Name the business the account is for."))
        return data

    def user_fields(self) -> dict:
        data = self.cleaned_data
        return {key: data[key] for key in ("username", "email", "password")}

    def organisation_fields(self) -> dict | None:
        data = self.cleaned_data
        if data["account_kind"] == PRIVATE:
            return None
        return {
            "name": data["organisation_name"],
            "kind": data["account_kind"],
            "email": data["email"],
            **{key: data[key] for key in ("address", "city", "postcode", "country")},
        }
