"""Certifiers' schemes and certificates, remanufacturers' product lines, and the public
verification of a certificate number.

Certifier endpoints act for the caller's certifier: lists and objects are scoped to it (another
certifier's are a 404), and issuing under another certifier's scheme is a 403.
"""

from django.http import FileResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from catalog.models import BadgeSubject, Listing, ProductLine
from certification import selectors
from certification.models import Certificate, CertificateEvent, EvidenceDocument, Scheme
from certification.services import certificates as services
from marketplace.api.permissions import acting_organisation, acts_for
from marketplace.errors import NotPermitted
from marketplace.models import Organisation, OrganisationKind

CERTIFIER = [IsAuthenticated, acts_for(OrganisationKind.CERTIFIER)]


def _acting(view) -> Organisation | None:
    """The organisation the caller acts for; none while the schema generator inspects views."""
    if getattr(view, "swagger_fake_view", False):
        return None
    return acting_organisation(view.request)


# Serializers


class SchemeSerializer(serializers.ModelSerializer):
    certifier = serializers.CharField(source="certifier.name")

    class Meta:
        model = Scheme
        fields = [
            "id", "certifier", "name", "slug", "badge_label", "badge_text", "subject", "criteria",
            "default_validity_days", "active", "created_at",
        ]  # fmt: skip


class SchemeInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    slug = serializers.SlugField(max_length=80)
    badge_label = serializers.CharField(max_length=80)
    badge_text = serializers.CharField(max_length=200, required=False, allow_blank=True)
    subject = serializers.ChoiceField(choices=BadgeSubject.choices)
    criteria = serializers.CharField(max_length=20_000)
    default_validity_days = serializers.IntegerField(min_value=1, max_value=3650, required=False)


class SchemeUpdateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    badge_label = serializers.CharField(max_length=80, required=False)
    badge_text = serializers.CharField(max_length=200, required=False, allow_blank=True)
    criteria = serializers.CharField(max_length=20_000, required=False)
    default_validity_days = serializers.IntegerField(min_value=1, max_value=3650, required=False)
    active = serializers.BooleanField(required=False)


class CertificateEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)

    class Meta:
        model = CertificateEvent
        fields = ["from_status", "to_status", "reason", "actor", "created_at"]


class CertificateEvidenceSerializer(serializers.ModelSerializer):
    """Evidence is private: it is downloaded through the API, never from a media URL."""

    download = serializers.SerializerMethodField()

    class Meta:
        model = EvidenceDocument
        fields = ["id", "description", "uploaded_at", "download"]

    def get_download(self, document: EvidenceDocument) -> str:
        return reverse(
            "certificate-evidence-file",
            kwargs={"pk": document.certificate_id, "document_id": document.pk},
        )


class CertificateSerializer(serializers.ModelSerializer):
    scheme = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    subject_description = serializers.SerializerMethodField()
    seller_organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Certificate
        fields = [
            "id", "number", "scheme", "subject", "listing", "product_line", "seller_organisation",
            "subject_description", "issued_on", "expires_on", "status", "status_reason",
            "created_at", "updated_at",
        ]  # fmt: skip

    def get_subject_description(self, certificate: Certificate) -> str:
        return selectors.subject_description(certificate)


class CertificateDetailSerializer(CertificateSerializer):
    events = CertificateEventSerializer(many=True)
    evidence = CertificateEvidenceSerializer(many=True)

    class Meta(CertificateSerializer.Meta):
        fields = [*CertificateSerializer.Meta.fields, "events", "evidence"]


class CertificateIssueInputSerializer(serializers.Serializer):
    """The scheme and exactly one subject, of the kind the scheme certifies."""

    scheme = serializers.PrimaryKeyRelatedField(queryset=Scheme.objects.select_related("certifier"))
    listing = serializers.PrimaryKeyRelatedField(queryset=Listing.objects.all(), required=False)
    product_line = serializers.PrimaryKeyRelatedField(
        queryset=ProductLine.objects.select_related("organisation"), required=False
    )
    seller_organisation = serializers.SlugRelatedField(
        slug_field="slug", queryset=Organisation.objects.all(), required=False
    )
    issued_on = serializers.DateField(required=False)
    expires_on = serializers.DateField(required=False)

    SUBJECTS = ("listing", "product_line", "seller_organisation")

    def validate(self, data):
        given = [name for name in self.SUBJECTS if name in data]
        if len(given) != 1:
            raise serializers.ValidationError(
                {"subject": _("Give exactly one of listing, product_line, seller_organisation.")}
            )
        data["subject"] = data.pop(given[0])
        return data


class CertificateReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class CertificateReinstateInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class CertificateEvidenceInputSerializer(serializers.Serializer):
    file = serializers.FileField()
    description = serializers.CharField(max_length=200)


# Views: schemes


class SchemeListApi(generics.ListAPIView):
    """The caller's certifier's schemes; POST sets out a new one."""

    permission_classes = CERTIFIER
    serializer_class = SchemeSerializer

    def get_queryset(self):
        return selectors.schemes_of(_acting(self))

    @extend_schema(request=SchemeInputSerializer, responses={201: SchemeSerializer})
    def post(self, request):
        data = SchemeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        scheme = services.scheme_create(
            certifier=acting_organisation(request), actor=request.user, **data.validated_data
        )
        return Response(SchemeSerializer(scheme).data, status=status.HTTP_201_CREATED)


