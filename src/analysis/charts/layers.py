"""The pieces both charts are made of, each written once: the as-of marker, the "no data" zone,
lane bands, deadline marks, revision arrows, point-event markers, bars and range segments.

Each function returns plotly dicts (traces, shapes or annotations); :class:`Layers` collects
them, and a figure is the sum of the layers it draws.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from analysis.charts.model import role as meta
from analysis.charts.style import (
    DAY_MS,
    OPACITY,
    PALETTE,
    SYMBOLS,
    iso,
    label_or,
    line,
    text,
)
from analysis.i18n import Locale, format_date, label

#: A point on the date axis: (date, y, hover text).
Point = tuple[dt.date, float, str]
#: A bar piece: (from, to, y, hover text).
Piece = tuple[dt.date, dt.date, float, str]
#: The point-event kind of an aggregated marker that stands for events of several kinds.
MIXED = "mixed"


@dataclass
class Layers:
    """Traces, shapes and annotations of one figure, in drawing order."""

    data: list[dict[str, Any]] = field(default_factory=list)
    shapes: list[dict[str, Any]] = field(default_factory=list)
    annotations: list[dict[str, Any]] = field(default_factory=list)

    def add(self, *traces: dict[str, Any] | None) -> None:
        """Add traces in drawing order; None (a layer with nothing to draw) is skipped."""
        self.data += [t for t in traces if t is not None]


# --------------------------------------------------------------------------- the report date


def toward_the_past(reverse: bool) -> str:
    """Anchor the "as of" label so it runs back into the data, never off the plot's edge."""
    return "left" if reverse else "right"


def as_of_marker(
    layers: Layers, as_of: dt.date, loc: Locale, reverse: bool, *, published: bool = False
) -> None:
    """A dashed line at the report date (under the bars: a slip of a few days must stay
    visible) and its label above the plot, running back into the data: "Report date" (the
    date itself is in the chart's subtitle; repeating it there read as a second subtitle,
    Arabic editor 19); "Publication date" when the information stops well before it (the
    line is not the information's date: Arabic editor N18)."""
    layers.shapes.append(
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": iso(as_of),
            "x1": iso(as_of),
            "y0": 0,
            "y1": 1,
            "line": {"color": PALETTE["as_of"], "width": 1.5, "dash": "dash"},
            "layer": "below",
            "name": "as-of",
        }
    )
    layers.annotations.append(
        {
            "x": iso(as_of),
            "y": 1,
            "xref": "x",
            "yref": "paper",
            "yanchor": "bottom",
            "xanchor": toward_the_past(reverse),
            "name": "as-of",
            "text": line(text("as_of_line.published" if published else "as_of_line", loc), loc),
            "showarrow": False,
            # 15 px: 7.2 pt as printed at 64 % (the timeline), like its phase titles (ROUND8
            # decision 12: no chart text under 7 pt on paper)
            "font": {"size": 15, "color": PALETTE["as_of"]},
        }
    )


def no_data_zone(
    layers: Layers,
    through: dt.date | None,
    as_of: dt.date,
    loc: Locale,
    *,
    until: dt.date | None = None,
) -> None:
    """The stretch from the coverage end to the report date (or to ``until``, the axis' end,
    when the axis stops before the report date), when there is one: shaded, with a legend
    entry naming the cut-off. Nothing there is known, so nothing else (no overrun, no "not
    ended") is drawn inside it."""
    if through is None or through >= as_of:
        return
    end = min(as_of, until) if until is not None else as_of
    layers.shapes.append(
        {
            "type": "rect",
            "xref": "x",
            "yref": "paper",
            "x0": iso(through),
            "x1": iso(end),
            "y0": 0,
            "y1": 1,
            "fillcolor": PALETTE["no_data"],
            "opacity": OPACITY["no_data"],
            "line": {"width": 0},
            "layer": "below",
            "name": "no-data",
        }
    )
    name = text("legend.no_data", loc, date=format_date(through, loc))
    layers.add(
        {
            "type": "bar",
            "name": line(name, loc),
            "legendgroup": "no-data",
            "meta": meta("no-data"),
            "x": [None],
            "y": [None],
            "hoverinfo": "skip",
            "showlegend": True,
            "marker": {"color": PALETTE["no_data"], "line": {"width": 0}},
        }
    )


# --------------------------------------------------------------------------- lanes and bars


def lane_bands(layers: Layers, bands: Sequence[tuple[float, float]]) -> None:
    """Every other lane on a light band, so a lane's rows read together."""
    layers.shapes += [
        {
            "type": "rect",
            "xref": "paper",
            "yref": "y",
            "x0": 0,
            "x1": 1,
            "y0": top,
            "y1": bottom,
            "fillcolor": PALETTE["lane_band"],
            "line": {"width": 0},
            "layer": "below",
            "name": "lane",
        }
        for i, (top, bottom) in enumerate(bands)
        if i % 2 == 0
    ]


