"""FilterSets of ordering's lists, applied to the selectors' scoped querysets."""

from datetime import UTC

import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_filters.fields import IsoDateTimeField

from orders.models import (
    Channel,
    Checkout,
    DeliveryKind,
    DeliveryOption,
    Order,
    OrderStatus,
    PaymentMethod,
)


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment, handed to the database in UTC: PostgreSQL refuses offsets beyond
    15:59 that Python accepts, so a query with one would fail instead of filtering."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(UTC)
        except OverflowError:
            raise ValidationError(_("Enter a date and time within years 1 to 9999.")) from None


class MomentFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class OrderFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=OrderStatus.choices)
    channel = django_filters.MultipleChoiceFilter(choices=Channel.choices)
    payment_method = django_filters.ChoiceFilter(choices=PaymentMethod.choices)
    placed_after = MomentFilter(field_name="placed_at", lookup_expr="gte")
    placed_before = MomentFilter(field_name="placed_at", lookup_expr="lt")

    class Meta:
        model = Order
        fields = ["status", "channel", "payment_method", "placed_after", "placed_before"]


class CheckoutFilter(django_filters.FilterSet):
    payment_method = django_filters.ChoiceFilter(choices=PaymentMethod.choices)
    created_after = MomentFilter(field_name="created_at", lookup_expr="gte")
    created_before = MomentFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Checkout
        fields = ["payment_method", "created_after", "created_before"]


class DeliveryOptionFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=DeliveryKind.choices)
    active = django_filters.BooleanFilter()

    class Meta:
        model = DeliveryOption
        fields = ["kind", "active"]
