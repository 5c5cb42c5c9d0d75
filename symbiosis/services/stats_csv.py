"""One monitoring table as CSV, for the reader's spreadsheet."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from symbiosis.services.stats_tables import Table


def _plain(value: Any, decimal_comma: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, (Decimal, float)):
        text = f"{value:f}" if isinstance(value, Decimal) else repr(value)
        return text.replace(".", ",") if decimal_comma else text
    return str(value)


def as_csv(table: Table, locale: str) -> str:
    """One table as CSV that a spreadsheet in ``locale`` opens as numbers.

    French and German spreadsheets read ``;`` between fields and a decimal
    comma; English ones ``,`` and a decimal point. A byte-order mark tells
    them the text is UTF-8.
    """
    comma = locale in ("fr", "de")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if comma else ",", lineterminator="\r\n")
    writer.writerow([label for label, _ in table.columns])
    for row in table.rows:
        writer.writerow([_plain(cell.value, comma) for cell in row])
    return "\ufeff" + out.getvalue()
