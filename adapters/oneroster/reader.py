"""Reading a OneRoster 1.2 CSV set (zip or folder) into validated rows, all or nothing.

Two kinds of failure, handled differently:

- a *structural* problem (no manifest, a listed file missing, a required column absent, not
  UTF-8, semicolons instead of commas...) refuses the whole import with
  :class:`ImportRefused` — nothing half-parsed is returned;
- a *malformed row* is rejected with its file, line and field, skipped, and the rest kept.

The stdlib ``csv`` module does the parsing: the PyPI packages named OneRoster are REST API
clients; none reads the CSV binding, and RFC 4180 quoting (commas, quotes, newlines in a
field) is exactly what ``csv`` already does right.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adapters.base import RemoteError
from schemas.oneroster import FILES, MANIFEST_FILES, MODES, VERSION, RowRejected, validate_row

# Files whose sourcedIds other files point to, and the columns that point at them.
REFERENCES: dict[str, tuple[tuple[str, str], ...]] = {
    "classes.csv": (("courseSourcedId", "courses.csv"), ("schoolSourcedId", "orgs.csv")),
    "enrollments.csv": (("classSourcedId", "classes.csv"), ("userSourcedId", "users.csv")),
    "roles.csv": (("userSourcedId", "users.csv"),),
    "lineItems.csv": (("classSourcedId", "classes.csv"),
                      ("categorySourcedId", "categories.csv")),
    "results.csv": (("lineItemSourcedId", "lineItems.csv"),
                    ("studentSourcedId", "users.csv")),
}
_NAMES = {"courses.csv": "курса", "orgs.csv": "организации", "classes.csv": "класса",
          "users.csv": "пользователя", "lineItems.csv": "задания",
          "categories.csv": "категории"}


class ImportRefused(RemoteError):
    """The set cannot be imported at all; ``problems`` lists every structural error found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("Импорт OneRoster отклонён: " + "; ".join(problems))
        self.problems = problems


@dataclass
class Row:
    line: int
    values: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.values["sourcedId"])

    @property
    def deleted(self) -> bool:
        return self.values.get("status") == "tobedeleted"

    def __getitem__(self, name: str) -> Any:
        return self.values.get(name)


@dataclass
class Parsed:
    """A whole set: each file's mode and valid rows (in file order), and rejected rows."""

    modes: dict[str, str]
    rows: dict[str, list[Row]]
    rejected: list[RowRejected] = field(default_factory=list)
    system: str = ""

    def get(self, file: str) -> list[Row]:
        return self.rows.get(file, [])

    @property
    def delta(self) -> bool:
        return "delta" in self.modes.values()


def read(path: str | Path) -> Parsed:
    """Read and validate a set; raises :class:`ImportRefused` when it is structurally broken."""
    texts = _open(Path(path))
    problems: list[str] = []
    modes, system = _manifest(texts, problems)
    raw: dict[str, tuple[list[str], list[tuple[int, dict[str, str]]]]] = {}
    for file, mode in modes.items():
        if mode == "absent" or file not in FILES:
            continue
        if file not in texts:
            problems.append(f"{file} указан в manifest.csv как {mode}, но его нет в наборе")
            continue
        header, rows = _table(file, texts[file], problems)
        missing = [c for c in FILES[file].must_have if c not in header]
        if header and missing:
            problems.append(f"{file}: нет обязательных столбцов: {', '.join(missing)}")
        raw[file] = (header, rows)
    if problems:
        raise ImportRefused(problems)
    parsed = Parsed(modes={f: m for f, m in modes.items() if f in FILES}, rows={},
                    system=system)
    for file, (_, rows) in raw.items():
        parsed.rows[file] = _validate(file, rows, modes[file] == "delta", parsed.rejected)
    _check_references(parsed)
    return parsed


#: Limits for a zip (a 200 KB archive once expanded to 2 GB in memory): a OneRoster set of
#: a large school for a year is tens of MB of CSV and compresses about tenfold.
MAX_MEMBERS = 40
MAX_MEMBER_BYTES = 200 * 1024 * 1024
MAX_TOTAL_BYTES = 400 * 1024 * 1024
MAX_RATIO = 200


def _unzip(archive: zipfile.ZipFile, name: str, budget: list[int]) -> bytes:
    """One member, read in pieces and stopped as soon as it passes a limit: the sizes in
    the zip's own headers are only claims, so they are checked again while reading."""
    info = archive.getinfo(name)
    limit = min(MAX_MEMBER_BYTES, budget[0], max(info.compress_size, 1) * MAX_RATIO)
    out = bytearray()
    with archive.open(info) as member:
        while piece := member.read(1024 * 1024):
            out += piece
            if len(out) > limit:
                raise ImportRefused([
                    f"{name}: слишком большой после распаковки (больше {limit // 1024 // 1024} "
                    f"МБ, или сжат более чем в {MAX_RATIO} раз); такой архив не принимается"])
    budget[0] -= len(out)
    return bytes(out)


