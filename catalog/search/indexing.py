"""Keeping the search index fresh: listings marked dirty are re-indexed in batches.

Every write that matters to search sets `Listing.search_dirty` in the same transaction as the
write. `search_index_dirty` takes a batch of dirty listings under row locks (SKIP LOCKED, so
workers running at once share the work instead of waiting), writes or deletes their search rows
and clears the flag, one transaction per batch: running it twice, or in two workers, indexes
each change once. A listing changed again while its batch runs waits on the lock and stays dirty.
With Elasticsearch the batch is sent after its transaction commits, versioned by the listings'
change time, and marked dirty again if the send fails.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from catalog.models import Listing, ListingSearch
from catalog.search.documents import SearchDocument, is_searchable, search_document
from catalog.search.query import price_band
from catalog.selectors import listings_for_search

BATCH_SIZE = 500
SEARCH_ROW_FIELDS = [f.name for f in ListingSearch._meta.concrete_fields if not f.primary_key]


def _fitment_tokens(doc: SearchDocument) -> str:
    tokens: set[str] = set()
    for fitment in doc.fitments:
        tokens.add(f"m{fitment.make_id}")
        tokens.add(f"m{fitment.make_id}x{fitment.model_id}")
        tokens.add(f"m{fitment.make_id}x{fitment.model_id}y{fitment.year}")
    return " ".join(sorted(tokens))


def _document_text(doc: SearchDocument) -> str:
    names = sorted({f"{f.make} {f.model}" for f in doc.fitments})
    words = [doc.title, doc.part_type_name, doc.description, *doc.part_numbers, *names]
    return " ".join(w for w in words if w)


def search_row(doc: SearchDocument) -> ListingSearch:
    """The database backend's row for one search document."""
    return ListingSearch(
        listing_id=doc.listing_id,
        document=_document_text(doc),
        part_numbers=" ".join(doc.part_numbers),
        fitment=_fitment_tokens(doc),
        interchange_group=doc.interchange_group,
        make=doc.fitments[0].make if doc.fitments else "",
        part_type=doc.part_type,
        part_type_group=doc.part_type_group,
        condition=doc.condition,
        grade=doc.grade,
        grade_rank=doc.grade_rank,
        seller_kind=doc.seller_kind,
        price=doc.price,
        price_with_core=doc.price_with_core,
        core_charge=doc.core_charge,
        price_band=price_band(doc.price),
        currency=doc.currency,
        warranty_days=doc.warranty_days,
        donor_mileage=doc.donor_mileage,
        latitude=doc.latitude,
        longitude=doc.longitude,
        pickup_available=doc.pickup_available,
        certified_until=doc.certified_until,
        badges=[[label, until.isoformat()] for label, until in doc.badges],
        created_at=doc.created_at,
        title=doc.title,
        part_type_name=doc.part_type_name,
        seller_name=doc.seller_name,
        photo=doc.photo,
    )


@dataclass(frozen=True)
class IndexedBatch:
    """What one batch changed: documents to write, listings to drop, and their versions."""

    docs: tuple[SearchDocument, ...]
    gone: tuple[int, ...]
    versions: dict[int, int]


def _version(listing: Listing) -> int:
    return int(listing.updated_at.timestamp() * 1_000_000)


def search_rows_write(listing_ids: Iterable[int]) -> IndexedBatch:
    """Bring the search rows of these listings in line with the listings."""
    # Imported here: catalog.badges starts indexing through catalog.tasks, which imports this.
    from catalog.badges import badge_labels_for

    listing_ids = set(listing_ids)
    listings = list(listings_for_search(listing_ids))
    searchable = [listing for listing in listings if is_searchable(listing)]
    badges = badge_labels_for(searchable)  # one query for the batch
    docs = tuple(
        search_document(listing, badges=badges.get(listing.id, ())) for listing in searchable
    )
    gone = tuple(sorted(listing_ids - {doc.listing_id for doc in docs}))
    ListingSearch.objects.bulk_create(
        [search_row(doc) for doc in docs],
        update_conflicts=True,
        unique_fields=["listing"],
        update_fields=SEARCH_ROW_FIELDS,
    )
    ListingSearch.objects.filter(listing_id__in=gone).delete()
    return IndexedBatch(docs, gone, {listing.id: _version(listing) for listing in listings})


def _push_to_elasticsearch(batch: IndexedBatch) -> None:
    """Send a committed batch to Elasticsearch, outside any transaction. On failure the
    listings are marked dirty again, so the next run retries them."""
    if settings.SEARCH_BACKEND != "elasticsearch":
        return
    from catalog.search.elasticsearch import ElasticsearchBackend

    backend = ElasticsearchBackend()
    try:
        backend.index(batch.docs, versions=batch.versions)
        backend.delete(batch.gone, versions=batch.versions)
    except Exception:
        ids = [doc.listing_id for doc in batch.docs] + list(batch.gone)
        Listing.objects.filter(id__in=ids).update(search_dirty=True)
        raise


def _index_one_batch(batch_size: int) -> int:
    with transaction.atomic():
        ids = list(
            Listing.objects.filter(search_dirty=True)
            .order_by("id")
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)[:batch_size]
        )
        if not ids:
            return 0
        batch = search_rows_write(ids)
        Listing.objects.filter(id__in=ids).update(search_dirty=False)
    _push_to_elasticsearch(batch)
    return len(ids)


def search_index_dirty(
    *, batch_size: int = BATCH_SIZE, progress: Callable[[int, int], None] | None = None
) -> int:
    """Index every listing marked dirty, batch by batch; returns how many were indexed."""
    total = Listing.objects.filter(search_dirty=True).count() if progress else 0
    done = 0
    while indexed := _index_one_batch(batch_size):
        done += indexed
        if progress:
            progress(min(done, total), total)
    return done


def search_reindex(*, progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the whole index: every listing is marked dirty and indexed again. With
    Elasticsearch a fresh, empty index takes the alias first (searches see it fill up)."""
    if settings.SEARCH_BACKEND == "elasticsearch":
        from catalog.search.elasticsearch import ElasticsearchBackend

        ElasticsearchBackend().rebuild([])
    with transaction.atomic():
        Listing.objects.update(search_dirty=True)
        ListingSearch.objects.exclude(listing__status="active").delete()
    return search_index_dirty(progress=progress)
