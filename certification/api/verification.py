"""Remanufacturers' product lines, and the public verification of a certificate by its number
(the QR code on the part)."""

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from catalog.badges import product_line_create
from catalog.models import ProductLine
from certification import selectors
from marketplace.api.permissions import acting_organisation, acts_for
from marketplace.errors import DomainError
from marketplace.models import OrganisationKind


class ProductLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProductLine
        fields = ["id", "name", "description"]


class ProductLineInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class CertificateVerificationSerializer(serializers.Serializer):
    number = serializers.CharField()
    valid = serializers.BooleanField()
    status = serializers.CharField(help_text="active, suspended, revoked or expired")
    scheme = serializers.CharField()
    badge = serializers.CharField()
    badge_text = serializers.CharField()
    certifier = serializers.CharField()
    subject = serializers.CharField(help_text="listing, product_line or seller")
    subject_description = serializers.CharField()
    issued_on = serializers.DateField()
    expires_on = serializers.DateField()


class ProductLineListApi(generics.ListAPIView):
    """The caller's remanufacturer's product lines; POST names a new one."""

    permission_classes = [IsAuthenticated, acts_for(OrganisationKind.REMANUFACTURER)]
    serializer_class = ProductLineSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no caller
            return ProductLine.objects.none()
        return selectors.product_lines_of(acting_organisation(self.request))

    @extend_schema(request=ProductLineInputSerializer, responses={201: ProductLineSerializer})
    def post(self, request):
        data = ProductLineInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = product_line_create(organisation=acting_organisation(request), **data.validated_data)
        return Response(ProductLineSerializer(line).data, status=status.HTTP_201_CREATED)


class VerifyApi(APIView):
    """Anyone with a certificate number (a QR code on the part) learns whether it is valid, for
    what, by whom and until when; nothing private."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [AnonRateThrottle]

    @extend_schema(responses={200: CertificateVerificationSerializer})
    def get(self, request, number: str):
        verification = selectors.certificate_verification(number)
        if verification is None:
            raise CertificateNotFound(_("No certificate has this number."))
        return Response(CertificateVerificationSerializer(verification).data)


class CertificateNotFound(DomainError):
    code = "certificate_not_found"
    status = 404


urlpatterns = [
    path("product-lines/", ProductLineListApi.as_view(), name="product-line-list"),
    path("verify/<str:number>/", VerifyApi.as_view(), name="certificate-verify"),
]