def _open(path: Path) -> dict[str, str]:
    """File name → text, from a zip or a folder (the set may sit in one top folder)."""
    blobs: dict[str, bytes] = {}
    if path.is_dir():
        base = path if (path / "manifest.csv").exists() else next(
            (p for p in path.iterdir() if (p / "manifest.csv").exists()), path)
        blobs = {p.name: p.read_bytes() for p in base.iterdir() if p.suffix == ".csv"}
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n.endswith(".csv")]
            if len(names) > MAX_MEMBERS:
                raise ImportRefused([f"{path.name}: в архиве {len(names)} CSV-файлов, "
                                     f"допустимо не больше {MAX_MEMBERS}"])
            prefix = min((n[:-len("manifest.csv")] for n in names
                          if n.rsplit("/", 1)[-1] == "manifest.csv"), key=len, default="")
            budget = [MAX_TOTAL_BYTES]
            blobs = {n[len(prefix):]: _unzip(archive, n, budget) for n in names
                     if n.startswith(prefix) and "/" not in n[len(prefix):]}
    elif path.exists():
        raise ImportRefused([f"{path.name}: это не zip-архив и не папка"])
    else:
        raise ImportRefused([f"нет файла или папки {path}"])
    texts = {}
    for name, blob in blobs.items():
        try:
            texts[name] = blob.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportRefused([f"{name}: файл не в кодировке UTF-8 (в Excel: «Сохранить "
                                 "как» → «CSV UTF-8»)"]) from None
    return texts


def _manifest(texts: dict[str, str], problems: list[str]) -> tuple[dict[str, str], str]:
    if "manifest.csv" not in texts:
        raise ImportRefused(["нет файла manifest.csv"])
    header, rows = _table("manifest.csv", texts["manifest.csv"], problems)
    if problems:
        raise ImportRefused(problems)
    if header[:2] != ["propertyName", "value"]:
        raise ImportRefused(["manifest.csv: нужны столбцы propertyName и value"])
    props = {r.get("propertyName", "").strip(): (r.get("value") or "").strip()
             for _, r in rows}
    version = props.get("oneroster.version", "")
    if version != VERSION:
        problems.append(f"manifest.csv: поддерживается oneroster.version {VERSION}, "
                        f"указано «{version or 'ничего'}»")
    modes: dict[str, str] = {}
    for name in MANIFEST_FILES:
        mode = props.get(f"file.{name}", "absent") or "absent"
        if mode not in MODES:
            problems.append(f"manifest.csv: file.{name} = «{mode}», допустимо: bulk, delta, "
                            "absent")
        modes[f"{name}.csv"] = mode
    if problems:
        raise ImportRefused(problems)
    return modes, props.get("source.systemName", "")


def _table(file: str, text: str, problems: list[str]
           ) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and rows with the line each row *starts* on (fields may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader, [])]
        if not header or header == [""]:
            problems.append(f"{file}: пустой файл, нет строки заголовка")
            return [], []
        if len(header) == 1 and ";" in header[0]:
            problems.append(f"{file}: столбцы разделены «;», а OneRoster требует запятую")
            return [], []
        nameless = [str(i) for i, h in enumerate(header, start=1) if not h]
        if nameless:
            problems.append(f"{file}: у столбцов {', '.join(nameless)} (по порядку слева) "
                            "нет имени в строке заголовка (лишняя запятая?)")
        duplicates = sorted({h for h in header if h and header.count(h) > 1})
        if duplicates:
            problems.append(f"{file}: столбцы повторяются: {', '.join(duplicates)}")
        rows: list[tuple[int, dict[str, str]]] = []
        end = reader.line_num
        for cells in reader:
            start, end = end + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            row = dict(zip(header, cells, strict=False))
            if len(cells) > len(header):
                row["\x00extra"] = "1"
            elif len(cells) < len(header):
                row["\x00short"] = "1"
            rows.append((start, row))
        return header, rows
    except csv.Error as exc:
        problems.append(f"{file}, строка {reader.line_num}: файл CSV повреждён ({exc})")
        return [], []


def _validate(file: str, rows: list[tuple[int, dict[str, str]]], delta: bool,
              rejected: list[RowRejected]) -> list[Row]:
    spec = FILES[file]
    kept: list[Row] = []
    seen: dict[str, int] = {}
    for line, raw in rows:
        values, errors = validate_row(spec, raw, delta)
        if raw.pop("\x00extra", None):
            errors["_"] = "в строке больше значений, чем столбцов в заголовке"
        if raw.pop("\x00short", None):
            errors["_"] = "в строке меньше значений, чем столбцов в заголовке"
        source_id = values.get("sourcedId")
        if source_id and source_id in seen and "sourcedId" not in errors:
            errors["sourcedId"] = f"«{source_id}» уже встречался в строке {seen[source_id]}"
        if errors:
            rejected.append(RowRejected(file, line, errors, raw))
            continue
        seen[str(source_id)] = line
        kept.append(Row(line, values))
    return kept


def _check_references(parsed: Parsed) -> None:
    """In bulk files a row pointing at a record the set does not hold is rejected (a delta
    may point at records imported before). Parents are checked first, so a rejected class
    takes its line items and their results with it."""
    ids: dict[str, set[str]] = {}
    for file, refs in REFERENCES.items():
        if parsed.modes.get(file) != "bulk":
            continue
        kept = []
        for row in parsed.get(file):
            errors = {}
            for column, target in refs:
                if parsed.modes.get(target) != "bulk" or not row[column]:
                    continue
                if target not in ids:
                    ids[target] = {r.id for r in parsed.get(target) if not r.deleted}
                if row[column] not in ids[target]:
                    errors[column] = f"нет {_NAMES[target]} «{row[column]}» в {target}"
            if errors:
                parsed.rejected.append(RowRejected(file, row.line, errors, row.values))
            else:
                kept.append(row)
        parsed.rows[file] = kept

