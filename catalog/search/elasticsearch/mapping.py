"""The listing index: analysis, mapping and the JSON document of one listing.

Vehicle fitment is indexed as flat keyword tokens (`<make>`, `<make>|<model>`,
`<make>|<model>|<year>`), never as nested or parent/child documents: a vehicle filter is then one
term lookup in the inverted index, as cheap as any keyword facet.
"""

from typing import Any

from django.conf import settings
from elasticsearch import dsl

from catalog.search.documents import SearchDocument

DEFAULT_INDEX = "listings"

KEYWORD_FIELDS = (
    "part_type",
    "part_type_group",
    "condition",
    "grade",
    "currency",
    "seller_kind",
    "interchange_group",
    "fitment",
    "fitment_make",
)
MONEY_FIELDS = ("price", "price_with_core", "core_charge")

# Part numbers are compared in the normal form of `normalise_part_number`; the normalizer
# repeats it inside Elasticsearch so a raw number sent by any client still matches.
_part_number_strip = dsl.char_filter(
    "part_number_strip", "pattern_replace", pattern="[^0-9A-Za-z]", replacement=""
)
PART_NUMBER_NORMALIZER = dsl.normalizer(
    "part_number", char_filter=[_part_number_strip], filter=["uppercase"]
)
PART_NUMBER_PREFIX = dsl.analyzer(
    "part_number_prefix",
    tokenizer="keyword",
    char_filter=[_part_number_strip],
    filter=[
        "uppercase",
        dsl.token_filter("part_number_edge", "edge_ngram", min_gram=2, max_gram=20),
    ],
)
PART_NUMBER_SEARCH = dsl.analyzer(
    "part_number_search",
    tokenizer="keyword",
    char_filter=[_part_number_strip],
    filter=["uppercase"],
)


def index_name() -> str:
    """The alias searches and writes go through."""
    return getattr(settings, "ELASTICSEARCH_INDEX", DEFAULT_INDEX)


def _suggestable_text() -> dsl.Text:
    return dsl.Text(analyzer="english", fields={"suggest": dsl.SearchAsYouType()})


def _mapped_fields() -> dict[str, dsl.Field]:
    return {
        "listing_id": dsl.Long(),
        "title": _suggestable_text(),
        "part_type_name": _suggestable_text(),
        "description": dsl.Text(analyzer="english"),
        "fitment_names": dsl.Text(analyzer="english"),
        "part_numbers": dsl.Keyword(
            normalizer=PART_NUMBER_NORMALIZER,
            fields={
                "prefix": dsl.Text(analyzer=PART_NUMBER_PREFIX, search_analyzer=PART_NUMBER_SEARCH)
            },
        ),
        **{name: dsl.Keyword() for name in KEYWORD_FIELDS},
        **{name: dsl.ScaledFloat(scaling_factor=100) for name in MONEY_FIELDS},
        **{name: dsl.Integer() for name in ("warranty_days", "donor_mileage", "grade_rank")},
        "created_at": dsl.Date(),
        "location": dsl.GeoPoint(),
        "pickup_available": dsl.Boolean(),
        # The last day an active badge covers the listing: searches compare it with today.
        "certified_until": dsl.Date(),
        # Shown on the result card only: kept in _source, neither indexed nor aggregated. Badges
        # are "<last valid day>|<label>" strings, so that a card shows those valid today.
        **{
            name: dsl.Keyword(index=False, doc_values=False)
            for name in ("seller_name", "photo", "badges")
        },
    }


def listing_mapping() -> dsl.Mapping:
    """The mapping of a listing document; `strict`, so a field the mapping lacks is an error."""
    mapping = dsl.Mapping()
    mapping.meta("dynamic", "strict")
    for name, field in _mapped_fields().items():
        mapping.field(name, field)
    return mapping


def index_body() -> dict[str, Any]:
    """`settings` (with the analysis the mapping uses) and `mappings` for creating an index."""
    index = dsl.Index("listings-definition")
    index.settings(number_of_shards=1)  # a million small documents fit one shard well
    index.mapping(listing_mapping())
    return index.to_dict()


def fitment_tokens(doc: SearchDocument) -> list[str]:
    """`make`, `make|model` and `make|model|year` tokens of every fitment, in id order."""
    tokens: set[tuple[int, ...]] = set()
    for fitment in doc.fitments:
        tokens.add((fitment.make_id,))
        tokens.add((fitment.make_id, fitment.model_id))
        tokens.add((fitment.make_id, fitment.model_id, fitment.year))
    return ["|".join(str(part) for part in token) for token in sorted(tokens)]


def document_body(doc: SearchDocument) -> dict[str, Any]:
    """The _source of one listing. Money goes as decimal strings, so nothing passes a float."""
    has_location = doc.latitude is not None and doc.longitude is not None
    return {
        "listing_id": doc.listing_id,
        "title": doc.title,
        "description": doc.description,
        "part_type": doc.part_type,
        "part_type_name": doc.part_type_name,
        "part_type_group": doc.part_type_group,
        "condition": doc.condition,
        "grade": doc.grade,
        "grade_rank": doc.grade_rank,
        "price": str(doc.price),
        "price_with_core": str(doc.price_with_core),
        "core_charge": str(doc.core_charge),
        "currency": doc.currency,
        "warranty_days": doc.warranty_days,
        "donor_mileage": doc.donor_mileage,
        "seller_name": doc.seller_name,
        "seller_kind": doc.seller_kind,
        "part_numbers": list(doc.part_numbers),
        "interchange_group": doc.interchange_group or None,
        "fitment": fitment_tokens(doc),
        "fitment_make": sorted({f.make for f in doc.fitments}),
        "fitment_names": sorted({f"{f.make} {f.model}" for f in doc.fitments}),
        "location": {"lat": doc.latitude, "lon": doc.longitude} if has_location else None,
        "pickup_available": doc.pickup_available,
        "certified_until": doc.certified_until.isoformat() if doc.certified_until else None,
        "badges": [f"{until.isoformat()}|{label}" for label, until in doc.badges],
        "photo": doc.photo,
        "created_at": doc.created_at.isoformat(),
    }
