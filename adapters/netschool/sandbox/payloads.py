"""JSON bodies of the /webapi/ endpoints, in the shapes real regional servers answer with.

The field names are those the public clients read (netschoolpy, netschoolapi for Node):
``weekDays[].lessons[].assignments[].mark.{mark,dutyMark}``, ``typeId``, ``dueDate`` as
``YYYY-MM-DDT00:00:00``, ``schools/{id}/card`` in three nested blocks, and so on.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from adapters.netschool.sandbox.data import (
    ASSIGNMENT_TYPES,
    LESSON_TIMES,
    SUBJECTS,
    Person,
    School,
)
from adapters.netschool.sandbox.state import State

VERSION = "5.44.67431.1234"
ROLE_NAMES = {"student": "Ученик", "parent": "Родитель", "teacher": "Учитель",
              "admin": "Администратор"}
PRODUCT = "Сетевой Город. Образование"


def iso(day: date) -> str:
    return f"{day.isoformat()}T00:00:00"


def logindata() -> dict[str, Any]:
    return {"productName": PRODUCT, "version": VERSION, "schoolLogin": True,
            "esiaLogin": True, "esiaMainAuth": False, "esiaButton": True,
            "signatureLogin": False, "windowsAuth": False, "enableSms": False,
            "esaLogin": False, "emLogin": False, "cnLogin": False, "sfLogin": False}


def school_short(school: School) -> dict[str, Any]:
    return {"id": school.id, "name": f"{school.short_name} ({school.city})",
            "shortName": school.short_name, "addressString": school.address,
            "provinceId": school.province_id, "cityId": school.city_id,
            "inn": f"44010{school.id}", "ogrn": f"10244000{school.id}"}


def school_card(school: School) -> dict[str, Any]:
    return {
        "commonInfo": {"schoolName": school.short_name, "fullSchoolName": school.full_name,
                       "about": f"Школа в {school.city}", "schoolStatus": "active",
                       "founders": ["Администрация города"]},
        "contactInfo": {"postAddress": school.address, "juridicalAddress": school.address,
                        "phones": "+7 (4942) 00-00-00", "fax": "", "email":
                        f"school{school.id}@edu.example", "web": f"https://school{school.id}.edu",
                        "schoolTimings": "8:00–18:00"},
        "managementInfo": {"director": school.director, "principalAHC": "Хозяйкина А. Б.",
                           "principalIT": "Айтишников В. Г.", "principalUVR": "Завучева О. П."},
        "bankDetails": {"inn": f"44010{school.id}", "kpp": "440101001"},
        "otherInfo": {"okpo": "", "okved": "85.14"},
    }


def year(state: State, school_id: int) -> dict[str, Any]:
    w = state.world
    gy = {"id": w.start_year, "name": f"{w.start_year}/{w.start_year + 1}",
          "startDate": iso(w.year_start), "endDate": iso(w.year_end)}
    return {"id": w.year_id, "name": gy["name"], "startDate": gy["startDate"],
            "endDate": gy["endDate"], "schoolId": school_id, "globalYear": gy,
            "archiveStatus": None}


def context(state: State, person: Person, school_id: int) -> dict[str, Any]:
    return {"user": {"id": person.id, "name": person.name}, "schoolyear": year(state, school_id),
            "schoolId": school_id, "dateFormat": "dd.mm.yyyy", "timeFormat": "hh:mm",
            "productName": PRODUCT, "version": VERSION,
            "userRoles": [ROLE_NAMES[person.role]]}


def student_entry(state: State, sid: int) -> dict[str, Any]:
    p, klass = state.world.people[sid], state.world.class_of(sid)
    return {"studentId": sid, "nickName": p.name, "className": klass.name,
            "classId": klass.id, "iupGrade": 0}


def diary_init(state: State, person: Person, students: list[int], today: date) -> dict[str, Any]:
    monday = today - timedelta(days=today.weekday())
    return {"students": [student_entry(state, s) for s in students],
            "currentStudentId": 0, "weekStart": iso(monday), "yaClass": False,
            "yaClassAuthUrl": None, "newDiskToken": "", "newDiskWasRequest": False,
            "ttsuRl": None, "externalUrl": None, "weight": True, "maxMark": 5,
            "withLaAssigns": True}


def assignment(state: State, item: tuple[int, int, str, int], day: date, meeting: int,
               sid: int) -> dict[str, Any] | None:
    aid, type_id, name, weight = item
    mark = state.mark(aid, sid)
    if type_id == 4 and mark is None:  # classwork shows only where the student has a mark
        return None
    body: dict[str, Any] = {"id": aid, "typeId": type_id, "assignmentName": name,
                            "weight": weight, "dueDate": iso(day), "classMeetingId": meeting,
                            "mark": None, "markComment": None, "textAnswer": None,
                            "attachments": [], "answerFiles": []}
    if mark is not None:
        body["mark"] = {"assignmentId": aid, "studentId": sid, **mark}
    return body


def diary(state: State, sid: int, start: date, end: date) -> dict[str, Any]:
    w = state.world
    klass = w.class_of(sid)
    days: dict[date, list[dict[str, Any]]] = {}
    index = w.week_index(start)
    while w.monday(index) <= end:
        for lesson in w.week(klass.id, index).lessons:
            if not start <= lesson.day <= end:
                continue
            items = [a for a in (assignment(state, i, lesson.day, lesson.meeting_id, sid)
                                 for i in lesson.assignments) if a is not None]
            days.setdefault(lesson.day, []).append({
                "classmeetingId": lesson.meeting_id, "day": iso(lesson.day),
                "number": lesson.number, "relay": 1, "room": f"{100 + lesson.number}",
                "startTime": LESSON_TIMES[lesson.number - 1],
                "endTime": _plus45(LESSON_TIMES[lesson.number - 1]),
                "subjectName": lesson.subject, "isDistanceLesson": False,
                "isEaLesson": False, "assignments": items})
        index += 1
    term = next((t[1] for t in w.terms if t[2] <= start <= t[3]), "")
    return {"weekStart": iso(start), "weekEnd": iso(end), "className": klass.name,
            "termName": term, "laAssigns": [],
            "weekDays": [{"date": iso(d), "lessons": ls} for d, ls in sorted(days.items())]}


def _plus45(hhmm: str) -> str:
    h, m = map(int, hhmm.split(":"))
    total = h * 60 + m + 45
    return f"{total // 60:02d}:{total % 60:02d}"


def assignment_card(state: State, aid: int) -> dict[str, Any] | None:
    w = state.world
    class_id, index = w.locate(aid)
    if class_id not in w.classes:
        return None
    for lesson in w.week(class_id, index).lessons:
        for item in lesson.assignments:
            if item[0] == aid:
                klass = w.classes[class_id]
                teacher = w.people[w.teachers[(klass.school_id, lesson.subject)]]
                return {"id": aid, "assignmentName": item[2], "activityName": None,
                        "problemName": None, "typeId": item[1], "weight": item[3],
                        "date": iso(lesson.day), "description": "", "isDeleted": False,
                        "productId": None, "attachments": [], "contentElements": None,
                        "subjectGroup": {"id": class_id * 100 + _subject_no(lesson.subject),
                                         "name": f"{lesson.subject}, {klass.name}"},
                        "teachers": [{"id": teacher.id, "name": teacher.name}]}
    return None


def _subject_no(name: str) -> int:
    return [s for s, _ in SUBJECTS].index(name) + 1


def assignment_types() -> list[dict[str, Any]]:
    return [{"id": i, "name": name, "abbr": abbr, "order": i, "isActive": True}
            for i, name, abbr, _ in ASSIGNMENT_TYPES]


def announcements(state: State, school: School) -> list[dict[str, Any]]:
    w = state.world
    author = next(p for p in w.people.values()
                  if p.school_id == school.id and p.role == "admin")
    topics = ("Начало учебного года", "Родительское собрание 10–11 классов",
              "Школьный этап всероссийской олимпиады", "Каникулы", "Индивидуальные проекты")
    return [{"id": school.id * 100 + n, "name": topic,
             "author": {"id": author.id, "fio": author.name, "nickName": author.nick},
             "description": f"<p>{topic}: подробности у классных руководителей.</p>",
             "postDate": f"{(w.year_start + timedelta(days=20 * n)).isoformat()}T10:00:00",
             "deleteDate": None, "attachments": [], "recipientInfo": None}
            for n, topic in enumerate(topics)]


def mysettings(state: State, person: Person) -> dict[str, Any]:
    return {"userId": person.id, "loginName": person.login, "lastName": person.last,
            "firstName": person.first, "middleName": person.middle,
            "birthDate": "1980-01-01T00:00:00", "existsPhoto": False, "email": "",
            "mobilePhone": "", "schoolyearId": state.world.year_id,
            "roles": [ROLE_NAMES[person.role]],
            "userSettings": {"showMobilePhone": False, "defaultDesktop": 0, "language": "ru"}}


def report_filters(state: State, students: list[int], today: date) -> dict[str, Any]:
    w = state.world
    current = next((t for t in w.terms if t[2] <= today <= t[3]), w.terms[0])
    first = students[:1]
    klass = w.class_of(first[0]) if first else None
    return {"id": "StudentGrades", "name": "Отчет об успеваемости и посещаемости ученика",
            "filterSources": [
                {"filterId": "SID", "defaultValue": str(first[0]) if first else "",
                 "items": [{"title": w.people[s].nick, "value": str(s)} for s in students]},
                {"filterId": "PCLID_IUP", "defaultValue": f"{klass.id}_0" if klass else "",
                 "items": [{"title": klass.name, "value": f"{klass.id}_0"}] if klass else []},
                {"filterId": "SGID", "defaultValue": "-1",
                 "items": [{"title": s, "value": str(n)}
                           for n, (s, _) in enumerate(SUBJECTS, start=1)]},
                {"filterId": "TERMID", "defaultValue": str(current[0]),
                 "items": [{"title": t[1], "value": str(t[0])} for t in w.terms]},
                {"filterId": "period", "range": {"start": iso(current[2]),
                                                 "end": iso(current[3])}},
            ]}


def term_range(state: State, term_id: str) -> list[dict[str, Any]]:
    term = next((t for t in state.world.terms if str(t[0]) == term_id), None)
    if term is None:
        return []
    return [{"filterId": "TERMID", "defaultValue": term_id},
            {"filterId": "period", "range": {"start": iso(term[2]), "end": iso(term[3])}}]
