"""«Сетевой город. Образование» as a roster, grade and attendance source for the sync engine.

Which account reads whom is an ASSUMPTION about the real system, since ИрТех publishes no
API documentation: ``student/diary/init`` lists the students an account may read —
a school's service account (an administrator or «завуч» login) gets every student of its
school, a parent their children, a student themself — and ``student/diary`` answers 403 for
anyone else. The sandbox serves exactly that, and the adapter only relies on the
``students`` list, so the same code runs with a school account (the whole school) and with
per-family accounts (only their own children).

The journal is read the way the public clients read it: one ``student/diary`` call per
student per week, so a chunk is one (week, student) pair with a stable key
``2026-09-07/st-123``; a chunk covers the whole Monday–Sunday week of that student.
"""

from __future__ import annotations

import threading
from datetime import date, timedelta
from typing import Any

from adapters.base import (
    AttendanceSource,
    Chunk,
    GradeSource,
    JournalBatch,
    MalformedResponse,
    RosterBatch,
    RosterSource,
)
from adapters.netschool import mapping
from adapters.netschool.client import NetSchoolClient
from schemas.record_schemas import Batch
from schemas.records import (
    AcademicYearRecord,
    OrganisationRecord,
    PersonRecord,
    Roster,
)


class NetSchoolSource(RosterSource, GradeSource, AttendanceSource):
    kind = "netschool"

    def __init__(self, base_url: str, login: str, password: str, school: str | int, *,
                 timeout: float | tuple[float, float] = (5.0, 30.0), **_: Any) -> None:
        self.base_url = base_url.rstrip("/")
        self.school = str(school).strip()
        self.client = NetSchoolClient(self.base_url, login, password, self.school,
                                      timeout=timeout)
        self._lock = threading.Lock()
        self._meta: dict[str, Any] | None = None

    @property
    def namespace(self) -> str:
        # Student and class ids are unique on one server; the school keeps two schools of a
        # server that are connected separately apart.
        return f"{self.base_url}#{self.school}"

    def close(self) -> None:
        self.client.close()

    # --- what the account sees, read once per source ----------------------------------------

    def meta(self) -> dict[str, Any]:
        """Students visible to the account, their classes, the year id, assignment types."""
        with self._lock:
            if self._meta is None:
                init = self.client.diary_init()
                students = init.get("students") or []
                if isinstance(students, dict):  # older servers: {"0": {...}, "1": {...}}
                    students = [students[k] for k in sorted(students)]
                if not isinstance(students, list):
                    raise MalformedResponse("student/diary/init: нет списка учеников")
                year = self.client.year()
                types = {t.get("id"): str(t.get("name") or "")
                         for t in self.client.assignment_types() if isinstance(t, dict)}
                self._meta = {
                    "students": students, "year": year, "year_id": year.get("id"),
                    "types": types,
                    "class_of": {str(s.get("studentId")): mapping.class_key(s)
                                 for s in students if isinstance(s, dict)},
                }
            return self._meta

    def check(self) -> str:
        meta = self.meta()
        return (f"Вход выполнен; учётной записи доступно учеников: {len(meta['students'])}, "
                f"учебный год {meta['year'].get('name', '')}")

    # --- roster -----------------------------------------------------------------------------

    def fetch_roster(self) -> RosterBatch:
        meta = self.meta()
        source = f"netschool:roster:{self.school}"
        school_id = self.client.school_id or meta["year"].get("schoolId")
        card = self.client.school_card(int(school_id)) if school_id else {}
        common = card.get("commonInfo") or {}
        orgs = Batch()
        org = orgs.add(OrganisationRecord, {
            "source_id": str(school_id or self.school),
            "name": common.get("fullSchoolName") or common.get("schoolName") or self.school,
            "short_name": common.get("schoolName") or ""}, f"{source}: school card")
        if org is None:
            raise MalformedResponse(f"Карточка школы не прочитана: {orgs.rejected[0].reason()}")
        classes, people, enrolments = mapping.roster_records(meta["students"], source)
        persons = list(people.records)
        me = self.client.my_settings()
        if any("родител" in str(r).lower() or "parent" in str(r).lower()
               for r in me.get("roles") or []):
            parent = people.add(PersonRecord, {
                "source_id": str(me.get("userId")), "role": "parent",
                "last_name": me.get("lastName"), "first_name": me.get("firstName"),
                "middle_name": me.get("middleName") or "", "login": me.get("loginName") or "",
                "children": [p.source_id for p in persons]}, f"{source}: mysettings")
            if parent is not None:
                persons.append(parent)
        year = self._year(meta["year"], source)
        rejected = orgs.rejected + classes.rejected + people.rejected + enrolments.rejected
        roster = Roster(org, tuple(classes.records), tuple(persons), tuple(enrolments.records))
        return RosterBatch(roster, year.records[0] if year.records else None,
                           rejected + year.rejected)

    def _year(self, raw: dict[str, Any], source: str) -> Batch:
        terms = [{"source_id": tid, "name": name, "start": mapping.day_of((rng or {}).get(
                  "start")), "end": mapping.day_of((rng or {}).get("end"))}
                 for tid, name, rng in self.client.terms()]
        batch = Batch()
        batch.add(AcademicYearRecord, {
            "source_id": str(raw.get("id")), "name": raw.get("name") or "",
            "start": mapping.day_of(raw.get("startDate")),
            "end": mapping.day_of(raw.get("endDate")), "terms": terms}, f"{source}: year")
        return batch

    # --- journal ----------------------------------------------------------------------------

    def chunks(self, start: date, end: date, roster: Roster) -> list[Chunk]:
        visible = self.meta()["class_of"]  # a 403 for someone else's child would stop the run
        students = [p.source_id for p in roster.people
                    if p.role == "student" and p.source_id in visible] or list(visible)
        monday = start - timedelta(days=start.weekday())
        out: list[Chunk] = []
        while monday <= end:
            sunday = monday + timedelta(days=6)
            out.extend(Chunk(f"{monday.isoformat()}/st-{sid}", monday, sunday, sid)
                       for sid in students)
            monday += timedelta(weeks=1)
        return out

    def fetch_grades(self, chunk: Chunk) -> JournalBatch:
        meta = self.meta()
        sid = chunk.scope
        source = f"netschool:diary:{chunk.start.isoformat()}:student {sid}"
        diary = self.client.diary(int(sid), chunk.start, chunk.end, meta["year_id"])
        class_id = meta["class_of"].get(sid) or f"name:{diary.get('className') or ''}"
        assignments, marks, attendance, seen = mapping.diary_records(
            diary, sid, class_id, meta["types"], source)
        return JournalBatch(chunk, assignments=assignments.records, marks=marks.records,
                            attendance=attendance.records,
                            rejected=assignments.rejected + marks.rejected + attendance.rejected,
                            includes_attendance=True, fetched=seen)

    def fetch_attendance(self, chunk: Chunk) -> JournalBatch:
        """Attendance comes with the diary: the same call, only the attendance kept."""
        full = self.fetch_grades(chunk)
        return JournalBatch(chunk, attendance=full.attendance, includes_attendance=True,
                            rejected=[r for r in full.rejected if r.kind == "AttendanceRecord"],
                            fetched=full.fetched)
