"""Input validation for posting a score (marshmallow at the boundary, messages in Russian)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

SCORE_MAXIMUM = 5.0


class ScoreForm(Schema):
    class Meta:
        unknown = EXCLUDE  # the launch token and the like travel in the same form

    labels = {"student": _l("Ученик"), "score": _l("Балл"), "comment": _l("Комментарий")}

    student = fields.String(required=True, validate=validate.Length(min=1, max=24),
                            error_messages={"required": _l("Выберите ученика.")})
    score = fields.Float(required=True, allow_nan=False, error_messages={
        "required": _l("Укажите балл."), "invalid": _l("Балл должен быть числом.")})
    comment = fields.String(load_default="", validate=validate.Length(
        max=500, error=_l("Комментарий длиннее 500 символов.")))

    @validates_schema
    def _range(self, data: dict[str, object], **_: object) -> None:
        score = data.get("score")
        if isinstance(score, float) and not 0 <= score <= SCORE_MAXIMUM:
            raise ValidationError(
                str(_l("Балл должен быть от 0 до %(max)s.", max=int(SCORE_MAXIMUM))), "score")
