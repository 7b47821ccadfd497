"""Russian search words for the SQLite fallback: lower case, «ё» as «е», Snowball stems
(«программы», «программа» → «программ»), so a search finds the forms a word takes."""

from __future__ import annotations

import re

import snowballstemmer

KINDS = ("programme", "lesson", "recommendation", "eor")
LEVELS = ("", "basic", "advanced")
STATUSES = ("draft", "reviewed", "recommended")
_WORD = re.compile(r"[0-9a-zа-я]+")
_STEMMER = snowballstemmer.stemmer("russian")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("ё", "е"))


def stems(text: str) -> list[str]:
    return [s for s in _STEMMER.stemWords(words(text)) if s]


def stem_field(text: str) -> str:
    """Stored with spaces around every stem so ``LIKE '% stem %'`` matches whole stems."""
    return " " + " ".join(dict.fromkeys(stems(text))) + " "


def can_move(status: str, to: str) -> bool:
    """draft → reviewed → recommended, and back one step (a reviewer may reconsider)."""
    if status not in STATUSES or to not in STATUSES:
        return False
    return abs(STATUSES.index(to) - STATUSES.index(status)) == 1
