"""vPIC element ids (table Element) that the decoder reads by name."""

BODY_CLASS = 5
CYLINDERS = 9
DISPLACEMENT_CC = 11
DISPLACEMENT_CI = 12
DISPLACEMENT_L = 13
DRIVE_TYPE = 15
ENGINE_MODEL = 18
FUEL_TYPE = 24
MAKE = 26
MODEL = 28
TRIM = 38
# Elements vPIC never takes from patterns: it sets make, manufacturer, year and type itself.
NOT_FROM_PATTERNS = frozenset({26, 27, 29, 39})
