"""A marshmallow refusal as the page shows it: «Label: messages», one line a field.

Every feature used to write this loop itself (exchange four times, pathways, portfolio,
people, network); one piece now serves them all, so a nested field or a schema-level check
reads the same everywhere. Labels may be lazy strings: they are translated here, when the
line is made (inside the request, in the reader's language).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError

Refusal = ValidationError | Mapping[str, Any]


def texts(value: Any) -> list[str]:
    """A field's messages as plain texts, each once: a nested schema's dict and a list's rows
    are flattened, a schema-level check's single string becomes a list of one."""
    if isinstance(value, Mapping):
        return list(dict.fromkeys(m for v in value.values() for m in texts(v)))
    if isinstance(value, list | tuple):
        return list(dict.fromkeys(m for v in value for m in texts(v)))
    return [str(value)]


def by_field(errors: Refusal) -> dict[str, list[str]]:
    """Field → its messages as plain texts (for a template that marks each field)."""
    messages = errors.normalized_messages() if isinstance(errors, ValidationError) else errors
    return {str(k): texts(v) for k, v in messages.items()}


def labelled(errors: Refusal, labels: Mapping[str, Any], *, sep: str = "; ",
             default: Any = None) -> dict[str, str]:
    """Field → «Label: messages». A field without a label is named by ``default`` (e.g.
    «Форма» for a schema-level check) or, without one, by its key."""
    return {k: f"{labels.get(k, k if default is None else default)}: {sep.join(v)}"
            for k, v in by_field(errors).items()}


def lines(errors: Refusal, labels: Mapping[str, Any], *, sep: str = "; ",
          default: Any = None) -> list[str]:
    """The «Label: messages» lines, one a field, in the schema's order."""
    return list(labelled(errors, labels, sep=sep, default=default).values())
