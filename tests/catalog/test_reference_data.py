import time
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from catalog.models import Make, PartType, PartTypeGroup, Vehicle, VehicleModel
from catalog.reference import (
    ReferenceDataInvalid,
    VehicleLoadCounts,
    part_types_load,
    vehicles_load,
)
from catalog.reference_data.part_types import PART_TYPE_TAXONOMY

pytestmark = pytest.mark.django_db

SMALL_CSV = """year,make,model,vehicle_type
2003,Honda,Accord,Passenger Car
2004,Honda,Accord,Passenger Car
2003,Honda,Pilot,Multipurpose Passenger Vehicle (MPV)
2003,Honda,Pilot,Truck
2015,Ford,F-150,Truck
2015,Ford,F-150,Truck
"""


@pytest.fixture
def small_csv(tmp_path) -> Path:
    path = tmp_path / "vehicles.csv"
    path.write_text(SMALL_CSV)
    return path


def _vehicle_keys() -> set[tuple[str, str, int, str]]:
    rows = Vehicle.objects.values_list("model__make__name", "model__name", "year", "vehicle_type")
    return set(rows)


def test_vehicles_load_creates_makes_models_and_one_vehicle_per_type_and_year(small_csv):
    counts = vehicles_load(csv_path=small_csv)

    assert counts == VehicleLoadCounts(
        rows=5, makes_created=2, models_created=3, vehicles_created=5
    )
    assert set(Make.objects.values_list("name", flat=True)) == {"Ford", "Honda"}
    assert set(VehicleModel.objects.values_list("make__name", "name")) == {
        ("Honda", "Accord"),
        ("Honda", "Pilot"),
        ("Ford", "F-150"),
    }
    assert _vehicle_keys() == {
        ("Honda", "Accord", 2003, "Passenger Car"),
        ("Honda", "Accord", 2004, "Passenger Car"),
        ("Honda", "Pilot", 2003, "Multipurpose Passenger Vehicle (MPV)"),
        ("Honda", "Pilot", 2003, "Truck"),
        ("Ford", "F-150", 2015, "Truck"),
    }


def test_vehicles_load_second_run_creates_nothing(small_csv):
    vehicles_load(csv_path=small_csv)
    ids_before = set(Vehicle.objects.values_list("id", flat=True))

    counts = vehicles_load(csv_path=small_csv)

    assert counts == VehicleLoadCounts(
        rows=5, makes_created=0, models_created=0, vehicles_created=0
    )
    assert set(Vehicle.objects.values_list("id", flat=True)) == ids_before


def test_vehicles_load_adds_only_the_new_rows_of_a_grown_file(small_csv):
    vehicles_load(csv_path=small_csv)
    small_csv.write_text(
        SMALL_CSV + "2005,Honda,Accord,Passenger Car\n2020,Tesla,Model 3,Passenger Car\n"
    )

    counts = vehicles_load(csv_path=small_csv)

    assert counts == VehicleLoadCounts(
        rows=7, makes_created=1, models_created=1, vehicles_created=2
    )
    assert Vehicle.objects.count() == 7


def test_vehicles_load_reports_progress_up_to_the_number_of_vehicles(small_csv):
    reports: list[tuple[int, int]] = []

    vehicles_load(csv_path=small_csv, progress=lambda done, total: reports.append((done, total)))

    assert reports[0] == (0, 5)
    assert reports[-1] == (5, 5)


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("20x3,Honda,Accord,Passenger Car", "year"),
        ("1850,Honda,Accord,Passenger Car", "year"),
        ("2003,,Accord,Passenger Car", "make"),
        ("2003,Honda,,Passenger Car", "model"),
    ],
)
def test_vehicles_load_refuses_a_bad_row_with_its_line_and_writes_nothing(tmp_path, row, column):
    path = tmp_path / "bad.csv"
    path.write_text(SMALL_CSV + row + "\n")

    with pytest.raises(ReferenceDataInvalid) as raised:
        vehicles_load(csv_path=path)

    assert column in raised.value.fields
    assert "line 8" in raised.value.message
    assert not Make.objects.exists()


