"""Tests for the offline VIN decoder against the real vPIC database file.

They read only the SQLite file in var/vpic/, never Django's test database. The real VINs and their
decodings come from public sources: NHTSA's own decoder output quoted in PeteCarrott/vinDecode
(sampleData.md), the VIN fixtures of the davidpeckham/vin and cardog-ai/corgi test suites, the
Model 3 release candidate Teslarati reported in July 2017, and a Volvo valuation record.
"""

import os
import shutil
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

import pytest

from catalog import vin as vin_module
from catalog.vin import (
    DEFAULT_DB_PATH,
    VinCheckDigitError,
    VinDecoding,
    VinError,
    VinFormatError,
    VinUnknownError,
    check_digit,
    decode_vin,
    normalise_vin,
)

_DATABASE = Path(os.environ.get("VPIC_DB_PATH") or DEFAULT_DB_PATH)
if not _DATABASE.is_file():
    pytest.skip(
        f"The vPIC database is not installed at {_DATABASE}; `make` fetches it.",
        allow_module_level=True,
    )

REAL_VINS = [
    ("1HGCM82633A004352", "Honda", "Accord", 2003),
    ("2HKRW2H20NH207506", "Honda", "CR-V", 2022),
    ("2T3B1RFV0SC582226", "Toyota", "RAV4", 2025),
    ("JTEBU11F470006153", "Toyota", "FJ Cruiser", 2007),
    ("1FTFW1E59NKD69096", "Ford", "F-150", 2022),
    ("1FTRX12W28FB34687", "Ford", "F-150", 2008),
    ("1G1YC2D47T5102754", "Chevrolet", "Corvette", 2026),
    ("3GNKBHR47NS184058", "Chevrolet", "Blazer", 2022),
    ("WBAVL1C5XFVY41004", "BMW", "X1", 2015),
    ("4USBU53567LW92799", "BMW", "Z4", 2007),
    ("W1KWF8EB3MR649946", "Mercedes-Benz", "C-Class", 2021),
    ("WDBTK72F57F202954", "Mercedes-Benz", "CLK-Class", 2007),
    ("3VV4B7AX5MM144910", "Volkswagen", "Tiguan", 2021),
    ("3VWSD29M41M067176", "Volkswagen", "Jetta", 2001),
    ("5YJ3E1EAXHF000316", "Tesla", "Model 3", 2017),
    ("5YJSA1H12FFP71790", "Tesla", "Model S", 2015),
    ("JF2SH62689G711814", "Subaru", "Forester", 2009),
    ("JF1VBAL68P9806699", "Subaru", "WRX", 2023),
    ("5N1AT2MVXLC807279", "Nissan", "Rogue", 2020),
    ("JN8AZ28R59T128050", "Nissan", "Cube", 2009),
    ("KM8R5DGE3PU560806", "Hyundai", "Palisade", 2023),
    ("5NPEB4AC9DH571382", "Hyundai", "Sonata", 2013),
    ("KNDERCAA9M7182895", "Kia", "Seltos", 2021),
    ("3KPF54AD7ME321714", "Kia", "Forte", 2021),
    ("1C4RJKBG0S8730795", "Jeep", "Grand Cherokee L", 2025),
    ("1J4FA29P3YP729948", "Jeep", "Wrangler", 2000),
    ("1C6SRFETXKN545625", "Ram", "1500", 2019),
    ("2B3CJ7DW4AH121212", "Dodge", "Challenger", 2010),
    ("2C4RC1L70PR614477", "Chrysler", "Pacifica", 2023),
    ("JM1NDAM79S0658829", "Mazda", "MX-5", 2025),
    ("JM1FE173540134610", "Mazda", "RX-8", 2004),
    ("YV4902RK6F2702888", "Volvo", "XC60", 2015),
    ("WAUM2AF27KN066221", "Audi", "A6", 2019),
    ("WA1EAAFYXN2065837", "Audi", "Q5", 2022),
    ("2GKFLTEK4H6343592", "GMC", "Terrain", 2017),
    ("5J8TC2H93LL800699", "Acura", "RDX", 2020),
    ("JH4KA2650HC000268", "Acura", "Legend", 1987),
    ("SCFEBBELXDGD17560", "Aston Martin", "V8 Vantage", 2013),
    ("1FV3GFBC0YHA74039", "Freightliner", "FL60", 2000),
]

