"""Part returns for a refund (RMA): the buyer asks for one on a delivered order line; the seller
approves, declines and inspects. The way back is the shared returns API's (`returns/<id>/ship/`,
`outlet/returns/drop-off/`, `sales/returns/<id>/receive/`), whose lists show both kinds; these
views add what only RMAs have. Another party's order or case is a 404."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.api.permissions import acting_organisation
from orders import selectors, selectors_returns
from orders.api.rma_serializers import (
    BuyerRmaSerializer,
    RmaDeclineInputSerializer,
    RmaInspectInputSerializer,
    RmaRequestInputSerializer,
    SellerRmaSerializer,
)
from orders.api.views.common import buyer_for, is_schema_generation, validated
from orders.models import ReturnCase, ReturnKind
from orders.services import rma

FILTERS = ["status", "reason"]


class BuyerRmas:
    """The caller's part returns (for the organisation they act for)."""

    def get_queryset(self):
        if is_schema_generation(self):
            return ReturnCase.objects.none()
        buyer = buyer_for(self.request)
        return selectors_returns.returns_of_buyer(buyer).filter(kind=ReturnKind.RMA)


class RmaListApi(BuyerRmas, generics.ListAPIView):
    serializer_class = BuyerRmaSerializer
    filterset_fields = FILTERS


class RmaDetailApi(BuyerRmas, generics.RetrieveAPIView):
    serializer_class = BuyerRmaSerializer


class RmaRequestApi(BuyerRmas, APIView):
    """Ask to return units of a delivered order line (JSON, or multipart with `photos`)."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request=RmaRequestInputSerializer, responses={201: BuyerRmaSerializer})
    def post(self, request, pk: int, line_id: int):
        buyer = buyer_for(request)
        order = generics.get_object_or_404(selectors.orders_of_buyer(buyer), pk=pk)
        line = generics.get_object_or_404(order.lines.all(), pk=line_id)
        fields = validated(RmaRequestInputSerializer, request)
        photos = fields.pop("photos")
        case = rma.rma_request(
            order_line=line, buyer=buyer, details=rma.RmaDetails(**fields), photos=photos
        )
        data = BuyerRmaSerializer(self.get_queryset().get(pk=case.pk)).data
        return Response(data, status=status.HTTP_201_CREATED)


class SellerRmas:
    """Returns of the caller's sales: another seller's case is a 404."""

    def get_queryset(self):
        if is_schema_generation(self):
            return ReturnCase.objects.none()
        request = self.request
        cases = selectors_returns.returns_of_seller(request.user, acting_organisation(request))
        return cases.filter(kind=ReturnKind.RMA)

    def case(self, pk: int) -> ReturnCase:
        return generics.get_object_or_404(self.get_queryset(), pk=pk)

    def respond(self, case: ReturnCase) -> Response:
        return Response(SellerRmaSerializer(self.get_queryset().get(pk=case.pk)).data)


class SalesRmaListApi(SellerRmas, generics.ListAPIView):
    serializer_class = SellerRmaSerializer
    filterset_fields = FILTERS


class SalesRmaApproveApi(SellerRmas, APIView):
    """Agree to take the part back: the buyer gets a return code."""

    @extend_schema(request=None, responses={200: SellerRmaSerializer})
    def post(self, request, pk: int):
        return self.respond(rma.rma_approve(case=self.case(pk), actor=request.user))


class SalesRmaDeclineApi(SellerRmas, APIView):
    @extend_schema(request=RmaDeclineInputSerializer, responses={200: SellerRmaSerializer})
    def post(self, request, pk: int):
        case = self.case(pk)
        reason = validated(RmaDeclineInputSerializer, request)["reason"]
        return self.respond(rma.rma_decline(case=case, actor=request.user, reason=reason))


class SalesRmaInspectApi(SellerRmas, APIView):
    """Accept the received part (it is refunded at once) or reject it, saying why."""

    @extend_schema(request=RmaInspectInputSerializer, responses={200: SellerRmaSerializer})
    def post(self, request, pk: int):
        case = self.case(pk)
        fields = validated(RmaInspectInputSerializer, request)
        return self.respond(rma.rma_inspect(case=case, actor=request.user, **fields))
