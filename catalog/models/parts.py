"""Parts: the part-type taxonomy, OE part numbers, interchange groups and fitment."""

from django.db import models
from django.db.models import F, Q

from catalog.models.vehicles import VehicleModel
from catalog.part_numbers import normalise_part_number


class PartTypeGroup(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PartType(models.Model):
    """A taxonomy node with a stable code (`alternator`, `door_front_left`, ...)."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    group = models.ForeignKey(PartTypeGroup, on_delete=models.PROTECT, related_name="part_types")
    freight_only = models.BooleanField(
        default=False, help_text="Bulky parts (engines, doors) ship by freight only."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class InterchangeGroup(models.Model):
    """Hollander-style interchange: every part in a group replaces every other."""

    code = models.CharField(max_length=40, unique=True)
    part_type = models.ForeignKey(PartType, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Part(models.Model):
    """A manufacturer part identified by its OE number, normalised so spellings match."""

    oe_number = models.CharField(max_length=60)
    oe_number_normalised = models.CharField(max_length=60, unique=True, editable=False)
    part_type = models.ForeignKey(PartType, on_delete=models.PROTECT, related_name="parts")
    brand = models.CharField(max_length=80, blank=True)
    name = models.CharField(max_length=200, blank=True)
    interchange_group = models.ForeignKey(
        InterchangeGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="parts"
    )

    class Meta:
        ordering = ["oe_number_normalised"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(oe_number_normalised=""), name="part_oe_number_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return self.oe_number

    def save(self, *args, **kwargs):
        self.oe_number_normalised = normalise_part_number(self.oe_number)
        super().save(*args, **kwargs)


class Fitment(models.Model):
    """A part fits a model over a range of model years (engine and trim where known)."""

    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="fitments")
    vehicle_model = models.ForeignKey(VehicleModel, on_delete=models.PROTECT, related_name="+")
    year_from = models.PositiveSmallIntegerField()
    year_to = models.PositiveSmallIntegerField()
    engine = models.CharField(max_length=80, blank=True)
    trim = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["part_id", "vehicle_model_id", "year_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year_from__lte=F("year_to")), name="fitment_years_ordered"
            ),
            models.UniqueConstraint(
                fields=["part", "vehicle_model", "year_from", "year_to", "engine", "trim"],
                name="fitment_unique",
            ),
        ]
        indexes = [models.Index(fields=["vehicle_model", "year_from", "year_to"])]

    def __str__(self) -> str:
        return f"{self.part} fits {self.vehicle_model} {self.year_from}-{self.year_to}"
