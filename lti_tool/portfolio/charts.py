"""Charts of a portfolio's dynamics as server-rendered SVG (pygal), readable without
JavaScript and in print: pygal's own script is left out, the SVG is inlined in the page."""

from __future__ import annotations

import re

import pygal  # type: ignore[import-untyped]
from markupsafe import Markup
from pygal.style import Style  # type: ignore[import-untyped]

_STYLE = Style(background="white", plot_background="white", font_family="sans-serif",
               colors=("#1f6feb", "#1a7f37", "#bf8700", "#cf222e", "#8250df", "#0a7ea4",
                       "#57606a", "#e16f24", "#116329", "#6639ba", "#953800", "#0550ae"))


_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)


def by_year_chart(counts: dict[int, dict[str, int]], title: str = "") -> Markup | None:
    """Confirmed achievements per school year, stacked by section; None when empty."""
    if not counts:
        return None
    years = sorted(counts)
    sections = sorted({s for by in counts.values() for s in by})
    chart = pygal.StackedBar(style=_STYLE, js=(), width=640, height=300, legend_at_bottom=True,
                             legend_at_bottom_columns=2, disable_xml_declaration=True,
                             explicit_size=False, title=title or None, print_values=False,
                             truncate_legend=40)
    chart.x_labels = [f"{y}/{(y + 1) % 100:02d}" for y in years]
    for section in sections:
        chart.add(section, [counts[y].get(section, 0) or None for y in years])
    # pygal still writes an inline config script for its tooltips: not needed, dropped.
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    return Markup(svg)  # noqa: S704 - pygal's own SVG, labels escaped by it
