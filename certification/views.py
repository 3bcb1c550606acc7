"""Pages that show what certification adds to the catalog, and what the party pages share.

The party pages are in `views_certifier` (schemes and certificates), `views_insurer` (plans,
policies and claim decisions) and `views_holder` (the buyer's policies and claims).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone

from catalog.views import part_page_context
from certification.offers import warranty_offers
from marketplace.api.permissions import acting_organisation
from marketplace.errors import DomainError
from marketplace.models import Organisation

ROWS_PER_PAGE = 50


def part_page(request, listing_id: int):
    """A published listing with everything a buyer weighs, the warranty plans it can be bought
    with among them."""
    context = part_page_context(listing_id)
    listing = context["listing"]
    context["offers"] = warranty_offers([listing], on=timezone.localdate())[listing.pk]
    return render(request, "catalog/part.html", context)


def organisation_acting_as(request, kind: str, refusal: str) -> Organisation:
    """The organisation of `kind` the signed-in user acts for. Anyone else gets a 403 saying
    `refusal` (or why the organisation is ambiguous, for members of several)."""
    try:
        organisation = acting_organisation(request)
    except DomainError as error:
        raise PermissionDenied(error.message) from None
    if organisation is None or organisation.kind != kind:
        raise PermissionDenied(refusal)
    return organisation


@dataclass(frozen=True)
class HistoryEntry:
    """One recorded change of status, with the statuses in words."""

    created_at: datetime
    actor: str
    from_status: str
    to_status: str
    reason: str


def history_of(events: Iterable, labels: dict[str, str]) -> list[HistoryEntry]:
    """Certificate or claim events in words (`labels`: the status choices). Select the events'
    actors with them."""
    return [
        HistoryEntry(
            created_at=event.created_at,
            actor=event.actor.username if event.actor else "",
            from_status=labels.get(event.from_status, event.from_status),
            to_status=labels.get(event.to_status, event.to_status),
            reason=event.reason,
        )
        for event in events
    ]


@dataclass(frozen=True)
class DocumentEntry:
    """A private document as a page lists it: its file's own name, never its storage path."""

    pk: int
    name: str
    description: str
    uploaded_at: datetime


def documents_of(documents: Iterable) -> list[DocumentEntry]:
    return [
        DocumentEntry(
            pk=document.pk,
            name=document.file.name.rsplit("/", 1)[-1],
            description=document.description,
            uploaded_at=document.uploaded_at,
        )
        for document in documents
    ]


def document_download(document) -> FileResponse:
    """A private document (evidence, claim document) as an attachment. The caller has already
    found it among the documents the user may see."""
    name = document.file.name.rsplit("/", 1)[-1]
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=name)
