"""A package's two files, rendered from its snapshot (:mod:`lti_tool.exchange.snapshot`).

Why not at making: the month run makes hundreds of packages, and their files (a zip of 13
CSV files and an XLSX each) cost ten times the rows; a package is often superseded by a
correction before it is sent. Rendering depends on the stored snapshot and the package's own
date only, so the file a host downloads to check before sending, the one the delivery
stores and sends, and one rendered again later are byte for byte the same.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.exchange import rules
from lti_tool.exchange.formats import journal_xlsx, oneroster_zip
from lti_tool.exchange.models import TransferPackage
from lti_tool.exchange.snapshot import Snapshot


def render(session: Session, pkg: TransferPackage) -> tuple[bytes, bytes]:
    """(OneRoster zip, XLSX) of the package; a correction's XLSX shows what changed against
    the version it names."""
    if pkg.content is None:
        raise ValueError(f"package {pkg.public_id} has no snapshot to render")
    snap = Snapshot.stored(pkg.period, pkg.content, pkg.rows)
    changes = previous = None
    against = (pkg.changes or {}).get("against")
    if against is not None:
        stored = session.scalar(select(TransferPackage.rows).where(
            TransferPackage.host_org_id == pkg.host_org_id,
            TransferPackage.home_org_id == pkg.home_org_id,
            TransferPackage.period == pkg.period, TransferPackage.version == against))
        previous = dict(stored or {})
        changes = rules.compare(previous, snap.rows)
    return (oneroster_zip(snap, pkg.created_at),
            journal_xlsx(snap, pkg.created_at, changes, previous))


def files(session: Session, pkg: TransferPackage) -> tuple[bytes, bytes]:
    """The files as sent when they were, else as they will be."""
    if pkg.oneroster_zip is not None and pkg.xlsx is not None:
        return pkg.oneroster_zip, pkg.xlsx
    return render(session, pkg)


def keep(session: Session, pkg: TransferPackage) -> None:
    """Store the files with the package (the delivery does, before it sends them)."""
    if pkg.oneroster_zip is None or pkg.xlsx is None:
        pkg.oneroster_zip, pkg.xlsx = render(session, pkg)
