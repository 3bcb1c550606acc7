"""The part passport: hashing that survives a round trip through JSONB, a chain that tells
when a row was altered, deleted or moved in the database, appends that stay gap-free under
concurrency, the services that record events, and the API that shows them."""

import hashlib
import json
import threading
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from django.db import connection, connections

from catalog.models import GENESIS_HASH, ListingStatus, PassportEvent, PassportEventKind
from catalog.passport import (
    PassportEntry,
    canonical_details,
    chain_verification,
    passport_append,
    passport_hash,
    passport_verify,
)
from catalog.services import Seller, listing_create, listing_set_status
from marketplace.models import OrganisationKind
from orders.parties import Buyer
from orders.services.orders import order_accept
from tests.catalog.factories import ListingFactory, PartTypeFactory
from tests.conftest import client_for
from tests.marketplace.factories import MembershipFactory, OrganisationFactory
from tests.orders.conftest import listing_of, place, seller_with_shipping
from tests.orders.factories import InvoiceTermsFactory

K = PassportEventKind
DONOR_VIN = "1HGCM82633A004352"  # a 2003 Honda Accord
AT = datetime(2025, 3, 14, 9, 26, 53, 589793, tzinfo=UTC)


def entry(**changes) -> PassportEntry:
    fields = {
        "listing_id": 7, "sequence": 1, "unit": None, "kind": K.DISMANTLED,
        "details": {"donor_vin": DONOR_VIN, "donor_mileage": 121000}, "recorded_by_id": 3,
        "recorded_at": AT, "previous_hash": GENESIS_HASH,
    }  # fmt: skip
    return PassportEntry(**{**fields, **changes})


def chain_of(count: int) -> list[tuple[PassportEntry, str]]:
    chained, previous = [], GENESIS_HASH
    for sequence in range(1, count + 1):
        link = entry(sequence=sequence, previous_hash=previous, details={"n": sequence})
        previous = passport_hash(link)
        chained.append((link, previous))
    return chained


# Hashing and chain checks, without the database.


def test_passport_hash_is_sha256_over_sorted_compact_json():
    expected_text = (
        '{"details":{"donor_mileage":121000,"donor_vin":"1HGCM82633A004352"},'
        '"kind":"dismantled","listing":7,"previous_hash":"' + GENESIS_HASH + '",'
        '"recorded_at":"2025-03-14T09:26:53.589793+00:00","recorded_by":3,"sequence":1,'
        '"unit":null}'
    )

    assert entry().canonical() == expected_text
    assert passport_hash(entry()) == hashlib.sha256(expected_text.encode()).hexdigest()


def test_key_order_and_whitespace_of_the_stored_json_do_not_change_the_hash():
    # given details as JSONB hands them back: keys reordered, text re-spaced
    written = {"seller_sku": "ALT-1", "grade": "A", "donor": {"year": 2003, "make": "Honda"}}
    read_back = json.loads(json.dumps(dict(reversed(written.items())), indent=4))

    assert passport_hash(entry(details=read_back)) == passport_hash(entry(details=written))


def test_a_time_in_another_zone_hashes_like_the_same_instant_in_utc():
    paris = AT.astimezone(timezone(timedelta(hours=1)))

    assert passport_hash(entry(recorded_at=paris)) == passport_hash(entry())


@pytest.mark.parametrize(
    "change",
    [
        {"listing_id": 8}, {"sequence": 2}, {"unit": 1}, {"kind": K.INSPECTED},
        {"details": {"donor_vin": DONOR_VIN, "donor_mileage": 121001}}, {"recorded_by_id": None},
        {"recorded_at": AT + timedelta(microseconds=1)}, {"previous_hash": "f" * 64},
    ],
    ids=lambda change: next(iter(change)),
)  # fmt: skip
def test_changing_anything_an_event_holds_changes_its_hash(change):
    assert passport_hash(entry(**change)) != passport_hash(entry())


def test_canonical_details_store_decimals_dates_and_keys_as_plain_json():
    details = canonical_details(
        {"unit_price": Decimal("89.00"), "inspected_on": date(2025, 3, 1), 12: "twelve"}
    )

    assert details == {"unit_price": "89.00", "inspected_on": "2025-03-01", "12": "twelve"}
    assert canonical_details(None) == {}


@pytest.mark.parametrize(
    "details",
    [{"mileage": 1e20}, {"readings": [12.5]}, {"tool": object()}, ["not", "a", "mapping"]],
)
def test_canonical_details_refuse_what_would_not_hash_the_same_after_a_round_trip(details):
    # JSONB rewrites numbers (1e20 comes back as 100000000000000000000): floats are refused.
    with pytest.raises(TypeError):
        canonical_details(details)


