from django.core.management.base import BaseCommand

from orders.demo import orders_demo_load


class Command(BaseCommand):
    help = "Load demo delivery options and invoice terms (after load_demo_data; idempotent)."

    def handle(self, *args, **options):
        orders_demo_load()
        self.stdout.write(self.style.SUCCESS("Demo ordering terms ready."))
