"""The school's curriculum offer from an XLSX workbook: read, validate every row, then save.

Sheet «Курсы» (required), one course a row under a header:
  A Курс | B Предмет ФГОС (пусто: по названию курса) | C Уровень (базовый / углублённый) |
  D Вид (предмет / курс по выбору / проект) | E Часов в неделю, 10 кл. | F Часов в неделю, 11 кл. |
  G Профили (через запятую; пусто: все) | H Группа
Sheet «Параметры» (optional): «Дней в неделе» | 5 or 6.
Sheet «Анкета» (optional): the school's questionnaire, one question a row in column A (without
it the defaults from the seeds are asked).
Every error names the sheet, the row and the column in Russian; with any error nothing is
saved (the caller commits only a clean import, and ``save`` replaces the whole offer at once).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook, load_workbook
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lti_tool.pathways.editions import PROFILES, SUBJECTS
from lti_tool.pathways.models import OfferCourse, SchoolOffer
from lti_tool.pathways.rules import subject_of

HEADER = ("Курс", "Предмет ФГОС", "Уровень", "Вид", "Часов в неделю, 10 кл.",
          "Часов в неделю, 11 кл.", "Профили", "Группа")
LEVELS = {"базовый": "basic", "углублённый": "advanced", "углубленный": "advanced"}
KINDS = {"предмет": "subject", "курс по выбору": "elective", "проект": "project"}
_SUBJECT_BY_NAME = {name: key for key, (name, _) in SUBJECTS.items()}
_PROFILE_BY_NAME = {name: key for key, name in PROFILES.items()}
MAX_ROWS = 2000


@dataclass
class Imported:
    courses: list[dict[str, Any]] = field(default_factory=list)
    week_days: int | None = None
    questions: list[dict[str, str]] = field(default_factory=list)
    profiles: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _text(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())


def _hours(value: Any) -> float | None:
    if value is None or value == "":
        return 0.0
    try:
        number = float(str(value).replace(",", "."))
    except ValueError:
        return None
    return number if 0 <= number <= 12 else None


def parse(content: bytes) -> Imported:
    out = Imported()
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not XLSX
        out.errors.append("Файл не читается как книга Excel (XLSX).")
        return out
    if "Курсы" not in book.sheetnames:
        out.errors.append("В книге нет листа «Курсы».")
        return out
    rows = list(book["Курсы"].iter_rows(values_only=True, max_row=MAX_ROWS + 1))
    if not rows or tuple(_text(c) for c in rows[0][:len(HEADER)]) != HEADER:
        out.errors.append("Лист «Курсы», строка 1: нужен заголовок: " + " | ".join(HEADER) + ".")
        return out
    seen: dict[tuple[str, str, str], int] = {}
    for number, row in enumerate(rows[1:], start=2):
        cells = list(row[:len(HEADER)]) + [None] * (len(HEADER) - len(row[:len(HEADER)]))
        if all(_text(c) == "" for c in cells):
            continue
        course = _parse_row(number, cells, out.errors)
        if course is None:
            continue
        key = (course["name"].lower(), course["level"], course["kind"])
        if key in seen:
            out.errors.append(f"Лист «Курсы», строка {number}, столбец A (Курс): курс "
                              f"«{course['name']}» на этом уровне уже есть в строке {seen[key]}.")
            continue
        seen[key] = number
        out.courses.append(course)
    if not out.courses and not out.errors:
        out.errors.append("Лист «Курсы»: нет ни одного курса.")
    if "Параметры" in book.sheetnames:
        for number, row in enumerate(book["Параметры"].iter_rows(values_only=True, max_row=50),
                                     start=1):
            if row and _text(row[0]).lower() == "дней в неделе":
                value = _text(row[1] if len(row) > 1 else None)
                if value not in {"5", "6"}:
                    out.errors.append(f"Лист «Параметры», строка {number}, столбец B: «{value}» "
                                      "— допустимо 5 или 6 дней.")
                else:
                    out.week_days = int(value)
    if "Анкета" in book.sheetnames:
        for number, row in enumerate(book["Анкета"].iter_rows(values_only=True, max_row=60),
                                     start=1):
            text = _text(row[0] if row else None)
            if len(text) > 300:
                out.errors.append(f"Лист «Анкета», строка {number}, столбец A: вопрос длиннее "
                                  "300 символов.")
            elif text:
                out.questions.append({"key": f"q{number}", "label": text})
    out.profiles = sorted({p for c in out.courses for p in c["profiles"]})
    return out


def _parse_row(number: int, cells: list[Any], errors: list[str]) -> dict[str, Any] | None:
    where = f"Лист «Курсы», строка {number}"
    before = len(errors)
    name = _text(cells[0])
    if not name:
        errors.append(f"{where}, столбец A (Курс): название курса не указано.")
    subject_name = _text(cells[1]).lower()
    kind = KINDS.get(_text(cells[3]).lower() or "предмет")
    if kind is None:
        errors.append(f"{where}, столбец D (Вид): «{_text(cells[3])}» — допустимо: "
                      f"{', '.join(KINDS)}.")
    subject = _SUBJECT_BY_NAME.get(subject_name) if subject_name else subject_of(name)
    if subject_name and subject is None:
        errors.append(f"{where}, столбец B (Предмет ФГОС): «{_text(cells[1])}» — нет такого "
                      f"предмета; допустимо: {', '.join(_SUBJECT_BY_NAME)}.")
    level = LEVELS.get(_text(cells[2]).lower() or "базовый")
    if level is None:
        errors.append(f"{where}, столбец C (Уровень): «{_text(cells[2])}» — допустимо: "
                      "базовый, углублённый.")
    hours = []
    for col, label, value in (("E", HEADER[4], cells[4]), ("F", HEADER[5], cells[5])):
        parsed = _hours(value)
        if parsed is None:
            errors.append(f"{where}, столбец {col} ({label}): «{_text(value)}» — нужно число "
                          "часов от 0 до 12.")
        hours.append(parsed or 0.0)
    if len(errors) == before and hours == [0.0, 0.0]:
        errors.append(f"{where}, столбцы E–F: у курса «{name}» нет часов ни в 10, ни в 11 классе.")
    profiles = []
    for part in filter(None, (p.strip().lower() for p in _text(cells[6]).split(","))):
        if part not in _PROFILE_BY_NAME:
            errors.append(f"{where}, столбец G (Профили): «{part}» — нет такого профиля; "
                          f"допустимо: {', '.join(_PROFILE_BY_NAME)}.")
        else:
            profiles.append(_PROFILE_BY_NAME[part])
    if len(errors) != before:
        return None
    return {"name": name, "subject": subject if kind == "subject" else None, "level": level,
            "kind": kind, "hours10": hours[0], "hours11": hours[1], "profiles": profiles,
            "group": _text(cells[7])}


def save(session: Session, org_id: int, imported: Imported) -> SchoolOffer:
    """Replace the school's offer with a clean import (refuses one with errors)."""
    if imported.errors:
        raise ValueError("an import with errors is never saved")
    offer = session.scalars(select(SchoolOffer).where(
        SchoolOffer.organisation_id == org_id)).first()
    if offer is None:
        offer = SchoolOffer(organisation_id=org_id, profiles=[], groups={}, questions=[])
        session.add(offer)
    if imported.week_days:
        offer.week_days = imported.week_days
    offer.profiles = imported.profiles or sorted(PROFILES)
    offer.questions = imported.questions
    session.execute(delete(OfferCourse).where(OfferCourse.organisation_id == org_id))
    session.add_all(OfferCourse(organisation_id=org_id, **c) for c in imported.courses)
    session.flush()
    return offer


