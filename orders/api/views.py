"""The orders API: one view per write, each calling one service; reads through the selectors,
scoped to the caller (another party's order or checkout is a 404)."""

from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.views import seller_for
from catalog.models import Listing
from catalog.selectors import PUBLIC_STATUSES
from marketplace.api.permissions import IsPlatformOperator, acting_organisation, acts_for
from marketplace.models import OrganisationKind
from orders import selectors
from orders.api.serializers import (
    BuyerOrderDetailSerializer,
    BuyerOrderSerializer,
    CartLineInputSerializer,
    CartSerializer,
    CheckoutInputSerializer,
    CheckoutSerializer,
    DeliveryOptionInputSerializer,
    DeliveryOptionSerializer,
    OptionalReasonInputSerializer,
    OutletOrderSerializer,
    PaymentSerializer,
    PickupCodeInputSerializer,
    PickupCollectInputSerializer,
    PickupRefuseInputSerializer,
    ReasonInputSerializer,
    RefundInputSerializer,
    SellerOrderDetailSerializer,
    SellerOrderSerializer,
    ShipInputSerializer,
)
from orders.filters import CheckoutFilter, DeliveryOptionFilter, OrderFilter
from orders.models import Checkout, DeliveryOption, Order
from orders.parties import Buyer
from orders.services import delivery, orders, payments, pickups
from orders.services.cart import cart_line_set
from orders.services.checkout import CheckoutRequest, checkout_place

OUTLET_STAFF = [IsAuthenticated, acts_for(OrganisationKind.OUTLET)]


def buyer_for(request) -> Buyer:
    """The caller as a buyer: for the organisation they act for, or as an individual."""
    return Buyer(user=request.user, organisation=acting_organisation(request))


def validated(serializer_class, request, **kwargs) -> dict:
    data = serializer_class(data=request.data, **kwargs)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def is_schema_generation(view) -> bool:
    """drf-spectacular asks list views for their queryset without a real caller."""
    return getattr(view, "swagger_fake_view", False)


# The buyer's cart


class CartApi(APIView):
    """The cart by seller, with each seller's active delivery options to choose from."""

    @extend_schema(responses={200: CartSerializer})
    def get(self, request):
        return Response(CartSerializer(selectors.cart_of_buyer(buyer_for(request))).data)


class CartLineApi(APIView):
    @extend_schema(request=CartLineInputSerializer, responses={200: CartSerializer})
    def put(self, request, listing_id: int):
        """Set the quantity of a listing in the cart; 0 removes it."""
        buyer = buyer_for(request)
        quantity = validated(CartLineInputSerializer, request)["quantity"]
        # A published listing, or one already in the cart (a withdrawn one can still go).
        in_cart = selectors.cart_lines_of_buyer(buyer).values("listing_id")
        listing = generics.get_object_or_404(
            Listing.objects.filter(Q(status__in=PUBLIC_STATUSES) | Q(pk__in=in_cart)),
            pk=listing_id,
        )
        cart_line_set(buyer=buyer, listing=listing, quantity=quantity)
        return Response(CartSerializer(selectors.cart_of_buyer(buyer)).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, listing_id: int):
        buyer = buyer_for(request)
        line = generics.get_object_or_404(
            selectors.cart_lines_of_buyer(buyer), listing_id=listing_id
        )
        cart_line_set(buyer=buyer, listing=line.listing, quantity=0)
        return Response(status=status.HTTP_204_NO_CONTENT)


# Checkout, and the buyer's orders


class CheckoutListApi(generics.ListAPIView):
    """The buyer's checkouts; POST places the cart."""

    serializer_class = CheckoutSerializer
    filterset_class = CheckoutFilter

    def get_queryset(self):
        if is_schema_generation(self):
            return Checkout.objects.none()
        return selectors.checkouts_of_buyer(buyer_for(self.request))

    @extend_schema(request=CheckoutInputSerializer, responses={201: CheckoutSerializer})
    def post(self, request):
        fields = validated(CheckoutInputSerializer, request)
        buyer = buyer_for(request)
        checkout_request = CheckoutRequest(
            delivery_option_ids=tuple(fields.pop("delivery_options")), **fields
        )
        checkout = checkout_place(buyer=buyer, request=checkout_request)
        checkout = selectors.checkouts_of_buyer(buyer).get(pk=checkout.pk)
        return Response(CheckoutSerializer(checkout).data, status=status.HTTP_201_CREATED)


class CheckoutDetailApi(generics.RetrieveAPIView):
    serializer_class = CheckoutSerializer

    def get_queryset(self):
        if is_schema_generation(self):
            return Checkout.objects.none()
        return selectors.checkouts_of_buyer(buyer_for(self.request))


