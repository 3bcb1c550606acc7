"""The outlet counter: pickups by code, for the outlet's approved staff only."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.api.permissions import acting_organisation
from orders import selectors
from orders.api.serializers import (
    OutletOrderSerializer,
    PickupCodeInputSerializer,
    PickupCollectInputSerializer,
    PickupRefuseInputSerializer,
)
from orders.api.views.common import OUTLET_STAFF, is_schema_generation, validated
from orders.filters import OrderFilter
from orders.models import Order
from orders.services import pickups

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
