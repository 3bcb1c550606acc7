"""Search over listings: one interface (`search`), two backends chosen by settings.

The database backend is the default; `ELASTICSEARCH_URL` selects Elasticsearch. The API and the
pages call only `search()`. Checkout never trusts the index for stock.
"""

from django.conf import settings

from catalog.models import Part, PartType
from catalog.part_numbers import normalise_part_number
from catalog.search.query import SearchRequest, SearchResult

MIN_INTERCHANGE_NUMBER = 5


def _backend():
    if settings.SEARCH_BACKEND == "elasticsearch":
        from catalog.search.elasticsearch import ElasticsearchBackend

        return ElasticsearchBackend()
    from catalog.search.database import DatabaseBackend

    return DatabaseBackend()


def interchange_groups_for(text: str) -> tuple[str, ...]:
    """Interchange groups of the catalogued parts whose OE number the text is."""
    number = normalise_part_number(text)
    if len(number) < MIN_INTERCHANGE_NUMBER:
        return ()
    groups = Part.objects.filter(
        oe_number_normalised=number, interchange_group__isnull=False
    ).values_list("interchange_group__code", flat=True)
    return tuple(sorted(set(groups)))


def search(request: SearchRequest) -> SearchResult:
    """Run a search on the configured backend; searching an OE number also finds the listings
    of every part in its interchange group, marked as interchange matches."""
    groups = interchange_groups_for(request.text) if request.text else ()
    return _backend().search(request, interchange_groups=groups)


def suggest(text: str, *, limit: int = 8) -> dict[str, list]:
    """What the user may be typing: part types by name and catalogued OE numbers by prefix."""
    text = text.strip()
    number = normalise_part_number(text)
    part_types = PartType.objects.filter(name__icontains=text).order_by("name")[:limit]
    parts = (
        Part.objects.filter(oe_number_normalised__startswith=number).order_by(
            "oe_number_normalised"
        )[:limit]
        if len(number) >= 2
        else []
    )
    return {
        "part_types": [{"code": t.code, "name": t.name} for t in part_types],
        "part_numbers": [p.oe_number for p in parts],
    }
