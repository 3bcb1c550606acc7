"""Forms of the certification pages: the certifier's schemes and certificates, the insurer's
plans and claim decisions, and the holder's claims. They check only the shape of what is typed;
the services decide, and their refusals are shown next to the field they name."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import BadgeSubject, Currency, Listing, ProductLine
from certification.models import Scheme
from marketplace.models import Organisation

MONEY = {"max_digits": 12, "decimal_places": 2}
RATE = {"max_digits": 6, "decimal_places": 4, "min_value": Decimal("0"), "max_value": Decimal("1")}
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# The certifier


class SchemeCreateForm(forms.Form):
    name = forms.CharField(max_length=120, label=_("Name"))
    slug = forms.SlugField(
        max_length=80,
        label=_("Short name in addresses"),
        help_text=_("Letters, digits and hyphens; it never changes once the scheme exists."),
    )
    subject = forms.ChoiceField(
        choices=BadgeSubject.choices,
        label=_("What it certifies"),
        help_text=_("A single listing, a remanufacturer's product line, or a seller as a whole."),
    )
    badge_label = forms.CharField(max_length=80, label=_("Badge label"))
    badge_text = forms.CharField(max_length=200, required=False, label=_("Badge summary"))
    criteria = forms.CharField(max_length=20_000, widget=forms.Textarea, label=_("Criteria"))
    default_validity_days = forms.IntegerField(
        min_value=1, max_value=3650, initial=365, label=_("Days a certificate is valid")
    )


class SchemeUpdateForm(forms.Form):
    """What a scheme may change: never its slug nor what it certifies."""

    name = forms.CharField(max_length=120, label=_("Name"))
    badge_label = forms.CharField(max_length=80, label=_("Badge label"))
    badge_text = forms.CharField(max_length=200, required=False, label=_("Badge summary"))
    criteria = forms.CharField(max_length=20_000, widget=forms.Textarea, label=_("Criteria"))
    default_validity_days = forms.IntegerField(
        min_value=1, max_value=3650, label=_("Days a certificate is valid")
    )
    active = forms.BooleanField(required=False, label=_("Issues new certificates"))


SUBJECT_FIELDS = ("listing", "product_line", "seller_organisation")


def _scheme_choice(scheme: Scheme) -> str:
    return _("%(scheme)s (certifies: %(subject)s)") % {
        "scheme": scheme.name,
        "subject": scheme.get_subject_display(),
    }


class CertificateIssueForm(forms.Form):
    """The scheme, exactly one subject of the kind the scheme certifies, the validity and an
    optional evidence document."""

    scheme = forms.ModelChoiceField(queryset=Scheme.objects.none(), label=_("Scheme"))
    listing = forms.IntegerField(min_value=1, required=False, label=_("Listing number"))
    product_line = forms.IntegerField(min_value=1, required=False, label=_("Product line number"))
    seller_organisation = forms.SlugField(
        max_length=80, required=False, label=_("Seller (its short name)")
    )
    issued_on = forms.DateField(
        required=False, widget=DATE_INPUT, label=_("Valid from"), help_text=_("Empty: today.")
    )
    expires_on = forms.DateField(
        required=False,
        widget=DATE_INPUT,
        label=_("Valid until"),
        help_text=_("Empty: the scheme's usual validity."),
    )
    file = forms.FileField(
        required=False, label=_("Evidence document"), help_text=_("A PDF, JPEG or PNG file.")
    )
    description = forms.CharField(max_length=200, required=False, label=_("What the document is"))

    def __init__(self, *args, schemes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = schemes
        self.fields["scheme"].label_from_instance = _scheme_choice

    def clean_listing(self):
        listing_id = self.cleaned_data["listing"]
        if listing_id is None:
            return None
        listing = Listing.objects.filter(pk=listing_id).first()
        if listing is None:
            raise forms.ValidationError(_("No listing has this number."))
        return listing

    def clean_product_line(self):
        line_id = self.cleaned_data["product_line"]
        if line_id is None:
            return None
        line = ProductLine.objects.select_related("organisation").filter(pk=line_id).first()
        if line is None:
            raise forms.ValidationError(_("No product line has this number."))
        return line

    def clean_seller_organisation(self):
        slug = self.cleaned_data["seller_organisation"]
        if not slug:
            return None
        seller = Organisation.objects.filter(slug=slug).first()
        if seller is None:
            raise forms.ValidationError(_("No organisation has this short name."))
        return seller

    def clean(self):
        cleaned = super().clean()
        given = [name for name in SUBJECT_FIELDS if cleaned.get(name)]
        refused = any(name in self.errors for name in SUBJECT_FIELDS)
        if len(given) > 1 or (not given and not refused):
            self.add_error(
                "listing", _("Give exactly one of a listing, a product line or a seller.")
            )
        if cleaned.get("file") and not cleaned.get("description", "").strip():
            self.add_error("description", _("Say what the document is."))
        return cleaned

    @property
    def subject_field(self) -> str:
        """The subject field that was filled in (where a refusal about the subject belongs)."""
        return next((name for name in SUBJECT_FIELDS if self.cleaned_data.get(name)), "listing")

    @property
    def subject(self):
        return self.cleaned_data[self.subject_field]


class CertificateReasonForm(forms.Form):
    """Why a certificate is suspended, reinstated or revoked. Whether a reason is needed is the
    service's rule (a suspension and a revocation need one)."""

    reason = forms.CharField(max_length=300, required=False, label=_("Reason"))


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Evidence document"), help_text=_("A PDF, JPEG or PNG file."))
    description = forms.CharField(max_length=200, label=_("What the document is"))


