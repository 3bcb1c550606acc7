# The search row keeps the last day a listing is certified instead of a flag, so that search
# compares it with today's date and an expiry needs no re-indexing. Rows are rebuilt by the
# indexer (`search_reindex`); until then every listing counts as uncertified, as it did.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0006_badges_product_lines_and_passport"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="listingsearch", name="listing_search_certified"),
        migrations.RemoveField(model_name="listingsearch", name="certified"),
        migrations.AddField(
            model_name="listingsearch",
            name="certified_until",
            field=models.DateField(null=True),
        ),
        migrations.AddIndex(
            model_name="listingsearch",
            index=models.Index(
                condition=models.Q(("certified_until__isnull", False)),
                fields=["certified_until"],
                name="listing_search_certified",
            ),
        ),
    ]
