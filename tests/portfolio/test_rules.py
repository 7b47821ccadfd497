"""Portfolio rules without a database: sections, hour bands, moderation, uploads."""

from __future__ import annotations

import zlib
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lti_tool.portfolio import rules

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def png() -> bytes:
    raw = b"\x00\xff\x00\x00"
    ihdr = b"IHDR" + (1).to_bytes(4, "big") * 2 + b"\x08\x02\x00\x00\x00"
    idat = b"IDAT" + zlib.compress(raw)

    def chunk(body: bytes) -> bytes:
        return (len(body) - 4).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    return b"\x89PNG\r\n\x1a\n" + chunk(ihdr) + chunk(idat) + chunk(b"IEND")


def test_default_sections_follow_seed_002():
    student = [title for _, title, _ in rules.default_sections(rules.STUDENT)]
    assert student == ["Учебная деятельность", "Внеурочная деятельность",
                       "Проектная и исследовательская деятельность", "Общественная деятельность",
                       "Культурная и творческая деятельность", "Спортивная деятельность",
                       "Прочие образовательные достижения"]
    teacher = {key for key, _, _ in rules.default_sections(rules.TEACHER)}
    assert len(teacher) == 12 and "development" in teacher and "contests" in teacher
    assert rules.HOURS_SECTIONS <= teacher


@pytest.mark.parametrize(("hours", "band"), [(0, "seminar"), (15, "seminar"), (16, "course"),
                                             (250, "course"), (251, "retraining"),
                                             (1000, "retraining")])
def test_hour_bands_at_their_bounds(hours, band):
    assert rules.hours_band(hours) == band


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=10_000))
def test_hour_bands_are_monotone(a, b):
    lo, hi = sorted((a, b))
    assert rules.BANDS.index(rules.hours_band(lo)) <= rules.BANDS.index(rules.hours_band(hi))


def test_negative_hours_refused():
    with pytest.raises(ValueError):
        rules.hours_band(-1)


ACTIONS = st.sampled_from(["confirm", "reject", "edit", "revoke"])
ACTORS = st.sampled_from([rules.OWNER, rules.MODERATOR])


@given(st.lists(st.tuples(ACTIONS, ACTORS, st.sampled_from(["", "нет диплома"])), max_size=12))
def test_only_a_moderator_ever_confirms_and_every_rejection_has_a_reason(steps):
    state = rules.UNCONFIRMED
    for action, actor, reason in steps:
        try:
            new = rules.next_state(state, action, actor, reason=reason)
        except rules.TransitionRefused:
            continue
        if new == rules.CONFIRMED and state != rules.CONFIRMED:
            assert actor == rules.MODERATOR and action == "confirm"
        if new == rules.REJECTED and state != rules.REJECTED:
            assert actor == rules.MODERATOR and reason
        if actor == rules.OWNER:
            assert new == rules.UNCONFIRMED  # an owner's edit always goes back to the queue
        state = new


def test_owner_cannot_touch_a_confirmed_item_and_rejection_needs_reason():
    with pytest.raises(rules.TransitionRefused, match="классный руководитель"):
        rules.next_state(rules.CONFIRMED, "edit", rules.OWNER)
    with pytest.raises(rules.TransitionRefused, match="причину"):
        rules.next_state(rules.UNCONFIRMED, "reject", rules.MODERATOR, reason="  ")
    with pytest.raises(rules.TransitionRefused):
        rules.next_state(rules.UNCONFIRMED, "confirm", rules.OWNER)


@given(st.sampled_from(rules.STATES), st.booleans(), st.booleans(), st.booleans())
def test_publishable_needs_confirmation_and_for_a_minor_consent(state, minor, consent, own):
    shown = rules.publishable(state, owner_is_minor=minor, consent_active=consent,
                              owner_published=own)
    if shown:
        assert state == rules.CONFIRMED
        assert consent if minor else own


