"""OneRoster 1.2 import: a valid bulk set, a delta, bad rows named by line, refused sets."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from adapters.oneroster.adapter import OneRosterSource
from adapters.oneroster.reader import ImportRefused
from schemas.marks import ParsedMark
from tests.adapters.oneroster.sets import BULK, T, load, manifest, write_folder, write_zip

YEAR = (date(2026, 9, 1), date(2027, 5, 31))


def _all_grades(source: OneRosterSource) -> tuple[list, list, list]:
    roster = source.fetch_roster().roster
    assignments, marks, rejected = [], [], []
    for chunk in source.chunks(*YEAR, roster):
        batch = source.fetch_grades(chunk)
        assignments += batch.assignments
        marks += batch.marks
        rejected += batch.rejected
    return assignments, marks, rejected


def test_valid_bulk_set_from_a_zip_with_a_top_folder(tmp_path: Path) -> None:
    source = OneRosterSource(write_zip(tmp_path / "set.zip", BULK, folder="export-2026/"))
    batch = source.fetch_roster()
    roster = batch.roster
    assert batch.rejected == [] and not batch.delta
    assert (roster.organisation.source_id, roster.organisation.name) == (
        "sch37", "МБОУ \"Средняя школа №37\"")
    assert source.namespace == "oneroster:sch37"
    assert [(c.source_id, c.name, c.kind, c.subject, c.grade) for c in roster.classes] == [
        ("c10a", "10А", "class", "", 10),
        ("c10a-phys", "Физика, 10А", "subject_group", "Физика", 10)]
    people = {p.source_id: p for p in roster.people}
    assert {k: p.role for k, p in people.items()} == {
        "t1": "teacher", "s1": "student", "s2": "student", "p1": "parent"}
    assert people["p1"].children == ("s1",) and people["s1"].children == ()
    assert people["t1"].display_name == "Петрова Анна Сергеевна"
    assert people["s1"].login == "ivanov.i"
    assert len(roster.enrolments) == 5  # the administrator of 10А is not in its journal
    assert batch.year is not None and [t.name for t in batch.year.terms] == [
        "1 четверть", "2 четверть"]
    assignments, marks, rejected = _all_grades(source)
    assert rejected == []
    kr = next(a for a in assignments if a.source_id == "li1")
    assert (kr.type_name, kr.weight, kr.subject, kr.due) == (
        "Контрольная работа", 2.0, "Физика", date(2026, 9, 17))
    assert next(a for a in assignments if a.source_id == "li2").weight == 1.0
    got = {(m.assignment_id, m.student_id): m.mark for m in marks}
    assert got == {("li1", "s1"): ParsedMark(value=5), ("li1", "s2"): ParsedMark(code="Н"),
                   ("li2", "s1"): ParsedMark(value=4),  # 72 of 100
                   ("li2", "s2"): ParsedMark(debt=True)}  # not submitted: «точка»
    comment = next(m.comment for m in marks if m.key == ("li1", "s1"))
    assert comment == "Отлично, без ошибок"


def test_bulk_chunks_are_months_covering_everyone(tmp_path: Path) -> None:
    source = OneRosterSource(write_folder(tmp_path / "set", BULK))
    chunks = source.chunks(date(2026, 9, 10), date(2026, 11, 5), source.fetch_roster().roster)
    assert [(c.key, c.start, c.end, c.scope) for c in chunks] == [
        ("oneroster/2026-09", date(2026, 9, 10), date(2026, 9, 30), ""),
        ("oneroster/2026-10", date(2026, 10, 1), date(2026, 10, 31), ""),
        ("oneroster/2026-11", date(2026, 11, 1), date(2026, 11, 5), "")]
    september = source.fetch_grades(chunks[0])
    assert [a.source_id for a in september.assignments] == ["li1"]
    assert {m.assignment_id for m in september.marks} == {"li1"}


def test_delta_set_reports_upserts_and_deletions(tmp_path: Path) -> None:
    source = OneRosterSource(write_folder(tmp_path / "delta", load("delta")))
    batch = source.fetch_roster()
    assert batch.delta and batch.rejected == []
    # No orgs.csv in the delta: the school comes from the rows, the namespace matches bulk's.
    assert source.namespace == "oneroster:sch37"
    assert batch.roster.organisation.source_id == "sch37"
    assert [p.source_id for p in batch.roster.people] == ["s3"]
    assert [(e.person_id, e.class_id) for e in batch.roster.enrolments] == [("s3", "c10a")]
    assert batch.deleted.people == ("s2",)
    assert [(e.person_id, e.class_id, e.role) for e in batch.deleted.enrolments] == [
        ("s2", "c10a", "student")]
    [chunk] = source.chunks(*YEAR, batch.roster)
    assert chunk.start > chunk.end  # covers nothing: a delta deletes nothing by absence
    grades = source.fetch_grades(chunk)
    assert [(m.assignment_id, m.student_id, m.mark.value) for m in grades.marks] == [
        ("li1", "s3", 3)]
    assert grades.deleted_marks == [("li1", "s2")]


def test_bad_rows_are_rejected_by_line_and_field_and_the_rest_kept(tmp_path: Path) -> None:
    users = BULK["users.csv"].splitlines()
    users[2] = users[2].replace(",Иван,Иванов,", ",,Иванов,")  # line 3: no givenName
    users.insert(3, f's9,active,{T},maybe,x9,,"Многострочное\nимя",Тестов,,,,,,,,,,,,,,sch37,')
    users.append(f"t1,active,{T},true,dup,,Дубль,Дублев,,,,,,,,,,,,,,sch37,")
    results = BULK["results.csv"].splitlines()
    results.append(f"res7,active,{T},li1,s2,fully graded,5,,17.09.2026,")
    results.append(f"res8,active,{T},li404,s2,graded,5,,2026-09-17,")
    files = {**BULK, "users.csv": "\n".join(users) + "\n",
             "results.csv": "\n".join(results) + "\n"}
    source = OneRosterSource(write_folder(tmp_path / "set", files))
    batch = source.fetch_roster()
    messages = [str(r) for r in batch.rejected]
    assert messages == [
        "users.csv, строка 3: поле givenName: обязательное поле",
        "users.csv, строка 4: поле enabledUser: ожидается true или false, а не «maybe»",
        "users.csv, строка 8: поле sourcedId: «t1» уже встречался в строке 2",
        # s1 lost its row, so its enrolments, role and results point nowhere
        "enrollments.csv, строка 2: поле userSourcedId: нет пользователя «s1» в users.csv",
        "enrollments.csv, строка 4: поле userSourcedId: нет пользователя «s1» в users.csv",
        "roles.csv, строка 3: поле userSourcedId: нет пользователя «s1» в users.csv"]
    assert {p.source_id for p in batch.roster.people} == {"t1", "s2", "p1"}
    assert batch.rejected[0].source == "users.csv, строка 3"
    assert batch.rejected[0].reason() == "поле givenName: обязательное поле"
    _, marks, rejected = _all_grades(source)
    assert [str(r) for r in rejected] == [
        "results.csv, строка 7: поле scoreDate: неверная дата «17.09.2026», нужен формат "
        "ГГГГ-ММ-ДД",
        "results.csv, строка 8: поле scoreStatus: недопустимое значение «graded», "
        "допустимо: exempt, fully graded, not submitted, partially graded, submitted",
        "results.csv, строка 2: поле studentSourcedId: нет пользователя «s1» в users.csv",
        "results.csv, строка 4: поле studentSourcedId: нет пользователя «s1» в users.csv"]
    assert {m.key for m in marks} == {("li1", "s2"), ("li2", "s2")}


def test_a_missing_required_column_refuses_the_whole_set(tmp_path: Path) -> None:
    users = BULK["users.csv"].replace(",givenName,", ",firstName,", 1)
    source = OneRosterSource(write_folder(tmp_path / "set", {**BULK, "users.csv": users}))
    with pytest.raises(ImportRefused) as caught:
        source.fetch_roster()
    assert caught.value.problems == ["users.csv: нет обязательных столбцов: givenName"]
    assert not caught.value.retryable
    with pytest.raises(ImportRefused):
        source.chunks(*YEAR, None)  # type: ignore[arg-type]


@pytest.mark.parametrize(("change", "problem"), [
    ({"manifest.csv": manifest({"users": "bulk"}, version="1.1")},
     "manifest.csv: поддерживается oneroster.version 1.2, указано «1.1»"),
    ({"manifest.csv": manifest({"users": "full"})},
     "manifest.csv: file.users = «full», допустимо: bulk, delta, absent"),
    ({"manifest.csv": manifest({"users": "bulk", "demographics": "absent",
                                "lineItems": "bulk"}), "lineItems.csv": None},
     "lineItems.csv указан в manifest.csv как bulk, но его нет в наборе"),
    ({"manifest.csv": None}, "нет файла manifest.csv"),
    ({"users.csv": BULK["users.csv"].replace(",", ";")},
     "users.csv: столбцы разделены «;», а OneRoster требует запятую"),
    ({"users.csv": BULK["users.csv"].encode("cp1251")},
     "users.csv: файл не в кодировке UTF-8 (в Excel: «Сохранить как» → «CSV UTF-8»)"),
    ({"users.csv": BULK["users.csv"] + 's5,active,"unterminated\n'},
     "users.csv, строка 6: файл CSV повреждён (unexpected end of data)"),
])
def test_structurally_broken_sets_are_refused(tmp_path: Path, change: dict,
                                              problem: str) -> None:
    files = {k: v for k, v in {**BULK, **change}.items() if v is not None}
    with pytest.raises(ImportRefused) as caught:
        OneRosterSource(write_folder(tmp_path / "set", files)).fetch_roster()
    assert problem in caught.value.problems
    assert problem in caught.value.message


def test_not_a_set_at_all(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ImportRefused, match="не zip-архив"):
        OneRosterSource(tmp_path / "notes.txt").check()
    with pytest.raises(ImportRefused, match="нет файла или папки"):
        OneRosterSource(tmp_path / "missing.zip").check()


def test_a_zip_bomb_is_refused_without_expanding_it(tmp_path):
    """Issue 7: a 200 KB zip used 1.96 GB of memory. Limits on size and ratio, checked while
    reading (the zip's headers may lie)."""
    import tracemalloc
    import zipfile

    from adapters.oneroster.reader import ImportRefused, read
    from tests.adapters.oneroster.sets import BULK

    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in BULK.items():
            archive.writestr(name, text)
        archive.writestr("results.csv", BULK["results.csv"] + "x" * (300 * 1024 * 1024))
    assert bomb.stat().st_size < 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(ImportRefused) as refused:
            read(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "results.csv: слишком большой после распаковки" in str(refused.value.problems)
    assert peak < 200 * 1024 * 1024


def test_nameless_header_columns_are_named_by_position(tmp_path: Path) -> None:
    """Two nameless columns were refused as «столбцы повторяются: » — an empty list."""
    header, rest = BULK["users.csv"].split("\n", 1)
    cells = header.split(",")
    cells[1] = cells[4] = ""
    users = ",".join(cells) + "\n" + rest
    with pytest.raises(ImportRefused) as caught:
        OneRosterSource(write_folder(tmp_path / "set", {**BULK, "users.csv": users})
                        ).fetch_roster()
    assert "users.csv: у столбцов 2, 5 (по порядку слева) нет имени в строке заголовка " \
           "(лишняя запятая?)" in caught.value.problems
    assert not any(p.rstrip().endswith(":") for p in caught.value.problems)
