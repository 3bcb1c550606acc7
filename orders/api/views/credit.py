"""The caller's credit: balances, a statement with a running balance, a CSV export for
accountants, and the platform operator's goodwill grants.

Accounts are the caller's own: the buyer credit (and, for a seller, the seller receivable) of
the organisation they act for, or their own as an individual. `GET credit/` lists both kinds;
`?kind=seller_receivable` narrows it. The statements take `kind` too (default `buyer_credit`).
Another party's account is never reachable: its statement is empty.
"""

import csv
from decimal import Decimal

from django.http import StreamingHttpResponse
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Currency
from marketplace.api.permissions import IsPlatformOperator, acting_organisation
from marketplace.models import Organisation, User
from orders import selectors_credit
from orders.api.views.common import is_schema_generation
from orders.models import AccountKind, LedgerAccount, LedgerEntry, LedgerTransaction
from orders.money import Money
from orders.services.credit_grants import credit_goodwill_grant

KIND_CHOICES = [(kind.value, kind.label) for kind in selectors_credit.CUSTOMER_KINDS]
CSV_COLUMNS = ["date", "kind", "description", "amount", "balance"]


class CreditAccountFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=KIND_CHOICES)
    currency = filters.CharFilter()

    class Meta:
        model = LedgerAccount
        fields = ["kind", "currency"]


class CreditAccountSerializer(serializers.ModelSerializer):
    class Meta:
        model = LedgerAccount
        fields = ["kind", "currency", "balance"]


class StatementEntrySerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="transaction.kind")
    description = serializers.CharField(source="transaction.description")
    created_at = serializers.DateTimeField(source="transaction.created_at")

    class Meta:
        model = LedgerEntry
        fields = ["id", "kind", "description", "amount", "currency", "balance_after", "created_at"]


class StatementQuerySerializer(serializers.Serializer):
    currency = serializers.ChoiceField(choices=Currency.choices)
    kind = serializers.ChoiceField(choices=KIND_CHOICES, default=AccountKind.BUYER_CREDIT)


# `from` is a Python keyword, so the range fields are declared through type().
StatementRangeQuerySerializer = type(
    "StatementRangeQuerySerializer",
    (StatementQuerySerializer,),
    {
        "from": serializers.DateField(required=False, allow_null=True, default=None),
        "to": serializers.DateField(required=False, allow_null=True, default=None),
        "__module__": __name__,
    },
)


def _query(serializer_class, request) -> dict:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


def _statement_parameters(*, with_range: bool) -> list[OpenApiParameter]:
    parameters = [
        OpenApiParameter("currency", str, required=True, enum=Currency.values),
        OpenApiParameter("kind", str, enum=[kind for kind, _ in KIND_CHOICES]),
    ]
    if with_range:
        parameters += [
            OpenApiParameter("from", OpenApiTypes.DATE, description="First day, included."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last day, included."),
        ]
    return parameters


class CreditAccountListApi(generics.ListAPIView):
    """The caller's credit accounts with their balances (buyer credit, seller receivable)."""

    serializer_class = CreditAccountSerializer
    filterset_class = CreditAccountFilter

    def get_queryset(self):
        if is_schema_generation(self):
            return LedgerAccount.objects.none()
        request = self.request
        return selectors_credit.credit_accounts_of(request.user, acting_organisation(request))


@extend_schema(parameters=_statement_parameters(with_range=False))
class CreditStatementApi(generics.ListAPIView):
    """The entries of one of the caller's accounts, newest first, each with the balance just
    after it."""

    serializer_class = StatementEntrySerializer
    filter_backends = []

    def get_queryset(self):
        if is_schema_generation(self):
            return LedgerEntry.objects.none()
        query = _query(StatementQuerySerializer, self.request)
        return selectors_credit.statement_entries(
            self.request.user, acting_organisation(self.request), **query
        )


class _Echo:
    """A file-like object whose write returns the line, so csv.writer yields rows to stream."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(entries):
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for entry in entries.iterator(chunk_size=2000):
        yield writer.writerow(
            [
                entry.transaction.created_at.date().isoformat(),
                entry.transaction.kind,
                entry.transaction.description,
                entry.amount,
                entry.balance_after,
            ]
        )


class CreditStatementCsvApi(APIView):
    """Every entry of the range as CSV, oldest first, with the running balance: streamed, so a
    long history never sits in memory."""

    @extend_schema(
        parameters=_statement_parameters(with_range=True),
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)},
    )
    def get(self, request):
        query = _query(StatementRangeQuerySerializer, request)
        entries = selectors_credit.statement_entries(
            request.user,
            acting_organisation(request),
            kind=query["kind"],
            currency=query["currency"],
        )
        entries = selectors_credit.statement_entries_between(
            entries, first_day=query["from"], last_day=query["to"]
        )
        response = StreamingHttpResponse(_csv_lines(entries), content_type="text/csv")
        name = f"credit-statement-{query['kind']}-{query['currency']}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class GoodwillInputSerializer(serializers.Serializer):
    organisation = serializers.SlugRelatedField(
        slug_field="slug", queryset=Organisation.objects.all(), required=False
    )
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    currency = serializers.ChoiceField(choices=Currency.choices)
    reason = serializers.CharField(max_length=200)
    idempotency_key = serializers.CharField(max_length=100)

    def validate(self, attrs):
        if ("organisation" in attrs) == ("user" in attrs):
            raise serializers.ValidationError(
                {"organisation": ["Name either an organisation or a user, not both."]}
            )
        return attrs


class GoodwillSerializer(serializers.ModelSerializer):
    class Meta:
        model = LedgerTransaction
        fields = ["id", "idempotency_key", "kind", "description", "created_at"]


class CreditGoodwillApi(APIView):
    """The platform operator grants goodwill credit to a buyer, once per idempotency key."""

    permission_classes = [IsPlatformOperator]

    @extend_schema(request=GoodwillInputSerializer, responses={201: GoodwillSerializer})
    def post(self, request):
        data = GoodwillInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        grant = credit_goodwill_grant(
            owner=fields.get("organisation") or fields["user"],
            money=Money(fields["amount"], fields["currency"]),
            reason=fields["reason"],
            idempotency_key=fields["idempotency_key"],
            granted_by=request.user,
        )
        return Response(GoodwillSerializer(grant).data, status=status.HTTP_201_CREATED)
