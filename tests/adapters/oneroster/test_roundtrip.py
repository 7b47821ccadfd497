"""Export then import gives back the same records, for hand-picked and generated rosters."""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.oneroster.adapter import OneRosterSource
from adapters.oneroster.export import ExportSet, export_bytes, tables, write_zip
from schemas.marks import ABSENCE_CODES, ParsedMark, parse_mark
from schemas.oneroster import FILES
from schemas.records import (
    AcademicYearRecord,
    AssignmentRecord,
    ClassRecord,
    EnrolmentRecord,
    MarkRecord,
    OrganisationRecord,
    PersonRecord,
    Roster,
    TermRecord,
)

WINDOW = (date(2026, 9, 1), date(2027, 5, 31))


def _import(data: bytes, folder: Path) -> tuple[OneRosterSource, ExportSet, list]:
    path = folder / "set.zip"
    path.write_bytes(data)
    source = OneRosterSource(path)
    batch = source.fetch_roster()
    assignments, marks, rejected = [], [], list(batch.rejected)
    for chunk in source.chunks(*WINDOW, batch.roster):
        got = source.fetch_grades(chunk)
        assignments += got.assignments
        marks += got.marks
        rejected += got.rejected
    return source, ExportSet(batch.roster, batch.year, assignments, marks), rejected


def _example() -> ExportSet:
    roster = Roster(
        OrganisationRecord("org-37", 'Школа №37, "Кострома"', "СШ37"),
        (ClassRecord("c1", "10А", 10, "class", ""),
         ClassRecord("c2", "Физика, 10А", 10, "subject_group", "Физика, профиль")),
        (PersonRecord("u1", "student", "Иванов", "Иван", "Иванович", "ivan", "i@x.example"),
         PersonRecord("u2", "teacher", "Петрова", "Анна\nМария", login="anna"),
         PersonRecord("u3", "parent", "Иванова", "Ольга", login="olga", children=("u1",)),
         PersonRecord("u4", "admin", "Завуч", "Нина", login="nina")),
        (EnrolmentRecord("u1", "c1"), EnrolmentRecord("u1", "c2"),
         EnrolmentRecord("u2", "c2", "teacher")))
    year = AcademicYearRecord("y", "2026/27", date(2026, 9, 1), date(2027, 5, 31), (
        TermRecord("t1", "1 четверть", date(2026, 9, 1), date(2026, 10, 26)),))
    assignments = [AssignmentRecord("a1", "c2", "Физика, профиль", 'Контрольная "1"',
                                    "Контрольная работа", 2.5, date(2026, 9, 15), 10),
                   AssignmentRecord("a2", "c2", "Физика, профиль", "Д/з", "Домашнее задание",
                                    1.0, date(2026, 10, 1))]
    marks = [MarkRecord("a1", "u1", parse_mark("5"), date(2026, 9, 16), 'молодец, "да"\nещё'),
             MarkRecord("a2", "u1", parse_mark("УП"), date(2026, 10, 1)),
             MarkRecord("a2", "u2", parse_mark("."), date(2026, 10, 2))]
    return ExportSet(roster, year, assignments, marks)


def test_export_then_import_is_equal(tmp_path: Path) -> None:
    original = _example()
    _, back, rejected = _import(export_bytes(original), tmp_path)
    assert rejected == []
    assert back.roster == original.roster and back.year == original.year
    assert list(back.assignments) == list(original.assignments)
    assert sorted(back.marks, key=lambda m: m.key) == sorted(original.marks, key=lambda m: m.key)


def test_export_is_plain_oneroster(tmp_path: Path) -> None:
    """What another tool sees: 1.2 headers in spec order, roles.csv, scores and textScores."""
    path = tmp_path / "out.zip"
    write_zip(_example(), path)
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        users = archive.read("users.csv").decode()
        results = list(csv.DictReader(io.StringIO(archive.read("results.csv").decode(),
                                                  newline="")))
        manifest = dict(csv.reader(io.StringIO(archive.read("manifest.csv").decode())))
    assert {"manifest.csv", "users.csv", "roles.csv", "results.csv"} <= names
    assert users.splitlines()[0] == ",".join(FILES["users.csv"].header)
    assert manifest["oneroster.version"] == "1.2" and manifest["file.users"] == "bulk"
    assert manifest["file.demographics"] == "absent"
    assert [(r["scoreStatus"], r["score"], r["textScore"]) for r in results] == [
        ("fully graded", "5", ""), ("not submitted", "", "УП"), ("not submitted", "", ".")]


