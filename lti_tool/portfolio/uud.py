"""УУД (universal learning actions, seed 002): the school's framework and scale, external
results, expert ratings asked of every teacher who teaches the student (the journal's
classes), averaged with the number of raters, and gaps above the school's threshold flagged
for the tutor with both figures."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from lti_tool.core.audit import audit
from lti_tool.db import utcnow
from lti_tool.people import queries as people_q
from lti_tool.people.services import Person
from lti_tool.portfolio import rules
from lti_tool.portfolio.models import UudAsk, UudConfig, UudExternal, UudItem, UudRating


def config(session: Session, org_id: int) -> UudConfig:
    found = session.scalars(select(UudConfig).where(UudConfig.organisation_id == org_id)).first()
    if found is None:
        found = UudConfig(organisation_id=org_id, scale_max=5, gap_threshold=1.0)
        session.add(found)
        session.flush()
    return found


def items(session: Session, org_id: int) -> list[UudItem]:
    """The school's framework, created from ФГОС СОО's groups on first use."""
    found = list(session.scalars(select(UudItem).where(UudItem.organisation_id == org_id)
                                 .order_by(UudItem.position, UudItem.id)))
    if not found:
        for pos, (group, title) in enumerate(rules.UUD_DEFAULT_ITEMS):
            item = UudItem(organisation_id=org_id, group=group, title=title, position=pos)
            session.add(item)
            found.append(item)
        session.flush()
    return [i for i in found if i.active]


def teachers_of(session: Session, org_id: int, student_id: int) -> list[int]:
    """Everyone who teaches the student: teachers of the (active) classes they are in."""
    return people_q.teachers_of_pupil(session, org_id, student_id)


def request_expert(session: Session, *, org_id: int, student: Person, actor_id: int) -> int:
    """Ask every teacher of the student who has no open ask for them; returns how many."""
    open_asks = set(session.scalars(select(UudAsk.teacher_id).where(
        UudAsk.student_id == student.id, UudAsk.organisation_id == org_id,
        UudAsk.answered_at.is_(None))))
    asked = 0
    for teacher in teachers_of(session, org_id, student.id):
        if teacher in open_asks:
            continue
        session.add(UudAsk(organisation_id=org_id, student_id=student.id, teacher_id=teacher,
                           requested_by=actor_id))
        asked += 1
    audit(session, actor_id, org_id, "portfolio.uud.request", "person", student.public_id,
          teachers=asked)
    return asked


def open_asks(session: Session, org_id: int, teacher_id: int) -> list[tuple[UudAsk, Person]]:
    asks = list(session.scalars(select(UudAsk).where(
        UudAsk.organisation_id == org_id, UudAsk.teacher_id == teacher_id,
        UudAsk.answered_at.is_(None)).order_by(UudAsk.id)))
    pupils = people_q.people_by_ids(session, {a.student_id for a in asks})
    return sorted(((a, pupils[a.student_id]) for a in asks),
                  key=lambda pair: pair[1].display_name)


def answer(session: Session, ask: UudAsk, scores: dict[int, float]) -> None:
    """The teacher's ratings, one per item of the framework, on the school's scale."""
    scale = config(session, ask.organisation_id).scale_max
    known = {i.id for i in items(session, ask.organisation_id)}
    if set(scores) != known:
        raise rules.Refusal(rules.N_("Оцените каждое УУД из списка."))
    if any(not 0 <= s <= scale for s in scores.values()):
        raise rules.Refusal(rules.N_("Оценка — число от 0 до %(max)s."), max=scale)
    for item_id, score in scores.items():
        session.add(UudRating(organisation_id=ask.organisation_id, ask_id=ask.id,
                              student_id=ask.student_id, teacher_id=ask.teacher_id,
                              item_id=item_id, score=score))
    ask.answered_at = utcnow()
    audit(session, ask.teacher_id, ask.organisation_id, "portfolio.uud.rate", "uud_ask",
          ask.id, items=len(scores))


def add_external(session: Session, *, org_id: int, student_id: int, item_id: int,
                 source: str, score: float, actor_id: int) -> None:
    scale = config(session, org_id).scale_max
    if source not in rules.UUD_SOURCES or not 0 <= score <= scale:
        raise rules.Refusal(rules.N_("Источник из списка и результат от 0 до %(max)s."),
                            max=scale)
    if item_id not in {i.id for i in items(session, org_id)}:
        raise rules.Refusal(rules.N_("Выберите УУД из списка."))
    session.add(UudExternal(organisation_id=org_id, student_id=student_id, item_id=item_id,
                            source=source, score=score, entered_by=actor_id))
    audit(session, actor_id, org_id, "portfolio.uud.external", "person", student_id,
          item=item_id, source=source, score=score)


@dataclass(frozen=True)
class Row:
    item: UudItem
    figure: rules.UudFigure


def student_summary(session: Session, org_id: int, student_id: int) -> list[Row]:
    cfg = config(session, org_id)
    ext: dict[int, list[float]] = defaultdict(list)
    exp: dict[int, list[float]] = defaultdict(list)
    raters: dict[int, set[int]] = defaultdict(set)
    for item_id, score in session.execute(select(UudExternal.item_id, UudExternal.score).where(
            UudExternal.organisation_id == org_id, UudExternal.student_id == student_id)):
        ext[item_id].append(score)
    for item_id, score, teacher in session.execute(select(
            UudRating.item_id, UudRating.score, UudRating.teacher_id).where(
            UudRating.organisation_id == org_id, UudRating.student_id == student_id)):
        exp[item_id].append(score)
        raters[item_id].add(teacher)
    return [Row(i, rules.uud_figure(ext[i.id], exp[i.id], len(raters[i.id]),
                                    cfg.gap_threshold)) for i in items(session, org_id)]


@dataclass(frozen=True)
class SchoolSummary:
    by_item: dict[int, tuple[float | None, float | None, int]]  # ext mean, exp mean, pupils
    flagged: list[tuple[int, int, float, float]]  # student, item, external, expert


def school_summary(session: Session, org_id: int) -> SchoolSummary:
    """Two grouped queries (pupil × item averages), then the gaps: the school's УУД
    distribution and who needs the tutor's attention."""
    threshold = config(session, org_id).gap_threshold
    ext = {(s, i): v for s, i, v in session.execute(select(
        UudExternal.student_id, UudExternal.item_id, func.avg(UudExternal.score)).where(
        UudExternal.organisation_id == org_id).group_by(UudExternal.student_id,
                                                        UudExternal.item_id))}
    exp = {(s, i): v for s, i, v in session.execute(select(
        UudRating.student_id, UudRating.item_id, func.avg(UudRating.score)).where(
        UudRating.organisation_id == org_id).group_by(UudRating.student_id,
                                                      UudRating.item_id))}
    return _summarise(ext, exp, threshold)


