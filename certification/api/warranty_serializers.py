"""Serializers of the warranty API: output shapes, and input serializers that name every field a
caller may write (never an insurer, a holder, a status or an approved amount of their own)."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from catalog.models import Condition, Currency, Grade
from certification.models import (
    Claim,
    ClaimDocument,
    ClaimEvent,
    ClaimPayout,
    PremiumRate,
    Scheme,
    WarrantyPlan,
    WarrantyPolicy,
)

MONEY = {"max_digits": 12, "decimal_places": 2}
RATE = {"max_digits": 6, "decimal_places": 4, "min_value": Decimal("0"), "max_value": Decimal("1")}


# Plans


class PremiumRateSerializer(serializers.ModelSerializer):
    condition = serializers.ChoiceField(choices=Condition.choices)
    grade = serializers.ChoiceField(choices=Grade.choices, allow_blank=True, default="")
    part_type = serializers.CharField(
        max_length=60, allow_blank=True, default="", help_text="A part type code; empty: any."
    )
    rate = serializers.DecimalField(**RATE, help_text="A fraction of the covered value.")

    class Meta:
        model = PremiumRate
        fields = ["condition", "grade", "part_type", "rate"]


class WarrantyPlanSerializer(serializers.ModelSerializer):
    insurer = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    scheme_name = serializers.CharField(source="scheme.name", read_only=True)
    rates = PremiumRateSerializer(many=True, read_only=True)

    class Meta:
        model = WarrantyPlan
        fields = [
            "id", "insurer", "scheme", "scheme_name", "name", "currency", "cover_months",
            "cover_km", "labour_covered", "labour_hourly_cap", "max_payout_per_claim",
            "max_payout_total", "excess", "default_rate", "minimum_premium", "active", "rates",
        ]  # fmt: skip
        read_only_fields = fields


class WarrantyPlanUpdateInputSerializer(serializers.Serializer):
    """The plan's own fields; the insurer is the organisation the caller acts for."""

    name = serializers.CharField(max_length=120)
    currency = serializers.ChoiceField(choices=Currency.choices, default=Currency.USD)
    cover_months = serializers.IntegerField(min_value=1, max_value=240)
    cover_km = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    labour_covered = serializers.BooleanField(default=False)
    labour_hourly_cap = serializers.DecimalField(
        **MONEY, min_value=Decimal("0"), required=False, allow_null=True
    )
    max_payout_per_claim = serializers.DecimalField(**MONEY, min_value=Decimal("0.01"))
    max_payout_total = serializers.DecimalField(**MONEY, min_value=Decimal("0.01"))
    excess = serializers.DecimalField(**MONEY, min_value=Decimal("0"), default=Decimal("0"))
    default_rate = serializers.DecimalField(**RATE)
    minimum_premium = serializers.DecimalField(
        **MONEY, min_value=Decimal("0"), default=Decimal("0")
    )
    active = serializers.BooleanField(default=True)


class WarrantyPlanCreateInputSerializer(WarrantyPlanUpdateInputSerializer):
    scheme = serializers.PrimaryKeyRelatedField(queryset=Scheme.objects.filter(active=True))


class PremiumRatesInputSerializer(serializers.Serializer):
    rates = PremiumRateSerializer(many=True, help_text="Replaces all of the plan's rates.")


class PremiumQuoteInputSerializer(serializers.Serializer):
    condition = serializers.ChoiceField(choices=Condition.choices)
    grade = serializers.ChoiceField(choices=Grade.choices, allow_blank=True, default="")
    part_type = serializers.CharField(max_length=60, allow_blank=True, default="")
    value = serializers.DecimalField(**MONEY, min_value=Decimal("0"))


class PremiumQuoteSerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=6, decimal_places=4)
    premium = serializers.DecimalField(**MONEY)
    currency = serializers.CharField()


# Policies and claims


class WarrantyPolicySerializer(serializers.ModelSerializer):
    plan_name = serializers.CharField(source="plan.name", read_only=True)
    insurer = serializers.SlugRelatedField(source="plan.insurer", slug_field="slug", read_only=True)
    certificate_number = serializers.CharField(source="certificate.number", read_only=True)
    listing_title = serializers.CharField(source="listing.title", read_only=True)

    class Meta:
        model = WarrantyPolicy
        fields = [
            "id", "number", "plan", "plan_name", "insurer", "certificate_number", "listing",
            "listing_title", "unit", "sale_reference", "holder_name", "holder_email",
            "starts_on", "ends_on", "cover_km", "currency", "covered_value", "premium",
            "included_by_seller", "issued_at",
        ]  # fmt: skip
        read_only_fields = fields


class PolicyTransferInputSerializer(serializers.Serializer):
    holder_name = serializers.CharField(max_length=200)
    holder_email = serializers.EmailField(required=False, allow_blank=True, default="")


class ClaimPayoutSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClaimPayout
        fields = ["amount", "currency", "status", "settlement_reference", "settled_at"]
        read_only_fields = fields


class ClaimDocumentSerializer(serializers.ModelSerializer):
    """Documents are private: fetched through the claim's document endpoint, never a URL."""

    name = serializers.SerializerMethodField()

    class Meta:
        model = ClaimDocument
        fields = ["id", "name", "description", "uploaded_at"]
        read_only_fields = fields

    def get_name(self, document: ClaimDocument) -> str:
        return document.file.name.rsplit("/", 1)[-1]


class ClaimEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClaimEvent
        fields = ["from_status", "to_status", "reason", "created_at"]
        read_only_fields = fields


class ClaimSerializer(serializers.ModelSerializer):
    policy_number = serializers.CharField(source="policy.number", read_only=True)
    payout = serializers.SerializerMethodField()
    documents = ClaimDocumentSerializer(many=True, read_only=True)

    class Meta:
        model = Claim
        fields = [
            "id", "policy", "policy_number", "status", "failure", "failed_on", "mileage_km",
            "labour_hours", "labour_rate", "parts_amount", "approved_amount", "decision_reason",
            "payout", "documents", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema(responses=ClaimPayoutSerializer(allow_null=True))
    def get_payout(self, claim: Claim) -> dict | None:
        payout = getattr(claim, "payout", None)
        return ClaimPayoutSerializer(payout).data if payout is not None else None


class ClaimDetailSerializer(ClaimSerializer):
    events = ClaimEventSerializer(many=True, read_only=True)

    class Meta(ClaimSerializer.Meta):
        fields = [*ClaimSerializer.Meta.fields, "events"]
        read_only_fields = fields


class ClaimFileInputSerializer(serializers.Serializer):
    policy = serializers.IntegerField(help_text="The id of a policy you hold.")
    failure = serializers.CharField(max_length=5000, help_text="What failed, and how.")
    failed_on = serializers.DateField()
    mileage_km = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    parts_amount = serializers.DecimalField(**MONEY, min_value=Decimal("0"))
    labour_hours = serializers.DecimalField(
        max_digits=6, decimal_places=2, min_value=Decimal("0"), default=Decimal("0")
    )
    labour_rate = serializers.DecimalField(**MONEY, min_value=Decimal("0"), default=Decimal("0"))
    documents = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=10
    )


class ClaimApproveInputSerializer(serializers.Serializer):
    amount = serializers.DecimalField(**MONEY, min_value=Decimal("0.01"))
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ClaimReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class ClaimResubmitInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ClaimDocumentInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A JPEG or PNG photo, or a PDF report.")
    description = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
