"""Where evidence bytes live: a small port with a local-folder adapter (the default, in the
instance folder, outside the web root) and an S3-compatible one for a region (boto3). Keys
are random and never derived from an uploaded name.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Any, Protocol

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


class S3Store:
    """S3-compatible object storage for a region (boto3, the optional ``s3`` extra): the same
    random keys under a prefix in one bucket; the bucket is private, files still reach a
    browser only through the tool's access check, never by a bucket URL."""

    def __init__(self, bucket: str, prefix: str = "evidence/", client: Any = None,
                 endpoint_url: str | None = None) -> None:
        if client is None:
            import boto3

            client = boto3.client("s3", endpoint_url=endpoint_url)
        self.client, self.bucket, self.prefix = client, bucket, prefix

    def _name(self, key: str) -> str:
        if not _KEY.match(key):
            raise KeyError(key)
        return self.prefix + key

    def put(self, data: bytes) -> str:
        key = secrets.token_urlsafe(30)
        self.client.put_object(Bucket=self.bucket, Key=self._name(key), Body=data,
                               ContentType="application/octet-stream")
        return key

    def get(self, key: str) -> bytes:
        try:
            obj = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
        except self.client.exceptions.NoSuchKey as exc:
            raise KeyError(key) from exc
        return bytes(obj["Body"].read())

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))


def store_for(instance_path: Path, configured: str | None = None) -> EvidenceStore:
    """The store this deployment uses: S3 when ``MARSHRUT_EVIDENCE_S3_BUCKET`` is set
    (endpoint ``MARSHRUT_EVIDENCE_S3_ENDPOINT``, credentials as boto3 reads them), else
    ``MARSHRUT_EVIDENCE_DIR`` or ``instance/evidence``."""
    bucket = os.environ.get("MARSHRUT_EVIDENCE_S3_BUCKET")
    if bucket:
        return S3Store(bucket, endpoint_url=os.environ.get("MARSHRUT_EVIDENCE_S3_ENDPOINT"))
    return LocalStore(Path(configured) if configured else instance_path / "evidence")
