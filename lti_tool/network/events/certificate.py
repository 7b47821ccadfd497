"""A participant's certificate as PDF (fpdf2, DejaVu Sans: Cyrillic on any machine)."""

from __future__ import annotations

from flask_babel import gettext as _
from fpdf import FPDF

from lti_tool.network.council.minutes_pdf import FONTS
from lti_tool.network.events import rules
from lti_tool.network.events.models import EventRegistration, NetworkEvent

KIND_NAMES = {"webinar": "вебинаре", "master_class": "мастер-классе", "seminar": "семинаре",
              "vcs_lesson": "видеоконференц-уроке"}


def render(event: NetworkEvent, reg: EventRegistration, network_name: str,
           names: dict[int, str]) -> bytes:
    """``names``: organisation id → name (``services.org_names``)."""
    pdf = FPDF(orientation="L", format="A4")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(25, 25, 25)
    pdf.add_page()
    w = pdf.epw
    pdf.set_font("DejaVu", "B", 28)
    pdf.multi_cell(w, 14, _("Сертификат участника"), align="C")
    pdf.ln(6)
    pdf.set_font("DejaVu", "", 14)
    pdf.multi_cell(w, 8, _("подтверждает, что"), align="C")
    pdf.set_font("DejaVu", "B", 20)
    pdf.multi_cell(w, 12, reg.display_name, align="C")
    pdf.set_font("DejaVu", "", 13)
    pdf.multi_cell(w, 7, names.get(reg.organisation_id, ""), align="C")
    pdf.ln(4)
    when = rules.local(event.starts_at, rules.MOSCOW).strftime("%d.%m.%Y")
    pdf.multi_cell(w, 8, _("принял(а) участие в %(kind)s «%(title)s»",
                           kind=KIND_NAMES.get(event.kind, ""), title=event.title), align="C")
    pdf.multi_cell(w, 8, _("%(date)s, объём %(hours)s ч. Организатор: %(org)s.",
                           date=when, hours=event.hours, org=names.get(event.organiser_org_id, "")),
                   align="C")
    pdf.multi_cell(w, 8, _("Сеть: %(name)s", name=network_name), align="C")
    pdf.ln(10)
    pdf.set_font("DejaVu", "", 11)
    pdf.multi_cell(w, 6, _("Сертификат № %(no)s", no=reg.certificate_no), align="R")
    return bytes(pdf.output())
