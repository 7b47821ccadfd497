"""УУД over HTTP: the curator asks every teacher who teaches the pupil, each rates, the
figure is their average with the number of raters, an external result far from it is
flagged with both figures; nobody else reads, asks or answers (and nothing changes)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from lti_tool.people.models import ClassGroup
from lti_tool.portfolio import rules
from lti_tool.portfolio.models import UudAsk, UudExternal, UudItem, UudRating
from tests.portfolio.helpers import launch, person_id

SCORES = st.lists(st.floats(min_value=0, max_value=5), max_size=6)


@given(SCORES, SCORES, st.floats(min_value=0, max_value=5))
def test_figure_is_the_mean_and_flags_only_a_gap_over_the_threshold(ext, exp, threshold):
    fig = rules.uud_figure(ext, exp, len(exp), threshold)
    if fig.flagged:
        assert fig.external is not None and fig.expert is not None
        assert abs(fig.external - fig.expert) > threshold
    if exp:
        assert min(exp) - 1e-9 <= fig.expert <= max(exp) + 1e-9


def _counts(tool) -> tuple[int, ...]:
    with tool.db.session() as s:
        return tuple(s.scalar(select(func.count()).select_from(m))
                     for m in (UudAsk, UudRating, UudExternal))


def test_expert_request_ratings_average_and_gap(platform, tool):
    student = launch(platform, tool, "student", "s-petrov")
    launch(platform, tool, "student", "s-petrov", course="geometry-10b")
    algebra = launch(platform, tool, "teacher", "t-ivanova", name="Мария Иванова")
    geometry = launch(platform, tool, "teacher", "t-orlov", course="geometry-10b")
    launch(platform, tool, "teacher", "t-far", course="chemistry-11a")  # not his teacher
    admin = launch(platform, tool, "admin", "a-smirnova", course="staff-room")
    classmate = launch(platform, tool, "student", "s-kuznetsova")
    other = launch(platform, tool, "admin", "a-other", deployment="dep-other",
                   course="physics-11b")
    pid = person_id(tool, "s-petrov")[1]
    with tool.db.session() as s:
        klass = s.scalars(select(ClassGroup.public_id).where(
            ClassGroup.external_id == "algebra-10a")).one()
    admin.post("/app/admin/portfolio/curators",
               {"tutor": person_id(tool, "t-ivanova")[1], "class": klass})
    assert student.get(f"/app/portfolio/uud/p/{pid}").status_code == 200

    before = _counts(tool)
    assert student.post(f"/app/portfolio/uud/p/{pid}/request").status_code == 403
    assert classmate.get(f"/app/portfolio/uud/p/{pid}").status_code == 403
    assert other.get(f"/app/portfolio/uud/p/{pid}").status_code == 404
    assert geometry.post(f"/app/portfolio/uud/p/{pid}/external",
                         {"item": "1", "source": "vpr", "score": "5"}).status_code == 403
    assert _counts(tool) == before

    assert algebra.post(f"/app/portfolio/uud/p/{pid}/request").status_code == 303
    with tool.db.session() as s:
        asked = set(s.scalars(select(UudAsk.teacher_id)))
        items = s.scalars(select(UudItem.id).order_by(UudItem.position)).all()
    assert asked == {person_id(tool, "t-ivanova")[0], person_id(tool, "t-orlov")[0]}
    assert len(items) == 9
    for teacher, score in ((algebra, 4), (geometry, 2)):
        page = teacher.get("/app/portfolio/uud/asks")
        ask = re.search(r"/app/portfolio/uud/asks/(\d+)", page.text).group(1)
        # Someone else's ask is not theirs to answer.
        intruder = geometry if teacher is algebra else algebra
        before = _counts(tool)
        assert intruder.post(f"/app/portfolio/uud/asks/{ask}",
                             {f"item-{i}": "5" for i in items}).status_code == 403
        assert other.post(f"/app/portfolio/uud/asks/{ask}",
                          {f"item-{i}": "5" for i in items}).status_code == 404
        assert _counts(tool) == before
        resp = teacher.post(f"/app/portfolio/uud/asks/{ask}",
                            {f"item-{i}": str(score) for i in items})
        assert resp.status_code == 303
    algebra.post(f"/app/portfolio/uud/p/{pid}/external",
                 {"item": str(items[0]), "source": "vpr", "score": "5"})
    page = student.get(f"/app/portfolio/uud/p/{pid}").text
    assert "оценивших: 2" in page and "3.0" in page
    assert page.count('data-flagged="1"') == 1  # external 5 against expert 3: gap 2 > 1
    school = admin.get("/app/portfolio/uud/school")
    assert school.status_code == 200 and "внешняя 5.0, экспертная 3.0" in school.text
    assert algebra.get("/app/portfolio/uud/school").status_code == 403


def _xlsx(rows: list[list[object]]) -> bytes:
    from io import BytesIO

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Ученик", "УУД", "Источник", "Результат"])
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def test_settings_and_xlsx_import(platform, tool):
    launch(platform, tool, "student", "s-petrov", name="Алексей Петров")
    launch(platform, tool, "student", "s-kuznetsova", name="Дарья Кузнецова")
    admin = launch(platform, tool, "admin", "a-smirnova", course="staff-room")
    teacher = launch(platform, tool, "teacher", "t-ivanova")
    assert admin.get("/app/admin/portfolio/").status_code == 200
    before = _counts(tool)
    assert teacher.post("/app/admin/portfolio/uud", {"what": "scale", "scale_max": "10",
                                                     "gap_threshold": "2"}).status_code == 403
    admin.post("/app/admin/portfolio/uud", {"what": "scale", "scale_max": "10",
                                            "gap_threshold": "2.5"})
    admin.post("/app/admin/portfolio/uud", {"group": "cognitive",
                                            "title": "Смысловое чтение"})
    with tool.db.session() as s:
        from lti_tool.portfolio.models import UudConfig

        cfg = s.scalars(select(UudConfig)).one()
        assert (cfg.scale_max, cfg.gap_threshold) == (10, 2.5)
        assert "Смысловое чтение" in s.scalars(select(UudItem.title)).all()
    bad = _xlsx([["Алексей Петров", "Смысловое чтение", "ВПР", 7],
                 ["Иван Неизвестный", "Смысловое чтение", "ВПР", 7],
                 ["Дарья Кузнецова", "Нет такого", "ВПР", 7],
                 ["Дарья Кузнецова", "Общение", "ВПР", 11]])
    resp = admin.post("/app/admin/portfolio/uud/import", files={"file": ("r.xlsx", bad)})
    import requests

    page = requests.get(tool.base + resp.headers["Location"], timeout=30).text
    assert "строка 3, столбец A" in page and "строка 4, столбец B" in page
    assert "строка 5, столбец D" in page
    assert _counts(tool) == before  # nothing saved from a file with errors
    good = _xlsx([["Алексей Петров", "Смысловое чтение", "ВПР", 7],
                  ["дарья кузнецова", "Общение", "мониторинг УУД", "8,5"]])
    resp = admin.post("/app/admin/portfolio/uud/import", files={"file": ("r.xlsx", good)})
    assert "Загружено внешних результатов: 2" in requests.get(
        tool.base + resp.headers["Location"], timeout=30).text
    assert teacher.post("/app/admin/portfolio/uud/import",
                        files={"file": ("r.xlsx", good)}).status_code == 403
    assert _counts(tool)[2] == 2
