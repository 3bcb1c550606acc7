from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from orders.services.payouts import payouts_create, previous_week


class Command(BaseCommand):
    help = (
        "Gather the seller nets that became payable in a period into payouts (default: last "
        "week, Monday to Monday). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--start", type=date.fromisoformat, help="YYYY-MM-DD, included")
        parser.add_argument("--end", type=date.fromisoformat, help="YYYY-MM-DD, excluded")

    def handle(self, *args, start=None, end=None, **options):
        if (start is None) != (end is None):
            raise CommandError("Give both --start and --end, or neither.")
        if start is None:
            start, end = previous_week(timezone.localdate())
        payouts = payouts_create(period_start=start, period_end=end)
        for payout in payouts:
            self.stdout.write(f"payout {payout.pk}: {payout.amount} {payout.currency}")
        self.stdout.write(self.style.SUCCESS(f"{len(payouts)} payouts for {start} to {end}."))
