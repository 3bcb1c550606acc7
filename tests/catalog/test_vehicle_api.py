import pytest

from tests.catalog.factories import FitmentFactory, PartFactory, VehicleFactory, VehicleModelFactory

pytestmark = pytest.mark.django_db


def test_vin_endpoint_decodes_and_finds_our_vehicle_rows(api_client):
    vehicle = VehicleFactory(model=VehicleModelFactory(name="Accord"), year=2003)

    response = api_client.get("/api/v1/vin/1hgcm82633a004352/")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["make"], body["model"], body["model_year"]) == ("Honda", "Accord", 2003)
    assert [v["id"] for v in body["vehicles"]] == [vehicle.id]


@pytest.mark.parametrize(
    ("vin", "code"),
    [
        ("1HGCM82633A00435", "vin_length"),
        ("1HGCM82633A00435O", "vin_characters"),
        ("1HGCM82643A004352", "vin_check_digit"),
    ],
)
def test_vin_endpoint_explains_bad_vins_as_400(api_client, vin, code):
    response = api_client.get(f"/api/v1/vin/{vin}/")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert "vin" in response.json()["error"]["fields"]


def test_vehicle_lists_filter_by_make_model_and_year(api_client):
    VehicleFactory(year=2003)
    VehicleFactory(year=2004)
    VehicleFactory(model=VehicleModelFactory(name="Civic"), year=2004)

    by_year = api_client.get("/api/v1/vehicles/?make=honda&model=accord&year=2004").json()
    models = api_client.get("/api/v1/vehicle-models/?make=Honda").json()

    assert [(v["model"], v["year"]) for v in by_year["results"]] == [("Accord", 2004)]
    assert sorted(m["name"] for m in models["results"]) == ["Accord", "Civic"]


def test_part_lookup_matches_any_spelling_of_the_oe_number(api_client):
    part = PartFactory(oe_number="5K0 959 704 C")
    FitmentFactory(part=part)

    for spelling in ("5k0959704c", "5K0-959-704-C", "5K0 959 704 C"):
        found = api_client.get("/api/v1/parts/", {"number": spelling}).json()
        assert [p["id"] for p in found["results"]] == [part.id]
    detail = api_client.get(f"/api/v1/parts/{part.id}/").json()
    assert detail["fitments"] == [
        {
            "make": "Honda",
            "model": "Accord",
            "year_from": 2003,
            "year_to": 2007,
            "engine": "",
            "trim": "",
        }
    ]


def test_part_detail_lists_the_parts_it_interchanges_with(api_client):
    from catalog.models import InterchangeGroup

    first = PartFactory()
    group = InterchangeGroup.objects.create(code="601-01234", part_type=first.part_type)
    second = PartFactory(interchange_group=group)
    first.interchange_group = group
    first.save()

    detail = api_client.get(f"/api/v1/parts/{first.id}/").json()

    assert detail["interchange_group"] == "601-01234"
    assert [p["oe_number"] for p in detail["interchangeable_with"]] == [second.oe_number]


def test_part_list_runs_constant_queries(api_client, django_assert_max_num_queries):
    for _ in range(3):
        FitmentFactory()
    with django_assert_max_num_queries(5):
        api_client.get("/api/v1/parts/")
    for _ in range(20):
        FitmentFactory()
    with django_assert_max_num_queries(5):
        assert api_client.get("/api/v1/parts/").json()["count"] == 23


def test_part_types_are_paginated_with_a_capped_page_size(
    api_client, django_assert_max_num_queries
):
    from catalog.reference import part_types_load

    part_types_load()

    with django_assert_max_num_queries(2):
        page = api_client.get("/api/v1/part-types/", {"page_size": 1000}).json()
    grouped = api_client.get("/api/v1/part-types/", {"group": "brakes"}).json()

    assert page["count"] >= 60
    assert len(page["results"]) == 100
    assert grouped["results"] and {t["group"] for t in grouped["results"]} == {"brakes"}


@pytest.mark.parametrize("url", ["/api/v1/makes/", "/api/v1/vehicle-models/", "/api/v1/vehicles/"])
def test_vehicle_lists_run_constant_queries(url, api_client, django_assert_max_num_queries):
    from tests.catalog.factories import MakeFactory

    def add_vehicles(start: int, count: int) -> None:
        for n in range(start, start + count):
            model = VehicleModelFactory(make=MakeFactory(name=f"Make {n % 3}"), name=f"M{n}")
            VehicleFactory(model=model, year=2000 + n % 20)

    add_vehicles(0, 2)
    with django_assert_max_num_queries(2):
        api_client.get(url)
    add_vehicles(2, 30)
    with django_assert_max_num_queries(2):
        assert api_client.get(url).status_code == 200
