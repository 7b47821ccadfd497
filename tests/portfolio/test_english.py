"""The portfolio in English: level, result, state, band, УУД and default-section titles and
every rule's refusal reach the English catalogue and the pages, while ``str()`` of a refusal
stays the Russian text (logs, audit, the signed export's narrative)."""

from __future__ import annotations

import requests
from flask import Flask

from lti_tool.portfolio import i18n, rules
from lti_tool.portfolio.export import ImportRefused
from tests.catalogue import english
from tests.portfolio.helpers import add, launch, person_id

EN = english()


def test_every_rule_title_has_english():
    titles = [*rules.LEVEL_TITLES.values(), *rules.RESULT_TITLES.values(),
              *rules.STATE_TITLES.values(), *rules.BAND_TITLES.values(),
              *rules.UUD_GROUPS.values(), *rules.UUD_SOURCES.values(),
              *(t for _, t, _ in rules.STUDENT_SECTIONS + rules.TEACHER_SECTIONS)]
    assert [t for t in titles if t not in EN] == []


def test_refusals_in_the_viewer_s_language(tool):
    app: Flask = tool.app
    too_many = rules.UploadRefused(rules.N_("Не больше %(n)s файлов у одного достижения."),
                                   n=5)
    nested = ImportRefused(rules.N_("Файл «%(name)s» не принят: %(why)s"), name="a.pdf",
                           why=rules.UploadRefused(rules.N_("Файл пустой.")))
    rows = rules.Refusals([rules.Refusal(rules.N_(
        "строка %(row)s, столбец B: такого УУД нет в списке школы"), row=3)])
    try:
        rules.next_state(rules.CONFIRMED, "edit", rules.OWNER)
    except rules.TransitionRefused as err:
        owner_edit = err
    try:
        rules.next_state(rules.REJECTED, "confirm", rules.MODERATOR)
    except rules.TransitionRefused as err:
        wrong_state = err
    assert str(too_many) == "Не больше 5 файлов у одного достижения."
    assert "отклонено" in str(wrong_state)
    with app.test_request_context("/?lang=en"):
        assert i18n.refusal(too_many) == "No more than 5 files per achievement."
        assert i18n.refusal(nested) == "The file «a.pdf» was not accepted: The file is empty."
        assert i18n.refusal(rows) == "row 3, column B: no such learning skill in the school's list"
        assert i18n.refusal(owner_edit).startswith("Only the class teacher")
        assert i18n.refusal(wrong_state) == ("This action is not available for an achievement "
                                             "in the state «rejected».")
        assert i18n.title(rules.LEVEL_TITLES["federal"]) == "national"
        assert i18n.title("") == ""
    with app.test_request_context("/"):
        assert i18n.refusal(too_many) == "Не больше 5 файлов у одного достижения."


def test_pages_and_flashes_in_english(platform, tool):
    student = launch(platform, tool, "student", "s-petrov")
    admin = launch(platform, tool, "admin", "a-smirnova")
    item = add(student, "Призёр олимпиады")
    page = student.get(f"/app/portfolio/p/{person_id(tool, 's-petrov')[1]}", lang="en").text
    assert "regional" in page and "prize-winner" in page and "региональный" not in page
    assert "<h2>Learning <span" in page  # a default section keeps its English title
    resp = admin.post(f"/app/portfolio/a/{item}/moderate?lang=en", {"action": "reject"})
    shown = requests.get(tool.base + resp.headers["Location"], timeout=30).text
    assert "Give the reason for rejecting: the student will read it." in shown
    resp = student.post("/app/portfolio/import?lang=en",
                        files={"file": ("p.zip", b"PK\x03\x04broken")})
    shown = requests.get(tool.base + resp.headers["Location"], timeout=30).text
    assert "The export archive is damaged." in shown
