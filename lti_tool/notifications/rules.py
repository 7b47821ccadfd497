"""Pure decisions of notifications: whom to mail now, what a digest says."""

from __future__ import annotations

from collections.abc import Sequence

MODES = ("instant", "digest", "off")
MAX_ATTEMPTS = 5


def mail_now(mode: str, has_address: bool, digest_run: bool) -> bool:
    """An instant mail goes from the minute job; a digest only from the daily one."""
    if not has_address or mode == "off":
        return False
    return mode == ("digest" if digest_run else "instant")


def digest_text(items: Sequence[tuple[str, str, str]], intro: str) -> str:
    """(title, body, url) items as one plain-text letter."""
    lines = [intro, ""]
    for title, body, url in items:
        lines.append(f"• {title}")
        if body:
            lines.append(f"  {body}")
        if url:
            lines.append(f"  {url}")
    return "\n".join(lines)