# --- generated rosters --------------------------------------------------------------------

ids = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,11}", fullmatch=True)
tricky = st.text(alphabet=st.sampled_from(list("АаБбЁёЖжЩщЪъ ,\"'\n\r;Zz№-")), min_size=1,
                 max_size=12)
words = st.one_of(st.sampled_from(["Иван", "Пётр", "Алёна", "Щукина", "О'Нил", "Анна-Мария"]),
                  tricky, st.text(st.characters(codec="utf-8", exclude_characters="\x00"),
                                  min_size=1, max_size=12))
names = words.map(str.strip).filter(bool)
optional = st.one_of(st.just(""), names)
marks_st = st.one_of(st.integers(1, 5).map(lambda v: ParsedMark(value=v)),
                     st.sampled_from(sorted(ABSENCE_CODES)).map(lambda c: ParsedMark(code=c)),
                     st.just(ParsedMark(debt=True)))
days = st.dates(WINDOW[0], WINDOW[1])


@st.composite
def export_sets(draw: st.DrawFn) -> ExportSet:
    all_ids = draw(st.lists(ids, min_size=4, max_size=16, unique=True))
    n_classes = draw(st.integers(1, 3))
    class_ids, rest = all_ids[:n_classes], all_ids[n_classes:]
    classes = []
    for cid in class_ids:
        group = draw(st.booleans())
        classes.append(ClassRecord(cid, draw(names), draw(st.none() | st.integers(1, 11)),
                                   "subject_group" if group else "class",
                                   draw(names) if group else ""))
    n_students = draw(st.integers(1, max(1, len(rest) - 1)))
    students, others = rest[:n_students], rest[n_students:]
    people = [PersonRecord(s, "student", draw(names), draw(names), draw(optional),
                           draw(names), draw(optional)) for s in students]
    for pid in others:
        role = draw(st.sampled_from(["teacher", "parent", "admin"]))
        kids = tuple(draw(st.lists(st.sampled_from(students), unique=True, max_size=2))
                     ) if role == "parent" else ()
        people.append(PersonRecord(pid, role, draw(names), draw(names), draw(optional),
                                   draw(names), draw(optional), kids))
    enrolments = []
    for c in classes:
        for s in draw(st.lists(st.sampled_from(students), unique=True, max_size=4)):
            enrolments.append(EnrolmentRecord(s, c.source_id, "student"))
    org = OrganisationRecord(draw(ids), draw(names), draw(optional))
    assignments = []
    for n in range(draw(st.integers(0, 4))):
        c = draw(st.sampled_from(classes))
        assignments.append(AssignmentRecord(
            f"a{n}", c.source_id, c.subject or c.name, draw(names), draw(names),
            draw(st.floats(0, 100)), draw(days), draw(st.integers(1, 100))))
    marks = []
    for a in assignments:
        for s in draw(st.lists(st.sampled_from(students), unique=True, max_size=3)):
            marks.append(MarkRecord(a.source_id, s, draw(marks_st), draw(days),
                                    draw(optional)))
    year = AcademicYearRecord("year-1", draw(names), WINDOW[0], WINDOW[1])
    return ExportSet(Roster(org, tuple(classes), tuple(people), tuple(enrolments)), year,
                     assignments, marks)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(export_sets())
def test_generated_sets_survive_export_and_import(original: ExportSet) -> None:
    with tempfile.TemporaryDirectory() as folder:
        _, back, rejected = _import(export_bytes(original), Path(folder))
    assert rejected == []
    assert back.roster == original.roster
    assert back.year == original.year
    assert sorted(back.assignments, key=lambda a: a.source_id) == sorted(
        original.assignments, key=lambda a: a.source_id)
    assert sorted(back.marks, key=lambda m: m.key) == sorted(original.marks,
                                                             key=lambda m: m.key)


def test_tables_stamp_is_deterministic() -> None:
    from datetime import UTC, datetime

    stamp = datetime(2026, 9, 1, tzinfo=UTC)
    assert tables(_example(), stamp) == tables(_example(), stamp)
