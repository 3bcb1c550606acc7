"""Cores owed and returns: the buyer opens and sends them, an outlet takes them over the counter
by code (and inspects cores when the seller lets it), the seller receives and inspects. Each
write is one view calling one service; every read is scoped to the caller, so another party's
core or return is a 404."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.api.permissions import acting_organisation
from orders import core_rubric, selectors_returns
from orders.api.serializers_returns import (
    BuyerReturnSerializer,
    CoreInspectInputSerializer,
    CoreObligationSerializer,
    HandlerReturnSerializer,
    ReturnCodeInputSerializer,
    ReturnPhotoInputSerializer,
    ReturnShipInputSerializer,
    RubricFindingSerializer,
)
from orders.api.views.common import OUTLET_STAFF, buyer_for, is_schema_generation, validated
from orders.filters_returns import CoreObligationFilter, ReturnCaseFilter
from orders.models import CoreObligation, ReturnCase, ReturnKind
from orders.services import cores, returns


class CoreRubricApi(APIView):
    """The published rubric by which returned cores are credited."""

    @extend_schema(responses={200: RubricFindingSerializer(many=True)})
    def get(self, request):
        return Response(RubricFindingSerializer(core_rubric.rubric_published(), many=True).data)


# The buyer's side


class BuyerCores:
    def get_queryset(self):
        if is_schema_generation(self):
            return CoreObligation.objects.none()
        return selectors_returns.cores_of_buyer(buyer_for(self.request))


class CoreListApi(BuyerCores, generics.ListAPIView):
    """The cores the caller owes (or owed): to whom, the deposit, the deadline, the status."""

    serializer_class = CoreObligationSerializer
    filterset_class = CoreObligationFilter


class CoreReturnOpenApi(BuyerCores, APIView):
    """Open the return of an owed core: the answer carries the return code."""

    @extend_schema(request=None, responses={201: BuyerReturnSerializer})
    def post(self, request, pk: int):
        core = generics.get_object_or_404(self.get_queryset(), pk=pk)
        case = cores.core_return_open(obligation=core, actor=request.user)
        found = selectors_returns.returns_of_buyer(buyer_for(request)).get(pk=case.pk)
        return Response(BuyerReturnSerializer(found).data, status=status.HTTP_201_CREATED)


class BuyerReturns:
    def get_queryset(self):
        if is_schema_generation(self):
            return ReturnCase.objects.none()
        return selectors_returns.returns_of_buyer(buyer_for(self.request))


class ReturnListApi(BuyerReturns, generics.ListAPIView):
    """The caller's returns, cores and parts alike."""

    serializer_class = BuyerReturnSerializer
    filterset_class = ReturnCaseFilter


class ReturnDetailApi(BuyerReturns, generics.RetrieveAPIView):
    serializer_class = BuyerReturnSerializer


class ReturnShipApi(BuyerReturns, APIView):
    """The buyer sends the part back by post."""

    @extend_schema(request=ReturnShipInputSerializer, responses={200: BuyerReturnSerializer})
    def post(self, request, pk: int):
        case = generics.get_object_or_404(self.get_queryset(), pk=pk)
        fields = validated(ReturnShipInputSerializer, request)
        returns.return_ship(case=case, actor=request.user, **fields)
        return Response(BuyerReturnSerializer(self.get_queryset().get(pk=pk)).data)


# The seller's side


class SellerReturns:
    def get_queryset(self):
        if is_schema_generation(self):
            return ReturnCase.objects.none()
        return selectors_returns.returns_of_seller(
            self.request.user, acting_organisation(self.request)
        )

    def case(self, pk: int, **kind) -> ReturnCase:
        return generics.get_object_or_404(self.get_queryset().filter(**kind), pk=pk)

    def respond(self, pk: int) -> Response:
        return Response(HandlerReturnSerializer(self.get_queryset().get(pk=pk)).data)


