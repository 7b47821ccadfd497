"""A portfolio as a printable PDF (fpdf2 with the DejaVu fonts shipped in
``lti_tool/web/fonts``: correct Cyrillic on any machine, no system fonts needed)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF

from lti_tool.portfolio import rules
from lti_tool.portfolio.models import Achievement, PortfolioSection

FONTS = Path(__file__).resolve().parents[1] / "web" / "fonts"
STATUS = {rules.CONFIRMED: "подтверждено", rules.UNCONFIRMED: "не подтверждено",
          rules.REJECTED: "отклонено"}


def render(*, school: str, owner: str, kind: str, sections: Sequence[PortfolioSection],
           items: Sequence[Achievement], counts: dict[int, dict[str, int]]) -> bytes:
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(18, 16, 15)
    pdf.set_title(f"Портфолио: {owner}")
    pdf.add_page()
    width = pdf.epw
    pdf.set_font("DejaVu", "B", 15)
    title = "Вебфолио учителя" if kind == rules.TEACHER else "Метафолио обучающегося"
    pdf.multi_cell(width, 8, f"{title}: {owner}")
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(width, 5, school)
    pdf.ln(2)
    if counts:
        _heading(pdf, "Подтверждённые достижения по учебным годам")
        for year, by in counts.items():
            total = sum(by.values())
            pdf.multi_cell(width, 5, f"{year}/{(year + 1) % 100:02d}: {total} — " + "; ".join(
                f"{name}: {n}" for name, n in sorted(by.items())))
    for section in sections:
        rows = [i for i in items if i.section_id == section.id]
        if not rows:
            continue
        _heading(pdf, section.title)
        for item in rows:
            pdf.set_font("DejaVu", "B", 10)
            pdf.multi_cell(width, 5, item.title)
            pdf.set_font("DejaVu", "", 9)
            facts = [item.achieved_on.strftime("%d.%m.%Y"), rules.LEVEL_TITLES[item.level],
                     rules.RESULT_TITLES[item.result], STATUS.get(item.status, item.status)]
            if item.hours is not None:
                facts.append(f"{item.hours} ч ({rules.BAND_TITLES[rules.hours_band(item.hours)]})")
            if item.imported:
                facts.append(f"перенесено из: {item.imported.get('issuer_name', '')}")
            pdf.multi_cell(width, 5, " · ".join(facts))
            if item.description:
                pdf.multi_cell(width, 5, item.description)
            pdf.ln(1)
    return bytes(pdf.output())


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(2)
    pdf.set_font("DejaVu", "B", 12)
    pdf.multi_cell(pdf.epw, 7, text)
    pdf.set_font("DejaVu", "", 10)