class SchemeDetailApi(generics.RetrieveAPIView):
    permission_classes = CERTIFIER
    serializer_class = SchemeSerializer

    def get_queryset(self):
        return selectors.schemes_of(_acting(self))

    @extend_schema(request=SchemeUpdateInputSerializer, responses={200: SchemeSerializer})
    def patch(self, request, pk: int):
        data = SchemeUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        scheme = services.scheme_update(
            scheme=self.get_object(), actor=request.user, **data.validated_data
        )
        return Response(SchemeSerializer(scheme).data)


# Views: certificates


class CertificateListApi(generics.ListAPIView):
    """Certificates issued under the caller's certifier's schemes; POST issues one."""

    permission_classes = CERTIFIER
    serializer_class = CertificateSerializer
    filterset_fields = ["status", "subject", "scheme"]

    def get_queryset(self):
        return selectors.certificates_of(_acting(self))

    @extend_schema(request=CertificateIssueInputSerializer, responses={201: CertificateSerializer})
    def post(self, request):
        data = CertificateIssueInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        scheme = data.validated_data.pop("scheme")
        if scheme.certifier_id != acting_organisation(request).pk:
            raise NotPermitted(_("Only the scheme's certifier may issue its certificates."))
        certificate = services.certificate_issue(
            scheme=scheme, actor=request.user, **data.validated_data
        )
        certificate = self.get_queryset().get(pk=certificate.pk)
        return Response(CertificateSerializer(certificate).data, status=status.HTTP_201_CREATED)


class CertificateDetailApi(generics.RetrieveAPIView):
    """A certificate with its history and evidence."""

    permission_classes = CERTIFIER
    serializer_class = CertificateDetailSerializer

    def get_queryset(self):
        return selectors.certificate_with_history(_acting(self))


class CertificateActionApi(generics.GenericAPIView):
    """The one-transition endpoints: find the certificate among the caller's certifier's and
    call the transition's service (`service`, set by each endpoint) with the reason given."""

    permission_classes = CERTIFIER
    serializer_class = CertificateDetailSerializer
    input_serializer = CertificateReasonInputSerializer
    service = None  # one of the certificate_* transition services

    def get_queryset(self):
        return selectors.certificate_with_history(_acting(self))

    def post(self, request, pk: int):
        certificate = self.get_object()
        data = self.input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        self.service(
            certificate=certificate, actor=request.user, reason=data.validated_data["reason"]
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)


@extend_schema(
    request=CertificateReasonInputSerializer, responses={200: CertificateDetailSerializer}
)
class CertificateSuspendApi(CertificateActionApi):
    service = staticmethod(services.certificate_suspend)


@extend_schema(
    request=CertificateReinstateInputSerializer, responses={200: CertificateDetailSerializer}
)
class CertificateReinstateApi(CertificateActionApi):
    input_serializer = CertificateReinstateInputSerializer
    service = staticmethod(services.certificate_reinstate)


@extend_schema(
    request=CertificateReasonInputSerializer, responses={200: CertificateDetailSerializer}
)
class CertificateRevokeApi(CertificateActionApi):
    service = staticmethod(services.certificate_revoke)


class CertificateEvidenceAddApi(generics.GenericAPIView):
    """Attach a test report (PDF, JPEG or PNG) to a certificate."""

    permission_classes = CERTIFIER
    parser_classes = [MultiPartParser]
    serializer_class = CertificateEvidenceSerializer

    def get_queryset(self):
        return selectors.certificates_of(_acting(self))

    @extend_schema(
        request=CertificateEvidenceInputSerializer, responses={201: CertificateEvidenceSerializer}
    )
    def post(self, request, pk: int):
        certificate = self.get_object()
        data = CertificateEvidenceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = services.evidence_add(
            certificate=certificate, actor=request.user, **data.validated_data
        )
        return Response(self.get_serializer(document).data, status=status.HTTP_201_CREATED)


class CertificateEvidenceFileApi(generics.GenericAPIView):
    """Download one evidence document of one of the caller's certifier's certificates."""

    permission_classes = CERTIFIER

    def get_queryset(self):
        return selectors.certificates_of(_acting(self))

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk: int, document_id: int):
        document = generics.get_object_or_404(
            EvidenceDocument.objects.filter(certificate__in=self.get_queryset().values("pk")),
            pk=document_id,
            certificate_id=pk,
        )
        name = document.file.name.rsplit("/", 1)[-1]
        return FileResponse(document.file.open("rb"), as_attachment=True, filename=name)


urlpatterns = [
    path("certification/schemes/", SchemeListApi.as_view(), name="scheme-list"),
    path("certification/schemes/<int:pk>/", SchemeDetailApi.as_view(), name="scheme"),
    path("certification/certificates/", CertificateListApi.as_view(), name="certificate-list"),
    path(
        "certification/certificates/<int:pk>/",
        CertificateDetailApi.as_view(),
        name="certificate",
    ),
    path(
        "certification/certificates/<int:pk>/suspend/",
        CertificateSuspendApi.as_view(),
        name="certificate-suspend",
    ),
    path(
        "certification/certificates/<int:pk>/reinstate/",
        CertificateReinstateApi.as_view(),
        name="certificate-reinstate",
    ),
    path(
        "certification/certificates/<int:pk>/revoke/",
        CertificateRevokeApi.as_view(),
        name="certificate-revoke",
    ),
    path(
        "certification/certificates/<int:pk>/evidence/",
        CertificateEvidenceAddApi.as_view(),
        name="certificate-evidence",
    ),
    path(
        "certification/certificates/<int:pk>/evidence/<int:document_id>/",
        CertificateEvidenceFileApi.as_view(),
        name="certificate-evidence-file",
    ),
]
