from django.urls import path

from orders.api import webhooks

urlpatterns = [
    path("stripe/webhook/", webhooks.StripeWebhookApi.as_view(), name="stripe-webhook"),
]
