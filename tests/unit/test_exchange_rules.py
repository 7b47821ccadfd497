"""Exchange rules without a database: request states, capacity, clashes, package versions."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lti_tool.exchange import rules
from lti_tool.exchange.rules import RuleError, Slot

SIDES = st.sampled_from([rules.HOME, rules.HOST])


@given(st.lists(SIDES, min_size=2, max_size=2, unique=True))
def test_both_schools_approve_in_either_order_to_enrol(order):
    state = rules.REQUESTED
    for side in order:
        state = rules.transition(state, "approve", side)
    assert state == rules.ENROLLED


@given(st.sampled_from(rules.OPEN_STATES), SIDES)
def test_refusal_needs_a_reason(state, side):
    with pytest.raises(RuleError) as err:
        rules.transition(state, "refuse", side, "   ")
    assert err.value.code == "reason_required"
    assert rules.transition(state, "refuse", side, "нет мест в кабинете") == rules.REFUSED


@given(st.sampled_from([rules.ENROLLED, rules.REFUSED, rules.WITHDRAWN]),
       st.sampled_from(["approve", "refuse", "withdraw"]),
       st.sampled_from([rules.HOME, rules.HOST, rules.STUDENT]))
def test_a_closed_request_never_moves(state, action, side):
    with pytest.raises(RuleError):
        rules.transition(state, action, side, "причина")


def test_the_same_school_cannot_approve_twice_and_only_the_student_withdraws():
    with pytest.raises(RuleError):
        rules.transition(rules.HOME_APPROVED, "approve", rules.HOME)
    with pytest.raises(RuleError):
        rules.transition(rules.REQUESTED, "withdraw", rules.HOME)
    assert rules.transition(rules.HOST_APPROVED, "withdraw", rules.STUDENT) == rules.WITHDRAWN


@given(st.integers(0, 50), st.lists(st.booleans(), max_size=80))
def test_a_group_never_exceeds_capacity(capacity, attempts):
    enrolled = 0
    for _ in attempts:
        if rules.has_room(capacity, enrolled):
            enrolled += 1
    assert enrolled <= capacity
    assert enrolled == min(capacity, len(attempts))


slots = st.builds(
    lambda d, s, length, f, n: Slot(d, s, s + length, date(2026, 9, 1 + f),
                                    date(2026, 9, 1 + f + n)),
    st.integers(1, 7), st.integers(0, 1380), st.integers(1, 59), st.integers(0, 10),
    st.integers(0, 19))


@given(slots, slots)
def test_overlap_is_symmetric_and_matches_a_minute_by_minute_check(a, b):
    assert a.overlaps(b) == b.overlaps(a)
    same_minute = a.weekday == b.weekday and bool(
        set(range(a.start, a.end)) & set(range(b.start, b.end)))
    same_days = a.first <= b.last and b.first <= a.last
    assert a.overlaps(b) == (same_minute and same_days)


def test_back_to_back_lessons_do_not_clash():
    first = Slot(1, rules.minutes("14:30"), rules.minutes("15:15"))
    after = Slot(1, rules.minutes("15:15"), rules.minutes("16:00"))
    assert rules.clashes([first], [after]) == []
    assert rules.clashes([first], [Slot(1, 900, 920)]) == [(first, Slot(1, 900, 920))]


@pytest.mark.parametrize("text", ["25:00", "14-30", "", "9:60"])
def test_bad_times_are_refused(text):
    with pytest.raises(RuleError):
        rules.minutes(text)


# a key's parts never hold the separator or a newline (public ids, kinds, ISO days, keys)
part = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x1f\n"),
               max_size=3)
keys = st.builds(rules.row_key, part, part, st.sampled_from(["mark", "absence"]), part, part)
tables = st.dictionaries(keys, st.sampled_from(["5", "4", "3", "Н", "Б"]), max_size=20)


@given(tables, tables)
def test_a_correction_says_exactly_what_changed(old, new):
    change = rules.compare(old, new)
    rebuilt = {k: v for k, v in old.items() if k not in change.removed}
    rebuilt.update({k: new[k] for k in change.added + change.changed})
    assert rebuilt == new
    assert change.empty == (old == new)
    assert (rules.fingerprint(old) == rules.fingerprint(new)) == (old == new)


@given(tables)
def test_fingerprint_ignores_row_order(rows):
    assert rules.fingerprint(dict(reversed(list(rows.items())))) == rules.fingerprint(rows)


@given(st.dictionaries(st.text(), st.text(), max_size=20))
def test_rows_json_is_the_json_the_migration_hashes(rows):
    """Migration b3d5f7a9c1e4 recomputes stored fingerprints with the standard library: its
    text must be orjson's (sorted keys, compact, UTF-8) for any rows."""
    text = json.dumps(rows, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert rules.rows_json(rows) == text.encode()
    assert rules.fingerprint(rows) == rules.fingerprint(text.encode())


def test_a_package_is_sent_once_and_confirmed_only_after_sending():
    assert rules.package_step(rules.PREPARED, rules.QUEUED) == rules.QUEUED
    assert rules.package_step(rules.QUEUED, rules.SENDING) == rules.SENDING
    assert rules.package_step(rules.SENDING, rules.QUEUED) == rules.QUEUED  # failed try
    for state, to in [(rules.SENT, rules.SENDING), (rules.CONFIRMED, rules.SENDING),
                      (rules.PREPARED, rules.SENDING), (rules.PREPARED, rules.CONFIRMED),
                      (rules.SENDING, rules.CONFIRMED), (rules.SENT, rules.QUEUED)]:
        with pytest.raises(RuleError):
            rules.package_step(state, to)


@given(st.integers(2000, 2100), st.integers(1, 12))
def test_month_bounds_cover_the_whole_month(year, month):
    first, last = rules.month_bounds(f"{year}-{month:02d}")
    assert first.day == 1 and rules.period_of(first) == rules.period_of(last)
    assert rules.period_of(date.fromordinal(last.toordinal() + 1)) != rules.period_of(last)


def test_overdue():
    assert not rules.is_overdue("2026-09", None, date(2026, 10, 5))
    assert rules.is_overdue("2026-09", None, date(2026, 10, 6))
    assert not rules.is_overdue("2026-09", rules.SENT, date(2026, 10, 12))
    assert rules.is_overdue("2026-09", rules.SENT, date(2026, 10, 13))
    assert not rules.is_overdue("2026-09", rules.CONFIRMED, date(2027, 1, 1))


@given(st.lists(st.integers(1, 5), min_size=1, max_size=30))
def test_a_final_mark_lies_between_the_lowest_and_highest(values):
    mark = rules.final_mark(values)
    assert mark is not None and min(values) <= mark <= max(values)


def test_final_mark_rounds_half_up():
    assert rules.final_mark([4, 5]) == 5
    assert rules.final_mark([]) is None
    with pytest.raises(RuleError):
        rules.card_step(rules.CARD_DRAFT, rules.CARD_RECORDED)


# --- final marks into the home school's LMS gradebook -------------------------------------


def test_ags_wins_over_moodle_and_no_lms_means_no_push() -> None:
    assert rules.lms_channel(True, True) == rules.CHANNEL_AGS
    assert rules.lms_channel(True, False) == rules.CHANNEL_AGS
    assert rules.lms_channel(False, True) == rules.CHANNEL_MOODLE
    assert rules.lms_channel(False, False) is None


@given(st.lists(st.one_of(st.none(), st.integers(1, 5)), max_size=12))
def test_each_new_mark_is_the_next_version_and_a_repeat_is_none(marks: list[int | None]) -> None:
    """Queued versions count 1, 2, 3 … and carry each change of the mark exactly once."""
    last: tuple[int, int] | None = None
    sent: list[int] = []
    for mark in marks:
        version = rules.next_version(last, mark)
        if mark is None or (last is not None and last[1] == mark):
            assert version is None
            continue
        assert version == (last[0] + 1 if last else 1)
        last = (version, mark)
        sent.append(mark)
    changes = [m for i, m in enumerate(x for x in marks if x is not None)
               if i == 0 or m != [x for x in marks if x is not None][i - 1]]
    assert sent == changes