def test_upload_type_comes_from_the_content():
    assert rules.check_upload("грамота.pdf", PDF).media_type == "application/pdf"
    assert rules.check_upload("photo.png", png()).media_type == "image/png"
    # A file lying about its type: an HTML page named .pdf, an executable named .png.
    with pytest.raises(rules.UploadRefused):
        rules.check_upload("грамота.pdf", b"<html><script>alert(1)</script></html>")
    with pytest.raises(rules.UploadRefused):
        rules.check_upload("photo.png", b"MZ\x90\x00" + b"\x00" * 200)
    # The proved extension wins over the claimed one.
    assert rules.check_upload("scan.png", PDF).name == "scan.pdf"


def test_upload_limits():
    with pytest.raises(rules.UploadRefused, match="пустой"):
        rules.check_upload("a.pdf", b"")
    with pytest.raises(rules.UploadRefused, match="МБ"):
        rules.check_upload("a.pdf", PDF + b"0" * rules.MAX_FILE_BYTES)
    with pytest.raises(rules.UploadRefused, match="файлов"):
        rules.check_upload("a.pdf", PDF, existing=rules.MAX_FILES)


@given(st.text(max_size=300))
def test_safe_name_never_has_a_path(name):
    safe = rules.safe_name(name, "pdf")
    assert "/" not in safe and "\\" not in safe and "\x00" not in safe
    assert safe.endswith(".pdf") and len(safe) <= 105 and not safe.startswith(".")


def test_safe_name_examples():
    assert rules.safe_name("../../etc/passwd", "pdf") == "passwd.pdf"
    assert rules.safe_name("C:\\Users\\x\\Диплом.PDF", "pdf") == "Диплом.pdf"
    assert rules.safe_name("", "png") == "file.png"


@given(st.binary(max_size=64))
def test_random_bytes_are_only_accepted_with_a_real_signature(data):
    kind = rules.sniff(data)
    if kind == "application/pdf":
        assert data.startswith(b"%PDF")
    if kind == "image/png":
        assert data.startswith(b"\x89PNG")


@given(st.dictionaries(st.sampled_from([k for k, *_ in rules.SELF_ITEMS]),
                       st.sampled_from(sorted(rules.SELF_SCALE))))
def test_development_plan_lists_exactly_the_gaps_largest_first(answers):
    plan = rules.development_plan(answers)
    below = {t for k, _g, t, _r in rules.SELF_ITEMS if answers.get(k, 0) < rules.SELF_TARGET}
    assert {title for title, _, _ in plan} == below
    assert [gap for *_, gap in plan] == sorted((gap for *_, gap in plan), reverse=True)


@pytest.mark.parametrize(("items", "expected"), [
    ([("regional", "prizewinner", 0)], True),          # placed regionally
    ([("international", "winner", 100)], True),
    ([("regional", "participant", 0)], False),          # took part only
    ([("municipal", "winner", 0)], False),              # placed, but not beyond the town
    ([("municipal", "participant", 0)] * 3, True),      # shown three times beyond school
    ([("municipal", "participant", 0)] * 2 + [("school", "winner", 0)], False),
    ([("federal", "winner", 6 * 365)], False),          # older than five years
    ([("regional", "winner", -1)], False),              # a date in the future counts not
    ([], False),
])
def test_can_mentor(items, expected):
    today = date(2026, 12, 5)
    dated = [(lv, rs, today - timedelta(days=ago)) for lv, rs, ago in items]
    assert rules.can_mentor(dated, today) is expected


@given(st.lists(st.tuples(st.sampled_from(rules.LEVELS), st.sampled_from(rules.RESULTS),
                          st.integers(0, 3000)), max_size=8),
       st.tuples(st.sampled_from(rules.LEVELS), st.sampled_from(rules.RESULTS)))
def test_can_mentor_is_monotone(items, extra):
    """One more confirmed achievement never takes the qualification away."""
    today = date(2028, 2, 29)
    dated = [(lv, rs, today - timedelta(days=ago)) for lv, rs, ago in items]
    if rules.can_mentor(dated, today):
        assert rules.can_mentor([*dated, (*extra, today)], today)
