"""The database search backend's table: one narrow row per searchable listing.

Filters, facets and sorts read only this table, never the wide listing table. Rows are written
by `catalog.search.indexing` from listings marked `search_dirty`; a listing that is sold out or
withdrawn has no row. On PostgreSQL migrations add stored tsvector columns over `document` and
`fitment` with GIN indexes, a trigram index over `part_numbers`, and `location`: the point as a
unit vector (a `cube`) with a GiST index, for nearest-first scans and radius searches.
"""

from django.db import models

from catalog.models.listings import Listing


class ListingSearch(models.Model):
    listing = models.OneToOneField(
        Listing, primary_key=True, on_delete=models.CASCADE, related_name="search_row"
    )
    # Text: title, description, part type, part numbers and fitment names, for full-text search.
    document = models.TextField()
    # Normalised OE numbers, space separated, for trigram matching of mistyped numbers.
    part_numbers = models.TextField(blank=True)
    # Fitment tokens, space separated: `m<make>`, `m<make>x<model>`, `m<make>x<model>y<year>`.
    fitment = models.TextField(blank=True)
    interchange_group = models.CharField(max_length=40, blank=True)
    make = models.CharField(max_length=100, blank=True)  # of the first fitment, for the facet
    part_type = models.CharField(max_length=60)
    part_type_group = models.CharField(max_length=40)
    condition = models.CharField(max_length=20)
    grade = models.CharField(max_length=1, blank=True)
    grade_rank = models.PositiveSmallIntegerField()
    seller_kind = models.CharField(max_length=10)
    price = models.DecimalField(max_digits=12, decimal_places=2)
    price_with_core = models.DecimalField(max_digits=12, decimal_places=2)
    core_charge = models.DecimalField(max_digits=12, decimal_places=2)
    price_band = models.CharField(max_length=12)
    currency = models.CharField(max_length=3)
    warranty_days = models.PositiveIntegerField()
    donor_mileage = models.PositiveIntegerField(null=True)
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)
    pickup_available = models.BooleanField()
    # The last day an active badge covers the listing: certified while it is today or later,
    # so an expiry needs no re-indexing (see catalog.models.badges).
    certified_until = models.DateField(null=True)
    # The labels of the badges covering the listing with their last day, [[label, "YYYY-MM-DD"]],
    # for result cards; a card shows those still valid on the day it is read.
    badges = models.JSONField(default=list, db_default=[])
    created_at = models.DateTimeField()
    # What a result card shows, so a page of hits needs no join.
    title = models.CharField(max_length=200)
    part_type_name = models.CharField(max_length=120)
    seller_name = models.CharField(max_length=200)
    photo = models.CharField(max_length=255, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["part_type", "price"], name="listing_search_type_price"),
            models.Index(fields=["price"], name="listing_search_price"),
            models.Index(fields=["-created_at"], name="listing_search_newest"),
            models.Index(fields=["latitude", "longitude"], name="listing_search_location"),
            models.Index(fields=["interchange_group"], name="listing_search_interchange"),
            # Each sort walks an index when matches are many (see catalog.search.database).
            models.Index(fields=["price_with_core"], name="listing_search_price_core"),
            models.Index(fields=["grade_rank", "-created_at"], name="listing_search_grade"),
            models.Index(fields=["donor_mileage"], name="listing_search_mileage"),
            models.Index(fields=["part_type_group", "condition"], name="listing_search_group"),
            # Combined with the GIN indexes (BitmapAnd) when a filter narrows a frequent word.
            models.Index(fields=["condition"], name="listing_search_condition"),
            models.Index(fields=["seller_kind"], name="listing_search_seller_kind"),
            # Certified listings are few: the filter walks this small index.
            models.Index(
                fields=["certified_until"],
                condition=models.Q(certified_until__isnull=False),
                name="listing_search_certified",
            ),
        ]

    def __str__(self) -> str:
        return self.title
