"""Hand-written OneRoster 1.2 sets (``data/``), as a school's SIS would export them."""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from pathlib import Path

from schemas.oneroster import MANIFEST_FILES

T = "2026-08-30T10:00:00.000Z"  # dateLastModified used throughout the data files
DATA = Path(__file__).parent / "data"


def manifest(modes: dict[str, str], version: str = "1.2") -> str:
    lines = ["propertyName,value", "manifest.version,1.0", f"oneroster.version,{version}"]
    lines += [f"file.{n},{modes.get(n, 'absent')}" for n in MANIFEST_FILES]
    lines += ["source.systemName,АИС Школа", "source.systemCode,ais"]
    return "\n".join(lines) + "\n"


def load(folder: str) -> dict[str, str]:
    """The CSV files of ``data/<folder>`` by name, with a manifest declaring each one
    ``folder`` (bulk or delta)."""
    files = {p.name: p.read_text(encoding="utf-8") for p in sorted((DATA / folder).glob("*.csv"))}
    files["manifest.csv"] = manifest({name[:-4]: folder for name in files})
    return files


BULK = load("bulk")


def write_folder(path: Path, files: Mapping[str, str | bytes]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (path / name).write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def write_zip(path: Path, files: dict[str, str], folder: str = "") -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(folder + name, text)
    return path
