# ruff: noqa: E501  (a message table: one message per line reads better than wrapped)
"""Russian default messages for every marshmallow field and validator (one place for the app).

marshmallow's own defaults are English ("Longer than maximum length 200."). ``install``
replaces them, before any schema is defined, with :class:`Message`: a ``str`` whose text is
the Russian msgid and whose ``format`` (which marshmallow calls when it raises the error)
translates it into the request's language first. A plain ``str`` subclass, so the messages
still go to JSON and to the database like any string.
"""

from __future__ import annotations

import inspect
from typing import Any

from marshmallow import ValidationError, fields, schema, validate

# marshmallow's English default -> the Russian msgid (English for the en UI comes back
# through the catalogue, lti_tool/web/translations/en/LC_MESSAGES/messages.po).
RUSSIAN: dict[str, str] = {
    "Missing data for required field.": "Обязательное поле: значение не указано.",
    "Field may not be null.": "Поле не может быть пустым.",
    "Invalid value.": "Недопустимое значение.",
    "Not a valid boolean.": "Нужно значение «да» или «нет».",
    "Not a valid date.": "Неверная дата.",
    '"{input}" cannot be formatted as a date.': "Значение нельзя записать как дату.",
    "Special numeric values (nan or infinity) are not permitted.":
        "Особые числа (nan, бесконечность) недопустимы.",
    "Not a valid email address.": "Неверный адрес электронной почты.",
    "Must be one of: {choices}.": "Допустимые значения: {choices}.",
    "Not a valid IP address.": "Неверный IP-адрес.",
    "Not a valid IP interface.": "Неверный IP-интерфейс.",
    "Not a valid IPv4 address.": "Неверный адрес IPv4.",
    "Not a valid IPv4 interface.": "Неверный интерфейс IPv4.",
    "Not a valid IPv6 address.": "Неверный адрес IPv6.",
    "Not a valid IPv6 interface.": "Неверный интерфейс IPv6.",
    "Not a valid integer.": "Нужно целое число.",
    "Not a valid list.": "Нужен список.",
    "Not a valid mapping type.": "Нужен словарь (объект).",
    "Invalid type.": "Неверный тип значения.",
    "Not a valid number.": "Нужно число.",
    "Number too large.": "Слишком большое число.",
    "Not a valid string.": "Нужна строка.",
    "Not a valid utf-8 string.": "Строка не в кодировке UTF-8.",
    "Not a valid period of time.": "Неверный промежуток времени.",
    "{input!r} cannot be formatted as a timedelta.":
        "Значение нельзя записать как промежуток времени.",
    "Not a valid tuple.": "Нужен кортеж.",
    "Not a valid URL.": "Неверный адрес (URL).",
    "Not a valid UUID.": "Неверный UUID.",
    "Not a valid {obj_type}.": "Неверные дата или время.",
    "Not a valid {awareness} {obj_type}.": "Неверные дата или время (часовой пояс).",
    '"{input}" cannot be formatted as a {obj_type}.': "Значение нельзя записать как дату или время.",
    "One or more of the choices you made was in: {values}.": "Недопустимые значения: {values}.",
    "One or more of the choices you made was not in: {choices}.":
        "Допустимы только значения: {choices}.",
    "Must be equal to {other}.": "Должно быть равно {other}.",
    "Shorter than minimum length {min}.": "Короче допустимого: нужно не меньше {min} символов.",
    "Longer than maximum length {max}.": "Длиннее допустимого: не больше {max} символов.",
    "Length must be between {min} and {max}.": "Длина должна быть от {min} до {max} символов.",
    "Length must be {equal}.": "Длина должна быть ровно {equal} символов.",
    "Invalid input.": "Недопустимое значение.",
    "Must be {min_op} {{min}}.": "Должно быть {min_op} {{min}}.",
    "Must be {max_op} {{max}}.": "Должно быть {max_op} {{max}}.",
    "Must be {min_op} {{min}} and {max_op} {{max}}.": "Должно быть {min_op} {{min}} и {max_op} {{max}}.",
    "greater than or equal to": "не меньше",
    "greater than": "больше",
    "less than or equal to": "не больше",
    "less than": "меньше",
    "String does not match expected pattern.": "Строка не соответствует образцу.",
    "Invalid input type.": "Неверный тип данных.",
    "Unknown field.": "Неизвестное поле.",
}
# Range fills in its comparison words when it is built; the results are msgids as well.
RANGE_FORMS = [f"Должно быть {op} {{{side}}}." for side, ops in
               (("min", ("не меньше", "больше")), ("max", ("не больше", "меньше"))) for op in ops]
