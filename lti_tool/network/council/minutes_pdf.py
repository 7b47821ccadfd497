"""The minutes («протокол заседания») as a printable PDF: fpdf2 with DejaVu Sans shipped in
``lti_tool/web/fonts`` (Cyrillic on any machine, no system fonts needed)."""

from __future__ import annotations

from pathlib import Path

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from fpdf import FPDF

from lti_tool.network.council.models import CouncilMeeting
from lti_tool.network.council.services import Who

FONTS = Path(__file__).resolve().parents[2] / "web" / "fonts"
KIND_TITLES = {
    "general": _l("Решение"), "admit": _l("О приёме в сеть"), "exit": _l("О выходе из сети"),
    "remove_member": _l("О выводе из состава совета"),
    "elect_chair": _l("Об избрании председателя"),
    "elect_secretary": _l("Об избрании секретаря"),
}


def _pdf() -> FPDF:
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(20, 18, 15)
    pdf.add_page()
    return pdf


def render(meeting: CouncilMeeting, network_name: str, who: dict[int, Who]) -> bytes:
    """``who``: member id → name and organisation (``services.who``)."""
    pdf = _pdf()
    width = pdf.epw
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(width, 8, _("Протокол № %(n)s", n=meeting.number), align="C")
    pdf.set_font("DejaVu", "", 11)
    pdf.multi_cell(width, 6, _("заседания координационного совета сети «%(name)s»",
                               name=network_name), align="C")
    pdf.ln(3)
    pdf.multi_cell(width, 6, _("Дата: %(d)s", d=meeting.held_on.strftime("%d.%m.%Y"))
                   + (f" · {meeting.place}" if meeting.place else ""))
    present = [a.member for a in meeting.attendance if a.present]
    absent = [a.member for a in meeting.attendance if not a.present]
    pdf.multi_cell(width, 6, _("Членов совета: %(m)s; присутствуют: %(p)s.",
                               m=meeting.members_total, p=len(present)))
    quorum = 2 * len(present) > meeting.members_total
    pdf.multi_cell(width, 6, _("Кворум есть: заседание правомочно.") if quorum
                   else _("Кворума нет: заседание неправомочно."))
    _section(pdf, _("Присутствовали"))
    for m in present:
        pdf.multi_cell(width, 6, f"— {who[m.id].name} ({who[m.id].organisation})")
    if absent:
        _section(pdf, _("Отсутствовали"))
        for m in absent:
            pdf.multi_cell(width, 6, f"— {who[m.id].name} ({who[m.id].organisation})")
    _section(pdf, _("Повестка дня"))
    for item in meeting.agenda:
        pdf.multi_cell(width, 6, f"{item.position}. {item.title}")
    _section(pdf, _("Решения"))
    for i, d in enumerate(meeting.decisions, 1):
        pdf.set_font("DejaVu", "B", 11)
        pdf.multi_cell(width, 6, f"{i}. {KIND_TITLES.get(d.kind, d.kind)}")
        pdf.set_font("DejaVu", "", 11)
        pdf.multi_cell(width, 6, d.text)
        pdf.multi_cell(width, 6, _(
            "Голосовали: «за» — %(f)s, «против» — %(a)s, «воздержались» — %(x)s.",
            f=d.votes_for, a=d.votes_against, x=d.abstained))
        for choice, title in (("for", _("за")), ("against", _("против")),
                              ("abstain", _("воздержались"))):
            names = [f"{who[b.member_id].name} ({who[b.member_id].organisation})"
                     for b in d.ballots if b.choice == choice]
            if names:
                pdf.multi_cell(width, 6, f"   {title}: " + ", ".join(names))
        pdf.multi_cell(width, 6, _("Решение принято.") if d.adopted else _("Решение не принято."))
        pdf.ln(1)
    pdf.ln(6)
    signed = {s.office: s for s in meeting.signatures}
    for office, title in (("chair", _("Председатель")), ("secretary", _("Секретарь"))):
        s = signed.get(office)
        line = f"{title}: ________ {s.signer_name} " + _(
            "(подписано %(at)s)", at=s.signed_at.strftime("%d.%m.%Y %H:%M UTC")) if s else (
            f"{title}: ________ " + _("(не подписано)"))
        pdf.multi_cell(width, 8, line)
    return bytes(pdf.output())


def _section(pdf: FPDF, title: str) -> None:
    pdf.ln(2)
    pdf.set_font("DejaVu", "B", 12)
    pdf.multi_cell(pdf.epw, 7, title)
    pdf.set_font("DejaVu", "", 11)
