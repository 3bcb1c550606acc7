"""`manage.py load_reference_data`: the part-type taxonomy and the vPIC vehicles. Safe to rerun."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from catalog.management.progress import ProgressBar
from catalog.reference import ReferenceDataInvalid, part_types_load, vehicles_load


class Command(BaseCommand):
    help = (
        "Load the part-type taxonomy and the vehicle reference data (NHTSA vPIC makes, models "
        "and model years). Creates only what is missing; safe to run again."
    )

    def add_arguments(self, parser):
        only = parser.add_mutually_exclusive_group()
        only.add_argument("--vehicles-only", action="store_true")
        only.add_argument("--part-types-only", action="store_true")
        parser.add_argument(
            "--csv",
            type=Path,
            default=None,
            help="year,make,model,vehicle_type CSV (default: settings.VEHICLE_REFERENCE_CSV)",
        )

    def handle(
        self, *args, vehicles_only: bool, part_types_only: bool, csv: Path | None, **options
    ):
        if not vehicles_only:
            self._part_types()
        if not part_types_only:
            self._vehicles(csv or Path(settings.VEHICLE_REFERENCE_CSV), options["verbosity"])

    def _part_types(self) -> None:
        try:
            counts = part_types_load()
        except ReferenceDataInvalid as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"Part types: {counts.groups_created} groups created, {counts.groups_updated} updated; "
            f"{counts.part_types_created} part types created, {counts.part_types_updated} updated."
        )

    def _vehicles(self, csv_path: Path, verbosity: int) -> None:
        bar = ProgressBar(self, desc="Vehicles", unit=" vehicles", verbosity=verbosity)
        try:
            with bar:
                counts = vehicles_load(csv_path=csv_path, progress=bar)
        except OSError as error:
            raise CommandError(f"Cannot read {csv_path}: {error.strerror or error}") from error
        except ReferenceDataInvalid as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"Vehicles: {counts.rows:,} rows read; {counts.makes_created:,} makes, "
            f"{counts.models_created:,} models and {counts.vehicles_created:,} vehicles created."
        )
