from catalog.models.badges import Badge, BadgeSubject, ProductLine
from catalog.models.feeds import FeedImport, FeedImportStatus, FeedRejection
from catalog.models.listings import (
    Condition,
    Currency,
    Grade,
    Listing,
    ListingPartNumber,
    ListingPhoto,
    ListingPriceTier,
    ListingStatus,
    Location,
    LocationKind,
    SizeClass,
)
from catalog.models.parts import Fitment, InterchangeGroup, Part, PartType, PartTypeGroup
from catalog.models.passport import GENESIS_HASH, PassportEvent, PassportEventKind
from catalog.models.search import ListingSearch
from catalog.models.vehicles import Make, Vehicle, VehicleModel

__all__ = [
    "GENESIS_HASH", "Badge", "BadgeSubject", "PassportEvent", "PassportEventKind", "ProductLine",
    "Condition", "Currency", "FeedImport", "FeedImportStatus", "FeedRejection", "Fitment",
    "Grade", "InterchangeGroup", "Listing", "ListingPartNumber", "ListingPhoto", "ListingPriceTier",
    "ListingSearch", "ListingStatus", "Location", "LocationKind", "Make", "Part", "PartType",
    "PartTypeGroup", "SizeClass", "Vehicle", "VehicleModel",
]  # fmt: skip
