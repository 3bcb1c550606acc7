from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from orders.models import Order, Payout
from orders.services.payouts import previous_week
from orders.tasks import payouts_create_task
from tests.orders.conftest import listing_of, place, seller_with_shipping
from tests.orders.factories import InvoiceTermsFactory


@pytest.mark.parametrize(
    ("today", "start", "end"),
    [
        (date(2026, 11, 24), date(2026, 11, 16), date(2026, 11, 23)),  # a Tuesday
        (date(2026, 11, 23), date(2026, 11, 16), date(2026, 11, 23)),  # a Monday
        (date(2026, 11, 29), date(2026, 11, 16), date(2026, 11, 23)),  # a Sunday
    ],
)
def test_the_default_payout_period_is_the_last_whole_week(today, start, end):
    assert previous_week(today) == (start, end)


@pytest.mark.django_db
def test_the_weekly_task_and_the_command_gather_last_weeks_payable_orders_once(garage_buyer):
    InvoiceTermsFactory(organisation=garage_buyer.organisation, credit_limit=Decimal("9000"))
    seller, parcel = seller_with_shipping()
    order = place(garage_buyer, {listing_of(seller): 1}, [parcel]).orders.get()
    start, _ = previous_week(timezone.localdate())
    Order.objects.filter(pk=order.pk).update(
        status="delivered", payable_at=timezone.now().replace(
            year=start.year, month=start.month, day=start.day) + timedelta(hours=12),
    )  # fmt: skip

    assert payouts_create_task() == 1
    out = StringIO()
    call_command("create_payouts", stdout=out)

    payout = Payout.objects.get()
    assert payout.amount == order.seller_net
    assert "0 payouts" in out.getvalue()
