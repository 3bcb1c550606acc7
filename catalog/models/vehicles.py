"""Vehicle reference data: makes, models and model years from NHTSA's vPIC."""

from django.db import models
from django.db.models import Q


class Make(models.Model):
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class VehicleModel(models.Model):
    make = models.ForeignKey(Make, on_delete=models.PROTECT, related_name="models")
    name = models.CharField(max_length=150)

    class Meta:
        ordering = ["make__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["make", "name"], name="vehicle_model_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.make.name} {self.name}"


class Vehicle(models.Model):
    """One model year of a model, as vPIC lists it (a model year may span vehicle types)."""

    model = models.ForeignKey(VehicleModel, on_delete=models.PROTECT, related_name="vehicles")
    year = models.PositiveSmallIntegerField()
    vehicle_type = models.CharField(max_length=60)

    class Meta:
        ordering = ["model_id", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "year", "vehicle_type"], name="vehicle_unique"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1900, year__lte=2100), name="vehicle_year_plausible"
            ),
        ]
        indexes = [models.Index(fields=["year"])]

    def __str__(self) -> str:
        return f"{self.year} {self.model}"
