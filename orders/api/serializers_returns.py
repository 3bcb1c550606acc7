"""Input and output of cores owed and returns. A buyer sees its return code; a seller or an
outlet sees the buyer instead. Inputs name every field a caller may send: never a status, an
amount or a credit."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from orders.api.serializers import PartySerializer, ShipInputSerializer, party
from orders.models import (
    CoreObligation,
    CoreStatus,
    ReturnCase,
    ReturnEvent,
    ReturnKind,
    ReturnStatus,
)

MONEY = {"max_digits": 12, "decimal_places": 2}


class ReturnCaseBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=ReturnStatus.choices)


class CoreObligationSerializer(serializers.ModelSerializer):
    """One core the buyer owes: to whom, the deposit at stake, and by when."""

    order = serializers.IntegerField(source="order_line.order_id")
    listing = serializers.IntegerField(source="order_line.listing_id")
    title = serializers.CharField(source="order_line.title")
    seller = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=CoreStatus.choices)
    return_case = ReturnCaseBriefSerializer(allow_null=True)

    class Meta:
        model = CoreObligation
        fields = [
            "id", "order", "listing", "title", "unit", "seller", "deposit", "currency", "due_on",
            "status", "credited_amount", "return_case",
        ]  # fmt: skip

    @extend_schema_field(PartySerializer)
    def get_seller(self, core) -> dict:
        return party(core.seller_organisation, core.seller_user)


class ReturnCaseEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReturnEvent
        fields = ["from_status", "to_status", "reason", "created_at"]


class ReturnCasePhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    uploaded_at = serializers.DateTimeField()

    def get_url(self, photo) -> str:
        return photo.image.url


class _ReturnCaseSerializer(serializers.ModelSerializer):
    """What every party of a return sees."""

    kind = serializers.ChoiceField(choices=ReturnKind.choices)
    status = serializers.ChoiceField(choices=ReturnStatus.choices)
    order = serializers.IntegerField(source="order_line.order_id")
    title = serializers.CharField(source="order_line.title")
    deposit = serializers.SerializerMethodField()
    drop_off_location = serializers.CharField(source="drop_off_location.name", allow_null=True)
    photos = ReturnCasePhotoSerializer(many=True)
    events = ReturnCaseEventSerializer(many=True)

    class Meta:
        model = ReturnCase
        fields = [
            "id", "kind", "status", "order", "title", "quantity", "deposit", "drop_off_location",
            "carrier", "tracking_number", "findings", "inspection_notes", "payout_amount",
            "currency", "photos", "events", "created_at",
        ]  # fmt: skip

    @extend_schema_field(serializers.DecimalField(**MONEY, allow_null=True))
    def get_deposit(self, case):
        core = getattr(case, "core", None)
        return None if core is None else str(core.deposit)


class BuyerReturnSerializer(_ReturnCaseSerializer):
    """The buyer's view: the return code (to print as a QR code) and the seller."""

    seller = serializers.SerializerMethodField()

    class Meta(_ReturnCaseSerializer.Meta):
        fields = [*_ReturnCaseSerializer.Meta.fields, "code", "seller"]

    @extend_schema_field(PartySerializer)
    def get_seller(self, case) -> dict:
        return party(case.seller_organisation, case.seller_user)


class HandlerReturnSerializer(_ReturnCaseSerializer):
    """The seller's or the outlet's view: the buyer, never the code."""

    buyer = serializers.SerializerMethodField()

    class Meta(_ReturnCaseSerializer.Meta):
        fields = [*_ReturnCaseSerializer.Meta.fields, "buyer"]

    @extend_schema_field(PartySerializer)
    def get_buyer(self, case) -> dict:
        return party(case.buyer_organisation, case.buyer_user)


class ReturnShipInputSerializer(ShipInputSerializer):
    pass


class ReturnCodeInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32)
    location = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class CoreInspectInputSerializer(serializers.Serializer):
    findings = serializers.ListField(
        child=serializers.CharField(max_length=40), max_length=10, allow_empty=True, default=list
    )
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReturnPhotoInputSerializer(serializers.Serializer):
    image = serializers.ImageField()


class RubricFindingSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    deduction = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    rejects = serializers.BooleanField()
