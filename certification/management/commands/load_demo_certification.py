from django.core.management.base import BaseCommand

from certification.demo import INCLUDED_ON_SKU, PLAN_NAME, certification_demo_load


class Command(BaseCommand):
    help = (
        "Load demo certification schemes, certificates and a warranty plan "
        "(after load_demo_data and load_demo_orders; idempotent)."
    )

    def handle(self, *args, **options):
        certification_demo_load()
        self.stdout.write(
            self.style.SUCCESS(
                "Demo certification ready: ReCert schemes and certificates, "
                f"the plan '{PLAN_NAME}' (included with {INCLUDED_ON_SKU})."
            )
        )
