"""The English catalogue as tests read it: msgid (the Russian text) → its English."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

PO = (Path(__file__).resolve().parents[1] / "lti_tool" / "web" / "translations" / "en"
      / "LC_MESSAGES" / "messages.po")


@cache
def english() -> dict[str, str]:
    with PO.open("rb") as fh:
        return {str(m.id): str(m.string) for m in read_po(fh, locale="en") if m.id}
