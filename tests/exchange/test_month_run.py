"""The monthly run (``transfer.prepare_month``) reads many host → home pairs at once: it must
make exactly the packages a single pair's «Подготовить» makes, take only the course's host
class (and the network teacher's own page) when the course names one, make nothing new when
nothing changed, and supersede an unsent version when the journal changed."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import func, select, update

from lti_tool.core.audit import AuditEntry
from lti_tool.db import Database
from lti_tool.exchange import package_files, rules, transfer
from lti_tool.exchange.models import CourseRequest, NetworkCourse, TransferPackage
from lti_tool.journal.models import Assignment, Attendance, Mark
from lti_tool.people.models import ClassGroup, Organisation, Person

PERIOD = "2026-10"


def _course(org: Organisation, subject: str, class_id: int | None = None) -> NetworkCourse:
    return NetworkCourse(host_org_id=org.id, title=f"{subject} ({org.name})", subject=subject,
                         schedule=[], starts_on=date(2026, 9, 1), ends_on=date(2027, 5, 25),
                         host_class_id=class_id)


def _seed(db: Database) -> dict[str, int]:
    """Gymnasium hosts physics for its class 10А (two pupils of school 37, one of the
    lyceum); the lyceum hosts chemistry without a class (a gymnasium pupil)."""
    with db.session() as s:
        gym, s37, lyc = (Organisation(slug=k, name=n) for k, n in (
            ("gym", "Гимназия № 1"), ("s37", "Школа № 37"), ("lyc", "Лицей № 2")))
        s.add_all([gym, s37, lyc])
        s.flush()
        klass, other = (ClassGroup(organisation_id=gym.id, title=t, external_id=t)
                        for t in ("10А", "10Б"))
        s.add_all([klass, other])
        s.flush()
        physics, chemistry = _course(gym, "Физика", klass.id), _course(lyc, "Химия")
        s.add_all([physics, chemistry])
        pupils = [Person(display_name=n) for n in (
            "Петров Пётр", "Иванова Анна", "Лицеев Лев", "Гимназистова Галя")]
        s.add_all(pupils)
        s.flush()
        for pupil, course, home in ((pupils[0], physics, s37), (pupils[1], physics, s37),
                                    (pupils[2], physics, lyc), (pupils[3], chemistry, gym)):
            s.add(CourseRequest(course_id=course.id, student_id=pupil.id,
                                home_org_id=home.id, state=rules.ENROLLED))

        def work(org: Organisation, subject: str, key: str, day: date,
                 class_id: int | None = None, origin: tuple[str, str] = ("netschool", "ns"),
                 ) -> Assignment:
            a = Assignment(organisation_id=org.id, source=origin[0], namespace=origin[1],
                           external_id=key, subject=subject, title=key, class_id=class_id,
                           type_name="Ответ", due=day)
            s.add(a)
            s.flush()
            return a

        counted = work(gym, "Физика", "10А-1", date(2026, 10, 5), klass.id)
        wrong_class = work(gym, "Физика", "10Б-1", date(2026, 10, 5), other.id)
        wrong_subject = work(gym, "Химия", "10А-х", date(2026, 10, 5), klass.id)
        teacher_page = work(gym, "Физика", "t-1", date(2026, 10, 7),
                            origin=("exchange", f"journal:{physics.public_id}"))
        november = work(gym, "Физика", "10А-2", date(2026, 11, 2), klass.id)
        lyceum = work(lyc, "Химия", "х-1", date(2026, 10, 6))
        for pupil in pupils[:3]:
            s.add_all([Mark(assignment_id=counted.id, student_id=pupil.id, value=5,
                            date=date(2026, 10, 5)),
                       Mark(assignment_id=wrong_class.id, student_id=pupil.id, value=2,
                            date=date(2026, 10, 5)),
                       Mark(assignment_id=wrong_subject.id, student_id=pupil.id, value=2,
                            date=date(2026, 10, 5)),
                       Mark(assignment_id=teacher_page.id, student_id=pupil.id, value=4,
                            date=date(2026, 10, 7)),
                       Mark(assignment_id=november.id, student_id=pupil.id, value=3,
                            date=date(2026, 11, 2))])  # another month
        s.add(Attendance(organisation_id=gym.id, source="netschool", namespace="ns",
                         student_id=pupils[0].id, date=date(2026, 10, 9), lesson=6,
                         subject="Физика", code="Н"))
        s.add(Mark(assignment_id=lyceum.id, student_id=pupils[3].id, value=5,
                   date=date(2026, 10, 6)))
        s.commit()
        return {"gym": gym.id, "s37": s37.id, "lyc": lyc.id, "changed": pupils[0].id,
                "work": counted.id}


def test_month_run_equals_single_pairs_and_versions_only_changes(database_url: str) -> None:
    db = Database(database_url)
    ids = _seed(db)
    made = transfer.prepare_month(db, PERIOD, hosts_per_batch=1)
    assert len(made) == 3  # gym → s37, gym → lyc, lyc → gym
    with db.session() as s:
        packages = {(p.host_org_id, p.home_org_id): p for p in s.scalars(
            select(TransferPackage))}
        for (host, home), package in packages.items():
            single = transfer.collect(s, host, home, PERIOD)
            assert package.rows == single.rows
            assert package.fingerprint == rules.fingerprint(single.rows)
            assert (package.version, package.state) == (1, rules.PREPARED)
        to_37 = packages[(ids["gym"], ids["s37"])]
        values = sorted(v for k, v in to_37.rows.items() if rules.row_parts(k)[2] == "mark")
        assert values == ["4", "4", "5", "5"]  # class 10А and the teacher's page only
        assert (to_37.students, to_37.marks, to_37.absences) == (2, 4, 1)
        # no files at making: rendered from the snapshot, the same bytes every time, and
        # the bytes the delivery keeps are those a host downloaded before sending
        assert to_37.oneroster_zip is None and to_37.xlsx is None
        zipped, book = package_files.files(s, to_37)
        assert zipped[:2] == b"PK" and book[:2] == b"PK"
        assert package_files.files(s, to_37) == (zipped, book)
        transfer.queue(s, to_37, None)
        s.commit()
        sent_id = to_37.id
    assert transfer.send(db, sent_id) == rules.SENT
    with db.session() as s:
        sent = s.get(TransferPackage, sent_id)
        assert sent is not None and (sent.oneroster_zip, sent.xlsx) == (zipped, book)
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "exchange.package.prepare")) == 3

    assert transfer.prepare_month(db, PERIOD) == []  # nothing changed: nothing new

    with db.session() as s:
        mark = s.scalars(select(Mark).where(Mark.student_id == ids["changed"],
                                            Mark.assignment_id == ids["work"])).one()
        mark.value = 2
        s.commit()
    (new_id,) = transfer.prepare_month(db, PERIOD)
    with db.session() as s:
        new = s.get(TransferPackage, new_id)
        assert new is not None
        assert (new.host_org_id, new.home_org_id, new.version) == (ids["gym"], ids["s37"], 2)
        states = dict(s.execute(select(TransferPackage.version, TransferPackage.state).where(
            TransferPackage.host_org_id == ids["gym"],
            TransferPackage.home_org_id == ids["s37"])).all())
        # v1 was sent: it stays so, and v2 is a correction against it, its XLSX saying what
        assert states == {1: rules.SENT, 2: rules.PREPARED}
        assert {k: new.changes[k] for k in ("against", "added", "changed", "removed")} == {
            "against": 1, "added": 0, "changed": 1, "removed": 0}
        sheet = load_workbook(io.BytesIO(package_files.files(s, new)[1]))["Изменения"]
        assert [r[0] for r in sheet.iter_rows(values_only=True)] == ["Что", "изменено"]
    with db.session() as s:  # a v3 not sent yet is superseded by a v4
        s.execute(update(Mark).where(Mark.student_id == ids["changed"],
                                     Mark.assignment_id == ids["work"]).values(value=3))
        s.commit()
    (v3,) = transfer.prepare_month(db, PERIOD)
    with db.session() as s:
        s.execute(update(Mark).where(Mark.student_id == ids["changed"],
                                     Mark.assignment_id == ids["work"]).values(value=4))
        s.commit()
    (v4,) = transfer.prepare_month(db, PERIOD)
    with db.session() as s:
        states = dict(s.execute(select(TransferPackage.version, TransferPackage.state).where(
            TransferPackage.host_org_id == ids["gym"],
            TransferPackage.home_org_id == ids["s37"])).all())
        assert states == {1: rules.SENT, 2: rules.SUPERSEDED, 3: rules.SUPERSEDED,
                          4: rules.PREPARED}
    db.engine.dispose()


def test_a_course_that_starts_or_ends_within_the_month_takes_only_its_days(
        database_url: str) -> None:
    """Physics starts on 12 October, chemistry ends on 20 October: the month's package takes
    each course's marks and absences of its own days only (the database decides it)."""
    db = Database(database_url)
    with db.session() as s:
        gym, home = Organisation(slug="gym", name="Гимназия"), Organisation(slug="s", name="Ш")
        s.add_all([gym, home])
        s.flush()
        physics, chemistry = _course(gym, "Физика"), _course(gym, "Химия")
        physics.starts_on, chemistry.ends_on = date(2026, 10, 12), date(2026, 10, 20)
        pupil = Person(display_name="Петров Пётр")
        s.add_all([physics, chemistry, pupil])
        s.flush()
        for course in (physics, chemistry):
            s.add(CourseRequest(course_id=course.id, student_id=pupil.id, home_org_id=home.id,
                                state=rules.ENROLLED))
        for subject, day, value in (("Физика", 5, 2), ("Физика", 12, 5), ("Химия", 15, 4),
                                    ("Химия", 26, 3)):
            work = Assignment(organisation_id=gym.id, source="netschool", namespace="ns",
                              external_id=f"{subject}{day}", subject=subject, title="Ответ",
                              due=date(2026, 10, day))
            s.add(work)
            s.flush()
            s.add(Mark(assignment_id=work.id, student_id=pupil.id, value=value,
                       date=date(2026, 10, day)))
            s.add(Attendance(organisation_id=gym.id, source="netschool", namespace="ns",
                             student_id=pupil.id, date=date(2026, 10, day), lesson=1,
                             subject=subject, code="Н"))
        s.commit()
        host, home_id = gym.id, home.id
    (made,) = transfer.prepare_month(db, PERIOD)
    with db.session() as s:
        package = s.get(TransferPackage, made)
        assert package is not None
        kept = sorted((rules.row_parts(k)[2], rules.row_parts(k)[3], v)
                      for k, v in package.rows.items())
        assert kept == [("absence", "2026-10-12", "Н"), ("absence", "2026-10-15", "Н"),
                        ("mark", "2026-10-12", "5"), ("mark", "2026-10-15", "4")]
        assert transfer.collect(s, host, home_id, PERIOD).rows == package.rows
    db.engine.dispose()
