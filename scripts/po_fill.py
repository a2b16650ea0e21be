"""Fill Polish translations from a JSON file {msgid: msgstr} and list what is still missing.

    .venv/bin/python manage.py makemessages -l pl --ignore=.venv --ignore=staticfiles --ignore=var
    .venv/bin/python scripts/po_fill.py locale/pl/LC_MESSAGES/django.po my-strings.json
"""

import json
import sys

import polib


def main(po_path: str, json_path: str) -> None:
    po = polib.pofile(po_path)
    translations = json.load(open(json_path, encoding="utf-8"))
    for entry in po:
        if entry.msgid in translations:
            entry.msgstr = translations[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    po.save()
    missing = [e.msgid for e in po if (not e.msgstr or "fuzzy" in e.flags) and not e.obsolete and not e.msgid_plural]
    print("untranslated:", len(missing))
    for msgid in missing:
        print("  ", repr(msgid))


if __name__ == "__main__":
    main(*sys.argv[1:3])
