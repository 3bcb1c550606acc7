"""Stripe's webhook endpoint: signature-verified, each event acted on once."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from orders.services.payments import stripe_webhook_receive


class RawBodyParser(BaseParser):
    """The signature covers the exact bytes Stripe sent, so they are kept as they are."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read()


class StripeWebhookApi(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    parser_classes = [RawBodyParser]
    throttle_classes = []

    @extend_schema(exclude=True)
    def post(self, request):
        stripe_webhook_receive(
            payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
        return Response({"received": True}, status=status.HTTP_200_OK)
