"""Importing a partner's Common Cartridge 1.1 into the catalog, as a draft course the host
completes (subject, schedule, capacity) before publishing.

A cartridge is untrusted input: everything is checked before anything is written, so a bad
one leaves nothing behind. Bounded size, file count and unpacked size; no absolute or ``..``
paths (zip slip), nothing is unpacked to disk anyway; XML with any DTD is refused outright
(no entities at all: XXE and billion laughs never reach a parser that expands them), parsed
with network access and entity resolution off and a bounded depth.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date
from typing import Any

from lxml import etree
from lxml import html as lxml_html
from sqlalchemy.orm import Session

from lti_tool.exchange import services
from lti_tool.exchange.cartridge import CP, LOM, check
from lti_tool.exchange.models import NetworkCourse
from lti_tool.exchange.rules import RuleError

MAX_BYTES = 5 * 1024 * 1024
MAX_FILES = 200
MAX_UNPACKED = 20 * 1024 * 1024
MAX_XML = 1024 * 1024
MAX_DEPTH = 40
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          dtd_validation=False, huge_tree=False, remove_comments=True)


def _xml(data: bytes) -> etree._Element:
    if len(data) > MAX_XML:
        raise RuleError("cc_too_big")
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise RuleError("cc_dtd")
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise RuleError("cc_bad_xml") from exc
    if root.getroottree().docinfo.doctype:
        raise RuleError("cc_dtd")
    if max((len(list(e.iterancestors())) for e in root.iter()), default=0) > MAX_DEPTH:
        raise RuleError("cc_too_deep")
    return root


def _archive(data: bytes) -> dict[str, bytes]:
    if len(data) > MAX_BYTES:
        raise RuleError("cc_too_big")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise RuleError("cc_not_zip") from exc
    infos = archive.infolist()
    if len(infos) > MAX_FILES:
        raise RuleError("cc_too_many_files")
    if sum(i.file_size for i in infos) > MAX_UNPACKED:
        raise RuleError("cc_too_big")
    out: dict[str, bytes] = {}
    for info in infos:
        name = info.filename
        if name.startswith(("/", "\\")) or "\\" in name or ".." in name.split("/") or (
                len(name) > 1 and name[1] == ":"):
            raise RuleError("cc_unsafe_path")
        if not info.is_dir():
            out[name] = archive.read(info)
    return out


def read(data: bytes) -> dict[str, Any]:
    """The course a cartridge describes, or RuleError (nothing written either way)."""
    files = _archive(data)
    if "imsmanifest.xml" not in files:
        raise RuleError("cc_no_manifest")
    root = _xml(files["imsmanifest.xml"])
    if root.tag != f"{{{CP}}}manifest":
        raise RuleError("cc_bad_xml")
    if check(data):
        raise RuleError("cc_broken_refs")
    title = next((t.text for t in root.iter(f"{{{LOM}}}string") if t.text), None) or next(
        (t.text for t in root.iter(f"{{{CP}}}title") if t.text), None)
    if not title:
        raise RuleError("cc_no_title")
    text = ""
    for res in root.iter(f"{{{CP}}}resource"):
        for f in res.iter(f"{{{CP}}}file"):  # every XML part is parsed as safely
            href = f.get("href") or ""
            if href.endswith(".xml"):
                _xml(files[href])
        href = res.get("href") or ""
        if not text and res.get("type") == "webcontent" and href.endswith((".html", ".htm")):
            page = files.get(href, b"")
            if b"<!ENTITY" in page.upper():
                raise RuleError("cc_dtd")
            if page.strip():
                text = lxml_html.fromstring(page, parser=lxml_html.HTMLParser(
                    no_network=True, remove_comments=True)).text_content()
    return {"title": title.strip()[:300], "description": " ".join(text.split())[:20000]}


def import_course(session: Session, host_org_id: int, data: bytes,
                  actor_id: int | None) -> NetworkCourse:
    found = read(data)
    today = date.today()
    year = today.year if today.month >= 8 else today.year - 1
    return services.create_course(session, host_org_id, dict(
        title=found["title"], subject="Не указан", level="basic", hours=34,
        format="distance", capacity=15, schedule=[], starts_on=date(year, 9, 1),
        ends_on=date(year + 1, 5, 25), published=False,
        description=found["description"] or "Импортировано из Common Cartridge."), actor_id)
