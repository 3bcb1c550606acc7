from decimal import Decimal

from django.db import migrations

PLATFORM_RATES = {"b2b": "0.0800", "b2c": "0.1000", "c2c": "0.1200", "o2o": "0.1000"}


def add_rates(apps, schema_editor):
    CommissionRate = apps.get_model("orders", "CommissionRate")
    for channel, rate in PLATFORM_RATES.items():
        CommissionRate.objects.get_or_create(
            channel=channel,
            seller_organisation=None,
            seller_user=None,
            defaults={"rate": Decimal(rate)},
        )


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]

    operations = [migrations.RunPython(add_rates, migrations.RunPython.noop)]
