"""Moving school: a student's and a teacher's confirmed portfolio leaves one school as a
signed CLR 2.0 file of Open Badges 3.0 credentials and arrives at another with every item,
its original issuer and confirmation; the JSON validates against both 1EdTech schema sets;
a tampered file is refused with a clear message and adds nothing."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from lti_tool.portfolio.export import verify_token
from lti_tool.portfolio.models import Achievement, Evidence
from tests.portfolio.helpers import PDF, launch, person_id, snapshot

ROOT = Path(__file__).resolve().parents[2]


def _standards() -> Path:
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / "shared" / "standards" / "clr2").is_dir():
            return base / "shared" / "standards"
    pytest.skip("../shared/standards (the 1EdTech schemas) is not beside the repository")


def _validators(*names: str) -> list:
    from jsonschema import FormatChecker, validators

    assert "date-time" in FormatChecker().checkers, "rfc3339-validator is needed"
    out = []
    for name in names:
        schema = json.loads((_standards() / name).read_text(encoding="utf-8"))
        cls = validators.validator_for(schema)
        out.append(cls(schema, format_checker=FormatChecker()))
    return out


def _token(bundle_bytes: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(bundle_bytes)) as zf:
        return zf.read("portfolio.jwt").decode()


def _payload(token: str) -> dict:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def _fields(tool, org_id: int, sub: str) -> list[tuple]:
    with tool.db.session() as s:
        owner = person_id(tool, sub)[0]
        return sorted((a.title, a.level, a.result, a.achieved_on, a.description, a.hours)
                      for a in s.scalars(select(Achievement).where(
                          Achievement.owner_id == owner, Achievement.organisation_id == org_id,
                          Achievement.status == "confirmed")))


def test_round_trip_student_and_teacher(platform, tool, confirmed):
    student, teacher, _ = confirmed
    for who, sub in ((student, "s-petrov"), (teacher, "t-ivanova")):
        pid = person_id(tool, sub)[1]
        resp = who.get(f"/app/portfolio/p/{pid}/export")
        assert resp.status_code == 200 and resp.headers["Content-Type"] == "application/zip"
        archive = resp.content
        with zipfile.ZipFile(io.BytesIO(archive)) as zf:
            # One evidence file: the consented/published item's, not the other one's.
            assert len([n for n in zf.namelist() if n.startswith("evidence/")]) == 1
        clr = verify_token(_token(archive))
        assert len(clr["credentialSubject"]["verifiableCredential"]) == 2
        assert clr["issuer"]["name"] == "Школа № 37" and clr["issuer"]["id"].startswith(
            "did:key:")

        moved = launch(platform, tool, "student" if sub.startswith("s") else "teacher", sub,
                       deployment="dep-other", course="physics-11b")
        resp = moved.post("/app/portfolio/import", files={"file": ("p.zip", archive)})
        assert resp.status_code == 303
        assert _fields(tool, tool.other_org_id, sub) == _fields(tool, tool.org_id, sub)
        with tool.db.session() as s:
            files = s.scalars(select(Evidence).join(Achievement).where(
                Achievement.organisation_id == tool.other_org_id,
                Achievement.owner_id == person_id(tool, sub)[0])).all()
            assert [(f.name, f.media_type, f.size) for f in files] == [
                ("диплом.pdf", "application/pdf", len(PDF))]
            file_id = files[0].public_id
        got = moved.get(f"/app/portfolio/e/{file_id}")
        assert got.status_code == 200 and got.content == PDF
        with tool.db.session() as s:
            rows = s.scalars(select(Achievement).where(
                Achievement.organisation_id == tool.other_org_id,
                Achievement.owner_id == person_id(tool, sub)[0])).all()
            assert all(r.status == "confirmed" and r.imported["issuer_name"] == "Школа № 37"
                       for r in rows)
            confirmer = "Мария Иванова" if sub == "s-petrov" else "Ольга Смирнова"
            assert {r.imported["confirmed_by"] for r in rows} == {confirmer}
        page = moved.get(f"/app/portfolio/p/{pid}")
        assert "перенесено из: Школа № 37" in page.text
        # Importing the same file twice adds nothing.
        moved.post("/app/portfolio/import", files={"file": ("p.zip", archive)})
        assert len(_fields(tool, tool.other_org_id, sub)) == 2


def test_export_validates_against_both_1edtech_schema_sets(tool, confirmed):
    student, *_ = confirmed
    token = _token(student.get(f"/app/portfolio/p/{person_id(tool, 's-petrov')[1]}/export")
                   .content)
    clr = _payload(token)
    document = {k: v for k, v in clr.items() if k not in ("iss", "sub", "jti", "nbf")}
    for validator in _validators("clr2/clr_v2p0_clrcredential_schema.json"):
        assert list(validator.iter_errors(document)) == []
    members = _validators("ob3/ob_v3p0_achievementcredential_schema.json",
                          "ob3/formal/achievementcredential.json",
                          "clr2/clr_v2p0_achievementcredential_schema.json")
    for vc in document["credentialSubject"]["verifiableCredential"]:
        for validator in members:
            errors = [e.message for e in validator.iter_errors(vc)]
            assert errors == [], errors


def test_a_tampered_file_is_refused_and_adds_nothing(platform, tool, confirmed):
    student, *_ = confirmed
    token = _token(student.get(f"/app/portfolio/p/{person_id(tool, 's-petrov')[1]}/export")
                   .content)
    head, body, sig = token.split(".")
    claims = _payload(token)
    claims["credentialSubject"]["verifiableCredential"][0]["credentialSubject"][
        "achievement"]["name"] = "Победитель международной олимпиады"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    moved = launch(platform, tool, "student", "s-petrov", deployment="dep-other",
                   course="physics-11b")
    before = snapshot(tool)
    for bad in (f"{head}.{forged}.{sig}", token[:-3] + "AAA", "not a file"):
        resp = moved.post("/app/portfolio/import", files={"file": ("p.jwt", bad.encode())})
        assert resp.status_code == 303
        page = requests.get(tool.base + resp.headers["Location"], timeout=30)
        assert "Файл не принят" in page.text
    after = snapshot(tool)
    assert after["items"] == before["items"] and after["files"] == before["files"]
    with pytest.raises(Exception, match="изменён"):
        verify_token(f"{head}.{forged}.{sig}")


def test_nobody_else_exports_a_portfolio(platform, tool, confirmed):
    classmate = launch(platform, tool, "student", "s-kuznetsova")
    other = launch(platform, tool, "admin", "a-other", deployment="dep-other",
                   course="physics-11b")
    pid = person_id(tool, "s-petrov")[1]
    assert classmate.get(f"/app/portfolio/p/{pid}/export").status_code == 403
    assert other.get(f"/app/portfolio/p/{pid}/export").status_code == 404


def test_pdf_has_the_cyrillic_text_and_only_for_who_may_see(platform, tool, confirmed):
    import io

    from pypdf import PdfReader

    student, teacher, _ = confirmed
    pid = person_id(tool, "s-petrov")[1]
    resp = teacher.get(f"/app/portfolio/p/{pid}/portfolio.pdf")
    assert resp.status_code == 200 and resp.headers["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.content)).pages)
    for expected in ("Метафолио обучающегося: Алексей Петров",
                     "Призёр регионального этапа ВсОШ по математике", "Учебная деятельность",
                     "подтверждено", "не подтверждено", "региональный", "призёр"):
        assert expected in text, (expected, text[:400])
    teacher_pdf = teacher.get(f"/app/portfolio/p/{person_id(tool, 't-ivanova')[1]}/portfolio.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(teacher_pdf.content)).pages)
    assert "Вебфолио учителя" in text and "Курсы повышения квалификации (16–250" in text
    classmate = launch(platform, tool, "student", "s-kuznetsova")
    denied = classmate.get(f"/app/portfolio/p/{pid}/portfolio.pdf")
    assert denied.status_code == 403 and b"%PDF" not in denied.content
