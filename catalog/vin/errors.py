"""The typed errors of VIN decoding, each with a stable `code` for API clients."""

from __future__ import annotations


def _(message: str) -> str:
    """`message` in the active language once Django is set up, else as written: the decoder also
    runs without Django (scripts, settings-free tests)."""
    try:
        from django.apps import apps
        from django.conf import settings
        from django.utils.translation import gettext
    except ImportError:
        return message
    if not settings.configured or not apps.ready:
        return message
    return gettext(message)


class VinError(ValueError):
    """A VIN that cannot be decoded. `code` is stable for API clients; `message` is for people."""

    code = "vin_invalid"

    def __init__(self, message: str, *, vin: str = "", code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.vin = vin
        if code:
            self.code = code


class VinFormatError(VinError):
    """Not 17 characters ("vin_length"), or a character a VIN never uses ("vin_characters")."""

    code = "vin_length"


class VinCheckDigitError(VinError):
    """Position 9 of a North American VIN is not the check digit of the other 16 characters."""

    code = "vin_check_digit"

    def __init__(self, *, vin: str, expected: str) -> None:
        super().__init__(
            _(
                "VIN %(vin)s fails its check digit: position 9 is %(found)s, expected "
                "%(expected)s. A character is probably mistyped."
            )
            % {"vin": vin, "found": repr(vin[8]), "expected": repr(expected)},
            vin=vin,
        )
        self.expected = expected
        self.found = vin[8]


class VinUnknownError(VinError):
    """vPIC does not know the manufacturer ("vin_unknown_manufacturer") or the vehicle
    ("vin_undecodable")."""

    code = "vin_undecodable"