HONDA_ACCORD_2003 = "1HGCM82633A004352"


def with_check_digit(vin: str) -> str:
    """`vin` with position 9 replaced by its correct check digit."""
    return vin[:8] + check_digit(vin) + vin[9:]


@pytest.mark.parametrize(("vin", "make", "model", "model_year"), REAL_VINS)
def test_decode_vin_returns_make_model_and_year_of_real_vins(vin, make, model, model_year):
    decoding = decode_vin(vin)

    assert (decoding.make, decoding.model, decoding.model_year) == (make, model, model_year)
    assert decoding.vin == vin


@pytest.mark.parametrize("vin", [vin for vin, *_ in REAL_VINS])
def test_check_digit_of_real_vins_is_their_position_9(vin):
    assert check_digit(vin) == vin[8]


def test_decode_vin_fills_in_what_vpic_knows_beyond_make_model_and_year():
    decoding = decode_vin(HONDA_ACCORD_2003)

    assert decoding == VinDecoding(
        vin=HONDA_ACCORD_2003,
        make="Honda",
        model="Accord",
        model_year=2003,
        manufacturer="AMERICAN HONDA MOTOR CO., INC.",
        trim="EX-V6",
        engine="6-cyl (J30A4)",
        body="Coupe",
        vehicle_type="Passenger Car",
        drive_type=None,
        fuel_type="Gasoline",
    )


def test_decode_vin_describes_the_engine_by_displacement_cylinders_and_engine_model():
    decoding = decode_vin("SCFEBBELXDGD17560")

    assert decoding.engine == "4.7L 8-cyl (AM15)"
    assert decoding.trim == "S"


def test_decode_vin_takes_the_make_from_the_model_when_brands_share_a_wmi():
    # 1C4 and 2C4 are FCA identifiers used by Chrysler, Dodge and Jeep alike.
    assert decode_vin("1C4RJKBG0S8730795").make == "Jeep"
    assert decode_vin("2C4RC1L70PR614477").make == "Chrysler"


def test_decode_vin_reads_the_same_year_code_by_position_7_for_cars():
    # Position 10 "H" is 1987 or 2017: a digit in position 7 means the earlier cycle.
    assert decode_vin("JH4KA2650HC000268").model_year == 1987
    assert decode_vin("5YJ3E1EAXHF000316").model_year == 2017


def test_decode_vin_never_returns_a_model_year_in_the_far_future():
    # Position 10 "Y" is 2000 or 2030 and position 7 rules only cars: 2030 has not come yet.
    assert decode_vin("1FV3GFBC0YHA74039").model_year == 2000


def test_decode_vin_normalises_lower_case_and_spaces():
    decoding = decode_vin("  1hgcm 82633a\t004352\n")

    assert decoding.vin == HONDA_ACCORD_2003
    assert (decoding.make, decoding.model) == ("Honda", "Accord")


def test_normalise_vin_removes_all_whitespace_and_upper_cases():
    assert normalise_vin(" 1hg cm82633a004352 ") == HONDA_ACCORD_2003


@pytest.mark.parametrize("vin", ["", "1HGCM82633A00435", "1HGCM82633A0043521"])
def test_decode_vin_raises_vin_length_unless_17_characters(vin):
    with pytest.raises(VinFormatError) as raised:
        decode_vin(vin)

    assert raised.value.code == "vin_length"


@pytest.mark.parametrize(
    "vin", ["1HGCM82633A0O4352", "1HGCM82633AI04352", "1HGCQ82633A004352", "1HGCM82633A-04352"]
)
def test_decode_vin_raises_vin_characters_for_i_o_q_and_punctuation(vin):
    with pytest.raises(VinFormatError) as raised:
        decode_vin(vin)

    assert raised.value.code == "vin_characters"


