"""Every monitoring table as one workbook (openpyxl), a sheet per table.

Numbers are written as numbers (never as text), so the spreadsheet shows them
with the reader's own decimal separator and can sum them.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from symbiosis.i18n import gettext
from symbiosis.services.stats_tables import MONEY, NUMBER, Report

SHEET_NAME_MAX = 31  # Excel's limit
FORBIDDEN = set("[]:*?/\\")


def _shortened(text: str, room: int) -> str:
    """``text`` within ``room`` characters, cut after a whole word with "…"."""
    if len(text) <= room:
        return text
    cut = text[: room - 1]
    if " " in cut and not text[room - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;.-–") + "…"


def _sheet_name(title: str, taken: set[str]) -> str:
    """A sheet's name from its table's title: Excel's characters and length,
    cut between words, and unique in the book."""
    clean = " ".join("".join(c for c in title if c not in FORBIDDEN).split())
    base = clean or "Sheet"
    name, n = _shortened(base, SHEET_NAME_MAX), 2
    while name in taken:
        suffix = f" ({n})"
        name, n = _shortened(base, SHEET_NAME_MAX - len(suffix)) + suffix, n + 1
    taken.add(name)
    return name


def _value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


def workbook(report: Report) -> bytes:
    book = Workbook()
    cover = book.active
    taken: set[str] = set()
    cover.title = _sheet_name(gettext("Report"), taken)
    where = report.zone.name if report.zone else gettext("All zones")
    cover.append([gettext("Network report: %(zone)s", zone=where)])
    cover["A1"].font = Font(bold=True, size=14)
    cover.append([gettext("From"), report.start])
    cover.append([gettext("To"), report.end])
    cover["B2"].number_format = cover["B3"].number_format = "yyyy-mm-dd"
    cover.append([])
    cover.append(
        [
            gettext(
                "Impact figures are kept apart by evidence level; quantities of"
                " different units are never added together."
            )
        ]
    )
    cover.column_dimensions["A"].width = 28
    cover.column_dimensions["B"].width = 14
    for table in report.tables.values():
        sheet = book.create_sheet(_sheet_name(table.title, taken))
        sheet.append([label for label, _ in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for row in table.rows:
            sheet.append([_value(cell.value) for cell in row])
        for i, (label, kind) in enumerate(table.columns, start=1):
            letter = get_column_letter(i)
            texts = [str(r[i - 1].value or "") for r in table.rows]
            width = max(len(text) for text in [label, *texts])
            sheet.column_dimensions[letter].width = min(60, max(10, width + 2))
            if kind == NUMBER:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                    is_int = isinstance(cell.value, int)
                    cell.number_format = "#,##0" if is_int else "#,##0.00#"
            elif kind == MONEY:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                    cell.number_format = '#,##0.00 "€"'
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
