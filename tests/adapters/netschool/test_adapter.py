"""NetSchoolSource against the sandbox: who sees whom, chunks, the journal as records."""

from __future__ import annotations

from datetime import date, timedelta

from adapters.base import Chunk
from schemas.marks import parse_mark
from tests.adapters.netschool.conftest import SCHOOL_ID, Sandbox

WEEK = date(2026, 9, 7)


def expected_cells(sb: Sandbox, sid: int, monday: date) -> dict[str, str]:
    """The sandbox's own truth for one student's week: assignment id → journal text."""
    w, st = sb.world, sb.state
    klass = w.class_of(sid)
    out = {}
    for lesson in w.week(klass.id, w.week_index(monday)).lessons:
        for aid, *_ in lesson.assignments:
            mark = st.mark(aid, sid)
            if mark is not None:
                out[str(aid)] = "." if mark["dutyMark"] else str(mark["mark"])
    return out


def test_service_account_sees_the_whole_school(sandbox: Sandbox) -> None:
    with sandbox.source() as src:
        batch = src.fetch_roster()
        roster = batch.roster
        assert roster.organisation.source_id == str(SCHOOL_ID)
        assert roster.organisation.short_name == "МБОУ СОШ №37"
        students = {p.source_id for p in roster.people if p.role == "student"}
        assert students == {str(s) for s in sandbox.world.students_of(SCHOOL_ID)}
        assert len(students) >= 300 and len(roster.classes) == 12
        assert {c.grade for c in roster.classes} == {10, 11}
        assert len(roster.enrolments) == len(students) and not batch.rejected
        assert batch.year is not None and batch.year.start == date(2026, 9, 1)
        assert [t.name for t in batch.year.terms][0] == "1 четверть"
        chunks = src.chunks(WEEK, WEEK + timedelta(days=13), roster)
        assert len(chunks) == 2 * len(students)
        assert chunks[0].key == f"2026-09-07/st-{chunks[0].scope}"
        assert src.chunks(WEEK, WEEK + timedelta(days=13), roster) == chunks  # stable keys


def test_parent_with_several_children_sees_only_them(sandbox: Sandbox) -> None:
    login, kids = sandbox.family(children=2)
    with sandbox.source(login=login) as src:
        roster = src.fetch_roster().roster
        students = sorted(p.source_id for p in roster.people if p.role == "student")
        assert students == sorted(str(k) for k in kids)
        parent = next(p for p in roster.people if p.role == "parent")
        assert sorted(parent.children) == students and parent.login == login
        chunks = src.chunks(WEEK, WEEK + timedelta(days=6), roster)
        assert sorted(c.scope for c in chunks) == students
        for chunk in chunks:  # each child's diary is readable and is that child's
            batch = src.fetch_grades(chunk)
            assert {m.student_id for m in batch.marks} <= {chunk.scope}
            assert {m.assignment_id: m.mark.text() for m in batch.marks} == expected_cells(
                sandbox, int(chunk.scope), WEEK)


def test_student_account_sees_themself(sandbox: Sandbox) -> None:
    sid = sandbox.world.students_of(1002)[3]
    with sandbox.source(login=sandbox.world.people[sid].login, school=1002) as src:
        roster = src.fetch_roster().roster
        assert [p.source_id for p in roster.people] == [str(sid)]
        assert roster.organisation.source_id == "1002"


def test_a_year_of_marks_with_absences_and_debts(sandbox: Sandbox) -> None:
    sid = sandbox.world.students_of(SCHOOL_ID)[5]
    klass = sandbox.world.class_of(sid)
    kinds: set[str] = set()
    with sandbox.source() as src:
        for week in range(0, 36, 3):
            monday = sandbox.world.monday(week)
            batch = src.fetch_grades(Chunk(f"{monday}/st-{sid}", monday,
                                           monday + timedelta(days=6), str(sid)))
            assert batch.includes_attendance and not batch.rejected
            cells = {m.assignment_id: m.mark.text() for m in batch.marks}
            assert cells == expected_cells(sandbox, sid, monday)
            assert {a.class_id for a in batch.assignments} <= {str(klass.id)}
            assert all(monday <= a.due <= monday + timedelta(days=6) for a in batch.assignments)
            absent = {(m.date, m.mark.code) for m in batch.marks if m.mark.is_absence}
            assert {(a.date, a.code) for a in batch.attendance} == absent
            kinds |= {"debt" if m.mark.debt else "code" if m.mark.code else "value"
                      for m in batch.marks}
            weights = {a.type_name: a.weight for a in batch.assignments}
            assert weights.get("Домашнее задание", 1) == 1
    assert kinds == {"debt", "code", "value"}