def test_decode_vin_raises_vin_check_digit_when_position_9_of_a_north_american_vin_is_wrong():
    mistyped = HONDA_ACCORD_2003[:8] + "4" + HONDA_ACCORD_2003[9:]

    with pytest.raises(VinCheckDigitError) as raised:
        decode_vin(mistyped)

    assert raised.value.code == "vin_check_digit"
    assert (raised.value.expected, raised.value.found) == ("3", "4")


def test_decode_vin_ignores_position_9_outside_north_america():
    # European VINs need not carry a check digit; this is BMW X1 WBAVL1C5XFVY41004 with a "0".
    decoding = decode_vin("WBAVL1C50FVY41004")

    assert (decoding.make, decoding.model, decoding.model_year) == ("BMW", "X1", 2015)


def test_decode_vin_raises_vin_unknown_manufacturer_for_an_unassigned_wmi():
    vin = with_check_digit("2ZZAB12C0KA123456")

    with pytest.raises(VinUnknownError) as raised:
        decode_vin(vin)

    assert raised.value.code == "vin_unknown_manufacturer"


def test_decode_vin_raises_vin_undecodable_when_no_model_pattern_matches():
    vin = with_check_digit("1HGZZZZZ0AA000000")

    with pytest.raises(VinUnknownError) as raised:
        decode_vin(vin)

    assert raised.value.code == "vin_undecodable"


def test_decode_vin_raises_vin_undecodable_when_position_10_is_no_model_year():
    vin = with_check_digit(HONDA_ACCORD_2003[:9] + "U" + HONDA_ACCORD_2003[10:])

    with pytest.raises(VinUnknownError) as raised:
        decode_vin(vin)

    assert raised.value.code == "vin_undecodable"


@pytest.mark.parametrize(
    ("vin", "expected"),
    [
        ("1M8GDM9AXKP042788", "X"),  # the worked example on Wikipedia
        ("1HGCM82633A004352", "3"),
        ("5YJ3E1EAXHF000316", "X"),
        ("JH4KA2650HC000268", "0"),
    ],
)
def test_check_digit_computes_position_9_of_known_vins(vin, expected):
    assert check_digit(vin) == expected


def test_check_digit_ignores_the_current_position_9():
    assert check_digit(HONDA_ACCORD_2003[:8] + "7" + HONDA_ACCORD_2003[9:]) == "3"


def test_check_digit_raises_vin_format_error_for_a_malformed_vin():
    with pytest.raises(VinFormatError):
        check_digit("1HGCM82633A00435")


def test_vin_errors_are_value_errors_with_a_code_and_a_message():
    with pytest.raises(ValueError) as raised:
        decode_vin("1HGCM82633A00435")

    assert isinstance(raised.value, VinError)
    assert raised.value.message == str(raised.value)
    assert raised.value.vin == "1HGCM82633A00435"


def test_decode_vin_gives_the_same_answers_from_several_threads_at_once():
    vins = [vin for vin, *_ in REAL_VINS]
    expected = [decode_vin(vin) for vin in vins]

    with ThreadPoolExecutor(max_workers=4) as pool:
        decoded = list(pool.map(decode_vin, vins * 2))

    assert decoded == expected * 2


def test_decode_vin_gives_the_same_answers_with_and_without_the_vin_schema_index(
    tmp_path, monkeypatch
):
    # The npm file is indexed on Pattern.Keys only; the install step adds an index on
    # VinSchemaId, which the decoder uses when present instead of walking the Keys index.
    vins = [vin for vin, *_ in REAL_VINS]
    expected = [decode_vin(vin) for vin in vins]
    plain = tmp_path / "vpic.lite.db"
    shutil.copyfile(_DATABASE, plain)
    with closing(sqlite3.connect(plain)) as connection:
        connection.execute("DROP INDEX IF EXISTS pattern_vin_schema")
    use_database(monkeypatch, plain)

    assert [decode_vin(vin) for vin in vins] == expected


def use_database(monkeypatch, path: Path) -> None:
    """Point the decoder at `path`, through Django settings when they are configured."""
    monkeypatch.setattr(vin_module, "DEFAULT_DB_PATH", path)
    from django.conf import settings

    if settings.configured:
        monkeypatch.setattr(settings, "VPIC_DB_PATH", path)
