"""Input and output of the orders API. Inputs name every field a caller may send; outputs differ
by who reads: a buyer sees the pickup code, a seller its commission, an outlet neither."""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.api.serializers import LocationSerializer
from catalog.models import Currency, Listing, Location
from certification.api.warranty_offers import WarrantyOfferSerializer
from certification.models import WarrantyPlan
from orders.models import (
    Channel,
    Checkout,
    DeliveryKind,
    DeliveryOption,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
)
from orders.parties import COUNTRY_CODE, SHIP_TO_MAX_LENGTHS
from orders.services.cart import MAX_CART_LINES, MAX_LINE_QUANTITY
from orders.services.pickups import COLLECTION_METHODS

MAX_ID = 2**63 - 1  # ids are BigAutoFields; a larger number can name nothing
MONEY = {"max_digits": 12, "decimal_places": 2}
SHIP_TO = SHIP_TO_MAX_LENGTHS


class PartySerializer(serializers.Serializer):
    """A buyer or seller as the other side sees it: an organisation, or an individual."""

    kind = serializers.CharField()
    name = serializers.CharField()
    slug = serializers.CharField(allow_null=True)


def party(organisation, user) -> dict:
    if organisation is not None:
        return {"kind": organisation.kind, "name": organisation.name, "slug": organisation.slug}
    return {"kind": "individual", "name": user.username, "slug": None}


class ListingSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Listing
        fields = [
            "id", "title", "seller_sku", "condition", "grade", "price", "currency", "core_charge",
            "quantity_on_hand", "size_class", "warranty_days", "status",
        ]  # fmt: skip


class DeliveryOptionSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=DeliveryKind.choices)
    pickup_location = LocationSerializer(allow_null=True)

    class Meta:
        model = DeliveryOption
        fields = [
            "id", "kind", "name", "currency", "price", "price_small", "price_medium",
            "price_large", "price_freight", "free_over", "pickup_location", "active",
        ]  # fmt: skip


class DeliveryOptionInputSerializer(serializers.Serializer):
    """Every field a seller may set on a delivery option; the seller is never input."""

    kind = serializers.ChoiceField(choices=DeliveryKind.choices)
    name = serializers.CharField(max_length=120)
    currency = serializers.ChoiceField(choices=Currency.choices, default=Currency.USD)
    price = serializers.DecimalField(**MONEY, min_value=0, default=0)
    price_small = serializers.DecimalField(**MONEY, min_value=0, required=False, allow_null=True)
    price_medium = serializers.DecimalField(**MONEY, min_value=0, required=False, allow_null=True)
    price_large = serializers.DecimalField(**MONEY, min_value=0, required=False, allow_null=True)
    price_freight = serializers.DecimalField(**MONEY, min_value=0, required=False, allow_null=True)
    free_over = serializers.DecimalField(**MONEY, min_value=0, required=False, allow_null=True)
    pickup_location = serializers.PrimaryKeyRelatedField(
        queryset=Location.objects.all(), required=False, allow_null=True
    )
    active = serializers.BooleanField(default=True)


class CartLineSerializer(serializers.Serializer):
    listing = ListingSummarySerializer()
    quantity = serializers.IntegerField()
    warranty_plan = serializers.IntegerField(source="warranty_plan_id", allow_null=True)
    warranty_offers = WarrantyOfferSerializer(
        many=True, help_text="Plans this part can be bought with; an included one is the only one"
    )
    added_at = serializers.DateTimeField()


class CartSellerSerializer(serializers.Serializer):
    seller = serializers.SerializerMethodField()
    lines = CartLineSerializer(many=True)
    delivery_options = DeliveryOptionSerializer(many=True)

    @extend_schema_field(PartySerializer)
    def get_seller(self, group) -> dict:
        return party(group.seller_organisation, group.seller_user)


class CartSerializer(serializers.Serializer):
    line_count = serializers.IntegerField()
    sellers = CartSellerSerializer(many=True)


class CartLineInputSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=0, max_value=MAX_LINE_QUANTITY)
    warranty_plan = serializers.PrimaryKeyRelatedField(
        queryset=WarrantyPlan.objects.filter(active=True),
        required=False,
        allow_null=True,
        help_text="A plan from the line's warranty offers, or null for none; kept when absent",
    )


class PaymentSerializer(serializers.ModelSerializer):
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    status = serializers.ChoiceField(choices=PaymentStatus.choices)

    class Meta:
        model = Payment
        fields = [
            "id", "order", "method", "status", "currency", "amount", "refunded_amount", "due_at",
            "paid_at", "collected_by",
        ]  # fmt: skip


class OrderLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderLine
        fields = [
            "id", "listing", "title", "seller_sku", "quantity", "unit_price", "core_charge",
            "size_class", "warranty_plan", "warranty_premium", "warranty_included",
            "warranty_outcome",
        ]  # fmt: skip


class OrderEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderEvent
        fields = ["from_status", "to_status", "reason", "created_at"]


class ShipToSerializer(serializers.Serializer):
    """The address a shipped order goes to, copied from the checkout onto the order."""

    name = serializers.CharField()
    address = serializers.CharField()
    city = serializers.CharField()
    postcode = serializers.CharField()
    country = serializers.CharField()
    phone = serializers.CharField()


class ShipToInputSerializer(serializers.Serializer):
    """Where to ship the orders of a checkout delivered by shipping or freight."""

    name = serializers.CharField(max_length=SHIP_TO["name"], help_text="Who receives the parts")
    address = serializers.CharField(
        max_length=SHIP_TO["address"], help_text="Street address, one or more lines"
    )
    city = serializers.CharField(max_length=SHIP_TO["city"])
    postcode = serializers.CharField(
        max_length=SHIP_TO["postcode"], required=False, allow_blank=True, default=""
    )
    country = serializers.RegexField(
        f"^{COUNTRY_CODE.pattern}$", max_length=SHIP_TO["country"], default="US",
        error_messages={"invalid": gettext_lazy("Give the country as its two capital letters.")},
        help_text="ISO 3166-1 alpha-2 code, such as US",
    )  # fmt: skip
    phone = serializers.CharField(
        max_length=SHIP_TO["phone"], required=False, allow_blank=True, default=""
    )


SHIP_TO_HELP = "Where a shipped or freight order goes; null when it is collected"


class _OrderSerializer(serializers.ModelSerializer):
    """What every party of an order sees."""

    status = serializers.ChoiceField(choices=OrderStatus.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices)
    delivery_kind = serializers.ChoiceField(choices=DeliveryKind.choices)
    payment = PaymentSerializer()
    pickup_location = LocationSerializer(allow_null=True)
    lines = OrderLineSerializer(many=True)

    COMMON_FIELDS = [
        "id", "channel", "status", "payment_method", "payment", "po_number", "currency",
        "merchandise", "core_charges", "delivery_cost", "warranty_premiums_buyer", "total",
        "credit_applied", "delivery_kind", "delivery_name", "pickup_location",
        "pickup_expires_at", "carrier", "tracking_number", "delivered_at", "placed_at", "lines",
    ]  # fmt: skip


class BuyerOrderSerializer(_OrderSerializer):
    seller = serializers.SerializerMethodField()
    ship_to = ShipToSerializer(read_only=True, allow_null=True, help_text=SHIP_TO_HELP)

    class Meta:
        model = Order
        fields = ["checkout", "seller", "pickup_code", "ship_to", *_OrderSerializer.COMMON_FIELDS]

    @extend_schema_field(PartySerializer)
    def get_seller(self, order: Order) -> dict:
        return party(order.seller_organisation, order.seller_user)


class BuyerOrderDetailSerializer(BuyerOrderSerializer):
    events = OrderEventSerializer(many=True)

    class Meta(BuyerOrderSerializer.Meta):
        fields = [*BuyerOrderSerializer.Meta.fields, "events"]


