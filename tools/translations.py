"""Regenerate the English catalogue: extract, merge the EN table, compile.

Babel's own CLI extracts and compiles; this script only fills msgstrs from
`tools/en_messages.py` so a re-extraction never drops translations. Exit 1 when a
Russian string has no English yet, so a missing translation is noticed in review.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

sys.path.insert(0, str(Path(__file__).parent))
from en_messages import EN  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TR = ROOT / "lti_tool" / "web" / "translations"


def main() -> int:
    pot = TR / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "--no-location", "--omit-header",
         "-o", str(pot), "."],
        check=True, cwd=ROOT, capture_output=True,
    )
    with pot.open("rb") as fh:
        catalog = read_po(fh, locale="en")
    # marshmallow's messages are msgids held in a table, not in gettext calls: add them.
    sys.path.insert(0, str(ROOT))
    from schemas.messages import msgids

    for msgid in msgids():
        if msgid not in catalog:
            catalog.add(msgid)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        text = EN.get(message.id if isinstance(message.id, str) else message.id[0])
        if text is None:
            missing.append(message.id)
        else:
            message.string = text
    out = TR / "en" / "LC_MESSAGES"
    out.mkdir(parents=True, exist_ok=True)
    with (out / "messages.po").open("wb") as fh:
        write_po(fh, catalog, omit_header=True)
    with (out / "messages.mo").open("wb") as fh:
        write_mo(fh, catalog)
    for m in missing:
        print(f"no English for: {m!r}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
