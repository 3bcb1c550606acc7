from django.contrib.auth import authenticate
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from marketplace import services
from marketplace.api.errors import error_response
from marketplace.api.permissions import IsPlatformOperator
from marketplace.api.serializers import (
    MembershipInputSerializer,
    MembershipOutputSerializer,
    OrganisationInputSerializer,
    OrganisationOutputSerializer,
    RegisterInputSerializer,
    RegisterOutputSerializer,
    TokenInputSerializer,
    TokenOutputSerializer,
    UserOutputSerializer,
)
from marketplace.filters import MembershipFilter, OrganisationFilter
from marketplace.models import Organisation, User
from marketplace.selectors import memberships_visible_to, organisations_visible_to


class AuthThrottled:
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"


class RegisterApi(AuthThrottled, APIView):
    """Create an account, and optionally a business organisation (pending approval) it owns."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(request=RegisterInputSerializer, responses={201: RegisterOutputSerializer})
    def post(self, request):
        data = RegisterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        organisation_fields = fields.pop("organisation", None)
        with transaction.atomic():
            user = services.user_register(**fields)
            organisation = None
            if organisation_fields:
                organisation = services.organisation_register(owner=user, **organisation_fields)
            token = Token.objects.create(user=user)
        output = {"user": user, "token": token.key, "organisation": organisation}
        return Response(RegisterOutputSerializer(output).data, status=status.HTTP_201_CREATED)


class TokenApi(AuthThrottled, APIView):
    """Exchange a username and password for the API token."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(request=TokenInputSerializer, responses={200: TokenOutputSerializer})
    def post(self, request):
        data = TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request, **data.validated_data)
        if user is None:
            return error_response(
                status_code=400,
                code="invalid_credentials",
                message="The username or password is wrong.",
            )
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class MeApi(generics.RetrieveAPIView):
    serializer_class = UserOutputSerializer

    def get_object(self):
        return User.objects.prefetch_related("memberships__organisation", "memberships__user").get(
            pk=self.request.user.pk
        )


class OrganisationListApi(generics.ListAPIView):
    serializer_class = OrganisationOutputSerializer
    filterset_class = OrganisationFilter

    def get_queryset(self):
        return organisations_visible_to(self.request.user)


class OrganisationRegisterApi(APIView):
    """Register another business organisation owned by the caller; it starts pending."""

    @extend_schema(
        request=OrganisationInputSerializer, responses={201: OrganisationOutputSerializer}
    )
    def post(self, request):
        data = OrganisationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organisation = services.organisation_register(owner=request.user, **data.validated_data)
        return Response(OrganisationOutputSerializer(organisation).data, status=201)


class OrganisationDetailApi(generics.RetrieveAPIView):
    serializer_class = OrganisationOutputSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return organisations_visible_to(self.request.user)


class _OrganisationStatusApi(APIView):
    """A platform operator's status change of an organisation; subclasses name the service."""

    permission_classes = [IsPlatformOperator]
    status_change: staticmethod

    @extend_schema(request=None, responses={200: OrganisationOutputSerializer})
    def post(self, request, slug: str):
        organisation = generics.get_object_or_404(Organisation.objects.all(), slug=slug)
        organisation = self.status_change(organisation=organisation, by=request.user)
        return Response(OrganisationOutputSerializer(organisation).data)


class OrganisationApproveApi(_OrganisationStatusApi):
    status_change = staticmethod(services.organisation_approve)


class OrganisationSuspendApi(_OrganisationStatusApi):
    status_change = staticmethod(services.organisation_suspend)


class MembershipListCreateApi(generics.ListAPIView):
    serializer_class = MembershipOutputSerializer
    filterset_class = MembershipFilter

    def get_queryset(self):
        return memberships_visible_to(self.request.user)

    @extend_schema(request=MembershipInputSerializer, responses={201: MembershipOutputSerializer})
    def post(self, request):
        data = MembershipInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        organisation = generics.get_object_or_404(
            organisations_visible_to(request.user), slug=fields.pop("organisation")
        )
        membership = services.membership_add(organisation=organisation, by=request.user, **fields)
        return Response(MembershipOutputSerializer(membership).data, status=201)


class MembershipDeleteApi(APIView):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk: int):
        membership = generics.get_object_or_404(memberships_visible_to(request.user), pk=pk)
        services.membership_remove(membership=membership, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