def test_a_well_linked_chain_checks_intact():
    verification = chain_verification(chain_of(4))

    assert verification.intact
    assert (verification.events, verification.broken_at) == (4, None)


def test_an_empty_chain_is_intact():
    assert chain_verification([]).intact


def test_a_missing_middle_event_breaks_the_chain_at_the_event_after_the_gap():
    chained = chain_of(4)
    del chained[1]

    verification = chain_verification(chained)

    assert not verification.intact
    assert verification.broken_at == 3
    assert "missing" in verification.reason


def test_an_altered_event_breaks_the_chain_at_that_event():
    chained = chain_of(4)
    link, stored_hash = chained[2]
    chained[2] = (replace(link, details={"n": 99}), stored_hash)

    verification = chain_verification(chained)

    assert (verification.intact, verification.broken_at) == (False, 3)
    assert "changed" in verification.reason


def test_an_event_recomputed_to_hide_an_edit_breaks_the_link_after_it():
    # given someone who alters event 2 and recomputes its hash to match
    chained = chain_of(4)
    forged = replace(chained[1][0], details={"n": 99})
    chained[1] = (forged, passport_hash(forged))

    verification = chain_verification(chained)

    assert (verification.intact, verification.broken_at) == (False, 3)
    assert "does not link" in verification.reason


# Appending and verifying, against the database.


@pytest.fixture
def listing(db):
    return ListingFactory(seller_organisation__kind=OrganisationKind.DISMANTLER)


def record_history(listing) -> list[PassportEvent]:
    seller = listing.seller_organisation
    return [
        passport_append(
            listing=listing,
            kind=K.DISMANTLED,
            details={"donor_vin": DONOR_VIN, "donor_year": 2003, "donor_make": "Honda"},
            recorded_by=seller,
        ),
        passport_append(
            listing=listing,
            kind=K.INSPECTED,
            details={"grade": "A", "notes": "Bearing quiet — no play", "bench_volts": "14.1"},
            recorded_by=seller,
        ),
        passport_append(
            listing=listing, kind=K.TESTED, unit=1, details={"output": {"amps": 90, "ok": True}}
        ),
        passport_append(
            listing=listing, kind=K.LISTED, details={"price": Decimal("89.00")}, recorded_by=seller
        ),
    ]


def tamper(sql: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_appended_events_form_a_chain_numbered_from_one(listing):
    events = record_history(listing)

    assert [event.sequence for event in events] == [1, 2, 3, 4]
    assert events[0].previous_hash == GENESIS_HASH
    assert [event.previous_hash for event in events[1:]] == [event.hash for event in events[:-1]]
    assert events[3].details == {"price": "89.00"}
    assert events[2].unit == 1


def test_chains_of_different_listings_are_numbered_apart(listing):
    other = ListingFactory(seller_organisation=listing.seller_organisation)
    passport_append(listing=listing, kind=K.LISTED)

    first_of_other = passport_append(listing=other, kind=K.LISTED)

    assert (first_of_other.sequence, first_of_other.previous_hash) == (1, GENESIS_HASH)


def test_a_chain_read_back_from_the_database_verifies_intact(listing):
    record_history(listing)

    verification = passport_verify(listing=listing)

    assert verification.intact, verification.reason
    assert verification.events == 4


def test_the_same_details_stored_with_other_key_order_and_spacing_still_verify(listing):
    record_history(listing)
    tamper(
        "UPDATE catalog_passportevent SET details = %s WHERE listing_id = %s AND sequence = 2",
        '{ "notes" : "Bearing quiet \\u2014 no play",  "bench_volts": "14.1", "grade": "A" }',
        listing.pk,
    )

    assert passport_verify(listing=listing).intact


def test_a_row_altered_in_the_database_is_reported_broken_at_its_sequence(listing):
    # given an intact passport
    record_history(listing)
    assert passport_verify(listing=listing).intact

    # when someone upgrades the inspection grade behind the application's back
    tamper(
        "UPDATE catalog_passportevent SET details = %s WHERE listing_id = %s AND sequence = 2",
        '{"grade": "A+", "notes": "Bearing quiet \\u2014 no play", "bench_volts": "14.1"}',
        listing.pk,
    )

    # then verification names that event
    verification = passport_verify(listing=listing)
    assert not verification.intact
    assert (verification.events, verification.broken_at) == (4, 2)
    assert "changed" in verification.reason


def test_a_row_deleted_from_the_middle_is_reported(listing):
    record_history(listing)

    tamper("DELETE FROM catalog_passportevent WHERE listing_id = %s AND sequence = 2", listing.pk)

    verification = passport_verify(listing=listing)
    assert (verification.intact, verification.events, verification.broken_at) == (False, 3, 3)


def test_the_first_row_deleted_is_reported(listing):
    record_history(listing)

    tamper("DELETE FROM catalog_passportevent WHERE listing_id = %s AND sequence = 1", listing.pk)

    assert passport_verify(listing=listing).broken_at == 2


def test_events_swapped_in_order_are_reported(listing):
    record_history(listing)

    # Through a free number, as (listing, sequence) is unique.
    for old, new in [(2, 99), (3, 2), (99, 3)]:
        tamper(
            "UPDATE catalog_passportevent SET sequence = %s "
            "WHERE listing_id = %s AND sequence = %s",
            new, listing.pk, old,
        )  # fmt: skip

    verification = passport_verify(listing=listing)
    assert (verification.intact, verification.broken_at) == (False, 2)


def test_events_renumbered_past_a_gap_are_reported(listing):
    record_history(listing)

    tamper(
        "UPDATE catalog_passportevent SET sequence = sequence + 10 "
        "WHERE listing_id = %s AND sequence >= 3",
        listing.pk,
    )

    verification = passport_verify(listing=listing)
    assert (verification.intact, verification.broken_at) == (False, 13)


def test_append_refuses_an_unknown_kind_and_float_details(listing):
    with pytest.raises(ValueError):
        passport_append(listing=listing, kind="repainted")
    with pytest.raises(TypeError):
        passport_append(listing=listing, kind=K.TESTED, details={"volts": 14.1})
    assert not PassportEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks need PostgreSQL")
def test_concurrent_appends_from_threads_make_one_gap_free_chain():
    # given one listing and twelve services recording on it at the same moment
    listing = ListingFactory()
    threads = 12
    start = threading.Barrier(threads)
    crashed = []

    def record(n: int) -> None:
        try:
            start.wait()
            passport_append(listing=listing, kind=K.TESTED, unit=n)
        except Exception as error:  # a duplicate sequence or a deadlock: the test must fail
            crashed.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=record, args=(n,)) for n in range(1, threads + 1)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    # then every append landed, numbered 1..12, and the chain checks
    assert crashed == []
    sequences = PassportEvent.objects.filter(listing=listing).values_list("sequence", flat=True)
    assert sorted(sequences) == list(range(1, threads + 1))
    assert passport_verify(listing=listing).intact