class SellerOrderSerializer(_OrderSerializer):
    buyer = serializers.SerializerMethodField()
    ship_to = ShipToSerializer(read_only=True, allow_null=True, help_text=SHIP_TO_HELP)

    class Meta:
        model = Order
        fields = [
            "buyer", "ship_to", "accept_by", "commission_rate", "commission",
            "warranty_premiums_seller", "seller_net", "payable_at",
            *_OrderSerializer.COMMON_FIELDS,
        ]  # fmt: skip

    @extend_schema_field(PartySerializer)
    def get_buyer(self, order: Order) -> dict:
        return party(order.buyer_organisation, order.buyer_user)


class SellerOrderDetailSerializer(SellerOrderSerializer):
    events = OrderEventSerializer(many=True)

    class Meta(SellerOrderSerializer.Meta):
        fields = [*SellerOrderSerializer.Meta.fields, "events"]


class OutletOrderSerializer(_OrderSerializer):
    """What the counter needs to hand a part over; never the pickup code itself."""

    buyer = serializers.SerializerMethodField()
    seller = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = [
            "id", "seller", "buyer", "status", "payment_method", "payment", "currency", "total",
            "pickup_location", "pickup_expires_at", "placed_at", "lines",
        ]  # fmt: skip

    @extend_schema_field(PartySerializer)
    def get_buyer(self, order: Order) -> dict:
        return party(order.buyer_organisation, order.buyer_user)

    @extend_schema_field(PartySerializer)
    def get_seller(self, order: Order) -> dict:
        return party(order.seller_organisation, order.seller_user)


class CheckoutSerializer(serializers.ModelSerializer):
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices)
    orders = BuyerOrderSerializer(many=True)

    class Meta:
        model = Checkout
        fields = [
            "id", "payment_method", "currency", "total", "po_number", "idempotency_key",
            "created_at", "orders",
        ]  # fmt: skip


class CheckoutInputSerializer(serializers.Serializer):
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices)
    delivery_options = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=MAX_CART_LINES,
        help_text="One delivery option id for each seller in the cart.",
    )
    card_payment_method = serializers.CharField(
        max_length=255,
        required=False,
        allow_blank=True,
        default="",
        help_text="A Stripe PaymentMethod id (card payments only).",
    )
    po_number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    idempotency_key = serializers.CharField(
        max_length=80, required=False, allow_blank=True, default=""
    )
    use_credit = serializers.BooleanField(
        required=False, default=False, help_text="Spend the buyer's credit before paying."
    )
    credit_amount = serializers.DecimalField(
        **MONEY,
        min_value=Decimal("0.01"),
        required=False,
        allow_null=True,
        default=None,
        help_text="At most this much credit (all that covers the total when absent).",
    )
    ship_to = ShipToInputSerializer(
        required=False,
        allow_null=True,
        default=None,
        help_text="Required when any chosen delivery option is shipping or freight.",
    )

    def validate(self, attrs):
        if attrs["payment_method"] == PaymentMethod.CARD and not attrs["card_payment_method"]:
            raise serializers.ValidationError(
                {"card_payment_method": [_("Required when paying by card.")]}
            )
        return attrs


class ReasonInputSerializer(serializers.Serializer):
    # Room is left for the prefix the services add ("Rejected by the seller: ...").
    reason = serializers.CharField(max_length=250)


class OptionalReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=250, required=False, allow_blank=True, default="")


class ShipInputSerializer(serializers.Serializer):
    carrier = serializers.CharField(max_length=60)
    tracking_number = serializers.CharField(max_length=80)


class PickupCodeInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32)


class PickupCollectInputSerializer(PickupCodeInputSerializer):
    collected_by = serializers.ChoiceField(
        choices=COLLECTION_METHODS,
        required=False,
        allow_blank=True,
        default="",
        help_text="How the buyer paid at the counter (pay-at-pickup orders only).",
    )


class PickupRefuseInputSerializer(PickupCodeInputSerializer):
    reason = serializers.CharField(max_length=250)


class RefundInputSerializer(serializers.Serializer):
    amount = serializers.DecimalField(**MONEY, min_value=Decimal("0.01"))
    reason = serializers.CharField(max_length=300)
