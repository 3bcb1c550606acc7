"""Inventory feed API: upload a CSV as a job, poll the job, read the report of rejected rows.

`urlpatterns` is included under /api/v1/. Every queryset is scoped to the caller's
organisations, so another organisation's job answers 404.
"""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from catalog.feeds.services import feed_import_create
from catalog.filters import FeedImportFilter
from catalog.models import FeedImport, FeedRejection
from catalog.selectors import feed_imports_of
from marketplace.api.permissions import acting_organisation, acts_for

FeedSellerOnly = acts_for("dismantler", "remanufacturer")


class FeedImportInputSerializer(serializers.Serializer):
    """Only these two fields are read: the seller is the organisation the caller acts for."""

    file = serializers.FileField(
        allow_empty_file=True,
        help_text="The inventory CSV (UTF-8, a header row; see the feed format in the README).",
    )
    withdraw_missing = serializers.BooleanField(
        default=False,
        help_text="A full feed: withdraw your listings whose SKU the file does not contain.",
    )


class FeedImportSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(
        source="seller_organisation", slug_field="slug", read_only=True
    )

    class Meta:
        model = FeedImport
        fields = [
            "id", "organisation", "status", "original_name", "withdraw_missing", "rows_total",
            "created_count", "updated_count", "unchanged_count", "rejected_count",
            "withdrawn_count", "error_code", "error_message", "created_at", "started_at",
            "finished_at",
        ]  # fmt: skip
        read_only_fields = fields


class FeedRejectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = FeedRejection
        fields = ["line", "column", "reason", "value"]
        read_only_fields = fields


def _feed_imports(request):
    return feed_imports_of(request.user).select_related("seller_organisation")


class FeedImportListCreateApi(generics.ListAPIView):
    """The caller's organisations' feed jobs, newest first; POST uploads a feed (202: the job,
    imported in the background; poll it until its status is `done` or `failed`)."""

    serializer_class = FeedImportSerializer
    filterset_class = FeedImportFilter
    parser_classes = [MultiPartParser, FormParser]

    def get_permissions(self):
        if self.request.method == "POST":
            return [IsAuthenticated(), FeedSellerOnly()]
        return super().get_permissions()

    def get_queryset(self):
        return _feed_imports(self.request)

    @extend_schema(
        request={"multipart/form-data": FeedImportInputSerializer},
        responses={202: FeedImportSerializer},
    )
    def post(self, request):
        data = FeedImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        feed_import = feed_import_create(
            organisation=acting_organisation(request),
            uploaded_by=request.user,
            file=data.validated_data["file"],
            withdraw_missing=data.validated_data["withdraw_missing"],
        )
        # Re-read: where tasks run eagerly the job may already be finished.
        feed_import = _feed_imports(request).get(pk=feed_import.pk)
        return Response(FeedImportSerializer(feed_import).data, status=status.HTTP_202_ACCEPTED)


class FeedImportDetailApi(generics.RetrieveAPIView):
    """One feed job: its status, its counts and, when it failed, why."""

    serializer_class = FeedImportSerializer

    def get_queryset(self):
        return _feed_imports(self.request)


class FeedRejectionListApi(generics.ListAPIView):
    """The rejected rows of a feed job, by line: column, reason in plain words, value given."""

    serializer_class = FeedRejectionSerializer
    filterset_fields = ["column"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no pk
            return FeedRejection.objects.none()
        feed_import = generics.get_object_or_404(_feed_imports(self.request), pk=self.kwargs["pk"])
        return FeedRejection.objects.filter(feed_import=feed_import)


urlpatterns = [
    path("feeds/", FeedImportListCreateApi.as_view(), name="feed-list"),
    path("feeds/<int:pk>/", FeedImportDetailApi.as_view(), name="feed"),
    path("feeds/<int:pk>/rejections/", FeedRejectionListApi.as_view(), name="feed-rejections"),
]