def test_vehicles_load_refuses_a_file_without_the_expected_columns(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("year,make,model\n2003,Honda,Accord\n")

    with pytest.raises(ReferenceDataInvalid, match="vehicle_type"):
        vehicles_load(csv_path=path)


def test_vehicles_load_of_the_real_vpic_file_creates_every_vehicle_and_reruns_quickly():
    counts = vehicles_load(csv_path=settings.VEHICLE_REFERENCE_CSV)

    assert counts == VehicleLoadCounts(
        rows=60_200, makes_created=397, models_created=3_557, vehicles_created=60_200
    )
    assert (Make.objects.count(), VehicleModel.objects.count(), Vehicle.objects.count()) == (
        397,
        3_557,
        60_200,
    )
    started = time.monotonic()
    rerun = vehicles_load(csv_path=settings.VEHICLE_REFERENCE_CSV)
    # Generous bound: the rerun reads keys and inserts nothing (about a second here).
    assert time.monotonic() - started < 20
    assert rerun.vehicles_created == rerun.models_created == rerun.makes_created == 0


def test_taxonomy_has_at_least_sixty_part_types_with_unique_slug_codes():
    codes = [code for _, _, part_types in PART_TYPE_TAXONOMY for code, _, _ in part_types]
    group_codes = [group_code for group_code, _, _ in PART_TYPE_TAXONOMY]

    assert len(codes) >= 60
    assert len(set(codes)) == len(codes)
    assert len(set(group_codes)) == len(group_codes)
    assert all(code.isascii() and code.replace("_", "").isalnum() for code in codes + group_codes)
    assert all(code == code.lower() for code in codes + group_codes)


def test_taxonomy_marks_bulky_parts_freight_only():
    freight = {
        code: freight_only
        for _, _, part_types in PART_TYPE_TAXONOMY
        for code, _, freight_only in part_types
    }

    for bulky in ("engine", "transmission", "door_front_left", "hood", "bumper_front", "rear_axle"):
        assert freight[bulky] is True, bulky
    for parcel in ("alternator", "starter", "turbocharger", "brake_caliper", "headlamp_left"):
        assert freight[parcel] is False, parcel


def test_part_types_load_puts_every_part_type_in_its_group():
    counts = part_types_load()

    expected = sum(len(part_types) for _, _, part_types in PART_TYPE_TAXONOMY)
    assert counts.part_types_created == PartType.objects.count() == expected
    assert counts.groups_created == PartTypeGroup.objects.count() == len(PART_TYPE_TAXONOMY)
    assert not PartType.objects.filter(group__isnull=True).exists()
    engine = PartType.objects.select_related("group").get(code="engine")
    assert (engine.group.code, engine.freight_only) == ("engine_drivetrain", True)


def test_part_types_load_second_run_changes_nothing():
    part_types_load()

    counts = part_types_load()

    assert (counts.groups_created, counts.groups_updated) == (0, 0)
    assert (counts.part_types_created, counts.part_types_updated) == (0, 0)


def test_part_types_load_restores_names_and_groups_and_keeps_unknown_codes():
    part_types_load()
    PartType.objects.filter(code="alternator").update(
        name="Renamed", group=PartTypeGroup.objects.get(code="brakes")
    )
    retired = PartType.objects.create(
        code="retired_part", name="Retired", group=PartTypeGroup.objects.get(code="brakes")
    )

    counts = part_types_load()

    alternator = PartType.objects.select_related("group").get(code="alternator")
    assert (alternator.name, alternator.group.code) == ("Alternator", "electrical")
    assert counts.part_types_updated == 1
    assert PartType.objects.filter(pk=retired.pk).exists()


def test_part_types_load_refuses_a_taxonomy_repeating_a_code():
    taxonomy = (
        ("brakes", "Brakes", [("brake_caliper", "Caliper", False)]),
        ("more_brakes", "More brakes", [("brake_caliper", "Caliper again", False)]),
    )

    with pytest.raises(ReferenceDataInvalid, match="brake_caliper"):
        part_types_load(taxonomy=taxonomy)

    assert not PartType.objects.exists()


def test_load_reference_data_command_loads_both_and_prints_counts(small_csv, settings):
    settings.VEHICLE_REFERENCE_CSV = small_csv
    out, err = StringIO(), StringIO()

    call_command("load_reference_data", stdout=out, stderr=err)

    assert "5 vehicles created" in out.getvalue()
    assert f"{PartType.objects.count()} part types created" in out.getvalue()
    assert "5/5" in err.getvalue()
    assert Vehicle.objects.count() == 5


def test_load_reference_data_command_part_types_only_leaves_vehicles_alone(small_csv):
    call_command(
        "load_reference_data", "--part-types-only", "--csv", str(small_csv), stdout=StringIO()
    )

    assert PartType.objects.exists()
    assert not Vehicle.objects.exists()


def test_load_reference_data_command_reports_a_missing_file_as_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("load_reference_data", "--vehicles-only", "--csv", str(tmp_path / "none.csv"))
