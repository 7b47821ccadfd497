"""The portable portfolio (moving school, seed 002): confirmed achievements as Open Badges 3.0
AchievementCredentials bundled in one CLR 2.0 ClrCredential, signed by the issuing school.

Built with ``openbadgeslib`` (its OB 3.0 model and its JWT-VC signing). The proof format is
VC-JWT (OB 3.0 §8.2): the file is one compact JWS whose payload *is* the ClrCredential, signed
with EdDSA by a per-school Ed25519 key whose ``did:key`` is the issuer id, so anyone can verify
it offline with nothing but the file. Data Integrity (eddsa-rdfc-2022) was measured at 64 ms a
member (RDF canonicalisation in pyld), 13 s for 200 achievements: too slow for the 2 s
target, so the members ride inside the one signed envelope (their ``proof`` is optional in
the CLR 2.0 schema) and a single signature covers all of them.

Marshrut's own fields that OB 3.0 has no term for (section, level, result, date, hours, who
confirmed) travel as ``tag`` entries ``marshrut:<name>=<value>`` and in the criteria
narrative, so an import at another Marshrut school restores every item, and any other
reader still sees a readable description.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from openbadgeslib.ob3 import (  # type: ignore[import-untyped]
    Achievement,
    Issuer,
    OB3Signer,
    OpenBadgeCredential,
    build_clr_credential,
    did_key_from_pem,
    resolve_did,
)

from lti_tool.portfolio import rules
from lti_tool.portfolio.rules import N_

TAG = "marshrut:"
MEDIA_TYPE = "application/vc+jwt"


class ImportRefused(rules.Refusal):
    """The file is not a portfolio this tool can trust (the message says why, in Russian)."""


@dataclass(frozen=True)
class SchoolKey:
    """A school's signing key, derived from the deployment's secret: nothing to store, the
    same on every worker; its did:key is the school's issuer id in every credential."""

    private_pem: bytes
    did: str


def school_key(secret: str, org_slug: str) -> SchoolKey:
    seed = HKDF(algorithm=SHA256(), length=32, salt=b"marshrut-portfolio-issuer",
                info=org_slug.encode()).derive(secret.encode())
    key = ed25519.Ed25519PrivateKey.from_private_bytes(seed)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return SchoolKey(pem, did_key_from_pem(public))


@dataclass(frozen=True)
class Item:
    """One confirmed achievement as the export sees it (no database objects)."""

    public_id: str
    section_key: str
    section_title: str
    title: str
    level: str
    result: str
    achieved_on: date
    description: str
    hours: int | None
    confirmed_by: str
    confirmed_at: datetime | None
    #: For an item this school imported: where it was first issued and confirmed.
    imported: dict[str, Any] | None = None
    #: Evidence files that travel with it: (hex SHA-256, display name, media type).
    evidence: tuple[tuple[str, str, str], ...] = ()


def _subject_id(person_public_id: str, org_slug: str) -> str:
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL,
                                        f"marshrut:{org_slug}:{person_public_id}"))


def _tags(item: Item) -> list[str]:
    values = {"section": item.section_key, "level": item.level, "result": item.result,
              "date": item.achieved_on.isoformat(), "confirmed_by": item.confirmed_by,
              "confirmed_at": item.confirmed_at.isoformat() if item.confirmed_at else "",
              "hours": "" if item.hours is None else str(item.hours)}
    if item.imported:
        values.update({f"origin_{k}": str(v) for k, v in item.imported.items()
                       if k in ("issuer_id", "issuer_name", "confirmed_by", "confirmed_at",
                                "credential_id")})
    return [f"{TAG}{k}={v}" for k, v in values.items() if v]


def member(issuer: Issuer, subject: str, item: Item, org_slug: str) -> dict[str, Any]:
    narrative = (f"{item.section_title}. Уровень: {rules.LEVEL_TITLES[item.level]}; "
                 f"результат: {rules.RESULT_TITLES[item.result]}; дата: "
                 f"{item.achieved_on:%d.%m.%Y}. Подтверждено: {item.confirmed_by or '—'}.")
    achievement = Achievement(
        id=f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'marshrut:{org_slug}:{item.public_id}')}",
        name=item.title, description=item.description or item.title,
        criteria_narrative=narrative, tags=_tags(item), achievement_type="Achievement")
    issued = item.confirmed_at or datetime.combine(item.achieved_on, datetime.min.time(), UTC)
    credential_id = uuid.uuid5(uuid.NAMESPACE_URL, f"marshrut:{org_slug}:vc:{item.public_id}")
    credential = OpenBadgeCredential(issuer=issuer, recipient_id=subject,
                                     achievement=achievement, issuance_date=issued,
                                     id=f"urn:uuid:{credential_id}")
    vc = credential.to_vc()
    vc["type"] = ["VerifiableCredential", "AchievementCredential"]
    if item.evidence:
        # Inside the signed payload: the signature covers each file's hash.
        vc["evidence"] = [{"id": ni_uri(sha), "type": ["Evidence"], "name": name,
                           "genre": media} for sha, name, media in item.evidence]
    return vc


NI_PREFIX = "ni:///sha-256;"


def ni_uri(sha256_hex: str) -> str:
    """RFC 6920 named information: the file's hash *is* its identifier."""
    raw = bytes.fromhex(sha256_hex)
    return NI_PREFIX + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def hex_of(uri: str) -> str | None:
    if not uri.startswith(NI_PREFIX):
        return None
    part = uri[len(NI_PREFIX):]
    try:
        raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except ValueError:
        return None
    return raw.hex() if len(raw) == 32 else None