class BuyerOrders:
    """The caller's purchases: another buyer's order is a 404."""

    def get_queryset(self):
        if is_schema_generation(self):
            return Order.objects.none()
        return selectors.orders_of_buyer(buyer_for(self.request))

    def purchase(self, pk: int) -> Order:
        return generics.get_object_or_404(self.get_queryset(), pk=pk)

    def respond(self, order: Order) -> Response:
        order = selectors.with_events(self.get_queryset()).get(pk=order.pk)
        return Response(BuyerOrderDetailSerializer(order).data)


class OrderListApi(BuyerOrders, generics.ListAPIView):
    """The orders the caller bought (for the organisation they act for)."""

    serializer_class = BuyerOrderSerializer
    filterset_class = OrderFilter


class OrderDetailApi(BuyerOrders, generics.RetrieveAPIView):
    serializer_class = BuyerOrderDetailSerializer

    def get_queryset(self):
        return selectors.with_events(super().get_queryset())


class OrderCancelApi(BuyerOrders, APIView):
    """Withdraw an order the seller has not accepted yet."""

    @extend_schema(
        request=OptionalReasonInputSerializer, responses={200: BuyerOrderDetailSerializer}
    )
    def post(self, request, pk: int):
        order = self.purchase(pk)
        reason = validated(OptionalReasonInputSerializer, request)["reason"]
        orders.order_cancel_by_buyer(order=order, actor=request.user, reason=reason)
        return self.respond(order)


class OrderConfirmReceiptApi(BuyerOrders, APIView):
    """The parts arrived as described (this releases a private seller's money)."""

    @extend_schema(request=None, responses={200: BuyerOrderDetailSerializer})
    def post(self, request, pk: int):
        order = orders.order_confirm_receipt(order=self.purchase(pk), actor=request.user)
        return self.respond(order)


# The seller's side


class SellerOrders:
    """The caller's sales: another seller's order is a 404."""

    def get_queryset(self):
        if is_schema_generation(self):
            return Order.objects.none()
        return selectors.orders_of_seller(self.request.user, acting_organisation(self.request))

    def sale(self, pk: int) -> Order:
        return generics.get_object_or_404(self.get_queryset(), pk=pk)

    def respond(self, order: Order) -> Response:
        order = selectors.with_events(self.get_queryset()).get(pk=order.pk)
        return Response(SellerOrderDetailSerializer(order).data)


class SalesOrderListApi(SellerOrders, generics.ListAPIView):
    """The orders placed with the caller as seller (for the organisation they act for)."""

    serializer_class = SellerOrderSerializer
    filterset_class = OrderFilter


class SalesOrderDetailApi(SellerOrders, generics.RetrieveAPIView):
    serializer_class = SellerOrderDetailSerializer

    def get_queryset(self):
        return selectors.with_events(super().get_queryset())


class SalesOrderAcceptApi(SellerOrders, APIView):
    """The parts are on the shelf: the stock is taken and a card payment captured."""

    @extend_schema(request=None, responses={200: SellerOrderDetailSerializer})
    def post(self, request, pk: int):
        order = orders.order_accept(order=self.sale(pk), actor=request.user)
        return self.respond(order)


class SalesOrderRejectApi(SellerOrders, APIView):
    """The seller cannot supply the order; the buyer's money is released."""

    @extend_schema(request=ReasonInputSerializer, responses={200: SellerOrderDetailSerializer})
    def post(self, request, pk: int):
        order = self.sale(pk)
        reason = validated(ReasonInputSerializer, request)["reason"]
        orders.order_reject(order=order, actor=request.user, reason=reason)
        return self.respond(order)


class SalesOrderCancelApi(SellerOrders, APIView):
    """Cancel an order that has not left the seller; taken stock comes back."""

    @extend_schema(request=ReasonInputSerializer, responses={200: SellerOrderDetailSerializer})
    def post(self, request, pk: int):
        order = self.sale(pk)
        reason = validated(ReasonInputSerializer, request)["reason"]
        orders.order_cancel(order=order, actor=request.user, reason=reason)
        return self.respond(order)


class SalesOrderShipApi(SellerOrders, APIView):
    @extend_schema(request=ShipInputSerializer, responses={200: SellerOrderDetailSerializer})
    def post(self, request, pk: int):
        order = self.sale(pk)
        shipment = validated(ShipInputSerializer, request)
        orders.order_ship(order=order, actor=request.user, **shipment)
        return self.respond(order)


class SalesOrderReadyForPickupApi(SellerOrders, APIView):
    """The part waits at the yard or the outlet; the pickup time starts."""

    @extend_schema(request=None, responses={200: SellerOrderDetailSerializer})
    def post(self, request, pk: int):
        order = self.sale(pk)
        orders.order_mark_ready_for_pickup(order=order, actor=request.user)
        return self.respond(order)


class SalesOrderDeliveredApi(SellerOrders, APIView):
    @extend_schema(request=None, responses={200: SellerOrderDetailSerializer})
    def post(self, request, pk: int):
        order = self.sale(pk)
        orders.order_mark_delivered(order=order, actor=request.user)
        return self.respond(order)


