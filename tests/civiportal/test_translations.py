"""The Spanish catalogue is complete and compiled: every message the code marks for
translation has a Spanish text, none is fuzzy, and the .mo the portal loads matches."""

import gettext
import re
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "es" / "LC_MESSAGES"


def entries(po_text: str):
    """(flags, msgid, msgstrs) for each entry of a PO file, header excluded."""
    for block in po_text.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        flags = " ".join(line for line in lines if line.startswith("#,"))
        fields: dict[str, str] = {}
        current = None
        for line in lines:
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid"):
            yield flags, fields["msgid"], [v for k, v in fields.items() if k.startswith("msgstr")]


def test_every_message_has_a_spanish_translation():
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    found = list(entries(text))
    assert len(found) > 500
    untranslated = [msgid for _flags, msgid, msgstrs in found if not all(msgstrs)]
    fuzzy = [msgid for flags, msgid, _msgstrs in found if "fuzzy" in flags]
    assert untranslated == []
    assert fuzzy == []


def test_compiled_catalogue_matches_the_po_file():
    catalogue = gettext.GNUTranslations((LOCALE / "django.mo").open("rb"))
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    for _flags, msgid, msgstrs in entries(text):
        if len(msgstrs) == 1 and "\\" not in msgid and "\\" not in msgstrs[0]:
            assert catalogue.gettext(msgid) == msgstrs[0], msgid
