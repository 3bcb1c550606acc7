"""The Simplified Chinese catalog is complete, keeps every placeholder, is compiled as committed,
and holds every message the pages' source has (`make messages` extracts them again)."""

import gettext
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import override_settings

from marketplace.management.commands.update_messages import extract_messages

CATALOG = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
SOURCES = ("marketplace", "catalog", "certification", "orders", "templates", "static")
PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[sd]")


@pytest.fixture(scope="module")
def po():
    return polib.pofile(str(CATALOG / "django.po"))


def translations(entry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def test_every_message_is_translated_and_none_is_fuzzy(po):
    missing = [entry.msgid for entry in po if not all(translations(entry))]
    fuzzy = [entry.msgid for entry in po if "fuzzy" in entry.flags]

    assert not missing, f"{len(missing)} messages have no translation: {missing[:10]}"
    assert not fuzzy, f"{len(fuzzy)} translations are marked fuzzy: {fuzzy[:10]}"


def test_translations_keep_the_placeholders(po):
    for entry in po:
        expected = sorted(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for text in translations(entry):
            assert sorted(PLACEHOLDER.findall(text)) == expected, entry.msgid


def test_the_compiled_catalog_is_the_committed_one(po):
    with (CATALOG / "django.mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)
    for entry in po:
        if entry.msgid_plural:
            assert catalog.ngettext(entry.msgid, entry.msgid_plural, 2) == entry.msgstr_plural[0]
        else:
            assert catalog.gettext(entry.msgid) == entry.msgstr, entry.msgid


def test_the_catalog_holds_every_message_of_the_source(po, tmp_path, monkeypatch):
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext is missing: `make test` installs it (scripts/services.sh)")
    # makemessages writes next to the source it reads, so it reads a copy.
    for name in SOURCES:
        shutil.copytree(Path(settings.BASE_DIR) / name, tmp_path / name)
    (tmp_path / "locale").mkdir()
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        extract_messages()
    extracted = polib.pofile(str(tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))

    in_source = {(entry.msgctxt, entry.msgid) for entry in extracted}
    in_catalog = {(entry.msgctxt, entry.msgid) for entry in po if not entry.obsolete}
    assert not in_source - in_catalog, "run `make messages` and translate the new messages"
    assert not in_catalog - in_source, "run `make messages` to drop messages no longer used"
