"""Evidence files travel inside the signed export: the signature covers their hashes, so a
changed, swapped, missing, extra or oversized file refuses the whole import with a Russian
reason and nothing is written (rows, audit, files on disk)."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests

from lti_tool.portfolio import bundle, moving
from lti_tool.portfolio.export import ImportRefused
from lti_tool.portfolio.storage import LocalStore
from tests.portfolio.helpers import PDF, launch, person_id, snapshot

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00"
       b"\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\x00\x01\x00\x00\x05\x00\x01\r\n-"
       b"\xb4\x00\x00\x00\x00IEND\xaeB`\x82")


def _rezip(archive: bytes, change: dict[str, bytes | None]) -> bytes:
    """The archive with entries replaced (bytes), removed (None) or added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            if name in change:
                continue
            dst.writestr(name, src.read(name))
        for name, data in change.items():
            if data is not None:
                dst.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _evidence_name(archive: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        (name,) = [n for n in zf.namelist() if n.startswith("evidence/")]
    return name


def _disk(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in (tmp_path / "evidence").rglob("*") if p.is_file())


def test_tampered_missing_extra_and_oversized_files_refused(platform, tool, confirmed,
                                                            tmp_path):
    student, *_ = confirmed
    archive = student.get(f"/app/portfolio/p/{person_id(tool, 's-petrov')[1]}/export").content
    entry = _evidence_name(archive)
    tampered = PDF.replace(b"trailer", b"trailex")  # still a PDF, one byte different
    swapped_sha = hashlib.sha256(tampered).hexdigest()
    big = PDF + b"0" * (10 * 1024 * 1024)
    cases = {
        "tampered": (_rezip(archive, {entry: tampered}), "изменён"),
        "swapped": (_rezip(archive, {entry: None, f"evidence/{swapped_sha}": tampered}),
                    "нет файла"),
        "missing": (_rezip(archive, {entry: None}), "нет файла"),
        "extra": (_rezip(archive, {"evidence/" + "0" * 64: PNG}), "нет в подписанном"),
        "oversized": (_rezip(archive, {entry: big}), "больше 10 МБ"),
        "foreign entry": (_rezip(archive, {"../../evil.sh": b"#!/bin/sh"}), "лишний файл"),
        "whole file too big": (archive + b"\0" * (18 * 1024 * 1024), "больше 18 МБ"),
    }
    moved = launch(platform, tool, "student", "s-petrov", deployment="dep-other",
                   course="physics-11b")
    before, on_disk = snapshot(tool), _disk(tmp_path)
    for case, (bad, why) in cases.items():
        resp = moved.post("/app/portfolio/import", files={"file": ("p.zip", bad)})
        assert resp.status_code == 303, case
        page = requests.get(tool.base + resp.headers["Location"], timeout=30).text
        assert "Файл не принят" in page and why in page, (case, page[:2000])
        assert snapshot(tool) == before, case
        assert _disk(tmp_path) == on_disk, case
    # The untouched archive is taken, with its file.
    resp = moved.post("/app/portfolio/import", files={"file": ("p.zip", archive)})
    page = requests.get(tool.base + resp.headers["Location"], timeout=30).text
    assert "Перенесено достижений: 2" in page
    assert len(_disk(tmp_path)) == len(on_disk) + 1


def test_a_zip_bomb_entry_is_refused_before_it_is_read():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("portfolio.jwt", "x")
        zf.writestr("evidence/" + "a" * 64, b"\0" * (11 * 1024 * 1024),
                    compress_type=zipfile.ZIP_DEFLATED)
    assert len(out.getvalue()) < 100_000
    with pytest.raises(ImportRefused, match="больше 10 МБ"):
        bundle.unpack(out.getvalue())


def test_a_bare_token_still_imports_and_junk_is_refused():
    assert bundle.unpack(b"a.b.c") == ("a.b.c", {})
    with pytest.raises(ImportRefused, match="не выгрузка"):
        bundle.unpack("не файл".encode())
    with pytest.raises(ImportRefused, match="повреждён"):
        bundle.unpack(b"PK\x03\x04broken")


def _item(*files: tuple[bytes, str]) -> SimpleNamespace:
    return SimpleNamespace(evidence=[SimpleNamespace(
        sha256=sha, name="f.pdf", media_type="application/pdf", size=len(body),
        storage_key=key) for body, key, sha in files])


def test_export_leaves_out_what_does_not_fit_or_no_longer_matches(tmp_path):
    store = LocalStore(tmp_path)
    good, other = PDF, PDF + b"%second"
    k1, k2 = store.put(good), store.put(other)
    k3 = store.put(b"%PDF-1.4 changed on disk")
    item = _item((good, k1, hashlib.sha256(good).hexdigest()),
                 (other, k2, hashlib.sha256(other).hexdigest()),
                 (good, k3, "f" * 64))  # recorded hash no longer matches the bytes
    files: dict[str, bytes] = {}
    refs, omitted = moving._files_for(store, item, [len(good) + 1], files)  # type: ignore[arg-type]
    assert [r[0] for r in refs] == [hashlib.sha256(good).hexdigest()]
    assert omitted == 2 and list(files.values()) == [good]
