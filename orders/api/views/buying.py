"""The buyer's side: the cart, checkout, and the orders bought (another buyer's are a 404)."""

from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Listing
from catalog.selectors import PUBLIC_STATUSES
from orders import selectors
from orders.api.serializers import (
    BuyerOrderDetailSerializer,
    BuyerOrderSerializer,
    CartLineInputSerializer,
    CartSerializer,
    CheckoutInputSerializer,
    CheckoutSerializer,
    OptionalReasonInputSerializer,
)
from orders.api.views.common import buyer_for, is_schema_generation, validated
from orders.filters import CheckoutFilter, OrderFilter
from orders.models import Checkout, Order
from orders.parties import ShipTo
from orders.services import orders
from orders.services.cart import cart_line_set
from orders.services.checkout import CheckoutRequest, checkout_place

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
        choice = validated(CartLineInputSerializer, request)
        # A published listing, or one already in the cart (a withdrawn one can still go).
        in_cart = selectors.cart_lines_of_buyer(buyer).values("listing_id")
        listing = generics.get_object_or_404(
            Listing.objects.filter(Q(status__in=PUBLIC_STATUSES) | Q(pk__in=in_cart)),
            pk=listing_id,
        )
        cart_line_set(buyer=buyer, listing=listing, **choice)
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
        ship_to = fields.pop("ship_to")
        checkout_request = CheckoutRequest(
            delivery_option_ids=tuple(fields.pop("delivery_options")),
            ship_to=ShipTo(**ship_to) if ship_to else None,
            **fields,
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
