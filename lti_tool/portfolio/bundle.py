"""The portable portfolio as one file: a ZIP with the signed CLR (``portfolio.jwt``) and the
evidence files (``evidence/<sha-256>``).

The signature covers the files too: each member credential lists its evidence as OB 3.0
``Evidence`` whose id is the file's hash as a named-information URI (RFC 6920,
``ni:///sha-256;…``), and that list is inside the signed payload. So a reader checks the
signature, then every file against the hash the school signed; a changed, missing or extra
file, or one over the upload limits, refuses the whole import before anything is written.

A bare ``.jwt`` (the format before evidence travelled) is still accepted when it names no
files.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from typing import Any

from lti_tool.portfolio import rules
from lti_tool.portfolio.export import ImportRefused, referenced
from lti_tool.portfolio.rules import N_

TOKEN_NAME = "portfolio.jwt"
#: The whole file must fit one upload (Flask's MAX_CONTENT_LENGTH is 20 MB): the export
#: leaves files out rather than make a file the other school could not take.
MAX_BUNDLE_BYTES = 18 * 1024 * 1024
MAX_TOKEN_BYTES = 4 * 1024 * 1024
MAX_ENTRIES = 1 + 500
_ENTRY = re.compile(r"^evidence/([0-9a-f]{64})$")
MB = 1024 * 1024


def pack(token: str, files: dict[str, bytes]) -> bytes:
    """The file a person downloads. Evidence is stored as is (PDF and images are already
    compressed); the token is deflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(TOKEN_NAME, token, compress_type=zipfile.ZIP_DEFLATED)
        for sha, data in sorted(files.items()):
            zf.writestr(f"evidence/{sha}", data, compress_type=zipfile.ZIP_STORED)
    return out.getvalue()


def _read(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """At most ``limit`` bytes whatever the entry claims (a ZIP bomb stops here)."""
    with zf.open(info) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise ImportRefused(N_("Файл «%(name)s» в выгрузке больше %(mb)s МБ: такой файл не "
                               "принимается."), name=info.filename[:80], mb=limit // MB)
    return data


def unpack(data: bytes) -> tuple[str, dict[str, bytes]]:
    """(the signed token, files by their hex SHA-256 as named in the archive). Only the
    archive's shape and sizes are checked here; :func:`check_files` ties them to the
    signature."""
    if len(data) > MAX_BUNDLE_BYTES:
        raise ImportRefused(N_("Файл выгрузки больше %(mb)s МБ."), mb=MAX_BUNDLE_BYTES // MB)
    if not data.startswith(b"PK\x03\x04"):
        try:
            return data.decode("ascii"), {}
        except UnicodeDecodeError as exc:
            raise ImportRefused(N_("Это не выгрузка портфолио.")) from exc
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ImportRefused(N_("Архив выгрузки повреждён.")) from exc
    if len(infos) > MAX_ENTRIES:
        raise ImportRefused(N_("В архиве выгрузки слишком много файлов."))
    token, files, total = None, {}, 0
    with zf:
        for info in infos:
            if info.filename == TOKEN_NAME:
                try:
                    token = _read(zf, info, MAX_TOKEN_BYTES).decode("ascii")
                except UnicodeDecodeError as exc:
                    raise ImportRefused(N_("Это не выгрузка портфолио.")) from exc
                continue
            found = _ENTRY.match(info.filename)
            if found is None:
                raise ImportRefused(N_("В архиве лишний файл «%(name)s»: выгрузка портфолио "
                                       "такого не содержит."), name=info.filename[:80])
            if info.file_size > rules.MAX_FILE_BYTES:
                raise ImportRefused(N_("Файл доказательства в выгрузке больше %(mb)s МБ: "
                                       "такой файл не принимается."),
                                    mb=rules.MAX_FILE_BYTES // MB)
            body = _read(zf, info, rules.MAX_FILE_BYTES)
            total += len(body)
            if total > MAX_BUNDLE_BYTES:
                raise ImportRefused(N_("Файлы выгрузки вместе больше %(mb)s МБ."),
                                    mb=MAX_BUNDLE_BYTES // MB)
            files[found.group(1)] = body
    if token is None:
        raise ImportRefused(N_("В архиве нет подписанного портфолио (%(name)s)."),
                            name=TOKEN_NAME)
    return token, files


def check_files(clr: dict[str, Any], files: dict[str, bytes]) -> None:
    """Every file the signed payload names is present, has exactly that hash, is within the
    upload limits and is a type the school accepts; nothing else is in the archive."""
    named: dict[str, str] = {}
    for vc in clr.get("credentialSubject", {}).get("verifiableCredential", []):
        refs = referenced(vc)
        if len(refs) > rules.MAX_FILES:
            raise ImportRefused(N_("У достижения больше %(n)s файлов."), n=rules.MAX_FILES)
        named.update(refs)
    for sha, name in named.items():
        body = files.get(sha)
        if body is None:
            raise ImportRefused(N_("В выгрузке нет файла «%(name)s», который школа "
                                   "подписала. Попросите школу выгрузить портфолио заново."),
                                name=name)
        if hashlib.sha256(body).hexdigest() != sha:
            raise ImportRefused(N_("Файл «%(name)s» изменён после того, как школа подписала "
                                   "выгрузку: его отпечаток не совпадает с подписанным."),
                                name=name)
        try:
            rules.check_upload(name, body)
        except rules.UploadRefused as exc:
            raise ImportRefused(N_("Файл «%(name)s» не принят: %(why)s"), name=name,
                                why=exc) from exc
    extra = set(files) - set(named)
    if extra:
        raise ImportRefused(N_("В архиве есть файлы, которых нет в подписанном списке "
                               "школы: выгрузку изменили."))