# The insurer


class PlanCreateForm(forms.Form):
    scheme = forms.ModelChoiceField(
        queryset=Scheme.objects.filter(active=True).select_related("certifier"),
        label=_("Certification scheme"),
        help_text=_("Parts certified under this scheme can be sold with the plan."),
    )
    name = forms.CharField(max_length=120, label=_("Name"))
    currency = forms.ChoiceField(
        choices=Currency.choices, initial=Currency.USD, label=_("Currency")
    )
    cover_months = forms.IntegerField(min_value=1, max_value=240, label=_("Months of cover"))
    cover_km = forms.IntegerField(
        min_value=1, required=False, label=_("Distance covered (km)"), help_text=_("Empty: any.")
    )
    labour_covered = forms.BooleanField(required=False, label=_("Covers labour"))
    labour_hourly_cap = forms.DecimalField(
        **MONEY, min_value=Decimal("0"), required=False, label=_("Most paid for an hour of labour")
    )
    max_payout_per_claim = forms.DecimalField(
        **MONEY, min_value=Decimal("0.01"), label=_("Limit per claim")
    )
    max_payout_total = forms.DecimalField(
        **MONEY, min_value=Decimal("0.01"), label=_("Limit per policy")
    )
    excess = forms.DecimalField(
        **MONEY, min_value=Decimal("0"), initial=Decimal("0"), label=_("Excess")
    )
    default_rate = forms.DecimalField(
        **RATE, label=_("Premium rate"), help_text=_("A fraction of the covered value, e.g. 0.08.")
    )
    minimum_premium = forms.DecimalField(
        **MONEY, min_value=Decimal("0"), initial=Decimal("0"), label=_("Minimum premium")
    )
    active = forms.BooleanField(required=False, initial=True, label=_("Offered to buyers"))

    def plan_values(self) -> dict:
        """The plan's terms as `plan_create` takes them (the scheme apart)."""
        values = dict(self.cleaned_data)
        values.pop("scheme")
        if values["excess"] is None:
            values["excess"] = Decimal("0")
        if values["minimum_premium"] is None:
            values["minimum_premium"] = Decimal("0")
        return values


class ClaimApproveForm(forms.Form):
    amount = forms.DecimalField(
        **MONEY, min_value=Decimal("0.01"), label=_("Amount to pay")
    )  # fmt: skip
    reason = forms.CharField(max_length=300, required=False, label=_("Note to the holder"))


class ClaimReasonForm(forms.Form):
    """A decline or a request for information: the service requires the reason."""

    reason = forms.CharField(max_length=300, required=False, label=_("Reason"))


# The policy holder


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; each is checked by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ClaimFileForm(forms.Form):
    failure = forms.CharField(
        max_length=5000, widget=forms.Textarea, label=_("What failed, and how")
    )
    failed_on = forms.DateField(widget=DATE_INPUT, label=_("Date it failed"))
    mileage_km = forms.IntegerField(
        min_value=0, required=False, label=_("Distance the part has run (km)")
    )
    parts_amount = forms.DecimalField(
        **MONEY, min_value=Decimal("0"), label=_("Amount claimed for parts")
    )
    labour_hours = forms.DecimalField(
        max_digits=6, decimal_places=2, min_value=Decimal("0"), required=False,
        label=_("Hours of labour"),
    )  # fmt: skip
    labour_rate = forms.DecimalField(
        **MONEY, min_value=Decimal("0"), required=False, label=_("Garage's hourly rate")
    )
    documents = MultipleFileField(
        required=False,
        label=_("Photos and reports"),
        help_text=_("JPEG or PNG photos, or PDF reports; at most 10."),
    )

    def clean_documents(self):
        documents = self.cleaned_data["documents"]
        if len(documents) > 10:
            raise forms.ValidationError(_("Attach at most 10 documents."))
        return documents


class ClaimDocumentForm(forms.Form):
    file = forms.FileField(label=_("Photo or report"), help_text=_("A JPEG, PNG or PDF file."))
    description = forms.CharField(max_length=200, required=False, label=_("What it shows"))


class ClaimResubmitForm(forms.Form):
    note = forms.CharField(max_length=300, required=False, label=_("Your answer"))
