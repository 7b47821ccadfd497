"""LTI Assignment and Grade Services (AGS) as a :class:`adapters.base.GradeSink`.

The LMS's gradebook is one more remote behind the ports (issue 8): the score outbox hands
pushes to a sink and stores the outcome, as it would for Moodle's web services
(:mod:`adapters.moodle.push`). The HTTP side is pylti1p3's ``AssignmentsGradesService``; the
caller passes the ``ServiceConnector`` holding the tool's key for that LMS, so this module
needs nothing of the app.

An AGS push names its line item in ``activity_id``: the line item's URL when the launch gave
one, else a key of ``specs``, the line item to find (by tag) or create. The score goes out of
``push.maximum`` with ``push.timestamp``; feedback travels as the score's ``comment``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from requests import RequestException

from adapters.base import GradePush, GradeSink, PushOutcome, RemoteUnavailable


@dataclass(frozen=True)
class LineItemSpec:
    """A line item to find by ``tag`` or create, when the launch named none."""

    label: str
    resource_id: str
    tag: str
    score_maximum: float


class AgsSink(GradeSink):
    """One LMS deployment's AGS endpoint (``service_data``: the launch's AGS claim)."""

    kind = "lti_ags"

    def __init__(self, connector: Any, service_data: dict[str, Any], *, issuer: str = "",
                 specs: dict[str, LineItemSpec] | None = None) -> None:
        self._service = AssignmentsGradesService(connector, service_data)  # type: ignore[arg-type]
        self._data = service_data
        self._issuer = issuer
        self._specs = specs or {}

    @property
    def namespace(self) -> str:
        return self._issuer or str(self._data.get("lineitems", ""))

    def check(self) -> str:
        try:
            items = list(self._service.get_lineitems())
        except (LtiServiceException, RequestException) as exc:
            raise RemoteUnavailable(f"AGS недоступен: {exc}") from exc
        return f"AGS: элементов оценивания в курсе — {len(items)}"

    def push_grades(self, pushes: list[GradePush]) -> list[PushOutcome]:
        """Each push on its own: AGS takes one score per request. A failure of one is its
        outcome; the LMS being unreachable is a RemoteUnavailable for the whole call."""
        outcomes = []
        for push in pushes:
            try:
                outcomes.append(self._push(push))
            except RequestException as exc:
                raise RemoteUnavailable(f"LMS недоступна: {exc}") from exc
            except (LtiServiceException, ValueError, KeyError) as exc:
                outcomes.append(PushOutcome(push, False, str(exc)[:2000],
                                            False if push.feedback else None))
        return outcomes

    def _push(self, push: GradePush) -> PushOutcome:
        if push.grade is None or push.maximum is None:
            return PushOutcome(push, False, "нет оценки для отправки",
                               False if push.feedback else None)
        item = self._lineitem(push.activity_id)
        grade = (Grade().set_user_id(push.student_id)
                 .set_score_given(push.grade)
                 .set_score_maximum(push.maximum)
                 .set_timestamp(push.timestamp)
                 .set_activity_progress("Completed").set_grading_progress("FullyGraded"))
        if push.feedback:
            grade.set_comment(push.feedback)
        self._service.put_grade(grade, item)
        return PushOutcome(push, True, "", True if push.feedback else None)

    def _lineitem(self, activity_id: str) -> LineItem:
        spec = self._specs.get(activity_id)
        if spec is None:  # the launch's own line item: its URL
            return LineItem().set_id(activity_id)
        found: LineItem = self._service.find_or_create_lineitem(
            LineItem().set_label(spec.label).set_score_maximum(spec.score_maximum)
            .set_resource_id(spec.resource_id).set_tag(spec.tag), find_by="tag")
        return found