def _summarise(ext: dict[tuple[int, int], float], exp: dict[tuple[int, int], float],
               threshold: float) -> SchoolSummary:
    sums: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    flagged = []
    for key in ext.keys() | exp.keys():
        student, item = key
        acc = sums[item]
        e, x = ext.get(key), exp.get(key)
        if e is not None:
            acc[0] += e
            acc[1] += 1
        if x is not None:
            acc[2] += x
            acc[3] += 1
        if e is not None and x is not None and abs(e - x) > threshold:
            flagged.append((student, item, float(e), float(x)))
    by_item = {i: (a[0] / a[1] if a[1] else None, a[2] / a[3] if a[3] else None,
                   int(max(a[1], a[3]))) for i, a in sums.items()}
    return SchoolSummary(by_item, sorted(flagged))


# --- benchmark support (bench/portfolio.py) -------------------------------------------------

def bench_setup(db: Any, pupils: int) -> dict[str, Any]:
    """A school of ``pupils`` with external results and three teachers' ratings on every
    item, and the same figures precomputed into a flat table."""
    with db.session() as s:
        org_id = people_q.add_school(s, "bench-uud", "Школа УУД")
        framework = items(s, org_id)
        ids = people_q.add_people(s, [(f"u{n:05d}", f"У {n}") for n in range(pupils + 3)])
        students, teachers = ids[:pupils], ids[pupils:]
        s.execute(insert(UudExternal), [
            {"organisation_id": org_id, "student_id": st, "item_id": it.id,
             "source": "monitoring", "score": float((st + it.id) % 6)}
            for st in students for it in framework])
        asks = []
        for t in teachers:
            asks += [{"organisation_id": org_id, "student_id": st, "teacher_id": t}
                     for st in students]
        s.execute(insert(UudAsk), asks)
        ask_ids = s.execute(select(UudAsk.id, UudAsk.student_id, UudAsk.teacher_id).where(
            UudAsk.organisation_id == org_id)).all()
        s.execute(insert(UudRating), [
            {"organisation_id": org_id, "ask_id": a, "student_id": st, "teacher_id": t,
             "item_id": it.id, "score": float((st * t + it.id) % 6)}
            for a, st, t in ask_ids for it in framework])
        s.execute(insert(UudConfig).values(organisation_id=org_id, scale_max=5,
                                           gap_threshold=1.0))
        from sqlalchemy import text

        s.execute(text(
            "CREATE TABLE bench_uud_rows AS SELECT e.student_id, e.item_id, e.ext, r.exp "
            "FROM (SELECT student_id, item_id, avg(score) AS ext FROM portfolio_uud_external "
            "GROUP BY 1, 2) e JOIN (SELECT student_id, item_id, avg(score) AS exp FROM "
            "portfolio_uud_rating GROUP BY 1, 2) r USING (student_id, item_id)"))
        return {"org": org_id, "rows": len(students) * len(framework)}


