"""`manage.py search_reindex`: rebuild the search index from every listing, with a progress bar."""

from django.core.management.base import BaseCommand

from catalog.management.progress import ProgressBar
from catalog.search.indexing import search_index_dirty, search_reindex


class Command(BaseCommand):
    help = "Rebuild the search index of every listing (or, with --dirty, only the changed ones)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dirty", action="store_true", help="index only the listings marked dirty"
        )

    def handle(self, *args, dirty: bool, verbosity: int, **options):
        bar = ProgressBar(self, desc="Listings", unit=" listings", verbosity=verbosity)
        with bar:
            indexed = search_index_dirty(progress=bar) if dirty else search_reindex(progress=bar)
        self.stdout.write(f"Indexed {indexed:,} listings.")
