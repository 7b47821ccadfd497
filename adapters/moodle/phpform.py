"""PHP-array form encoding, the way Moodle's REST server reads its parameters.

Moodle builds nested parameters from PHP's ``$_POST``, which PHP parses from keys like
``grades[0][studentid]=7``. :func:`encode` flattens nested dicts and lists into those pairs
(in order, so chunking can count them: PHP's ``max_input_vars`` counts one per pair) and
:func:`decode` is PHP's ``parse_str`` for the sandbox. Pure functions, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

Pairs = list[tuple[str, str]]


def scalar(value: Any) -> str:
    """A scalar as PHP expects it: booleans as 1/0, whole floats without ``.0``."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot send {value!r} to PHP")
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, str):
        return value
    raise TypeError(f"cannot encode {type(value).__name__} as a PHP form value")


def encode(params: Mapping[str, Any]) -> Pairs:
    """Flatten ``{"a": [{"b": 1}]}`` into ``[("a[0][b]", "1")]``; ``None`` values are left out
    (Moodle treats a missing optional parameter and an empty one differently)."""
    pairs: Pairs = []
    for key, value in params.items():
        _flatten(str(key), value, pairs)
    return pairs


def _flatten(prefix: str, value: Any, out: Pairs) -> None:
    if value is None:
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            _flatten(f"{prefix}[{key}]", item, out)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _flatten(f"{prefix}[{index}]", item, out)
    else:
        out.append((prefix, scalar(value)))


def decode(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """PHP's ``parse_str``: ``a[0][b]=x`` → ``{"a": {"0": {"b": "x"}}}`` (PHP arrays are maps;
    a later duplicate key wins, as in PHP)."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        path = _split(key)
        node = result
        for part in path[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = {}
                node[part] = child
            node = child
        node[path[-1]] = value
    return result


def _split(key: str) -> list[str]:
    head, bracket, rest = key.partition("[")
    if not bracket:
        return [key]
    parts = [head]
    rest = "[" + rest
    while rest.startswith("["):
        end = rest.find("]")
        if end < 0:  # PHP keeps an unbalanced bracket as part of the name
            parts[-1] += rest
            break
        parts.append(rest[1:end])
        rest = rest[end + 1:]
    return parts


def as_list(value: Any) -> list[Any]:
    """A decoded PHP array with keys 0..n-1 as a list, in key order."""
    if isinstance(value, list):
        return value
    if not isinstance(value, dict):
        return []
    return [value[k] for k in sorted(value, key=lambda k: int(k) if k.isdigit() else -1)]
