"""Portfolio benchmark, side by side in one run (issue 11):

(a) the class page (``services.class_page`` + its template) for 30 pupils × 40 published
    confirmed achievements (1,200 items, SQLite), against the same page rendered from one
    SELECT over rows precomputed into a flat table                 → ratio ≤ 3×
(b) the school-wide УУД summary for 1,600 pupils (``uud.school_summary``: external and
    expert figures per pupil and item, the gaps) against the same summary read from a
    precomputed flat table                                          → ratio ≤ 3×
(c) the portable export of a pupil with 200 confirmed achievements: read, build the OB 3.0
    credentials and the CLR 2.0 envelope, sign (EdDSA VC-JWT), one core → < 2 s

``--quick`` (or ``BENCH_QUICK=1``): 3 rounds instead of 15. Prints a table, then the RESULT
line (exit 1 when missed).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lti_tool.app import create_app  # noqa: E402
from lti_tool.config import Settings  # noqa: E402
from lti_tool.db import Database  # noqa: E402
from lti_tool.migrate import upgrade  # noqa: E402
from lti_tool.people.models import (  # noqa: E402
    ClassEnrolment,
    ClassGroup,
    Membership,
    Organisation,
    Person,
)
from lti_tool.portfolio import moving, rules, services  # noqa: E402
from lti_tool.portfolio.models import Achievement, Consent  # noqa: E402
from lti_tool.portfolio.storage import LocalStore  # noqa: E402


def _median(fn: Callable[[], Any], rounds: int) -> float:
    times = []
    for _ in range(rounds + 1):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:])  # the first round warms caches


def _people(session: Any, org_id: int, n: int, role: str, prefix: str) -> list[int]:
    ids = [session.execute(insert(Person).values(
        public_id=f"{prefix}{i:05d}", display_name=f"Ученик {i:05d}")).inserted_primary_key[0]
        for i in range(n)]
    session.execute(insert(Membership), [{"person_id": p, "organisation_id": org_id,
                                          "role": role} for p in ids])
    return ids


def setup(db: Database) -> dict[str, Any]:
    with db.session() as s:
        org = Organisation(slug="bench", name="Школа № 101")
        s.add(org)
        s.flush()
        group = ClassGroup(organisation_id=org.id, title="10 А", external_id="10a")
        s.add(group)
        s.flush()
        pupils = _people(s, org.id, 30, "student", "p")
        s.execute(insert(ClassEnrolment), [{"class_id": group.id, "person_id": p,
                                            "role": "student", "active": True}
                                           for p in pupils])
        sections = services.sections(s, org.id, rules.STUDENT)
        rows = []
        for n, pupil in enumerate(pupils):
            for k in range(40):
                rows.append({"public_id": f"a{n:03d}{k:03d}", "organisation_id": org.id,
                             "owner_id": pupil, "section_id": sections[k % 7].id,
                             "title": f"Достижение {k} ученика {n}", "level": rules.LEVELS[k % 5],
                             "result": rules.RESULTS[k % 3],
                             "achieved_on": date(2025, 9, 1) + timedelta(days=k * 7),
                             "description": "", "status": rules.CONFIRMED})
        s.execute(insert(Achievement), rows)
        ids = s.execute(select(Achievement.id, Achievement.owner_id)).all()
        s.execute(insert(Consent), [{"organisation_id": org.id, "achievement_id": i,
                                     "child_id": o, "parent_id": o} for i, o in ids])
        # The flat rows a precomputed page would read (one per published item).
        s.execute(text("CREATE TABLE bench_class_rows AS SELECT p.display_name, a.title, "
                       "s.title AS section_title, a.level, a.result, a.achieved_on, a.hours "
                       "FROM portfolio_achievement a JOIN person p ON p.id = a.owner_id "
                       "JOIN portfolio_section s ON s.id = a.section_id"))
        # A pupil with 200 confirmed achievements for the export.
        mover = _people(s, org.id, 1, "student", "m")[0]
        s.execute(insert(Achievement), [{
            "public_id": f"m{k:04d}", "organisation_id": org.id, "owner_id": mover,
            "section_id": sections[k % 7].id, "title": f"Призёр олимпиады № {k}",
            "level": rules.LEVELS[k % 5], "result": rules.RESULTS[k % 3],
            "achieved_on": date(2024, 9, 1) + timedelta(days=k), "description": "Описание",
            "status": rules.CONFIRMED} for k in range(200)])
        return {"org": org.id, "group": group.id, "mover": mover}


def bench_class_page(app: Any, db: Database, ids: dict[str, Any], rounds: int) -> tuple[
        float, float, int]:
    from flask import render_template

    group = ids["group"]

    def served() -> int:
        with db.session() as s, app.test_request_context("/"):
            klass = s.get_one(ClassGroup, group)
            rows = services.class_page(s, ids["org"], group)
            html = render_template("portfolio/class.html", group=klass, rows=rows,
                                   rules=rules)
            return html.count('data-testid="class-item"')

    def drawn() -> int:
        with db.session() as s, app.test_request_context("/"):
            klass = s.get_one(ClassGroup, group)
            flat = s.execute(text("SELECT * FROM bench_class_rows ORDER BY display_name, "
                                  "achieved_on DESC")).all()
            by: dict[str, list[Any]] = {}
            for row in flat:
                by.setdefault(row.display_name, []).append(_Flat(row))
            rows = [(_Name(name), items) for name, items in by.items()]
            html = render_template("portfolio/class.html", group=klass, rows=rows,
                                   rules=rules)
            return html.count('data-testid="class-item"')

    count = served()
    assert count == 1200 and drawn() == 1200, count
    return _median(served, rounds), _median(drawn, rounds), count


class _Name:
    def __init__(self, name: str) -> None:
        self.display_name = name


class _Flat:
    """A precomputed row shaped as the template reads an achievement."""

    def __init__(self, row: Any) -> None:
        self.title, self.level, self.result, self.hours = row.title, row.level, row.result, \
            row.hours
        self.achieved_on = date.fromisoformat(str(row.achieved_on))
        self.imported = None
        self.section = _Name("")
        self.section.title = row.section_title  # type: ignore[attr-defined]


def bench_export(db: Database, ids: dict[str, Any], rounds: int,
                 tmp: str) -> tuple[float, int]:
    def run() -> int:
        with db.session() as s:
            owner = s.get_one(Person, ids["mover"])
            done = moving.export_file(s, LocalStore(Path(tmp)), "bench-secret", ids["org"],
                                      owner, owner.id, rules.STUDENT)
            s.rollback()
            return len(done.data)

    size = run()
    return _median(run, rounds), size


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    quick = args.quick or os.environ.get("BENCH_QUICK") == "1"
    rounds = 3 if quick else args.rounds
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite"
        upgrade(url)
        app = create_app(Settings(instance_path=Path(tmp), database_url=url,
                                  secret_key="bench", base_url="http://bench", testing=True))
        db = Database(url)
        ids = setup(db)
        served, drawn, items = bench_class_page(app, db, ids, rounds)
        from lti_tool.portfolio import uud

        uud_ids = uud.bench_setup(db, pupils=1600)
        uud_served, uud_drawn, uud_rows = uud.bench_summary(
            db, uud_ids, lambda fn: _median(fn, rounds))
        export_s, export_bytes = bench_export(db, ids, rounds, tmp)
        db.engine.dispose()
    ratio, uud_ratio = served / drawn, uud_served / uud_drawn
    print(f"{'measure':<52}{'value':>12}")
    print(f"{'(a) class page served (30 × 40 items), median ms':<52}{served * 1000:>12.1f}")
    print(f"{'(a) from precomputed rows, ms':<52}{drawn * 1000:>12.1f}")
    print(f"{'(a) ratio':<52}{ratio:>12.2f}")
    print(f"{'(b) УУД school summary (1,600 pupils), median ms':<52}{uud_served * 1000:>12.1f}")
    print(f"{'(b) from precomputed rows, ms':<52}{uud_drawn * 1000:>12.1f}")
    print(f"{'(b) ratio':<52}{uud_ratio:>12.2f}")
    print(f"{'(b) pupil × item rows':<52}{uud_rows:>12,}")
    print(f"{'(c) signed CLR export of 200 achievements, s':<52}{export_s:>12.3f}")
    print(f"{'(c) file size, bytes':<52}{export_bytes:>12,}")
    met = ratio <= 3.0 and uud_ratio <= 3.0 and export_s < 2.0 and items == 1200
    print(f"RESULT class_page_ms={served * 1000:.1f} class_ratio={ratio:.2f} "
          f"uud_ms={uud_served * 1000:.1f} uud_ratio={uud_ratio:.2f} "
          f"export_s={export_s:.3f}{' quick=1' if quick else ''} "
          f"target={'met' if met else 'missed'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