def bench_summary(db: Any, ids: dict[str, Any],
                  median: Callable[[Callable[[], Any]], float]) -> tuple[
                      float, float, int]:
    from sqlalchemy import text

    def served() -> int:
        with db.session() as s:
            return len(school_summary(s, ids["org"]).flagged)

    def drawn() -> int:
        with db.session() as s:
            threshold = config(s, ids["org"]).gap_threshold
            rows = s.execute(text("SELECT student_id, item_id, ext, exp FROM bench_uud_rows"))
            ext, exp = {}, {}
            for st, it, e, x in rows:
                ext[(st, it)], exp[(st, it)] = e, x
            return len(_summarise(ext, exp, threshold).flagged)

    assert served() == drawn()
    return median(served), median(drawn), int(ids["rows"])


# --- school settings and XLSX import ---------------------------------------------------------

def save_settings(session: Session, org_id: int, actor_id: int, *, scale_max: int,
                  gap_threshold: float) -> None:
    if not 1 <= scale_max <= 100 or not 0 <= gap_threshold <= scale_max:
        raise rules.Refusal(rules.N_("Шкала — от 1 до 100, порог — от 0 до %(max)s."),
                            max=scale_max)
    cfg = config(session, org_id)
    before = (cfg.scale_max, cfg.gap_threshold)
    cfg.scale_max, cfg.gap_threshold = scale_max, gap_threshold
    audit(session, actor_id, org_id, "portfolio.uud.settings", "organisation", org_id,
          before=list(before), after=[scale_max, gap_threshold])


def save_item(session: Session, org_id: int, actor_id: int, *, item_id: int | None,
              group: str, title: str, active: bool = True) -> None:
    if group not in rules.UUD_GROUPS or len(title.strip()) < 2:
        raise rules.Refusal(rules.N_("Группа из списка и название от 2 символов."))
    items(session, org_id)  # the defaults exist before the first edit
    if item_id is None:
        count = session.scalar(select(func.count()).select_from(UudItem).where(
            UudItem.organisation_id == org_id)) or 0
        session.add(UudItem(organisation_id=org_id, group=group, title=title.strip()[:200],
                            position=int(count)))
    else:
        row = session.scalars(select(UudItem).where(UudItem.id == item_id,
                                                    UudItem.organisation_id == org_id)).first()
        if row is None:
            raise LookupError(item_id)
        row.group, row.title, row.active = group, title.strip()[:200], active
    audit(session, actor_id, org_id, "portfolio.uud.item", "uud_item", item_id or "new",
          group=group, title=title, active=active)


def import_external(session: Session, org_id: int, actor_id: int, data: bytes) -> int:
    """External results from an XLSX sheet: «Ученик | УУД | Источник | Результат» (a header
    row first). Every row is checked first; any error refuses the whole file and names the
    row and column; nothing is saved then."""
    from io import BytesIO

    from openpyxl import load_workbook

    try:
        sheet = load_workbook(BytesIO(data), read_only=True, data_only=True).active
    except Exception as exc:
        raise rules.Refusal(rules.N_("Это не файл XLSX.")) from exc
    if sheet is None:
        raise rules.Refusal(rules.N_("В файле нет листа."))
    scale = config(session, org_id).scale_max
    by_title = {i.title.lower(): i for i in items(session, org_id)}
    sources = {v.lower(): k for k, v in rules.UUD_SOURCES.items()} | {
        k: k for k in rules.UUD_SOURCES}
    pupils: dict[str, list[int]] = defaultdict(list)
    for pid, name in people_q.member_names(session, org_id, "student"):
        pupils[name.strip().lower()].append(pid)
    rows: list[dict[str, Any]] = []
    errors: list[rules.Refusal] = []
    for n, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if not row or all(v in (None, "") for v in row[:4]):
            continue
        name, item, source, score = (list(row) + [None] * 4)[:4]
        found = pupils.get(str(name or "").strip().lower(), [])
        if len(found) != 1:
            errors.append(rules.Refusal(rules.N_(
                "строка %(row)s, столбец A: ученик не найден в школе") if not found else
                rules.N_("строка %(row)s, столбец A: в школе несколько учеников с таким "
                         "именем"), row=n))
            continue
        uud_item = by_title.get(str(item or "").strip().lower())
        if uud_item is None:
            errors.append(rules.Refusal(rules.N_(
                "строка %(row)s, столбец B: такого УУД нет в списке школы"), row=n))
            continue
        code = sources.get(str(source or "").strip().lower())
        if code is None:
            errors.append(rules.Refusal(rules.N_(
                "строка %(row)s, столбец C: источник — мониторинг УУД, ВПР или "
                "метапредметная олимпиада"), row=n))
            continue
        try:
            value = float(str(score).replace(",", "."))
        except ValueError:
            value = -1.0
        if not 0 <= value <= scale:
            errors.append(rules.Refusal(rules.N_(
                "строка %(row)s, столбец D: результат — число от 0 до %(max)s"), row=n,
                max=scale))
            continue
        rows.append({"organisation_id": org_id, "student_id": found[0],
                     "item_id": uud_item.id, "source": code, "score": value,
                     "entered_by": actor_id})
    if errors:
        raise rules.Refusals(errors[:20])
    if rows:
        session.execute(insert(UudExternal), rows)
    audit(session, actor_id, org_id, "portfolio.uud.import", "organisation", org_id,
          rows=len(rows))
    return len(rows)
