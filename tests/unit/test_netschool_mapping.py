"""Сетевой город diaries → records, without a server: a class's assignment repeated in every
student's diary is one shared record, and a broken one is reported for each diary it is in."""

from __future__ import annotations

from datetime import date

from adapters.netschool.mapping import diary_records

TYPES = {1: "Контрольная работа", 2: "Ответ на уроке"}


def _diary(assignments: list[dict]) -> dict:
    return {"weekDays": [{"date": "2026-09-07T00:00:00", "lessons": [
        {"number": 2, "subjectName": "Алгебра", "day": "2026-09-07T00:00:00",
         "assignments": assignments}]}]}


def test_repeated_assignment_is_one_record_with_each_students_mark() -> None:
    work = {"id": 901, "typeId": 1, "assignmentName": "Функции", "weight": 2,
            "dueDate": "2026-09-07T00:00:00"}
    first = diary_records(_diary([{**work, "mark": {"mark": 5, "dutyMark": False}}]),
                          "s-1", "c-10a", TYPES, "netschool:diary:2026-09-07:student s-1")
    second = diary_records(_diary([{**work, "mark": {"mark": None, "dutyMark": True}}]),
                           "s-2", "c-10a", TYPES, "netschool:diary:2026-09-07:student s-2")
    (a1,), (a2,) = first[0].records, second[0].records
    assert a1 is a2
    assert (a1.source_id, a1.class_id, a1.subject, a1.type_name, a1.weight, a1.due) == (
        "901", "c-10a", "Алгебра", "Контрольная работа", 2.0, date(2026, 9, 7))
    assert first[1].records[0].mark.value == 5 and first[1].records[0].student_id == "s-1"
    assert second[1].records[0].mark.debt and second[1].records[0].student_id == "s-2"


def test_broken_assignment_is_reported_for_every_diary_it_is_in() -> None:
    broken = {"id": 902, "typeId": 2, "weight": "тяжёлая", "dueDate": "2026-09-07T00:00:00",
              "mark": {"mark": 4}}
    unhashable = {"id": 903, "typeId": 2, "weight": [1], "dueDate": "2026-09-07T00:00:00"}
    for student in ("s-1", "s-2"):
        source = f"netschool:diary:2026-09-07:student {student}"
        assignments, marks, _, seen = diary_records(_diary([broken, unhashable]), student,
                                                    "c-10a", TYPES, source)
        assert seen == 2 and assignments.records == [] and marks.records == []
        assert [(r.source, sorted(r.errors)) for r in assignments.rejected] == [
            (f"{source}: assignment 902", ["weight"]),
            (f"{source}: assignment 903", ["weight"])]
