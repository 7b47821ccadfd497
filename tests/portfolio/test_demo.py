"""The demo's portfolios (``make demo``): every moderation state is there at once, the
class page and the charts have something to show, and seeding twice adds nothing."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from lti_tool.people.models import ClassGroup
from lti_tool.portfolio.demo import seed_portfolios
from lti_tool.portfolio.models import Achievement, Consent
from lti_tool.portfolio.storage import LocalStore
from tests.portfolio.helpers import launch, person_id


def test_demo_portfolios_in_every_state(platform, tool, tmp_path):
    curator = launch(platform, tool, "teacher", "t-ivanova")
    launch(platform, tool, "admin", "a-smirnova")
    pupils = {sub: launch(platform, tool, "student", sub)
              for sub in ("s-petrov", "s-kuznetsova", "s-sokolov")}
    store = LocalStore(tmp_path / "evidence")
    with tool.db.session() as s:
        klass = s.scalars(select(ClassGroup).where(
            ClassGroup.external_id == "algebra-10a")).one()
        kwargs = dict(org_id=tool.org_id, issuer=platform.issuer, class_id=klass.id,
                      curator_sub="t-ivanova", admin_sub="a-smirnova")
        assert seed_portfolios(s, store, **kwargs) == 19
        s.commit()
        assert seed_portfolios(s, store, **kwargs) == 0
        states = Counter(s.scalars(select(Achievement.status)))
        assert states["unconfirmed"] == 3 and states["rejected"] == 2
        assert s.scalars(select(Achievement.original)).all().count(None) == 18
        assert len(s.scalars(select(Consent)).all()) == 4
        class_id = klass.public_id
    queue = curator.get("/app/portfolio/queue")
    assert queue.text.count('data-testid="queue-item"') == 3
    page = curator.get(f"/app/portfolio/class/{class_id}")
    assert page.text.count('data-testid="class-item"') == 4
    petrov = pupils["s-petrov"].get(f"/app/portfolio/p/{person_id(tool, 's-petrov')[1]}")
    assert "На скане не видно фамилии" in petrov.text and "<svg" in petrov.text
    assert 'data-status="unconfirmed"' in petrov.text
    teacher = curator.get(f"/app/portfolio/p/{person_id(tool, 't-ivanova')[1]}")
    for band in ("до 16 ч", "16–250 ч", "от 251 ч"):
        assert band in teacher.text
    assert "Вебфолио" in teacher.text
    admin = launch(platform, tool, "admin", "a-smirnova")
    assert curator.get("/app/admin/portfolio/figures").status_code == 403
    figures = admin.get("/app/admin/portfolio/figures").text
    assert "3 / 3" in figures and "<svg" in figures  # all three named pupils covered
    uud = curator.get(f"/app/portfolio/uud/p/{person_id(tool, 's-petrov')[1]}")
    assert uud.text.count('data-flagged="1"') == 1 and "оценивших: 1" in uud.text