#: The role (see :data:`~analysis.charts.model.ROLES`) of each kind of bar piece.
_BAR_ROLES = {"actual": "phase", "planned": "planned", "range": "range", "unknown": "unknown"}


def bar(role: str, name: str, pieces: Sequence[Piece], width: float) -> dict[str, Any] | None:
    """One horizontal bar trace on the date axis: base = start, length in milliseconds.

    ``role`` is "actual", "planned" (lighter), "range" (a date known only as a range: faded)
    or "unknown" (after the coverage end, toward a deadline that has passed unseen: grey, dotted).
    """
    if not pieces:
        return None
    trace: dict[str, Any] = {
        "type": "bar",
        "orientation": "h",
        "name": name,
        "legendgroup": role,
        "meta": meta(_BAR_ROLES[role]),
        "base": [iso(a) for a, _, _, _ in pieces],
        "x": [(b - a).days * DAY_MS for a, b, _, _ in pieces],
        "y": [y for _, _, y, _ in pieces],
        "width": width,
        "hovertext": [h for _, _, _, h in pieces],
        "hoverinfo": "text",
        "marker": {
            "color": PALETTE[{"range": "actual", "unknown": "superseded"}.get(role, role)],
            "line": {"width": 0},
        },
        "showlegend": True,
    }
    if role == "planned":
        trace["opacity"] = OPACITY[role]
    if role == "range":  # dotted, not a paler fill: it must not pass for "Time left to deadline"
        trace["marker"]["pattern"] = {
            "shape": ".",
            "fgcolor": PALETTE["actual"],
            "bgcolor": "white",
            "solidity": 0.45,
        }
        trace["marker"]["line"] = {"width": 1, "color": PALETTE["actual"]}
    if role == "unknown":  # grey dots on white: "outcome unknown", never "time left"
        trace["marker"]["pattern"] = {
            "shape": ".",
            "fgcolor": PALETTE["superseded"],
            "bgcolor": "white",
            "solidity": 0.5,
        }
        trace["marker"]["line"] = {"width": 1, "color": PALETTE["superseded"]}
    return trace


def overrun(name: str, pieces: Sequence[Piece], width: float) -> dict[str, Any] | None:
    """The part of bars past a missed firm deadline: hatched, so it reads as "not planned" in
    greyscale print too. Drawn as filled outlines whose x values are the dates themselves (a
    bar's x is a length), so the trace says where it ends: never after the last known day."""
    if not pieces:
        return None
    xs: list[str | None] = []
    ys: list[float | None] = []
    hovers: list[str | None] = []
    for a, b, y, hover in pieces:
        top, bottom = round(y - width / 2, 3), round(y + width / 2, 3)
        xs += [iso(a), iso(b), iso(b), iso(a), iso(a), None]
        ys += [top, top, bottom, bottom, top, None]
        hovers += [hover] * 6  # the gap point (x None) is never drawn
    return {
        "type": "scatter",
        "mode": "lines",
        "fill": "toself",
        "name": name,
        "legendgroup": "slip",
        "meta": meta("overrun"),
        "x": xs,
        "y": ys,
        "line": {"width": 0, "color": PALETTE["slip"]},
        "fillcolor": PALETTE["slip"],
        # a pattern's default background is transparent: set it
        "fillpattern": {
            "shape": "/",
            "bgcolor": PALETTE["slip"],
            "fgcolor": "rgba(255,255,255,0.6)",
            "solidity": 0.3,
        },
        # inside, the hover names the piece; at its corners, it gives the phase
        "hoveron": "fills+points",
        "hovertext": hovers,
        "hoverinfo": "text+name",
        "showlegend": True,
    }


def whiskers(
    name: str,
    role: str,
    spans: Sequence[tuple[dt.date, dt.date, float, str]],
    colour: str,
) -> dict[str, Any] | None:
    """Ranges of dates as whiskers ``|—|`` (an end, start or deadline known only as a range)."""
    if not spans:
        return None
    xs: list[str | None] = []
    ys: list[float | None] = []
    hovers: list[str | None] = []
    for a, b, y, hover in spans:
        xs += [iso(a), iso(b), None]
        ys += [y, y, None]
        hovers += [hover] * 3  # the gap point (x None) is never drawn
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "name": name,
        "legendgroup": role,
        "meta": meta("range"),
        "x": xs,
        "y": ys,
        "hovertext": hovers,
        "hoverinfo": "text",
        "line": {"color": colour, "width": 2},
        "connectgaps": False,
        "marker": {"symbol": "line-ns", "size": 12, "line": {"color": colour, "width": 2}},
        "cliponaxis": False,
    }


# --------------------------------------------------------------------------- deadlines

DeadlineRole = Literal["deadline", "superseded", "soft"]


