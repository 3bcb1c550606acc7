"""The Elasticsearch backend: searches, writes and rebuilds the listing index through an alias.

`rebuild` fills a new concrete index and swaps the alias in one atomic call, so searches never
see a half-built index.
"""

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from elasticsearch import Elasticsearch, helpers

from catalog.search.documents import SearchDocument
from catalog.search.elasticsearch.mapping import document_body, index_body, index_name
from catalog.search.elasticsearch.queries import search_body, suggestion_body
from catalog.search.elasticsearch.results import search_result, suggestions
from catalog.search.query import SearchRequest, SearchResult


def _index_action(index: str, doc: SearchDocument, version: int | None = None) -> dict[str, Any]:
    action = {"_index": index, "_id": str(doc.listing_id), "_source": document_body(doc)}
    return _versioned(action, version)


def _versioned(action: dict[str, Any], version: int | None) -> dict[str, Any]:
    """External versions (the listing's change time) make a late write of an older document
    a conflict that Elasticsearch refuses, instead of a newer document overwritten."""
    if version is None:
        return action
    return {**action, "_version": version, "_version_type": "external_gte"}


class ElasticsearchBackend:
    """Searches and writes the listing index through its alias; the client is made on first use.

    `index` and `delete` write through the alias and refuse to run before `rebuild` has created
    it (`require_alias`), rather than let Elasticsearch invent an index with a guessed mapping.
    """

    def __init__(self, *, client: Elasticsearch | None = None, alias: str | None = None):
        self._client = client
        self.alias = alias or index_name()

    @property
    def client(self) -> Elasticsearch:
        if self._client is None:
            self._client = Elasticsearch(settings.ELASTICSEARCH_URL)
        return self._client

    def search(
        self, request: SearchRequest, *, interchange_groups: tuple[str, ...] = ()
    ) -> SearchResult:
        body = search_body(request, interchange_groups)
        return search_result(request, self.client.search(index=self.alias, body=body).body)

    def suggest(self, prefix: str, *, size: int = 8) -> tuple[str, ...]:
        body = suggestion_body(prefix, size)
        return suggestions(self.client.search(index=self.alias, body=body).body)

    def index(
        self,
        docs: Iterable[SearchDocument],
        *,
        versions: Mapping[int, int] | None = None,
        refresh: bool = False,
    ) -> int:
        """Write (create or replace) these listings' documents; returns how many were written.

        With `versions` (listing id -> change time), a document older than the one indexed is
        skipped (409), so two indexing workers can never leave an older document in place."""
        versions = versions or {}
        actions = (_index_action(self.alias, d, versions.get(d.listing_id)) for d in docs)
        written, _ = helpers.bulk(
            self.client, actions, require_alias=True, refresh=refresh, ignore_status=(409,)
        )
        return written

    def delete(
        self,
        listing_ids: Iterable[int],
        *,
        versions: Mapping[int, int] | None = None,
        refresh: bool = False,
    ) -> int:
        """Remove these listings; one already gone is not an error. Returns how many went."""
        versions = versions or {}
        actions = (
            _versioned(
                {"_op_type": "delete", "_index": self.alias, "_id": str(listing_id)},
                versions.get(listing_id),
            )
            for listing_id in listing_ids
        )
        deleted, _ = helpers.bulk(self.client, actions, ignore_status=(404, 409), refresh=refresh)
        return deleted

    def create_index(self) -> str:
        """A new, empty concrete index `<alias>-<timestamp>` with the mapping; returns its name."""
        name = f"{self.alias}-{datetime.now(UTC):%Y%m%d%H%M%S%f}"
        self.client.indices.create(index=name, **index_body())
        return name

    def rebuild(self, docs: Iterable[SearchDocument]) -> str:
        """Index every document into a new index, then swap the alias to it atomically.

        Writes through the alias while this runs land in the old index and are lost at the
        swap: mark listings dirty again (or pause the indexing task) around a rebuild.
        """
        name = self.create_index()
        try:
            helpers.bulk(self.client, (_index_action(name, doc) for doc in docs))
            self.client.indices.refresh(index=name)
            self._swap_alias(name)
        except Exception:
            self.client.indices.delete(index=name, ignore_unavailable=True)
            raise
        return name

    def _swap_alias(self, new_index: str) -> None:
        old_indices: list[str] = []
        removals: list[dict[str, Any]] = []
        if self.client.indices.exists_alias(name=self.alias):
            old_indices = list(self.client.indices.get_alias(name=self.alias).body)
            removals = [{"remove": {"index": old, "alias": self.alias}} for old in old_indices]
        elif self.client.indices.exists(index=self.alias):
            # A concrete index squats the alias's name: drop it in the same atomic call.
            removals = [{"remove_index": {"index": self.alias}}]
        add = {"add": {"index": new_index, "alias": self.alias}}
        self.client.indices.update_aliases(actions=[*removals, add])
        for old in old_indices:
            self.client.indices.delete(index=old, ignore_unavailable=True)
