"""The viewer's language for the portfolio's rule texts. ``rules`` keeps Russian msgids
(marked ``N_`` so babel extracts them) and stays free of Flask; pages translate here."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext

from lti_tool.portfolio.rules import Refusal, Refusals


def title(text: str | None) -> str:
    """A level, result, state, band, УУД group or source title in the viewer's language
    (an empty one stays empty: gettext("") would be the catalogue's header)."""
    return gettext(text) if text else ""


def _value(value: Any) -> Any:
    if isinstance(value, Refusal):
        return refusal(value)
    return title(value) if isinstance(value, str) else value


def refusal(err: Exception) -> str:
    """Why something was refused, in the viewer's language; any other error as it is."""
    if isinstance(err, Refusals):
        return "; ".join(refusal(i) for i in err.items)
    if isinstance(err, Refusal):
        values = {k: _value(v) for k, v in err.values.items()}
        return gettext(err.msgid, **values) if values else gettext(err.msgid)
    return str(err)