def referenced(vc: dict[str, Any]) -> list[tuple[str, str]]:
    """(hex SHA-256, display name) of each evidence file one member credential names."""
    out = []
    for ev in vc.get("evidence", []) or []:
        sha = hex_of(str(ev.get("id", ""))) if isinstance(ev, dict) else None
        if sha is not None:
            out.append((sha, str(ev.get("name") or "file")))
    return out


def export_token(key: SchoolKey, *, school_name: str, org_slug: str, person_name: str,
                 person_public_id: str, items: list[Item], now: datetime | None = None) -> str:
    """The signed CLR as a compact JWS (the file's whole content)."""
    if not items:
        raise ValueError("nothing confirmed to export")
    issuer = Issuer(id=key.did, name=school_name)
    subject = _subject_id(person_public_id, org_slug)
    members = [member(issuer, subject, item, org_slug) for item in items]
    clr = build_clr_credential(
        issuer.to_dict(), [{"type": "IdentityObject", "identityHash": person_name,
                            "identityType": "name", "hashed": False}], members,
        credential_id=f"urn:uuid:{uuid.uuid4()}", valid_from=now or datetime.now(UTC))
    # openbadgeslib 4.6 lists the OB context before the CLR one; the CLR 2.0 schema (and
    # 1EdTech's own example) wants VC, CLR, then OB: put them in that order.
    contexts = clr["@context"]
    clr["@context"] = [contexts[0], *[c for c in contexts if "/clr/" in c],
                       *[c for c in contexts[1:] if "/clr/" not in c]]
    clr["name"] = f"Портфолио: {person_name}"
    clr["credentialSubject"]["id"] = subject
    payload = dict(clr, iss=key.did, sub=subject, jti=clr["id"],
                   nbf=int((now or datetime.now(UTC)).timestamp()))
    return str(OB3Signer(key.private_pem, algorithm="EdDSA").sign_payload(payload))


def _header(token: str) -> dict[str, Any]:
    try:
        return dict(jwt.get_unverified_header(token))
    except jwt.PyJWTError as exc:
        raise ImportRefused(N_("Файл не похож на выгрузку портфолио (подписанный CLR).")) from exc


def _claims_unverified(token: str) -> dict[str, Any]:
    try:
        part = token.split(".")[1]
        return dict(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))
    except (IndexError, ValueError) as exc:
        raise ImportRefused(N_("Файл не похож на выгрузку портфолио (подписанный CLR).")) from exc


def verify_token(token: str) -> dict[str, Any]:
    """The ClrCredential, once its signature is checked against the issuer's own did:key
    (offline: the key is the identifier). Any change to the file makes it refused."""
    token = token.strip()
    header = _header(token)
    issuer = _claims_unverified(token).get("issuer")
    did = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(did, str) or not did.startswith("did:key:"):
        raise ImportRefused(N_("В файле нет подписи школы, которую можно проверить (did:key)."))
    if header.get("alg") != "EdDSA":
        raise ImportRefused(N_("Файл подписан неизвестным способом."))
    try:
        public_pem = resolve_did(did)
        claims = jwt.decode(token, public_pem, algorithms=["EdDSA"],
                            options={"verify_aud": False, "verify_iat": False})
    except jwt.InvalidSignatureError as exc:
        raise ImportRefused(N_("Подпись не сходится: файл изменён после того, как школа его "
                               "подписала. Попросите школу выгрузить портфолио заново.")) from exc
    except Exception as exc:  # malformed key or token: refused the same way
        raise ImportRefused(N_("Подпись файла не проверяется: %(why)s"), why=str(exc)) from exc
    if claims.get("iss") != did or "ClrCredential" not in claims.get("type", []):
        raise ImportRefused(N_("Файл подписан, но это не выгрузка портфолио (ClrCredential)."))
    return claims


def _tag_values(vc: dict[str, Any]) -> dict[str, str]:
    ach = vc.get("credentialSubject", {}).get("achievement", {})
    out = {}
    for tag in ach.get("tag", []) or []:
        if isinstance(tag, str) and tag.startswith(TAG) and "=" in tag:
            name, value = tag[len(TAG):].split("=", 1)
            out[name] = value
    return out


def items_from(clr: dict[str, Any]) -> list[dict[str, Any]]:
    """Each member as the fields of a new, imported achievement (with its origin)."""
    issuer = clr.get("issuer", {})
    issuer_name = issuer.get("name", "") if isinstance(issuer, dict) else ""
    issuer_id = issuer.get("id", "") if isinstance(issuer, dict) else str(issuer)
    out = []
    for vc in clr.get("credentialSubject", {}).get("verifiableCredential", []):
        tags = _tag_values(vc)
        ach = vc["credentialSubject"]["achievement"]
        level = tags.get("level") if tags.get("level") in rules.LEVELS else "school"
        result = tags.get("result") if tags.get("result") in rules.RESULTS else "participant"
        hours = tags.get("hours")
        origin = {"issuer_id": tags.get("origin_issuer_id", issuer_id),
                  "issuer_name": tags.get("origin_issuer_name", issuer_name),
                  "confirmed_by": tags.get("origin_confirmed_by", tags.get("confirmed_by", "")),
                  "confirmed_at": tags.get("origin_confirmed_at", tags.get("confirmed_at", "")),
                  "credential_id": tags.get("origin_credential_id", vc.get("id", "")),
                  "via": issuer_name}
        out.append({"section": tags.get("section", "other"), "title": ach.get("name", ""),
                    "level": level, "result": result,
                    "achieved_on": date.fromisoformat(tags.get("date") or vc["validFrom"][:10]),
                    "description": ach.get("description", "") if ach.get("description") !=
                    ach.get("name") else "", "hours": int(hours) if hours else None,
                    "imported": origin, "evidence": referenced(vc)})
    return out


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
