"""Insurers' warranty plans, holders' policies, and claims.

`urlpatterns` is included under /api/v1/. Reads are scoped by `certification.selectors_warranty`
(an insurer: its plans and what was issued and claimed under them; a holder: their own; a
seller: what it sold), so anyone else's object is a 404. Every write calls one service.
Serializers are in `certification.api.warranty_serializers`.
"""

from django.http import FileResponse
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from certification import selectors_warranty as selectors
from certification.api.warranty_serializers import (
    ClaimApproveInputSerializer,
    ClaimDetailSerializer,
    ClaimDocumentInputSerializer,
    ClaimFileInputSerializer,
    ClaimReasonInputSerializer,
    ClaimResubmitInputSerializer,
    ClaimSerializer,
    PolicyTransferInputSerializer,
    PremiumQuoteInputSerializer,
    PremiumQuoteSerializer,
    PremiumRatesInputSerializer,
    WarrantyPlanCreateInputSerializer,
    WarrantyPlanSerializer,
    WarrantyPlanUpdateInputSerializer,
    WarrantyPolicySerializer,
)
from certification.models import Claim, ClaimDocument, WarrantyPlan, WarrantyPolicy
from certification.premiums import CoveredUnit, RateRule, premium_for, rate_for
from certification.services import warranty as services
from marketplace.api.permissions import acting_organisation, acts_for
from marketplace.errors import DomainError
from marketplace.models import OrganisationKind

INSURER_STAFF = [IsAuthenticated, acts_for(OrganisationKind.INSURER)]


def _validated(serializer_class, request, **kwargs) -> dict:
    data = serializer_class(data=request.data, **kwargs)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def _is_schema_generation(view) -> bool:
    return getattr(view, "swagger_fake_view", False)


# Plans (the insurer's)


class InsurerPlans:
    permission_classes = INSURER_STAFF

    def get_queryset(self):
        if _is_schema_generation(self):
            return WarrantyPlan.objects.none()
        return selectors.plans_of_insurer(acting_organisation(self.request))

    def respond(self, plan: WarrantyPlan, status_code=status.HTTP_200_OK) -> Response:
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(WarrantyPlanSerializer(plan).data, status=status_code)


class WarrantyPlanListCreateApi(InsurerPlans, generics.ListAPIView):
    """The insurer's plans; POST offers a new one."""

    serializer_class = WarrantyPlanSerializer
    filterset_fields = ["active", "scheme"]

    @extend_schema(
        request=WarrantyPlanCreateInputSerializer, responses={201: WarrantyPlanSerializer}
    )
    def post(self, request):
        values = _validated(WarrantyPlanCreateInputSerializer, request)
        plan = services.plan_create(
            insurer=acting_organisation(request),
            actor=request.user,
            scheme=values.pop("scheme"),
            values=values,
        )
        return self.respond(plan, status.HTTP_201_CREATED)


class WarrantyPlanDetailApi(InsurerPlans, generics.RetrieveAPIView):
    """One of the insurer's plans; PATCH changes it (cover terms freeze at the first policy)."""

    serializer_class = WarrantyPlanSerializer

    @extend_schema(
        request=WarrantyPlanUpdateInputSerializer, responses={200: WarrantyPlanSerializer}
    )
    def patch(self, request, pk: int):
        plan = self.get_object()
        values = _validated(WarrantyPlanUpdateInputSerializer, request, partial=True)
        return self.respond(services.plan_update(plan=plan, actor=request.user, values=values))


class WarrantyPlanRatesApi(InsurerPlans, APIView):
    @extend_schema(request=PremiumRatesInputSerializer, responses={200: WarrantyPlanSerializer})
    def put(self, request, pk: int):
        """Replace the plan's premium rates (the most specific matching rate applies)."""
        plan = generics.get_object_or_404(self.get_queryset(), pk=pk)
        rows = _validated(PremiumRatesInputSerializer, request)["rates"]
        services.plan_rates_set(
            plan=plan, actor=request.user, rates=[RateRule(**row) for row in rows]
        )
        return self.respond(plan)


