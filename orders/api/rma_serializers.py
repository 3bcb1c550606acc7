"""Input and output of the part returns (RMA) API. Inputs name every field a caller may send:
nothing like a status, an amount or a fee can be set from outside."""

from rest_framework import serializers

from orders.api.serializers_returns import BuyerReturnSerializer, HandlerReturnSerializer
from orders.models import RefundRoute, RmaReason
from orders.services.rma import MAX_PHOTOS

MONEY = {"max_digits": 12, "decimal_places": 2}


class RmaRequestInputSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=1, max_value=10_000)
    reason = serializers.ChoiceField(choices=RmaReason.choices)
    description = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )
    refund_route = serializers.ChoiceField(
        choices=RefundRoute.choices, default=RefundRoute.ORIGINAL
    )
    photos = serializers.ListField(
        child=serializers.ImageField(), required=False, default=list, max_length=MAX_PHOTOS
    )


class RmaDeclineInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class RmaInspectInputSerializer(serializers.Serializer):
    accept = serializers.BooleanField(help_text="Accept (refund in full) or reject the return.")
    resellable = serializers.BooleanField(default=False, help_text="The part goes back into stock.")
    notes = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default="",
        help_text="Required when rejecting: why.",
    )  # fmt: skip


RMA_FIELDS = [
    "order_line", "reason", "description", "refund_route", "restocking_fee", "resellable",
    "updated_at",
]  # fmt: skip


class _RmaFields(serializers.Serializer):
    reason = serializers.ChoiceField(choices=RmaReason.choices)
    refund_route = serializers.ChoiceField(choices=RefundRoute.choices)
    restocking_fee = serializers.DecimalField(**MONEY)


class BuyerRmaSerializer(_RmaFields, BuyerReturnSerializer):
    """The buyer's view of a part return: the shared return view (with the return code) plus
    why, where the refund goes, and the fee."""

    class Meta(BuyerReturnSerializer.Meta):
        fields = [*BuyerReturnSerializer.Meta.fields, *RMA_FIELDS]
        read_only_fields = fields


class SellerRmaSerializer(_RmaFields, HandlerReturnSerializer):
    """The seller's view: the buyer, never the return code."""

    class Meta(HandlerReturnSerializer.Meta):
        fields = [*HandlerReturnSerializer.Meta.fields, *RMA_FIELDS]
        read_only_fields = fields
