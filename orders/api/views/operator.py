"""The platform operator's payment actions."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.api.permissions import IsPlatformOperator
from orders import selectors
from orders.api.serializers import (
    PaymentSerializer,
    RefundInputSerializer,
)
from orders.api.views.common import validated
from orders.services import payments

# The platform operator


class PaymentRefundApi(APIView):
    """Give back all or part of a paid payment."""

    permission_classes = [IsPlatformOperator]

    @extend_schema(request=RefundInputSerializer, responses={200: PaymentSerializer})
    def post(self, request, pk: int):
        payment = generics.get_object_or_404(selectors.payments_for_operator(), pk=pk)
        fields = validated(RefundInputSerializer, request)
        payment = payments.payment_refund(payment=payment, **fields)
        return Response(PaymentSerializer(payment).data)


class InvoiceMarkPaidApi(APIView):
    """The buyer's bank transfer for an invoice arrived."""

    permission_classes = [IsPlatformOperator]

    @extend_schema(request=None, responses={200: PaymentSerializer})
    def post(self, request, pk: int):
        payment = generics.get_object_or_404(selectors.payments_for_operator(), pk=pk)
        payment = payments.invoice_mark_paid(payment=payment)
        return Response(PaymentSerializer(payment).data)
