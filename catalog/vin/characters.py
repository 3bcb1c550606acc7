"""What a VIN's 17 characters say on their own, without the vPIC database: the characters a VIN
may use, the check digit (49 CFR 565.15) and the model-year code in position 10.
"""

from __future__ import annotations

from datetime import date

from .errors import VinFormatError, VinUnknownError, _

_VIN_CHARACTERS = frozenset("0123456789ABCDEFGHJKLMNPRSTUVWXYZ")
# 49 CFR 565.15(c): letter values and position weights for the check digit.
_TRANSLITERATION = {
    **{digit: int(digit) for digit in "0123456789"},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_NORTH_AMERICAN_REGIONS = "12345"
# Position 10: the n-th code is model year 1980 + n, or 2010 + n one 30-year cycle later.
_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"


def normalise_vin(raw: str) -> str:
    """`raw` without any whitespace (leading, trailing or inside), in upper case."""
    return "".join(raw.split()).upper()


def check_digit(vin: str) -> str:
    """The position-9 character ("0"-"9" or "X") that 49 CFR 565.15 prescribes for `vin`.

    Position 9 itself does not count, so this also works on a VIN whose check digit is wrong.
    Raises VinFormatError unless `vin` (normalised) is 17 VIN characters.
    """
    vin = normalise_vin(vin)
    require_format(vin)
    remainder = sum(_TRANSLITERATION[c] * w for c, w in zip(vin, _WEIGHTS, strict=True)) % 11
    return "X" if remainder == 10 else str(remainder)


def needs_check_digit(vin: str) -> bool:
    """Whether position 9 must be the check digit: only North American VINs are bound to it."""
    return vin[0] in _NORTH_AMERICAN_REGIONS


def require_format(vin: str) -> None:
    """Raises VinFormatError unless `vin` is 17 characters, all of them ones a VIN may use."""
    if len(vin) != 17:
        raise VinFormatError(
            _("A VIN has 17 characters; %(vin)s has %(length)s.")
            % {"vin": repr(vin), "length": len(vin)},
            vin=vin,
            code="vin_length",
        )
    invalid = sorted(set(vin) - _VIN_CHARACTERS)
    if invalid:
        raise VinFormatError(
            _(
                "VIN %(vin)s contains %(characters)s: a VIN uses only digits and "
                "letters other than I, O and Q."
            )
            % {"vin": vin, "characters": ", ".join(map(repr, invalid))},
            vin=vin,
            code="vin_characters",
        )


def model_years(vin: str, *, car_or_light_truck: bool) -> tuple[tuple[int, ...], bool]:
    """The model years position 10 can stand for, likeliest first, and whether that is settled.

    `car_or_light_truck` is vPIC's classification of the VIN's WMI. Settled means: take the first
    year the WMI has VIN schemas for. Otherwise every year is decoded and the best reading wins,
    as spVinDecode does. Raises VinUnknownError when position 10 is no model-year code (0, U, Z).
    """
    index = _YEAR_CODES.find(vin[9])
    if index < 0:
        raise VinUnknownError(
            _("Position 10 of VIN %(vin)s (%(code)s) is not a model-year code.")
            % {"vin": vin, "code": repr(vin[9])},
            vin=vin,
            code="vin_undecodable",
        )
    recent, older = 2010 + index, 1980 + index
    # vPIC accepts model years up to two years ahead; the next cycle is further away.
    if recent > date.today().year + 2:
        return (older,), True
    if car_or_light_truck:
        # 49 CFR 565.15: for these, position 7 is a letter from model year 2010 and a digit before.
        return ((recent, older) if vin[6].isalpha() else (older, recent)), True
    return (recent, older), False