def courses(session: Session, org_id: int) -> list[OfferCourse]:
    return list(session.scalars(select(OfferCourse).where(
        OfferCourse.organisation_id == org_id).order_by(OfferCourse.kind, OfferCourse.name,
                                                        OfferCourse.level)))


def workbook(rows: list[tuple[Any, ...]], week_days: int = 6,
             questions: list[str] | None = None) -> bytes:
    """An offer workbook (the template the admin downloads, and the demo's offer)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Курсы"
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    params = book.create_sheet("Параметры")
    params.append(("Дней в неделе", week_days))
    if questions:
        sheet_q = book.create_sheet("Анкета")
        for text in questions:
            sheet_q.append((text,))
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def default_rows() -> list[tuple[Any, ...]]:
    """A realistic offer: every course of the worked plans at both levels, plus electives."""
    from lti_tool.pathways.examples import _HOURS, PROFILE_CHOICES

    rows: list[tuple[Any, ...]] = []
    for course, (basic, advanced) in _HOURS.items():
        rows.append((course, "", "базовый", "предмет", basic, basic, "", ""))
        if course not in ("Физическая культура", "Основы безопасности и защиты Родины"):
            rows.append((course, "", "углублённый", "предмет", advanced, advanced, "", ""))
    electives: dict[str, int] = {}
    for _, choices in PROFILE_CHOICES.values():
        for name, h in choices:
            electives[name] = max(h, electives.get(name, 0))
    rows += [(name, "", "базовый", "курс по выбору", h, h, "", "")
             for name, h in sorted(electives.items())]
    rows.append(("Индивидуальный проект", "", "базовый", "проект", 1, 1, "", ""))
    return rows
