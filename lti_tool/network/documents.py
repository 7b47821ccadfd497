"""Signed documents (agreements, minutes scans) stored in the instance folder.

Never under a guessable URL: a random file name, served only through a view that asked the
access question first. Only PDF and images are kept (checked by their first bytes, not by the
name the browser sent).
"""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.datastructures import FileStorage

MAX_BYTES = 15 * 1024 * 1024
KINDS = {b"%PDF-": "application/pdf", b"\x89PNG\r\n\x1a\n": "image/png",
         b"\xff\xd8\xff": "image/jpeg"}


def store(instance_path: Path, network_id: int, upload: FileStorage | None,
          field: str = "document") -> dict[str, object] | None:
    """Save an upload; the columns to set on the owning row, or None when nothing was sent."""
    if upload is None or not upload.filename:
        return None
    folder = instance_path / "uploads" / "network" / f"n{network_id}"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = folder / secrets.token_hex(16)
    digest, size, head = hashlib.sha256(), 0, b""
    with open(target, "wb") as out:
        while piece := upload.stream.read(1024 * 1024):
            size += len(piece)
            if size > MAX_BYTES:
                out.close()
                target.unlink()
                raise ValidationError({field: [_("Файл больше %(mb)s МБ.",
                                                 mb=MAX_BYTES // 1024 // 1024)]})
            head = head or piece[:16]
            digest.update(piece)
            out.write(piece)
    kind = next((t for magic, t in KINDS.items() if head.startswith(magic)), None)
    if kind is None:
        target.unlink()
        raise ValidationError({field: [_("Нужен PDF или скан (PNG, JPEG).")]})
    name = Path(upload.filename).name[:200]
    return {"document_path": str(target), "document_name": name, "document_type": kind,
            "document_size": size, "document_sha256": digest.hexdigest()}


def readable(instance_path: Path, stored: str) -> Path | None:
    """The stored file, only if it lies inside our uploads folder."""
    if not stored:
        return None
    path = Path(stored)
    root = (instance_path / "uploads" / "network").resolve()
    return path if path.resolve().is_relative_to(root) and path.is_file() else None


def discard(instance_path: Path, stored: str) -> None:
    """Remove a file saved for a row that was then refused (nothing half-stored)."""
    path = readable(instance_path, stored)
    if path is not None:
        path.unlink()
