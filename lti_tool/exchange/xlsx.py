"""A small streaming XLSX (SpreadsheetML) writer for the transfer's journal pages.

openpyxl builds a full object model (styles, theme) for every workbook, ≈ 5 ms each even in
write-only mode; a month's run writes hundreds of one-sheet books, so this writes the few
parts a workbook needs directly: cells as inline strings or numbers, one zip per book. Read
back by openpyxl in the tests, opened by Excel and LibreOffice.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from string import ascii_uppercase

Value = str | int | float | None

_CONTENT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>{sheets}</Types>')
_SHEET_TYPE = ('<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
               'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_BOOK = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
         'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
         '<sheets>{sheets}</sheets></workbook>')
_BOOK_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
              'relationships">{rels}<Relationship Id="rIdS" Type="http://schemas.'
              'openxmlformats.org/officeDocument/2006/relationships/styles" '
              'Target="styles.xml"/></Relationships>')
_SHEET_REL = ('<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/'
              'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>')
_STYLES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
           '<fills count="2"><fill><patternFill patternType="none"/></fill>'
           '<fill><patternFill patternType="gray125"/></fill></fills>'
           '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
           '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
           'borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" '
           'fillId="0" borderId="0" xfId="0"/></cellXfs><cellStyles count="1"><cellStyle '
           'name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})
_BAD_NAME = str.maketrans({c: " " for c in "[]:*?/\\"})


def _column(n: int) -> str:
    name = ""
    while n:
        n, rest = divmod(n - 1, 26)
        name = ascii_uppercase[rest] + name
    return name


_COLUMNS = [_column(n) for n in range(1, 201)]


def _sheet_xml(rows: Iterable[Sequence[Value]]) -> str:
    parts = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns='
             '"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
    for r, row in enumerate(rows, start=1):
        parts.append(f'<row r="{r}">')
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            ref = f"{_COLUMNS[c] if c < 200 else _column(c + 1)}{r}"
            if isinstance(value, str):
                parts.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">'
                             f'{value.translate(_ESCAPE)}</t></is></c>')
            else:
                parts.append(f'<c r="{ref}"><v>{value!r}</v></c>')
        parts.append("</row>")
    parts.append("</sheetData></worksheet>")
    return "".join(parts)


def workbook(sheets: Sequence[tuple[str, Iterable[Sequence[Value]]]],
             compresslevel: int = 6, modified: datetime | None = None) -> bytes:
    """An XLSX of ``(title, rows)`` sheets; titles are cut to Excel's 31 characters and
    cleared of the characters it refuses. ``modified`` dates the parts (the same book, the
    same bytes); else now."""
    out = io.BytesIO()
    names: list[str] = []
    for n, (title, _) in enumerate(sheets, start=1):
        name = (title.translate(_BAD_NAME).strip() or f"Лист{n}")[:31]
        names.append(name if name not in names else f"{name[:26]} ({n})")
    count = range(1, len(names) + 1)
    stamp = (modified or datetime.now()).timetuple()[:6]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as book:
        def part(name: str, text: str) -> None:
            entry = zipfile.ZipInfo(name, stamp)
            entry.external_attr = 0o600 << 16  # what writestr(name, …) gives
            book.writestr(entry, text.encode(), zipfile.ZIP_DEFLATED, compresslevel)

        part("[Content_Types].xml", _CONTENT.format(
            sheets="".join(_SHEET_TYPE.format(n=n) for n in count)))
        part("_rels/.rels", _RELS)
        part("xl/workbook.xml", _BOOK.format(sheets="".join(
            f'<sheet name="{name.translate(_ESCAPE)}" sheetId="{n}" r:id="rId{n}"/>'
            for n, name in zip(count, names, strict=True))))
        part("xl/_rels/workbook.xml.rels", _BOOK_RELS.format(
            rels="".join(_SHEET_REL.format(n=n) for n in count)))
        part("xl/styles.xml", _STYLES)
        for n, (_, rows) in enumerate(sheets, start=1):
            part(f"xl/worksheets/sheet{n}.xml", _sheet_xml(rows))
    return out.getvalue()
