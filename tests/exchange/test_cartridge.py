"""A network course as a Common Cartridge 1.1: valid against the XSD set Moodle ships, every
reference resolved (which the XSDs do not check), an LTI link back to the course; only the
host's coordinator may export it."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
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
