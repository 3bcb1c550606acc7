"""`manage.py load_reference_data`: the part-type taxonomy and the vPIC vehicles. Safe to rerun."""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from catalog.reference import ReferenceDataInvalid, part_types_load, vehicles_load


class _ProgressBar:
    """Draws the loader's (done, total) reports as a tqdm bar on the command's stderr."""

    def __init__(self, stream, *, disable: bool):
        self._stream = stream
        self._disable = disable
        self._bar: tqdm | None = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            self._bar = tqdm(
                total=total,
                desc="Vehicles",
                unit=" vehicles",
                file=self._stream,
                disable=self._disable,
            )
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


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
        # tqdm redraws with carriage returns, which OutputWrapper.write would end with newlines,
        # so the bar writes to the wrapped stream itself.
        progress = _ProgressBar(getattr(self.stderr, "_out", sys.stderr), disable=verbosity == 0)
        try:
            counts = vehicles_load(csv_path=csv_path, progress=progress)
        except OSError as error:
            raise CommandError(f"Cannot read {csv_path}: {error.strerror or error}") from error
        except ReferenceDataInvalid as error:
            raise CommandError(error.message) from error
        finally:
            progress.close()
        self.stdout.write(
            f"Vehicles: {counts.rows:,} rows read; {counts.makes_created:,} makes, "
            f"{counts.models_created:,} models and {counts.vehicles_created:,} vehicles created."
        )
