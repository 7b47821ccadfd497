"""OneRoster drops come to the server as uploads, never as a path typed in a form.

A path was any file the server could read: a school admin could probe the disk or import
another school's export. An upload is stored in the instance folder under the school's own
directory with a random name; the connection remembers that file only.
"""

from __future__ import annotations

import secrets
import zipfile
from pathlib import Path

from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.datastructures import FileStorage

#: The web form's own limit (Flask's MAX_CONTENT_LENGTH bounds the whole request too).
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def store_oneroster_upload(instance_path: Path, organisation_id: int,
                           upload: FileStorage | None) -> str:
    """Save the zip and return its path; ValidationError on the ``file`` field otherwise."""
    if upload is None or not upload.filename:
        raise ValidationError({"file": [_("Загрузите zip-архив выгрузки OneRoster.")]})
    folder = instance_path / "uploads" / "oneroster" / f"org{organisation_id}"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = folder / f"{secrets.token_hex(12)}.zip"
    size = 0
    with open(target, "wb") as out:
        while piece := upload.stream.read(1024 * 1024):
            size += len(piece)
            if size > MAX_UPLOAD_BYTES:
                out.close()
                target.unlink()
                raise ValidationError({"file": [_(
                    "Файл больше %(mb)s МБ.", mb=MAX_UPLOAD_BYTES // 1024 // 1024)]})
            out.write(piece)
    if not zipfile.is_zipfile(target):
        target.unlink()
        raise ValidationError({"file": [_(
            "Это не zip-архив. Выгрузите OneRoster 1.2 в zip (CSV-файлы с manifest.csv).")]})
    return str(target)


def forget_upload(instance_path: Path, path: str) -> None:
    """Remove a replaced upload (only ever a file inside our uploads folder)."""
    stored = Path(path)
    uploads = (instance_path / "uploads").resolve()
    if stored.resolve().is_relative_to(uploads) and stored.is_file():
        stored.unlink()