RANGE_FORMS += [f"Должно быть {lo} {{min}} и {hi} {{max}}." for lo in ("не меньше", "больше")
                for hi in ("не больше", "меньше")]


def msgids() -> list[str]:
    """Every Russian text here that the English catalogue must translate."""
    return sorted({*RUSSIAN.values(), *RANGE_FORMS} - {
        v for v in RUSSIAN.values() if "{min_op}" in v or "{max_op}" in v})


class Message(str):
    """A Russian msgid that translates itself when marshmallow formats it."""

    __slots__ = ()

    def format(self, *args: Any, **kwargs: Any) -> str:  # noqa: A003 - str's own method
        from flask import has_request_context
        from flask_babel import gettext

        if not has_request_context():
            # No reader yet (a sync job, Range's words at import): Russian now, and the
            # msgid with its arguments kept so a page can show it in its reader's language.
            return Formatted(str.format(self, *args, **kwargs), str(self), kwargs)
        return gettext(str(self)).format(*args, **kwargs)


class Formatted(Message):
    """A message formatted outside a request: the Russian text, plus what translates it.

    Still a msgid itself (Range formats its comparison words into msgids at import)."""

    msgid: str
    kwargs: dict[str, Any]

    def __new__(cls, text: str, msgid: str, kwargs: dict[str, Any]) -> Formatted:
        obj = super().__new__(cls, text)
        obj.msgid, obj.kwargs = msgid, kwargs
        return obj


def problem(msgid: str, **kwargs: Any) -> Formatted:
    """A problem of our own words (not marshmallow's): Russian now, translated when shown.
    Mark the msgid with ``N_`` where it is written so the catalogue extracts it."""
    return Formatted(msgid.format(**kwargs), msgid, kwargs)


def as_data(item: Any) -> dict[str, Any]:
    """One validation problem as stored data: a msgid with its arguments (shown later in the
    reader's language, see :func:`render_data`) or, for text we cannot translate (a remote
    value, an adapter's own words), the text as it is."""
    if isinstance(item, Formatted):
        return {"msgid": item.msgid,
                "kwargs": {k: str(v)[:300] for k, v in item.kwargs.items()}}
    return {"text": str(item)[:1000]}


def render_data(data: dict[str, Any]) -> str:
    """The stored problem in the current request's language (Russian outside a request)."""
    if "msgid" not in data:
        return str(data.get("text", ""))
    from flask import has_request_context
    from flask_babel import gettext

    msgid = str(data["msgid"])
    text = gettext(msgid) if has_request_context() else msgid
    try:
        return text.format(**data.get("kwargs", {}))
    except (KeyError, IndexError, ValueError):
        return text


def _ru(text: str) -> str:
    return Message(RUSSIAN[text]) if text in RUSSIAN and not isinstance(text, Message) else text


def _make_error(original: Any) -> Any:
    def make_error(self: fields.Field, key: str, **kwargs: Any) -> ValidationError:
        msg = self.error_messages.get(key)
        if msg is not None and not isinstance(msg, (str, bytes, list, dict)):
            # A lazy translation (``error_messages={"invalid": _l(...)}``): marshmallow keeps
            # a non-str message as the list itself, and «Балл» became «Б; а; л; л».
            text = str(msg)
            return ValidationError(text.format(**kwargs) if kwargs else text)
        return original(self, key, **kwargs)  # type: ignore[no-any-return]

    make_error.marshrut = True  # type: ignore[attr-defined]
    return make_error


def install() -> None:
    """Replace the English defaults in place (fields read them when they are created)."""
    if not getattr(fields.Field.make_error, "marshrut", False):
        fields.Field.make_error = _make_error(fields.Field.make_error)  # type: ignore[method-assign]
    for _name, cls in inspect.getmembers(fields, inspect.isclass):
        own = cls.__dict__.get("default_error_messages")
        if own:
            cls.default_error_messages = {k: _ru(v) for k, v in own.items()}  # type: ignore[attr-defined]
    for _name, cls in inspect.getmembers(validate, inspect.isclass):
        for attr, value in list(cls.__dict__.items()):
            if (attr.startswith("message") or attr == "default_message") and isinstance(value, str):
                setattr(cls, attr, _ru(value))
    schema.Schema._default_error_messages = {
        k: _ru(v) for k, v in schema.Schema._default_error_messages.items()}
