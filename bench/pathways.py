"""Routes benchmark, side by side in one run:

(a) checking individual curricula with the pure rules (``pathways.rules.check``: the edition in
    force and every other edition), one core, a mix of the six worked plans and invalid
    variants of each                                               → ≥ 5,000 plans/s
(b) the tutor's class dashboard (``/app/routes/class``) for 30 students with routes and a
    school year of marks (15 journal subjects × 36 weeks × 2 works, ≈ 32,400 marks, SQLite),
    served through Flask's full dispatch, against rendering the same page from rows computed
    beforehand (``dashboard.render_dashboard``)                     → ratio ≤ 3×

``--quick`` (or ``BENCH_QUICK=1``): one-second (a) and 3 rounds of (b) — a smoke run.
Prints a table, then the RESULT line (exit 1 when missed).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lti_tool.journal.models import Assignment, Mark  # noqa: E402
from lti_tool.migrate import upgrade  # noqa: E402
from lti_tool.pathways.editions import PROFILES  # noqa: E402
from lti_tool.pathways.examples import worked_plan  # noqa: E402
from lti_tool.pathways.rules import BASIC, Plan, check  # noqa: E402

SUBJECTS = ["Русский язык", "Литература", "Английский язык", "Алгебра", "Геометрия",
            "Вероятность и статистика", "Информатика", "История", "Обществознание",
            "География", "Физика", "Химия", "Биология", "Физическая культура", "ОБЗР"]


def plans(seed: int = 9) -> list[Plan]:
    rnd = random.Random(seed)
    out: list[Plan] = []
    for profile in PROFILES:
        for start in (date(2023, 9, 1), date(2025, 9, 1), date(2027, 9, 1)):
            plan = worked_plan(profile, start, rnd.choice([5, 6]))
            out.append(plan)
            items = list(plan.items)
            out.append(dataclasses.replace(plan, items=tuple(
                items[:rnd.randrange(len(items))] + items[rnd.randrange(len(items)) + 1:])))
            out.append(dataclasses.replace(plan, items=tuple(
                dataclasses.replace(i, level=BASIC) for i in items)))
    return out


def bench_checks(seconds: float) -> float:
    batch, done = plans(), 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for plan in batch:
            check(plan)
        done += len(batch)
    return done / (time.perf_counter() - start)


def seed(url: str) -> dict[str, Any]:
    from lti_tool.core.viewer import Viewer
    from lti_tool.db import Database
    from lti_tool.pathways import services
    from lti_tool.pathways.models import TutorAssignment
    from lti_tool.people.models import ClassEnrolment, ClassGroup, Organisation, Person
    from lti_tool.sandbox.demo_pathways import plan_data

    db = Database(url)
    rnd = random.Random(37)
    year = date(2025, 9, 1)
    with db.session() as s:
        org = Organisation(slug="bench", name="Школа")
        s.add(org)
        s.flush()
        group = ClassGroup(organisation_id=org.id, title="10 А", external_id="10a")
        tutor = Person(display_name="Тьютор")
        students = [Person(display_name=f"Ученик {n:02d}") for n in range(30)]
        s.add_all([group, tutor, *students])
        s.flush()
        s.add(TutorAssignment(organisation_id=org.id, tutor_id=tutor.id, class_id=group.id))
        s.add_all(ClassEnrolment(class_id=group.id, person_id=p.id, role="student")
                  for p in students)
        ids = []
        for w in range(36):
            for subject in SUBJECTS:
                for k in range(2):
                    ids.append(dict(organisation_id=org.id, source="bench", namespace="b",
                                    external_id=f"{w}-{subject}-{k}", class_id=group.id,
                                    subject=subject, title="Работа", weight=2.0 if k else 1.0,
                                    due=year + timedelta(weeks=w, days=k)))
        s.execute(insert(Assignment), ids)
        s.flush()
        rows = s.execute(Assignment.__table__.select().with_only_columns(
            Assignment.id, Assignment.due)).all()
        marks = []
        for p in students:
            level = rnd.uniform(3.0, 4.8)
            for a_id, due in rows:
                roll = rnd.random()
                value = None if roll < 0.04 else max(2, min(5, round(rnd.gauss(level, 0.8))))
                marks.append(dict(assignment_id=a_id, student_id=p.id, value=value,
                                  code="Н" if value is None else None, date=due))
        s.execute(insert(Mark), marks)
        for n, p in enumerate(students):
            viewer = Viewer(p.id, org.id, frozenset({"student"}), group.id, 0)
            profile = list(PROFILES)[n % 6]
            services.start_route(s, viewer, year, plan_data(
                profile, year, targets={"math": 4.5, "physics": 4.0, "russian": 4.0},
                events=[{"date": "2025-11-10", "title": "Олимпиада", "done": n % 2 == 0}]))
        return {"org": org.id, "tutor": tutor.id, "class": group.id, "marks": len(marks)}


def bench_dashboard(rounds: int) -> tuple[float, float, int]:
    from flask import g

    from lti_tool.app import create_app
    from lti_tool.config import Settings
    from lti_tool.core.viewer import Viewer
    from lti_tool.db import db_session
    from lti_tool.pathways import dashboard
    from lti_tool.pathways.views import _settings

    tmp = Path(tempfile.mkdtemp(prefix="bench-pathways-"))
    url = f"sqlite:///{tmp / 'bench.sqlite'}"
    upgrade(url)
    info = seed(url)
    app = create_app(Settings(instance_path=tmp, database_url=url, secret_key="bench",
                              base_url="http://127.0.0.1", testing=False))
    viewer = Viewer(info["tutor"], info["org"], frozenset({"teacher"}), info["class"], 0)
    served, drawn = [], []
    for _ in range(rounds + 1):
        with app.test_request_context("/app/routes/class"):
            g.viewer, g.launch = viewer, None
            t0 = time.perf_counter()
            resp = app.full_dispatch_request()
            served.append(time.perf_counter() - t0)
            assert resp.status_code == 200, resp.status_code
            ids, acting = dashboard.visible_students(db_session(), viewer)
            rows = dashboard.class_rows(db_session(), info["org"], ids,
                                        _settings(info["org"]), date(2026, 5, 20))
            assert len(rows) == 30
            t0 = time.perf_counter()
            page = dashboard.render_dashboard(rows, acting, False)
            drawn.append(time.perf_counter() - t0)
            assert "Ученик 00" in page
    return statistics.median(served[1:]), statistics.median(drawn[1:]), info["marks"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    quick = args.quick or os.environ.get("BENCH_QUICK") == "1"
    seconds, rounds = (1.0, 3) if quick else (args.seconds, args.rounds)
    rate = bench_checks(seconds)
    served, drawn, marks = bench_dashboard(rounds)
    ratio = served / drawn
    print(f"{'measure':<44}{'value':>14}")
    print(f"{'(a) plan checks per second (one core)':<44}{rate:>14,.0f}")
    print(f"{'(b) dashboard served, median ms':<44}{served * 1000:>14.1f}")
    print(f"{'(b) rendered from precomputed rows, ms':<44}{drawn * 1000:>14.1f}")
    print(f"{'(b) ratio served / rendered':<44}{ratio:>14.2f}")
    print(f"{'(b) marks in the class year':<44}{marks:>14,}")
    met = rate >= 5000 and ratio <= 3.0
    print(f"RESULT checks_per_s={rate:.0f} dashboard_ms={served * 1000:.1f} "
          f"render_ms={drawn * 1000:.1f} ratio={ratio:.2f} marks={marks}"
          f"{' quick=1' if quick else ''} target={'met' if met else 'missed'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
