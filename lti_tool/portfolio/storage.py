"""Where evidence bytes live: a small port with a local-folder adapter (the default, in the
instance folder, outside the web root). A region can put an S3-compatible adapter behind the
same three methods. Keys are random and never derived from an uploaded name.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Protocol

_KEY = re.compile(r"^[A-Za-z0-9_-]{20,80}$")


class EvidenceStore(Protocol):
    def put(self, data: bytes) -> str:
        """Store the bytes; return the new key."""

    def get(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...


class LocalStore:
    """Files under ``root/ab/<key>``; a key that is not one of ours is refused before any
    path is built, so no key reaches outside ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):
            raise KeyError(key)
        return self.root / key[:2] / key

    def put(self, data: bytes) -> str:
        key = secrets.token_urlsafe(30)
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(data)
        os.replace(tmp, path)  # never a half-written file under the key
        return key

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError as exc:
            raise KeyError(key) from exc

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def store_for(instance_path: Path, configured: str | None = None) -> EvidenceStore:
    """The store this deployment uses: ``MARSHRUT_EVIDENCE_DIR`` or ``instance/evidence``."""
    return LocalStore(Path(configured) if configured else instance_path / "evidence")