class WarrantyPlanPremiumApi(APIView):
    """A premium quote for one unit under an active plan (public)."""

    permission_classes = [AllowAny]

    @extend_schema(parameters=[PremiumQuoteInputSerializer], responses=PremiumQuoteSerializer)
    def get(self, request, pk: int):
        plan = generics.get_object_or_404(
            selectors.plans_offered().prefetch_related("rates"), pk=pk
        )
        query = PremiumQuoteInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        unit = CoveredUnit(**query.validated_data)
        rule = services.premium_rule_of(plan)
        quote = {
            "plan": plan.pk,
            "rate": rate_for(rule, unit),
            "premium": premium_for(rule, unit),
            "currency": plan.currency,
        }
        return Response(PremiumQuoteSerializer(quote).data)


# Policies


class VisiblePolicies:
    def get_queryset(self):
        if _is_schema_generation(self):
            return WarrantyPolicy.objects.none()
        request = self.request
        return selectors.policies_visible_to(request.user, acting_organisation(request))


class WarrantyPolicyListApi(VisiblePolicies, generics.ListAPIView):
    """Policies you hold, that your insurer issued, or on parts your organisation sold."""

    serializer_class = WarrantyPolicySerializer
    filterset_fields = ["plan", "listing", "sale_reference"]


class WarrantyPolicyDetailApi(VisiblePolicies, generics.RetrieveAPIView):
    serializer_class = WarrantyPolicySerializer


class WarrantyPolicyTransferApi(VisiblePolicies, APIView):
    @extend_schema(request=PolicyTransferInputSerializer, responses={200: WarrantyPolicySerializer})
    def post(self, request, pk: int):
        """The holder names the vehicle owner the part was fitted for."""
        policy = generics.get_object_or_404(self.get_queryset(), pk=pk)
        fields = _validated(PolicyTransferInputSerializer, request)
        services.policy_transfer(policy=policy, actor=request.user, **fields)
        return Response(WarrantyPolicySerializer(self.get_queryset().get(pk=pk)).data)


# Claims


class VisibleClaims:
    def get_queryset(self):
        if _is_schema_generation(self):
            return Claim.objects.none()
        request = self.request
        return selectors.claims_visible_to(request.user, acting_organisation(request))

    def respond(self, claim: Claim, status_code=status.HTTP_200_OK) -> Response:
        claim = selectors.with_claim_events(VisibleClaims.get_queryset(self)).get(pk=claim.pk)
        return Response(ClaimDetailSerializer(claim).data, status=status_code)


class ClaimListCreateApi(VisibleClaims, generics.ListAPIView):
    """Claims on policies you can see; POST files a claim against a policy you hold (JSON, or
    multipart with `documents`)."""

    serializer_class = ClaimSerializer
    filterset_fields = ["status", "policy"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request=ClaimFileInputSerializer, responses={201: ClaimDetailSerializer})
    def post(self, request):
        fields = _validated(ClaimFileInputSerializer, request)
        policy = (
            WarrantyPolicy.objects.select_related("plan")
            .filter(holder=request.user, pk=fields.pop("policy"))
            .first()
        )
        if policy is None:
            raise DomainError.for_field("policy", _("You hold no policy with this id."))
        documents = [(file, "") for file in fields.pop("documents")]
        claim = services.claim_file(
            policy=policy,
            actor=request.user,
            details=services.ClaimDetails(**fields),
            documents=documents,
        )
        return self.respond(claim, status.HTTP_201_CREATED)


class ClaimDetailApi(VisibleClaims, generics.RetrieveAPIView):
    serializer_class = ClaimDetailSerializer

    def get_queryset(self):
        return selectors.with_claim_events(super().get_queryset())


class InsurerClaimAction(VisibleClaims, APIView):
    """A decision of the plan's insurer: anyone else's claim is a 404."""

    permission_classes = INSURER_STAFF

    def claim(self, pk: int) -> Claim:
        insurer = acting_organisation(self.request)
        return generics.get_object_or_404(selectors.claims_of_insurer(insurer), pk=pk)


class ClaimApproveApi(InsurerClaimAction):
    @extend_schema(request=ClaimApproveInputSerializer, responses={200: ClaimDetailSerializer})
    def post(self, request, pk: int):
        """Approve an amount within the plan's limits less the excess; records the payout."""
        fields = _validated(ClaimApproveInputSerializer, request)
        claim = services.claim_approve(claim=self.claim(pk), actor=request.user, **fields)
        return self.respond(claim)


class ClaimRequestInfoApi(InsurerClaimAction):
    @extend_schema(request=ClaimReasonInputSerializer, responses={200: ClaimDetailSerializer})
    def post(self, request, pk: int):
        """Ask the holder for more information before deciding."""
        reason = _validated(ClaimReasonInputSerializer, request)["reason"]
        claim = services.claim_request_info(claim=self.claim(pk), actor=request.user, reason=reason)
        return self.respond(claim)