class SalesReturnListApi(SellerReturns, generics.ListAPIView):
    """Returns of the caller's sales."""

    serializer_class = HandlerReturnSerializer
    filterset_class = ReturnCaseFilter


class SalesReturnDetailApi(SellerReturns, generics.RetrieveAPIView):
    serializer_class = HandlerReturnSerializer


class SalesReturnReceiveApi(SellerReturns, APIView):
    """The part arrived (from the outlet or the carrier)."""

    @extend_schema(request=None, responses={200: HandlerReturnSerializer})
    def post(self, request, pk: int):
        returns.return_receive(case=self.case(pk), actor=request.user)
        return self.respond(pk)


class SalesReturnInspectApi(SellerReturns, APIView):
    """Inspect a received core by the rubric; the credit follows in the same step."""

    @extend_schema(request=CoreInspectInputSerializer, responses={200: HandlerReturnSerializer})
    def post(self, request, pk: int):
        case = self.case(pk, kind=ReturnKind.CORE)
        fields = validated(CoreInspectInputSerializer, request)
        cores.core_inspect(case=case, actor=request.user, **fields)
        return self.respond(pk)


class SalesReturnPhotoApi(SellerReturns, APIView):
    """Add a photo of the returned part (multipart, field `image`)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=ReturnPhotoInputSerializer, responses={201: HandlerReturnSerializer})
    def post(self, request, pk: int):
        case = self.case(pk)
        image = validated(ReturnPhotoInputSerializer, request)["image"]
        cores.return_photo_add(case=case, actor=request.user, image=image)
        return Response(
            HandlerReturnSerializer(self.get_queryset().get(pk=pk)).data,
            status=status.HTTP_201_CREATED,
        )


# The outlet counter


class OutletReturns:
    permission_classes = OUTLET_STAFF

    def get_queryset(self):
        if is_schema_generation(self):
            return ReturnCase.objects.none()
        return selectors_returns.returns_at_outlet(acting_organisation(self.request))

    def respond(self, pk: int, code=status.HTTP_200_OK) -> Response:
        return Response(HandlerReturnSerializer(self.get_queryset().get(pk=pk)).data, status=code)


class OutletReturnListApi(OutletReturns, generics.ListAPIView):
    """Returns dropped off at the caller's outlet counters."""

    serializer_class = HandlerReturnSerializer
    filterset_class = ReturnCaseFilter


class OutletReturnDropOffApi(OutletReturns, APIView):
    """Take a return over the counter by its code. Wrong codes count towards a lockout."""

    @extend_schema(request=ReturnCodeInputSerializer, responses={200: HandlerReturnSerializer})
    def post(self, request):
        fields = validated(ReturnCodeInputSerializer, request)
        case = returns.return_drop_off(
            outlet=acting_organisation(request),
            user=request.user,
            code=fields["code"],
            location_id=fields.get("location"),
        )
        return self.respond(case.pk)


class OutletReturnInspectApi(OutletReturns, APIView):
    """Inspect a core at the counter, when its seller lets outlets decide."""

    @extend_schema(request=CoreInspectInputSerializer, responses={200: HandlerReturnSerializer})
    def post(self, request, pk: int):
        case = generics.get_object_or_404(self.get_queryset(), pk=pk, kind=ReturnKind.CORE)
        fields = validated(CoreInspectInputSerializer, request)
        cores.core_inspect_at_outlet(
            outlet=acting_organisation(request), user=request.user, case=case, **fields
        )
        return self.respond(pk)


class OutletReturnPhotoApi(OutletReturns, APIView):
    """Add a photo of a part taken over the counter (multipart, field `image`)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=ReturnPhotoInputSerializer, responses={201: HandlerReturnSerializer})
    def post(self, request, pk: int):
        case = generics.get_object_or_404(self.get_queryset(), pk=pk)
        image = validated(ReturnPhotoInputSerializer, request)["image"]
        cores.return_photo_add(case=case, actor=request.user, image=image)
        return self.respond(pk, code=status.HTTP_201_CREATED)
