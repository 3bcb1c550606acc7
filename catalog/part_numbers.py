"""OE and interchange part numbers, compared in one normal form."""

import re

_NOT_ALPHANUMERIC = re.compile(r"[^0-9A-Z]")


def normalise_part_number(raw: str) -> str:
    """Upper case with spaces, dashes, dots and slashes removed: `5K0 959 704 C` == `5k0959704c`."""
    return _NOT_ALPHANUMERIC.sub("", raw.upper())
