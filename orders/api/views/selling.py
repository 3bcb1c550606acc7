"""The seller's side: one view per step of an order's life, and delivery options. Another
seller's order is a 404."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.views import seller_for
from marketplace.api.permissions import acting_organisation
from orders import selectors
from orders.api.serializers import (
    DeliveryOptionInputSerializer,
    DeliveryOptionSerializer,
    ReasonInputSerializer,
    SellerOrderDetailSerializer,
    SellerOrderSerializer,
    ShipInputSerializer,
)
from orders.api.views.common import is_schema_generation, validated
from orders.filters import DeliveryOptionFilter, OrderFilter
from orders.models import DeliveryOption, Order
from orders.services import delivery, orders

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
