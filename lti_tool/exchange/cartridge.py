"""A network course as an IMS Common Cartridge 1.1 package Moodle imports: the course
description as web content and an LTI link (``imsbasiclti_xmlv1p0``) whose launch comes back
to Marshrut and opens the course page (custom ``target=network_course:<id>``).

Written with lxml. The CC 1.1 XSDs do not check that every ``identifierref`` names a
resource or that every ``file href`` is in the archive, so :func:`check` does (tests validate
the XML against the XSD set Moodle ships, ``../shared/standards/cc11``).
"""

from __future__ import annotations

import io
import zipfile
from html import escape

from lxml import etree

from lti_tool.exchange.models import NetworkCourse

CP = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
LOM = "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest"
LTICC = "http://www.imsglobal.org/xsd/imslticc_v1p0"
BLTI = "http://www.imsglobal.org/xsd/imsbasiclti_v1p0"
LTICM = "http://www.imsglobal.org/xsd/imslticm_v1p0"
LTICP = "http://www.imsglobal.org/xsd/imslticp_v1p0"
INTRO, LINK = "intro/index.html", "lti/course.xml"


def _el(parent: etree._Element, ns: str, tag: str, text: str | None = None,
        **attrs: str) -> etree._Element:
    node = etree.SubElement(parent, f"{{{ns}}}{tag}", attrs)
    if text is not None:
        node.text = text
    return node


def manifest(course: NetworkCourse) -> bytes:
    root = etree.Element(f"{{{CP}}}manifest", nsmap={None: CP, "lomimscc": LOM},
                         identifier=f"M-{course.public_id}")
    meta = _el(root, CP, "metadata")
    _el(meta, CP, "schema", "IMS Common Cartridge")
    _el(meta, CP, "schemaversion", "1.1.0")
    title = _el(_el(_el(meta, LOM, "lom"), LOM, "general"), LOM, "title")
    _el(title, LOM, "string", course.title, language="ru")
    org = _el(_el(root, CP, "organizations"), CP, "organization", identifier="O1",
              structure="rooted-hierarchy")
    top = _el(_el(org, CP, "item", identifier="ROOT"), CP, "item", identifier="S1")
    _el(top, CP, "title", course.title)
    _el(_el(top, CP, "item", identifier="I1", identifierref="R_INTRO"), CP, "title",
        "О курсе")
    _el(_el(top, CP, "item", identifier="I2", identifierref="R_LTI"), CP, "title",
        "Страница сетевого курса в «Маршруте»")
    resources = _el(root, CP, "resources")
    intro = _el(resources, CP, "resource", identifier="R_INTRO", type="webcontent",
                href=INTRO)
    _el(intro, CP, "file", href=INTRO)
    link = _el(resources, CP, "resource", identifier="R_LTI", type="imsbasiclti_xmlv1p0")
    _el(link, CP, "file", href=LINK)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def lti_link(course: NetworkCourse, base_url: str, host_name: str) -> bytes:
    root = etree.Element(f"{{{LTICC}}}cartridge_basiclti_link", nsmap={
        None: LTICC, "blti": BLTI, "lticm": LTICM, "lticp": LTICP})
    _el(root, BLTI, "title", course.title)
    _el(root, BLTI, "description",
        f"{course.subject}, {host_name}. Сетевой курс: расписание, группа, отметки.")
    custom = _el(root, BLTI, "custom")
    _el(custom, LTICM, "property", f"network_course:{course.public_id}", name="target")
    _el(root, BLTI, "launch_url", base_url + "/lti/launch")
    if base_url.startswith("https://"):
        _el(root, BLTI, "secure_launch_url", base_url + "/lti/launch")
    vendor = _el(root, BLTI, "vendor")
    _el(vendor, LTICP, "code", "marshrut")
    _el(vendor, LTICP, "name", "Маршрут")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def intro_html(course: NetworkCourse, host_name: str) -> bytes:
    from lti_tool.exchange.schemas import FORMAT_LABELS, LEVEL_LABELS, schedule_text

    rows = [("Школа", host_name), ("Предмет", course.subject),
            ("Уровень", str(LEVEL_LABELS.get(course.level, course.level))),
            ("Часов", str(course.hours)),
            ("Формат", str(FORMAT_LABELS.get(course.format, course.format))),
            ("Расписание", schedule_text(course.schedule)),
            ("Учитель", course.teacher_name), ("Что нужно знать", course.prerequisites)]
    body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows if v)
    return (f'<!doctype html><html lang="ru"><head><meta charset="utf-8">'
            f"<title>{escape(course.title)}</title></head><body><h1>{escape(course.title)}"
            f"</h1><table>{body}</table><p>{escape(course.description)}</p></body></html>"
            ).encode()


def export(course: NetworkCourse, base_url: str, host_name: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", manifest(course))
        archive.writestr(INTRO, intro_html(course, host_name))
        archive.writestr(LINK, lti_link(course, base_url, host_name))
    data = out.getvalue()
    problems = check(data)
    assert not problems, problems
    return data


def check(data: bytes) -> list[str]:
    """What the XSDs cannot see: each item's ``identifierref`` names a resource, each
    resource's files are in the archive, and the manifest is there at all."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        if "imsmanifest.xml" not in names:
            return ["imsmanifest.xml is missing"]
        root = etree.fromstring(archive.read("imsmanifest.xml"), parser)
    resources = {r.get("identifier"): r for r in root.iter(f"{{{CP}}}resource")}
    problems = [f"item {i.get('identifier')} points to a missing resource {ref}"
                for i in root.iter(f"{{{CP}}}item")
                if (ref := i.get("identifierref")) and ref not in resources]
    for rid, res in resources.items():
        files = [f.get("href") for f in res.iter(f"{{{CP}}}file")]
        if not files:
            problems.append(f"resource {rid} has no file")
        problems += [f"resource {rid}: file {href} is not in the package"
                     for href in files if href not in names]
    return problems
