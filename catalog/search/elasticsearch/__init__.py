"""The Elasticsearch search backend: mapping, documents, queries and results as plain data.

Everything except `ElasticsearchBackend` is a pure function from our dataclasses to the JSON
Elasticsearch speaks and back, so it is tested without a server (tests/catalog/
test_search_elasticsearch.py); the backend only sends that JSON through the client.
"""

from catalog.search.elasticsearch.backend import ElasticsearchBackend
from catalog.search.elasticsearch.mapping import (
    document_body,
    fitment_tokens,
    index_body,
    index_name,
    listing_mapping,
)
from catalog.search.elasticsearch.queries import fitment_filter, search_body, suggestion_body
from catalog.search.elasticsearch.results import price_band_label, search_result, suggestions

__all__ = [
    "ElasticsearchBackend",
    "document_body",
    "fitment_filter",
    "fitment_tokens",
    "index_body",
    "index_name",
    "listing_mapping",
    "price_band_label",
    "search_body",
    "search_result",
    "suggestion_body",
    "suggestions",
]
