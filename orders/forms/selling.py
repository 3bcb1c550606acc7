"""Forms of the seller's pages: fulfilling sales and handling what comes back. They check the
shape of what is typed; the services decide, and their refusals are shown by the field they name.
"""

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from orders.core_rubric import RUBRIC
from orders.models import OrderStatus, ReturnKind, ReturnStatus
from orders.services.rma import MAX_PHOTOS

S = OrderStatus
R = ReturnStatus

# The sales list's filter: each choice a step of fulfilment and the statuses it gathers.
SALE_STAGES = {
    "to_accept": (_("To accept"), (S.PLACED,)),
    "to_prepare": (_("To prepare"), (S.ACCEPTED, S.PAID)),
    "ready": (_("Ready for pickup"), (S.READY_FOR_PICKUP,)),
    "shipped": (_("Shipped"), (S.SHIPPED,)),
    "done": (_("Done"), (S.DELIVERED, S.COLLECTED, S.COMPLETED)),
    "closed": (_("Cancelled, expired or refunded"), (S.CANCELLED, S.EXPIRED, S.REFUNDED)),
}
RETURN_STAGES = {
    "to_handle": (_("To handle"), (R.REQUESTED, R.DROPPED_OFF, R.SHIPPED, R.RECEIVED)),
    "to_decide": (_("Requests to decide"), (R.REQUESTED,)),
    "to_receive": (_("On their way to you"), (R.AWAITING_RETURN, R.DROPPED_OFF, R.SHIPPED)),
    "to_inspect": (_("To inspect"), (R.RECEIVED,)),
    "closed": (
        _("Closed"),
        (R.ACCEPTED, R.PARTIALLY_ACCEPTED, R.REJECTED, R.DECLINED, R.CANCELLED),
    ),
}


def _stage_choices(stages: dict) -> list:
    return [(key, label) for key, (label, _statuses) in stages.items()]


class SalesFilterForm(forms.Form):
    stage = forms.ChoiceField(
        choices=[("", _("All orders")), *_stage_choices(SALE_STAGES)],
        required=False,
        label=_("Show"),
    )

    def statuses(self) -> tuple[str, ...]:
        """The statuses to show; none means every order."""
        stage = self.cleaned_data.get("stage") if self.is_valid() else ""
        return SALE_STAGES[stage][1] if stage else ()


class ReturnsFilterForm(forms.Form):
    stage = forms.ChoiceField(
        choices=[*_stage_choices(RETURN_STAGES), ("all", _("All returns"))],
        required=False,
        label=_("Show"),
    )
    kind = forms.ChoiceField(
        choices=[("", _("Cores and parts")), *ReturnKind.choices], required=False, label=_("Kind")
    )

    def statuses(self) -> tuple[str, ...]:
        """The statuses to show (those to handle unless another stage is chosen)."""
        stage = (self.cleaned_data.get("stage") if self.is_valid() else "") or "to_handle"
        return () if stage == "all" else RETURN_STAGES[stage][1]

    def chosen_kind(self) -> str:
        return self.cleaned_data.get("kind", "") if self.is_valid() else ""


class RejectForm(forms.Form):
    # Room is left for the prefix the service adds ("Rejected by the seller: ...").
    reason = forms.CharField(max_length=250, label=_("Why you cannot supply it"))


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=250, label=_("Why the order is cancelled"))


class ShipForm(forms.Form):
    carrier = forms.CharField(max_length=60, label=_("Carrier"))
    tracking_number = forms.CharField(max_length=80, label=_("Tracking number"))


class DeclineForm(forms.Form):
    reason = forms.CharField(max_length=300, label=_("Why you decline the return"))


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.ImageField):
    """Several photos in one field; each must be an image within the size limit."""

    widget = MultiplePhotoInput(attrs={"accept": "image/*"})

    def clean(self, data, initial=None):
        photos = data if isinstance(data, list | tuple) else [data] if data else []
        if len(photos) > MAX_PHOTOS:
            raise forms.ValidationError(
                _("Add at most %(count)s photos at a time.") % {"count": MAX_PHOTOS}
            )
        limit = settings.LISTING_PHOTO_MAX_BYTES
        if any(photo.size > limit for photo in photos):
            raise forms.ValidationError(
                _("Each photo may be at most %(size)s KB.") % {"size": limit // 1024}
            )
        return [super(PhotosField, self).clean(photo, initial) for photo in photos]


def _finding_label(finding) -> str:
    """A rubric finding as the inspector reads it, with what it costs the buyer."""
    label = gettext(finding.label)
    if finding.rejects:
        return gettext("%(finding)s: the core is rejected") % {"finding": label}
    return gettext("%(finding)s: %(share)s%% of the deposit withheld") % {
        "finding": label,
        "share": int(finding.deduction * 100),
    }


class CoreInspectForm(forms.Form):
    """A returned core, inspected by the published rubric. Findings need a photo."""

    findings = forms.MultipleChoiceField(
        choices=[(finding.code, finding.label) for finding in RUBRIC],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("What the inspection found (none: full credit)"),
    )
    notes = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Notes"),
    )  # fmt: skip
    photos = PhotosField(
        required=False,
        label=_("Photos of the core"),
        help_text=_("Needed when the inspection finds something."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Labelled per request, in the reader's language.
        self.fields["findings"].choices = [
            (finding.code, _finding_label(finding)) for finding in RUBRIC
        ]


class PartInspectForm(forms.Form):
    """A returned part (RMA): accepted and refunded, or rejected with a reason."""

    decision = forms.TypedChoiceField(
        choices=[("accept", _("Accept and refund")), ("reject", _("Reject"))],
        coerce=lambda value: value == "accept",
        widget=forms.RadioSelect,
        label=_("Decision"),
    )
    resellable = forms.BooleanField(
        required=False, label=_("The part goes back into stock for sale")
    )
    notes = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Notes (required when rejecting)"),
    )  # fmt: skip
    photos = PhotosField(required=False, label=_("Photos of the part"))
