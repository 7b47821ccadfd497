"""Rule, refusal and alert messages of routes: Russian when they are made, in the reader's
language when a page shows them.

A :class:`Text` *is* the Russian string (what the rules' tests, the JSON API, the audit and
stored progress rows read), and keeps its msgid and parameters, so :func:`shown` can render it
again through the English catalogue inside a request. A parameter may itself be a ``Text``
(a subject's or a profile's name) or a :class:`Joined` list («физику или информатику»).
Msgids are marked with :func:`N_` where they are written, so Babel extracts them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def N_(text: str) -> str:  # noqa: N802 - Babel's marker: extracted, translated when shown
    return text


class Text(str):
    """A message: its Russian text, with what translates it."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, **params: Any) -> Text:
        obj = super().__new__(cls, msgid % {k: str(v) for k, v in params.items()}
                              if params else msgid)
        obj.msgid, obj.params = msgid, params
        return obj


class Capital(Text):
    """A name that begins a sentence: its first letter upper-case (the rest kept: «ОБЗР»)."""

    def __new__(cls, msgid: str, **params: Any) -> Capital:
        obj = str.__new__(cls, _capital(msgid % params if params else msgid))
        obj.msgid, obj.params = msgid, params
        return obj


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


class Joined(str):
    """Names joined as a sentence lists them: «a, b и c» (``last`` is «и» or «или»; empty:
    commas only)."""

    items: tuple[Any, ...]
    last: str

    def __new__(cls, items: Sequence[Any], last: str = N_("и")) -> Joined:
        obj = super().__new__(cls, _join([str(i) for i in items], last))
        obj.items, obj.last = tuple(items), last
        return obj


def _join(names: list[str], last: str) -> str:
    if not last or len(names) == 1:
        return ", ".join(names)
    return f"{', '.join(names[:-1])} {last} {names[-1]}"


def shown(value: Any) -> str:
    """The message in the current request's language (Russian outside a request)."""
    from flask import has_request_context
    from flask_babel import gettext

    if not has_request_context() or not isinstance(value, (Text, Joined)):
        return str(value)
    if isinstance(value, Joined):
        return _join([shown(i) for i in value.items], gettext(value.last) if value.last else "")
    text = gettext(value.msgid)
    if value.params:
        try:
            text = text % {k: shown(v) for k, v in value.params.items()}
        except (KeyError, TypeError, ValueError):  # a translation that lost a parameter
            return str(value)
    return _capital(text) if isinstance(value, Capital) else text


def name(text: str) -> Text:
    """A subject's, profile's or state's name, as a message of its own."""
    return Text(text)