def deadline_marks(
    role: DeadlineRole, points: Sequence[Point], loc: Locale, *, shape: Literal["tick", "diamond"]
) -> dict[str, Any] | None:
    """Deadline marks of one role: in force (black), a date announced later (mid-grey with a
    dark edge) or conditional/minimum (open: not a promise that can be missed). ``tick`` on
    the Gantt (a diamond would hide a slip of a few days), ``diamond`` on the promise chart."""
    if not points:
        return None
    names = {
        "deadline": text("legend.deadline", loc),
        "superseded": text("legend.announced", loc),
        "soft": text("legend.soft_deadline", loc),
    }
    # a later announced date: mid-grey with a dark edge, at full strength, in the chart and
    # in its legend (English editor nit 6: the faint grey diamond barely showed on white)
    colour = PALETTE["announced" if role == "superseded" else "deadline"]
    if shape == "tick" and role != "soft":
        marker: dict[str, Any] = {
            "symbol": "line-ns",
            "size": 18,
            "line": {"color": colour, "width": 3.5},
        }
    elif role == "superseded":
        marker = {
            "symbol": "diamond-tall",
            "size": 17,
            "color": colour,
            "line": {"color": PALETTE["announced_edge"], "width": 1.5},
        }
    else:
        marker = {
            "symbol": "diamond-tall-open" if role == "soft" else "diamond-tall",
            "size": 17,
            "color": colour,
            "line": {
                "color": colour if role == "soft" else "white",
                "width": 2 if role == "soft" else 1,
            },
        }
    trace: dict[str, Any] = {
        "type": "scatter",
        "mode": "markers",
        "name": line(names[role], loc),
        "legendgroup": role,
        "meta": meta("superseded" if role == "superseded" else "deadline"),
        "x": [iso(x) for x, _, _ in points],
        "y": [y for _, y, _ in points],
        "hovertext": [h for _, _, h in points],
        "hoverinfo": "text",
        "marker": marker,
        "cliponaxis": False,
    }
    return trace


def revision_arrows(
    links: Sequence[tuple[dt.date, dt.date, tuple[float, float, float, float]]], loc: Locale
) -> dict[str, Any] | None:
    """Dotted brackets from each superseded deadline to its revision, arrow at the new one.

    Each link is (old due, new due, the bracket's four y positions)."""
    if not links:
        return None
    xs: list[str | None] = []
    ys: list[float | None] = []
    sizes: list[int] = []
    for old, new, dys in links:
        xs += [iso(old), iso(old), iso(new), iso(new), None]
        ys += [round(y, 3) for y in dys] + [None]
        sizes += [0, 0, 0, 11, 0]
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "legendgroup": "superseded",
        "meta": meta("superseded"),
        "name": line(label("deadline_history", loc), loc),
        "showlegend": False,
        "x": xs,
        "y": ys,
        "hoverinfo": "skip",
        "connectgaps": False,
        "line": {"color": PALETTE["superseded"], "width": 1.3, "dash": "dot"},
        "marker": {
            "symbol": "arrow",
            "angleref": "previous",
            "size": sizes,
            "color": PALETTE["superseded"],
        },
    }


# --------------------------------------------------------------------------- point events


@dataclass(frozen=True)
class Mark:
    """A point-event marker: one event, or ``n`` of them aggregated; ``y`` is set once the
    marks of a lane are stacked."""

    kind: str
    x: dt.date
    hover: str
    n: int
    y: float = 0.0


def marker_size(n: int) -> float:
    """A point-event marker's size in pixels: larger the more events it stands for."""
    return min(22, 10 + 2 * math.sqrt(n - 1))


def milestone_traces(
    marks_by_kind: dict[str, list[Mark]], loc: Locale, order: Sequence[str]
) -> list[dict[str, Any]]:
    """One trace per point-event kind, in legend order, named in the report language."""
    traces = []
    for kind in order:
        marks = marks_by_kind[kind]
        name = text("legend.mixed", loc) if kind == MIXED else label_or(f"kind.{kind}", loc, kind)
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": line(name, loc),
                "legendgroup": f"milestone-{kind}",
                "meta": meta("milestone"),
                "x": [iso(m.x) for m in marks],
                "y": [m.y for m in marks],
                "hovertext": [m.hover for m in marks],
                "hoverinfo": "text",
                "customdata": [m.n for m in marks],  # events per marker (1 unless aggregated)
                "marker": {
                    "symbol": SYMBOLS.get(kind, SYMBOLS["other"]),
                    "color": PALETTE.get(kind, PALETTE["other"]),
                    "size": [marker_size(m.n) for m in marks],
                    "line": {
                        "color": PALETTE["muted"] if kind == "incident" else "white",
                        "width": 1,
                    },
                },
                # clipped: an event before the window would otherwise sit on the lane labels
                "cliponaxis": True,
            }
        )
    return traces