# The services that record events.


def create_recycled_alternator(seller, **fields):
    return listing_create(
        seller=Seller(organisation=seller),
        seller_sku="ALT-0001",
        part_type=PartTypeFactory(),
        condition="recycled",
        grade="B",
        price=Decimal("79.50"),
        donor_vin=DONOR_VIN,
        donor_mileage=121000,
        **fields,
    )


def test_a_recycled_listing_starts_its_passport_at_the_donor_then_its_listing(dismantler):
    listing = create_recycled_alternator(dismantler, publish=True)

    events = list(PassportEvent.objects.filter(listing=listing))
    assert [event.kind for event in events] == [K.DISMANTLED, K.LISTED]
    assert events[0].details == {
        "donor_vin": DONOR_VIN, "donor_year": 2003, "donor_make": "Honda",
        "donor_model": "Accord", "donor_mileage": 121000,
    }  # fmt: skip
    assert events[1].details["seller_sku"] == "ALT-0001"
    assert events[1].details["grade"] == "B"
    assert events[1].details["price"] == "79.50"
    assert {event.recorded_by for event in events} == {dismantler}
    assert passport_verify(listing=listing).intact


def test_a_draft_is_not_listed_and_a_part_without_donor_is_not_dismantled(dismantler):
    draft = create_recycled_alternator(dismantler)
    new_part = listing_create(
        seller=Seller(organisation=dismantler),
        seller_sku="NEW-1",
        part_type=PartTypeFactory(),
        condition="new_oem",
        price=Decimal("150.00"),
        publish=True,
    )

    assert list(draft.passport.values_list("kind", flat=True)) == [K.DISMANTLED]
    assert list(new_part.passport.values_list("kind", flat=True)) == [K.LISTED]


def test_listed_is_recorded_once_however_often_the_listing_is_republished(dismantler):
    # given a draft
    listing = create_recycled_alternator(dismantler)
    seller = Seller(organisation=dismantler)

    # when it is published, withdrawn, published again, sent back to draft and published
    for status in ["active", "withdrawn", "active", "draft", "active"]:
        listing = listing_set_status(listing=listing, seller=seller, to_status=status)

    # then the passport holds its first publication only
    assert listing.status == ListingStatus.ACTIVE
    kinds = list(listing.passport.values_list("kind", flat=True))
    assert kinds == [K.DISMANTLED, K.LISTED]
    assert passport_verify(listing=listing).intact


