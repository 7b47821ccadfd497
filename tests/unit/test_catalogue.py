"""The English catalogue is current: every Russian string in the code has its English in
messages.po, and the committed messages.mo is what that .po compiles to (so a string added
without English, or a .po edited without `make translations`, fails here, not in a page)."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po

from tests.catalogue import PO

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import translations  # noqa: E402


def test_every_string_in_the_code_has_english(tmp_path: Path) -> None:
    pot = tmp_path / "messages.pot"
    translations.extract(pot)
    with pot.open("rb") as fh:
        wanted = [str(m.id) for m in read_po(fh) if m.id]
    with PO.open("rb") as fh:
        done = {str(m.id) for m in read_po(fh, locale="en")
                if m.id and m.string and not m.fuzzy}
    assert len(wanted) > 1000  # the extraction found the code
    assert [w for w in wanted if w not in done] == []


def test_the_committed_mo_is_the_compiled_po(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.mo"
    translations.compile_mo(fresh)
    assert fresh.read_bytes() == (PO.parent / "messages.mo").read_bytes()
