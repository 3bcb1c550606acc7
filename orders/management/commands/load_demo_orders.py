from django.core.management.base import BaseCommand

from orders.demo import orders_demo_load


class Command(BaseCommand):
    help = (
        "Load demo delivery options, invoice terms and the demo garage's orders "
        "(after load_demo_data; idempotent)."
    )

    def handle(self, *args, **options):
        ready = orders_demo_load()
        self.stdout.write(self.style.SUCCESS("Demo ordering terms and orders ready."))
        if ready is not None:
            self.stdout.write(
                f"  order {ready.pk} waits at the outlet: sign in as 'counter' and enter the "
                f"pickup code {ready.pickup_code}"
            )
