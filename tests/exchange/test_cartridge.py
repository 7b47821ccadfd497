"""A network course as a Common Cartridge 1.1: valid against the XSD set Moodle ships, every
reference resolved (which the XSDs do not check), an LTI link back to the course; only the
host's coordinator may export it."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import requests
from lxml import etree

from lti_tool.exchange import cartridge

ROOT = Path(__file__).resolve().parents[2]


def _cc11() -> Path:
    for base in (ROOT.parent, ROOT.parent.parent, Path("/work/shared")):
        candidate = base / "standards" if base.name == "shared" else base / "shared" / "standards"
        if (candidate / "cc11").is_dir():
            return candidate / "cc11"
    pytest.skip("../shared/standards (the CC 1.1 schemas) is not beside the repository")


def _valid(schema: str, data: bytes) -> None:
    xsd = etree.XMLSchema(etree.parse(str(_cc11() / schema)))
    doc = etree.fromstring(data)
    assert xsd.validate(doc), xsd.error_log


def test_export_is_valid_cc11_and_links_back(net):
    course = net.add_course()
    host = net.token("admin", "other")
    resp = net.get(f"/app/exchange/courses/{course}/cartridge.imscc", host)
    assert resp.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(resp.content))
    _valid("cc11libxml2validator.xsd", archive.read("imsmanifest.xml"))
    link = archive.read("lti/course.xml")
    _valid("imslticc_v1p0p1.xsd", link)
    assert f"network_course:{course}".encode() in link
    assert (net.tool.base + "/lti/launch").encode() in link
    assert "Химия в медицине" in archive.read("intro/index.html").decode()
    assert cartridge.check(resp.content) == []
    # what the XSDs let through, the check does not
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as out:
        for name in archive.namelist():
            if name != "intro/index.html":
                out.writestr(name, archive.read(name).replace(b'identifierref="R_LTI"',
                                                              b'identifierref="R_GONE"'))
    problems = cartridge.check(broken.getvalue())
    assert any("R_GONE" in p for p in problems) and any("intro/index.html" in p
                                                        for p in problems)
    assert net.get(f"/app/exchange/courses/{course}/cartridge.imscc",
                   net.token("admin", "school")).status_code == 403
    assert net.get(f"/app/exchange/courses/{course}/cartridge.imscc",
                   net.token("admin", "outside")).status_code == 404


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def _upload(net, token: str, data: bytes):
    return requests.post(net.tool.base + "/app/exchange/courses/import", timeout=30,
                         data={"lt": token}, files={"file": ("course.imscc", data)},
                         allow_redirects=False)


XXE = (b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
       b'<manifest xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1" identifier="M">'
       b"<organizations/><resources/><title>&x;</title></manifest>")
LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(f'<!ENTITY lol{i} "{"&lol" + str(i - 1) + ";" if i > 1 else "&lol;"}'
                     f'{("&lol" + str(i - 1) + ";") * 9 if i > 1 else "&lol;" * 9}">'.encode()
                     for i in range(1, 10))
          + b']><manifest xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1">&lol9;'
          b"</manifest>")


def test_import_a_partner_cartridge_and_refuse_malicious_ones(net):
    course = net.add_course()
    good = net.get(f"/app/exchange/courses/{course}/cartridge.imscc",
                   net.token("admin", "other")).content
    home = net.token("admin", "school")
    manifest = zipfile.ZipFile(io.BytesIO(good)).read("imsmanifest.xml")
    bad = {
        "DTD или сущности": _zip({"imsmanifest.xml": XXE}),  # XXE
        "сущности": _zip({"imsmanifest.xml": LAUGHS}),  # billion laughs
        "недопустимым путём": _zip({"imsmanifest.xml": manifest, "../../etc/cron.d/x": b"x",
                                    "intro/index.html": b"<p>x</p>", "lti/course.xml": b"<a/>"}),
        "слишком большой": b"PK" + b"\0" * (5 * 1024 * 1024 + 10),
        "слишком много файлов": _zip({f"f{i}.txt": b"" for i in range(201)}),
        "Нужен архив": b"hello",
        "отсутствующие ресурсы": _zip({"imsmanifest.xml": manifest, "lti/course.xml":
                                       zipfile.ZipFile(io.BytesIO(good)).read("lti/course.xml")}),
        "DTD": _zip({"imsmanifest.xml": manifest,
                     "intro/index.html": b"<p>x</p>", "lti/course.xml": XXE}),
    }
    before = net.snapshot()
    for message, data in bad.items():
        resp = _upload(net, home, data)
        assert resp.status_code == 303, message
        shown = requests.get(net.tool.base + resp.headers["Location"], timeout=30)
        assert message in shown.text, message  # the refusal says why
        assert net.snapshot() == before, message
    assert _upload(net, net.token("student"), good).status_code == 403
    assert net.snapshot() == before
    resp = _upload(net, home, good)
    assert resp.status_code == 303 and "/edit" in resp.headers["Location"]
    catalog = net.get("/app/exchange/", home).text
    assert "Химия в медицине" in catalog and "черновик" in catalog
    # the draft is the importing school's, unpublished: the partner does not see it yet
    with net.tool.db.session() as s:
        from sqlalchemy import select

        from lti_tool.exchange.models import NetworkCourse

        draft = s.scalars(select(NetworkCourse).where(
            NetworkCourse.host_org_id == net.tool.org_id)).one()
        assert not draft.published and "Лабораторный курс" in draft.description
