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


def test_demo_region_admin_sees_school_37_and_its_mentor(platform, tool, tmp_path):
    """The demo's regional institute coordinates the region's network: its admin reads
    school № 37's figures and finds t-ivanova (a regional prize in «Профессиональные
    конкурсы») among the mentors; a network of the demo is built by its own seeding."""
    from lti_tool.lti import registry
    from lti_tool.lti.models import PlatformClient
    from lti_tool.network import services as network
    from lti_tool.people.models import Organisation

    launch(platform, tool, "teacher", "t-ivanova", name="Мария Иванова")
    launch(platform, tool, "admin", "a-smirnova")
    with tool.db.session() as s:
        klass = s.scalars(select(ClassGroup).where(
            ClassGroup.external_id == "algebra-10a")).one()
        seed_portfolios(s, LocalStore(tmp_path / "evidence"), org_id=tool.org_id,
                        issuer=platform.issuer, class_id=klass.id, curator_sub="t-ivanova",
                        admin_sub="a-smirnova")
        kiro = Organisation(slug="kiro-kostroma", name="Институт развития образования")
        s.add(kiro)
        s.flush()
        client = s.get_one(PlatformClient, tool.client_pk)
        registry.add_deployment(s, client, "dep-kiro").organisation_id = kiro.id
        top = network.create_network(s, slug="kostroma-region", name="Регион",
                                     coordinator_id=kiro.id)
        network.create_network(s, slug="kostroma-37", name="Сеть школы № 37",
                               coordinator_id=tool.org_id, parent=top)
        s.commit()
    region = launch(platform, tool, "admin", "r-kuzmina", deployment="dep-kiro",
                    course="region-portfolio")
    page = region.get("/app/admin/portfolio/region")
    assert page.status_code == 200 and "Школа № 37" in page.text
    assert "Мария Иванова" in page.text
    assert "Профессиональные конкурсы" in page.text