class SalesOrderCollectedApi(SellerOrders, APIView):
    """The buyer collected the part at the seller's own yard."""

    @extend_schema(request=None, responses={200: SellerOrderDetailSerializer})
    def post(self, request, pk: int):
        order = self.sale(pk)
        orders.order_mark_collected_at_yard(order=order, actor=request.user)
        return self.respond(order)


class SellerDeliveryOptions:
    def get_queryset(self):
        if is_schema_generation(self):
            return DeliveryOption.objects.none()
        return selectors.delivery_options_of_seller(
            self.request.user, acting_organisation(self.request)
        )


class DeliveryOptionListApi(SellerDeliveryOptions, generics.ListAPIView):
    """The caller's delivery options; POST adds one."""

    serializer_class = DeliveryOptionSerializer
    filterset_class = DeliveryOptionFilter

    @extend_schema(request=DeliveryOptionInputSerializer, responses={201: DeliveryOptionSerializer})
    def post(self, request):
        fields = validated(DeliveryOptionInputSerializer, request)
        option = delivery.delivery_option_create(seller=seller_for(request), **fields)
        option = self.get_queryset().get(pk=option.pk)
        return Response(DeliveryOptionSerializer(option).data, status=status.HTTP_201_CREATED)


class DeliveryOptionDetailApi(SellerDeliveryOptions, generics.RetrieveAPIView):
    serializer_class = DeliveryOptionSerializer

    @extend_schema(
        request=DeliveryOptionInputSerializer(partial=True),
        responses={200: DeliveryOptionSerializer},
    )
    def patch(self, request, pk: int):
        option = self.get_object()
        changes = validated(DeliveryOptionInputSerializer, request, partial=True)
        delivery.delivery_option_update(option=option, seller=seller_for(request), **changes)
        return Response(DeliveryOptionSerializer(self.get_object()).data)


# The outlet counter


class OutletOrders:
    """Orders to be collected at the caller's outlet; only its approved staff may call."""

    permission_classes = OUTLET_STAFF

    def get_queryset(self):
        if is_schema_generation(self):
            return Order.objects.none()
        return selectors.orders_at_outlet(acting_organisation(self.request))

    def respond(self, order: Order) -> Response:
        return Response(OutletOrderSerializer(self.get_queryset().get(pk=order.pk)).data)


class OutletOrderListApi(OutletOrders, generics.ListAPIView):
    """Orders to be collected at the caller's outlet counters."""

    serializer_class = OutletOrderSerializer
    filterset_class = OrderFilter


class PickupLookupApi(OutletOrders, APIView):
    """Find the order waiting under the code the buyer shows. Wrong codes count towards a
    lockout of the staff member."""

    @extend_schema(request=PickupCodeInputSerializer, responses={200: OutletOrderSerializer})
    def post(self, request):
        code = validated(PickupCodeInputSerializer, request)["code"]
        order = pickups.pickup_find(
            outlet=acting_organisation(request), user=request.user, code=code
        )
        return self.respond(order)


class PickupCollectApi(OutletOrders, APIView):
    """Hand the part over (and, for pay-at-pickup orders, record how the buyer paid)."""

    @extend_schema(request=PickupCollectInputSerializer, responses={200: OutletOrderSerializer})
    def post(self, request):
        fields = validated(PickupCollectInputSerializer, request)
        order = pickups.pickup_collect(
            outlet=acting_organisation(request), user=request.user, **fields
        )
        return self.respond(order)


class PickupRefuseApi(OutletOrders, APIView):
    """The buyer refused the part at the counter: the order is cancelled."""

    @extend_schema(request=PickupRefuseInputSerializer, responses={200: OutletOrderSerializer})
    def post(self, request):
        fields = validated(PickupRefuseInputSerializer, request)
        order = pickups.pickup_refuse(
            outlet=acting_organisation(request), user=request.user, **fields
        )
        return self.respond(order)


# The platform operator


class PaymentRefundApi(APIView):
    """Give back all or part of a paid payment."""

    permission_classes = [IsPlatformOperator]

    @extend_schema(request=RefundInputSerializer, responses={200: PaymentSerializer})
    def post(self, request, pk: int):
        payment = generics.get_object_or_404(selectors.payments_for_operator(), pk=pk)
        fields = validated(RefundInputSerializer, request)
        payment = payments.payment_refund(payment=payment, **fields)
        return Response(PaymentSerializer(payment).data)


class InvoiceMarkPaidApi(APIView):
    """The buyer's bank transfer for an invoice arrived."""

    permission_classes = [IsPlatformOperator]

    @extend_schema(request=None, responses={200: PaymentSerializer})
    def post(self, request, pk: int):
        payment = generics.get_object_or_404(selectors.payments_for_operator(), pk=pk)
        payment = payments.invoice_mark_paid(payment=payment)
        return Response(PaymentSerializer(payment).data)
