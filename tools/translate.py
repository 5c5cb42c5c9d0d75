"""Fill msgstr entries of a catalog from a JSON file: ``{"msgid": "msgstr"}``.

Usage: python tools/translate.py LANG FILE.json
Only empty or fuzzy entries are filled; existing translations are kept.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

lang, source = sys.argv[1], Path(sys.argv[2])
path = Path("symbiosis/translations") / lang / "LC_MESSAGES" / "messages.po"
with path.open("rb") as handle:
    catalog = read_po(handle)
table = json.loads(source.read_text(encoding="utf-8"))
filled = 0
for message in catalog:
    key = message.id if isinstance(message.id, str) else message.id[0]
    empty = (
        not all(message.string)
        if isinstance(message.string, tuple)
        else not message.string
    )
    if key in table and (empty or message.fuzzy):
        value = table[key]
        message.string = tuple(value) if isinstance(value, list) else value
        message.flags.discard("fuzzy")
        filled += 1
with path.open("wb") as handle:
    write_po(handle, catalog, width=76)
print(f"{lang}: {filled} entries filled")
