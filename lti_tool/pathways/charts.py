"""Geometry of the route page's charts (the templates draw them as SVG): readable without
script and in print, marks on a 1–5 scale, a bar for the average, a tick for the target."""

from __future__ import annotations

from typing import Any

from lti_tool.pathways.progress import Progress


def chart(progress: Progress, width: int = 620) -> dict[str, Any]:
    """Geometry of the plan-against-actual bar chart (the template draws it as SVG): marks 1–5,
    a bar for the average, a tick for the target; readable without script and in print."""
    rows = [line for line in progress.lines if line.target is not None or line.average]
    left, row_h, scale = 250, 26, (width - 250 - 50) / 5
    bars = []
    for i, line in enumerate(rows):
        y = 10 + i * row_h
        bars.append({
            "y": y, "name": line.name, "average": line.average, "target": line.target,
            "w": round((line.average or 0) * scale, 1),
            "tx": round(left + (line.target or 0) * scale, 1),
            "low": line.target is not None and line.average is not None
            and line.average < line.target})
    return {"width": width, "height": 20 + len(rows) * row_h, "left": left, "scale": scale,
            "bars": bars, "ticks": [(n, round(left + n * scale, 1)) for n in range(1, 6)]}


def term_chart(progress: Progress, col: int = 112, left: int = 250) -> dict[str, Any]:
    """Plan against actual by period: a row per subject, a column per period begun; in each
    cell the period's average as a bar (red below the target), the target as a tick and the
    lessons missed. The current period's column is shaded."""
    subjects: dict[str, str] = {}
    for term in progress.terms:
        for line in term.lines:
            if line.target is not None or line.average is not None or line.absences:
                subjects.setdefault(line.subject, line.name)
    order = [s for s in (line.subject for line in progress.lines) if s in subjects]
    row_h, head, scale = 30, 34, (col - 44) / 5
    cells, columns = [], []
    for j, term in enumerate(progress.terms):
        x = left + j * col
        columns.append({"x": x, "mid": x + col / 2, "period": term.period,
                        "current": term.current, "absences": term.absences})
        by_subject = {line.subject: line for line in term.lines}
        for i, subject in enumerate(order):
            found = by_subject.get(subject)
            if found is None:
                continue
            cells.append({
                "x": x + 6, "y": head + i * row_h, "average": found.average, "end": x + col - 6,
                "target": found.target, "absences": found.absences,
                "w": round((found.average or 0) * scale, 1),
                "tx": round(x + 6 + (found.target or 0) * scale, 1),
                "low": found.target is not None and found.average is not None
                and found.average < found.target})
    return {"width": left + max(len(columns), 1) * col, "height": head + len(order) * row_h,
            "left": left, "head": head, "row_h": row_h, "col": col, "columns": columns,
            "rows": [{"name": subjects[s], "y": head + i * row_h} for i, s in enumerate(order)],
            "cells": cells}