@pytest.fixture
def garage_buyer(db):
    garage = OrganisationFactory(kind=OrganisationKind.GARAGE, name="Main Street Garage")
    InvoiceTermsFactory(organisation=garage, credit_limit=Decimal("5000"))
    return Buyer(user=MembershipFactory(organisation=garage).user, organisation=garage)


def test_accepting_an_order_records_a_sale_without_the_buyers_data(garage_buyer):
    # given a garage's placed order for two alternators
    seller, parcel = seller_with_shipping()
    alternator = listing_of(seller, quantity_on_hand=3, price=Decimal("100.00"))
    order = place(garage_buyer, {alternator: 2}, [parcel], po_number="PO-7781").orders.get()
    assert not alternator.passport.filter(kind=K.SOLD).exists()

    # when the seller accepts it
    order_accept(order=order, actor=seller.memberships.first().user)

    # then the passport says what was sold and how, and nothing of who bought it
    sale = alternator.passport.get(kind=K.SOLD)
    assert sale.details == {
        "order": order.pk, "quantity": 2, "unit_price": "100.00", "currency": "USD",
        "channel": "b2b",
    }  # fmt: skip
    assert sale.recorded_by == seller
    stored = json.dumps(sale.details)
    assert "Main Street" not in stored and garage_buyer.user.email not in stored
    assert "PO-7781" not in stored
    assert passport_verify(listing=alternator).intact


# The API.


def passport_url(listing, suffix: str = "") -> str:
    return f"/api/v1/listings/{listing.pk}/passport/{suffix}"


def test_anyone_reads_the_passport_of_a_published_listing(listing, api_client):
    record_history(listing)

    response = api_client.get(passport_url(listing))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    first = body["results"][0]
    assert first["sequence"] == 1
    assert first["kind"] == "dismantled"
    assert first["label"] == "Dismantled from the donor vehicle"
    assert first["details"]["donor_vin"] == DONOR_VIN
    assert first["recorded_by"] == listing.seller_organisation.name
    assert first["previous_hash"] == GENESIS_HASH
    assert body["results"][2]["unit"] == 1
    assert body["results"][2]["recorded_by"] is None
    assert [event["hash"] for event in body["results"]] == list(
        listing.passport.values_list("hash", flat=True)
    )


def test_verification_answers_intact_then_broken_after_a_row_is_altered(listing, api_client):
    record_history(listing)
    intact = api_client.get(passport_url(listing, "verify/")).json()

    tamper(
        "UPDATE catalog_passportevent SET details = %s WHERE listing_id = %s AND sequence = 4",
        '{"price": "49.00"}',
        listing.pk,
    )
    broken = api_client.get(passport_url(listing, "verify/")).json()

    assert intact == {"intact": True, "events": 4, "broken_at": None, "reason": intact["reason"]}
    assert broken["intact"] is False
    assert broken["broken_at"] == 4
    assert "changed" in broken["reason"]


def test_a_drafts_passport_is_the_sellers_alone(
    dismantler, dismantler_owner, other_dismantler_owner, api_client
):
    draft = create_recycled_alternator(dismantler)

    for path in ["", "verify/"]:
        assert client_for(dismantler_owner).get(passport_url(draft, path)).status_code == 200
        assert client_for(other_dismantler_owner).get(passport_url(draft, path)).status_code == 404
        assert api_client.get(passport_url(draft, path)).status_code == 404


def test_passport_filters_by_kind(listing, api_client):
    record_history(listing)

    response = api_client.get(passport_url(listing), {"kind": "inspected"})

    assert [event["sequence"] for event in response.json()["results"]] == [2]


@pytest.mark.parametrize("suffix", ["", "verify/"])
def test_passport_reads_run_constant_queries(
    listing, suffix, dismantler_owner, django_assert_max_num_queries
):
    client = client_for(dismantler_owner)
    record_history(listing)
    with django_assert_max_num_queries(6):
        client.get(passport_url(listing, suffix))
    for _ in range(10):
        record_history(listing)

    with django_assert_max_num_queries(6):
        response = client.get(passport_url(listing, suffix))

    assert response.status_code == 200


def test_the_admin_shows_events_and_their_chain_but_cannot_change_or_delete_them(
    listing, admin_client
):
    event = record_history(listing)[1]
    base = f"/admin/catalog/passportevent/{event.pk}"

    page = admin_client.get(f"{base}/change/")
    delete = admin_client.post(f"{base}/delete/", {"post": "yes"})

    assert page.status_code == 200
    assert "4 events: Every event checks." in page.content.decode()
    assert not page.context["has_change_permission"]
    assert delete.status_code == 403
    assert PassportEvent.objects.filter(pk=event.pk).exists()
