"""Extract the site's messages into the Simplified Chinese catalog and compile it.

`make messages` runs this (it needs GNU gettext). New messages arrive untranslated;
`tests/marketplace/test_translations.py` fails until every one of them is translated and the
compiled catalog is committed, so no page is ever half in English.
"""

from django.core.management import BaseCommand, call_command

LOCALES = ["zh_Hans"]
# Only what people read on the pages: not the tests, the scripts, or generated files.
IGNORE = ["tests/*", "scripts/*", "var/*", "docs/*", "node_modules/*", "locale/*"]


def extract_messages(**options) -> None:
    call_command(
        "makemessages", locale=LOCALES, ignore_patterns=IGNORE, no_obsolete=True,
        add_location="file", verbosity=0, **options,
    )  # fmt: skip


class Command(BaseCommand):
    help = "Extract the pages' messages into locale/ and compile the catalogs."

    def handle(self, *args, **options):
        extract_messages()
        call_command("compilemessages", locale=LOCALES, verbosity=0)