def test_malformed_record_is_rejected_with_reason_and_the_rest_kept(sandbox: Sandbox) -> None:
    sid = sandbox.world.students_of(SCHOOL_ID)[0]
    good = expected_cells(sandbox, sid, WEEK)
    broken = next(iter(good))
    sandbox.control("POST", "marks", assignmentId=int(broken), studentId=sid, mark=7)
    with sandbox.source() as src:
        batch = src.fetch_grades(Chunk(f"{WEEK}/st-{sid}", WEEK, WEEK + timedelta(days=6),
                                       str(sid)))
    assert len(batch.rejected) == 1
    rejected = batch.rejected[0]
    assert rejected.source.startswith(f"netschool:diary:2026-09-07:student {sid}")
    assert "mark" in rejected.errors and "1–5" in rejected.reason()
    kept = {m.assignment_id: m.mark.text() for m in batch.marks}
    assert kept == {a: t for a, t in good.items() if a != broken}
    assert broken in {a.source_id for a in batch.assignments}  # the assignment itself is fine


def test_changed_and_deleted_marks_show_in_the_next_fetch(sandbox: Sandbox) -> None:
    sid = sandbox.world.students_of(SCHOOL_ID)[1]
    chunk = Chunk(f"{WEEK}/st-{sid}", WEEK, WEEK + timedelta(days=6), str(sid))
    with sandbox.source() as src:
        before = {m.assignment_id: m.mark for m in src.fetch_grades(chunk).marks}
        changed, deleted = list(before)[:2]
        new = "2" if before[changed].text() != "2" else "5"
        sandbox.control("POST", "marks", assignmentId=int(changed), studentId=sid, mark=int(new))
        sandbox.control("DELETE", "marks", assignmentId=int(deleted), studentId=sid)
        after = {m.assignment_id: m.mark for m in src.fetch_grades(chunk).marks}
    assert after[changed] == parse_mark(new) and deleted not in after
    assert {k: v for k, v in after.items() if k != changed} == {
        k: v for k, v in before.items() if k not in (changed, deleted)}


def test_attendance_alone_and_relogin_in_the_middle_of_a_run(sandbox: Sandbox) -> None:
    sid = sandbox.world.students_of(SCHOOL_ID)[7]
    with sandbox.source() as src:
        seen = []
        for week in range(8):
            monday = sandbox.world.monday(week)
            if week == 4:
                sandbox.state.expire_tokens()
            batch = src.fetch_attendance(Chunk(f"{monday}/st-{sid}", monday,
                                               monday + timedelta(days=6), str(sid)))
            assert not batch.marks and batch.includes_attendance
            seen.extend(batch.attendance)
        assert sandbox.state.logins == 2
    codes = {"Н", "Б", "УП", "НП", "ОП"}
    assert seen and all(a.student_id == str(sid) and a.code in codes for a in seen)


def test_parallel_fetches_log_in_again_only_once(sandbox: Sandbox) -> None:
    """The engine fetches in worker threads: one expiry must cost one login, not one each."""
    from concurrent.futures import ThreadPoolExecutor

    students = sandbox.world.students_of(SCHOOL_ID)[:24]
    chunks = [Chunk(f"{WEEK}/st-{s}", WEEK, WEEK + timedelta(days=6), str(s)) for s in students]
    with sandbox.source() as src, ThreadPoolExecutor(4) as pool:
        first = list(pool.map(src.fetch_grades, chunks))
        sandbox.state.expire_tokens()
        second = list(pool.map(src.fetch_grades, chunks))
    assert sandbox.state.logins == 2
    assert [len(b.marks) for b in first] == [len(b.marks) for b in second]
    assert sum(len(b.marks) for b in first) > len(students)
