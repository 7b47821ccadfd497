"""The sandbox's own promises: the demo data's size and determinism, and protocol details
(case-insensitive paths, the password hash, the control API) that clients rely on."""

from __future__ import annotations

import hashlib
from collections import Counter

import requests

from adapters.netschool.sandbox import DEMO_PASSWORD, World
from adapters.netschool.sandbox.data import SUBJECTS
from tests.adapters.netschool.conftest import SCHOOL_ID, Sandbox


def test_demo_world_has_a_large_school_families_and_a_whole_year() -> None:
    w = World()
    big = w.schools[SCHOOL_ID]
    students = w.students_of(SCHOOL_ID)
    assert len(students) >= 300 and len(big.classes) == 12 and len(SUBJECTS) == 15
    assert {w.classes[c].grade for c in big.classes} == {10, 11}
    assert len(w.schools) >= 3
    assert any(len(kids) >= 2 for kids in w.children_of.values())
    assert all(w.people[s].role == "student" for s in students)
    teachers = {w.teachers[(SCHOOL_ID, name)] for name, _ in SUBJECTS}
    assert len(teachers) == 15
    klass = big.classes[0]
    weeks = [w.week(klass, i) for i in range(w.week_index(w.year_end) + 1)]
    school_days = {lesson.day for week in weeks for lesson in week.lessons}
    assert 150 <= len(school_days) <= 175  # a Russian school year of five-day weeks
    cells = Counter("debt" if debt else str(mark) for week in weeks
                    for mark, debt in week.marks.values())
    assert {"1", "2", "3", "4", "5", "Н", "Б", "УП", "НП", "ОП", "debt"} <= set(cells)


def test_same_seed_same_data_other_seed_other_data() -> None:
    a, b, c = World(seed=5), World(seed=5), World(seed=6)
    assert [p.name for p in a.people.values()] == [p.name for p in b.people.values()]
    klass = a.schools[SCHOOL_ID].classes[0]
    assert a.week(klass, 3).marks == b.week(klass, 3).marks
    assert a.week(klass, 3).marks != c.week(klass, 3).marks


def test_paths_are_case_insensitive_and_the_hash_is_cp1251_md5(sandbox: Sandbox) -> None:
    meta = requests.post(f"{sandbox.base}/WebApi/Auth/GetData", timeout=10).json()
    inner = hashlib.md5(DEMO_PASSWORD.encode("cp1251")).hexdigest()
    pw2 = hashlib.md5((meta["salt"] + inner).encode()).hexdigest()
    form = {"LoginType": 1, "scid": SCHOOL_ID, "un": "ZAVUCH1001", "pw2": pw2,
            "pw": pw2[: len(DEMO_PASSWORD)], "lt": meta["lt"], "ver": meta["ver"]}
    login = requests.post(f"{sandbox.base}/webapi/login", data=form, timeout=10)
    assert login.status_code == 200 and login.json()["at"] == login.json()["accessToken"]
    again = requests.post(f"{sandbox.base}/webapi/login", data=form, timeout=10)
    assert again.status_code == 409  # a salt (lt) is good for one login only
    at = {"at": login.json()["at"]}
    assert requests.get(f"{sandbox.base}/webapi/years/current", headers=at,
                        timeout=10).json()["id"] == sandbox.world.year_id
    assert requests.get(f"{sandbox.base}/webapi/years/current", timeout=10).status_code == 401


def test_control_api_refuses_unknown_faults_and_reports_state(sandbox: Sandbox) -> None:
    bad = requests.post(f"{sandbox.base}/sandbox/faults", json={"no_such": 1}, timeout=10)
    assert bad.status_code == 400
    assert sandbox.control("POST", "faults", fail_next=2)["fail_next"] == 2
    assert sandbox.control("GET", "state")["faults"]["fail_next"] == 2
    accounts = sandbox.control("GET", "accounts")
    assert accounts["password"] == DEMO_PASSWORD
    assert accounts["schools"][0]["admin"] == "zavuch1001"