class ClaimRejectApi(InsurerClaimAction):
    @extend_schema(request=ClaimReasonInputSerializer, responses={200: ClaimDetailSerializer})
    def post(self, request, pk: int):
        reason = _validated(ClaimReasonInputSerializer, request)["reason"]
        claim = services.claim_reject(claim=self.claim(pk), actor=request.user, reason=reason)
        return self.respond(claim)


class HolderClaimAction(VisibleClaims, APIView):
    """The holder's side: anyone else's claim is a 404."""

    def claim(self, pk: int) -> Claim:
        return generics.get_object_or_404(selectors.claims_of_holder(self.request.user), pk=pk)


class ClaimResubmitApi(HolderClaimAction):
    @extend_schema(request=ClaimResubmitInputSerializer, responses={200: ClaimDetailSerializer})
    def post(self, request, pk: int):
        """Send the claim back to the insurer after a request for information."""
        note = _validated(ClaimResubmitInputSerializer, request)["note"]
        claim = services.claim_resubmit(claim=self.claim(pk), actor=request.user, note=note)
        return self.respond(claim)


class ClaimDocumentAddApi(HolderClaimAction):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": ClaimDocumentInputSerializer},
        responses={201: ClaimDetailSerializer},
    )
    def post(self, request, pk: int):
        """Attach a photo (JPEG, PNG) or a report (PDF) to an open claim."""
        claim = self.claim(pk)
        fields = _validated(ClaimDocumentInputSerializer, request)
        services.claim_document_add(claim=claim, actor=request.user, **fields)
        return self.respond(claim, status.HTTP_201_CREATED)


class ClaimDocumentFileApi(VisibleClaims, APIView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk: int, document_id: int):
        """Download a claim's document (to the parties who can see the claim)."""
        document = generics.get_object_or_404(
            ClaimDocument.objects.filter(claim__in=self.get_queryset().values("pk")),
            pk=document_id,
            claim_id=pk,
        )
        name = document.file.name.rsplit("/", 1)[-1]
        return FileResponse(document.file.open("rb"), as_attachment=True, filename=name)


urlpatterns = [
    path("warranty/plans/", WarrantyPlanListCreateApi.as_view(), name="warranty-plan-list"),
    path("warranty/plans/<int:pk>/", WarrantyPlanDetailApi.as_view(), name="warranty-plan"),
    path(
        "warranty/plans/<int:pk>/rates/",
        WarrantyPlanRatesApi.as_view(),
        name="warranty-plan-rates",
    ),
    path(
        "warranty/plans/<int:pk>/premium/",
        WarrantyPlanPremiumApi.as_view(),
        name="warranty-plan-premium",
    ),
    path("warranty/policies/", WarrantyPolicyListApi.as_view(), name="warranty-policy-list"),
    path("warranty/policies/<int:pk>/", WarrantyPolicyDetailApi.as_view(), name="warranty-policy"),
    path(
        "warranty/policies/<int:pk>/transfer/",
        WarrantyPolicyTransferApi.as_view(),
        name="warranty-policy-transfer",
    ),
    path("warranty/claims/", ClaimListCreateApi.as_view(), name="warranty-claim-list"),
    path("warranty/claims/<int:pk>/", ClaimDetailApi.as_view(), name="warranty-claim"),
    path(
        "warranty/claims/<int:pk>/approve/",
        ClaimApproveApi.as_view(),
        name="warranty-claim-approve",
    ),
    path(
        "warranty/claims/<int:pk>/request-info/",
        ClaimRequestInfoApi.as_view(),
        name="warranty-claim-request-info",
    ),
    path(
        "warranty/claims/<int:pk>/reject/", ClaimRejectApi.as_view(), name="warranty-claim-reject"
    ),
    path(
        "warranty/claims/<int:pk>/resubmit/",
        ClaimResubmitApi.as_view(),
        name="warranty-claim-resubmit",
    ),
    path(
        "warranty/claims/<int:pk>/documents/",
        ClaimDocumentAddApi.as_view(),
        name="warranty-claim-documents",
    ),
    path(
        "warranty/claims/<int:pk>/documents/<int:document_id>/",
        ClaimDocumentFileApi.as_view(),
        name="warranty-claim-document",
    ),
]
