"""Keep the English catalogue with Babel's own tools: extract, ``pybabel update``, compile.

The English texts live in ``lti_tool/web/translations/en/LC_MESSAGES/messages.po``, edited
there as any gettext catalogue is (the msgid is the Russian text). This script:

1. extracts the Russian strings (``pybabel extract``; marshmallow's messages, which are
   msgids held in a table rather than gettext calls, are added to the template);
2. merges the template into the catalogue with ``pybabel update`` (new strings appear with
   an empty msgstr, strings no longer used are dropped, existing translations are kept);
3. exits 1, listing them, if any string has no English yet or is marked fuzzy — a missing
   translation is noticed in review, not shipped half-Russian;
4. compiles ``messages.mo``. Why not ``pybabel compile``: it stamps the current time into
   the .mo header, so every run would rewrite the binary file with the same messages; here
   the header dates are fixed and the same catalogue always gives the same bytes.

    make translations        # or: .venv/bin/python tools/translations.py
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TR = ROOT / "lti_tool" / "web" / "translations"
POT = TR / "messages.pot"
PO = TR / "en" / "LC_MESSAGES" / "messages.po"
#: Written into the .mo header instead of "now", so the file changes only with its messages.
FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args],
                   check=True, cwd=ROOT, capture_output=True)


def extract(pot: Path = POT) -> None:
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "--no-location",
             "--omit-header", "-o", str(pot), ".")
    sys.path.insert(0, str(ROOT))
    from schemas.messages import msgids

    with pot.open("rb") as fh:
        template = read_po(fh)
    for msgid in msgids():
        if msgid not in template:
            template.add(msgid)
    with pot.open("wb") as fh:
        write_po(fh, template, omit_header=True)


def update() -> None:
    _pybabel("update", "-i", str(POT), "-o", str(PO), "-l", "en", "--omit-header",
             "--no-fuzzy-matching", "--ignore-obsolete")


def untranslated() -> list[str]:
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="en")
    def done(string: str | tuple[str, ...]) -> bool:
        return all(string) if isinstance(string, tuple) else bool(string)

    return [str(m.id) for m in catalog if m.id and (m.fuzzy or not done(m.string))]


def compile_mo(mo: Path = PO.parent / "messages.mo") -> None:
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="en")
    catalog.creation_date = catalog.revision_date = FIXED_DATE
    with mo.open("wb") as fh:
        write_mo(fh, catalog)


def main() -> int:
    extract()
    update()
    missing = untranslated()
    for msgid in missing:
        print(f"no English for: {msgid!r} (write it in {PO.relative_to(ROOT)})",
              file=sys.stderr)
    compile_mo()
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
