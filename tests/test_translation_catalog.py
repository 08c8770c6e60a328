"""The German catalogue is complete and the compiled one in the repository matches it.

The compiled catalogue (django.mo) is committed, so a fresh clone, `make run` and the AWS
instances need no gettext tools; CONTRIBUTING.md says how to update both.
"""

import gettext
from pathlib import Path

import polib
from django.conf import settings

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "de" / "LC_MESSAGES"


def test_the_german_catalogue_has_no_untranslated_fuzzy_or_obsolete_entry():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    assert len(po) > 300
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert [e.msgid for e in po.obsolete_entries()] == []
    assert po.metadata["Language"] == "de"


def test_each_translation_keeps_the_placeholders_of_its_english():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    import re

    blanks = re.compile(r"%\(\w+\)[sd]|\{\w+\}|<[^>]+>")
    for entry in po.translated_entries():
        if entry.msgid_plural:  # the singular may leave the count out, as "The first line" does
            plural = sorted(blanks.findall(entry.msgid_plural))
            assert sorted(blanks.findall(entry.msgstr_plural[1])) == plural, entry.msgid
            assert set(blanks.findall(entry.msgstr_plural[0])) <= set(plural), entry.msgid
        else:
            english = sorted(blanks.findall(entry.msgid))
            assert sorted(blanks.findall(entry.msgstr)) == english, entry.msgid


def test_the_committed_compiled_catalogue_matches_the_po_file():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    with open(CATALOGUE / "django.mo", "rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    for entry in po.translated_entries():
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            assert catalogue.ngettext(key, entry.msgid_plural, 1) == entry.msgstr_plural[0], key
            assert catalogue.ngettext(key, entry.msgid_plural, 5) == entry.msgstr_plural[1], key
        else:
            assert catalogue.gettext(key) == entry.msgstr, key
