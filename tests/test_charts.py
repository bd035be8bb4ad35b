"""The charts: what is drawn where, in which language and direction, escaped, deterministic, fast.

The figures are inspected as plotly objects (traces, shapes, axes), so each test names the
feature it guards; the export tests drive the real system Chromium.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re
import shutil
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from analysis import charts
from analysis.charts import Chart, export_image, figure_html, gantt_figure, promise_figure
from analysis.charts.style import plain
from analysis.dataset import Dataset, load_dataset
from analysis.dates import PartialDate
from analysis.i18n import format_date, label, make_locale
from analysis.timeline import Timeline, timeline
from conftest import DATA_DIR, EVENT_COLUMNS, MINIMAL_DIR, copy_dataset, write_csv, write_schema

EN, AR = make_locale("en"), make_locale("ar")
EARLY, LATE = "2025-10-15", "2026-11-29"
DAY_MS = 86_400_000
BOLD = "<b>bold</b>"
LINK = '<a href="javascript:alert(1)">x</a>'


# --------------------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def shipped() -> Dataset:
    return load_dataset(DATA_DIR)


@pytest.fixture(scope="module")
def tl_early(shipped: Dataset) -> Timeline:
    return timeline(shipped, EARLY)


@pytest.fixture(scope="module")
def tl_late(shipped: Dataset) -> Timeline:
    return timeline(shipped, LATE)


def group(chart: Chart, name: str) -> list[Any]:
    """The traces of one role ("actual", "slip", "deadline", "milestone-statement", …)."""
    return [t for t in chart.figure.data if t.legendgroup == name]


def one(chart: Chart, name: str) -> Any:
    found = [t for t in group(chart, name) if t.showlegend is not False]
    assert len(found) == 1, f"expected one {name!r} trace, got {len(found)}"
    return found[0]


def contrast(colour: str) -> float:
    """WCAG contrast of a #rrggbb colour against white."""

    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    lum = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (lum + 0.05)


def assert_visible_announced(trace: Any) -> None:
    """English editor nit 6: the later announced date's mark showed barely at all (light grey
    at 35 %). Now drawn at full strength, in the chart and so in its legend: a diamond with a
    dark edge, or a tick of at least 3:1 contrast on white (WCAG, graphics)."""
    assert trace.opacity is None or trace.opacity == 1, trace.opacity
    marker = trace.marker
    if marker.symbol == "line-ns":
        assert contrast(marker.line.color) >= 3, marker.line.color
    else:
        assert contrast(marker.line.color) >= 7 and marker.line.width >= 1.5, marker.line
        assert contrast(marker.color) >= 3, marker.color


def overrun_spans(chart: Chart) -> list[tuple[str, str, float]]:
    """The hatched overrun pieces as (from, to, row y): outlines of five points each."""
    trace = one(chart, "slip")
    xs, ys = list(trace.x), list(trace.y)
    spans = []
    for i in range(0, len(xs), 6):
        a, b = str(xs[i])[:10], str(xs[i + 1])[:10]
        spans.append((a, b, round((ys[i] + ys[i + 2]) / 2, 3)))
    return spans


def text_of(key: str, loc: Any, date_en: str) -> str:
    """A chart phrase with its {date}, written in full in both languages."""
    from analysis.charts.promise import short_date

    day = dt.datetime.strptime(date_en.replace(".", ""), "%d %b %Y").date()
    return label(key, loc).replace("{date}", short_date(day, loc))


def notes_of(chart: Chart) -> list[str]:
    """The promise chart's row labels as plain text: site, phase name and the outcome note."""
    out = []
    for label_text in chart.figure.layout.yaxis.ticktext:
        flat = re.sub(r"<[^>]+>", " ", label_text.replace("<br>", " "))
        flat = re.sub("[\u2066-\u2069]", "", flat)
        out.append(" ".join(flat.split()))
    return out


def lane_y(chart: Chart, site_name: str) -> float:
    """The y position of a lane, found by its label (labels may carry bidi isolates)."""
    axis = chart.figure.layout.yaxis
    hits = [v for v, t in zip(axis.tickvals, axis.ticktext, strict=True) if site_name in t]
    assert len(hits) == 1, f"{site_name!r} not among the lanes {axis.ticktext}"
    return hits[0]


def strings(value: Any) -> Iterator[str]:
    """Every string anywhere in a nested figure dict."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from strings(v)


def event(id: str, kind: str, start: str, **cells: str) -> dict[str, str]:
    return {
        "id": id,
        "kind": kind,
        "start": start,
        "site": "alpha",
        "status": "completed",
        "title_en": id,
        "title_ar": id,
        "source_id": "src-a",
        **cells,
    }


# --------------------------------------------------------------------------- the Gantt


def test_gantt_draws_phases_deadlines_revisions_and_milestones(tl_late, shipped) -> None:
    chart = gantt_figure(tl_late, shipped, EN)
    assert chart.name == "gantt" and chart.lang == "en"
    # Baghdad was declared complete on 18 January 2026 (ROUND5 decision 1: a declared date,
    # no longer a range from 26 November 2025), against a September 2025 deadline: hatched
    # from the deadline to the declaration
    assert one(chart, "actual").type == "bar" and one(chart, "actual").orientation == "h"
    slip = one(chart, "slip")
    assert slip.fillcolor == charts.PALETTE["slip"] and slip.fillpattern.shape == "/"
    assert slip.meta["role"] == "overrun"
    baghdad = lane_y(chart, "Baghdad")
    assert [(a, b) for a, b, y in overrun_spans(chart) if y == baghdad] == [
        ("2025-09-30", "2026-01-18")
    ]
    faded = one(chart, "range")
    assert baghdad not in faded.y
    # Erbil's deadline (September 2026) fell after the data end (March 2026): not an overrun
    assert lane_y(chart, "Erbil") not in [y for _, _, y in overrun_spans(chart)]
    assert chart.figure.layout.xaxis.type == "date"
    # Ain al-Asad: the September 2025 deadline stays the deadline; the 4–10 January 2026 date
    # announced on 31 December is a grey mark (no arrow: nobody moved the deadline), drawn
    # as a range; the overrun runs from the original deadline to the end (16 January 2026)
    deadline, announced = one(chart, "deadline"), one(chart, "superseded")
    assert_visible_announced(announced)
    assert deadline.opacity is None or deadline.opacity == 1
    assert "2026-01-10" in announced.x and "2025-09-30" in deadline.x
    assert announced.name == "Later announced date"
    assert not [t for t in group(chart, "superseded") if t.showlegend is False]
    (whisker,) = group(chart, "deadline-range")  # its legend entry is the range bar's
    assert [x for x in whisker.x if x is not None] == ["2026-01-04", "2026-01-10"]
    ain = lane_y(chart, "Ain al-Asad Air Base")
    assert [(a, b) for a, b, y in overrun_spans(chart) if y == ain] == [
        ("2025-09-30", "2026-01-16")
    ]
    # one legend entry per kind of point event, named in the report language
    kinds = {e.kind for e in tl_late.milestones}
    for kind in kinds:
        trace = one(chart, f"milestone-{kind}")
        assert trace.name == label(f"kind.{kind}", EN)
    assert {t.legendgroup for t in chart.figure.data if t.legendgroup.startswith("milestone-")} == {
        f"milestone-{k}" for k in kinds
    }
    # every mark has hover text
    for trace in chart.figure.data:
        if trace.hoverinfo != "skip":
            assert trace.hovertext and all(trace.hovertext), trace.legendgroup


def test_gantt_planned_segment_runs_to_the_deadline_in_force(tl_early, shipped) -> None:
    chart = gantt_figure(tl_early, shipped, EN)
    planned = one(chart, "planned")
    assert planned.opacity is not None and planned.opacity < 1
    erbil = lane_y(chart, "Erbil")
    hits = [
        (base, x)
        for base, x, y in zip(planned.base, planned.x, planned.y, strict=True)
        if y == erbil
    ]
    # from the report date to Erbil's deadline, 30 September 2026 (350 days)
    assert hits == [("2025-10-15", 350 * DAY_MS)]


def test_ain_al_asad_is_overdue_at_2025_10_15(tl_early, shipped) -> None:
    chart = gantt_figure(tl_early, shipped, EN)
    y = lane_y(chart, "Ain al-Asad Air Base")
    # the September 2025 deadline is due on the 30th; 15 days overdue on 15 October
    assert ("2025-09-30", "2025-10-15", y) in overrun_spans(chart)
    # and no slip where none is due: Erbil's deadline is a year away
    assert lane_y(chart, "Erbil") not in [yy for _, _, yy in overrun_spans(chart)]


@pytest.mark.parametrize("as_of", [EARLY, LATE])
def test_erbil_deadline_marker(shipped, as_of: str) -> None:
    # "subject to conditions on the ground": an open diamond, not a firm tick
    chart = gantt_figure(timeline(shipped, as_of), shipped, EN)
    deadlines = one(chart, "soft")
    y = lane_y(chart, "Erbil")
    assert ("2026-09-30", y) in list(zip(deadlines.x, deadlines.y, strict=True))
    assert y not in one(chart, "deadline").y


def test_month_precision_shown_as_month(tl_early, shipped) -> None:
    for loc, month, wrong in ((EN, "September 2025", "1 September"), (AR, "أيلول 2025", "1 أيلول")):
        chart = gantt_figure(tl_early, shipped, loc)
        deadlines = one(chart, "deadline")
        y = lane_y(chart, shipped.sites["ain-al-asad"].name(loc.lang))
        hover = next(
            h
            for x, yy, h in zip(deadlines.x, deadlines.y, deadlines.hovertext, strict=True)
            if yy == y
        )
        assert month in hover and wrong not in hover and "30 " not in hover
        # the phase's own hover names the deadline by its month as well
        bar = one(chart, "actual")
        phase_hover = bar.hovertext[list(bar.y).index(y)]
        assert f"{label('chart.hover.deadline', loc)}: {month}" in phase_hover
        assert wrong not in phase_hover


def test_hover_carries_status_confidence_and_publisher(tl_early, shipped) -> None:
    for loc in (EN, AR):
        chart = gantt_figure(tl_early, shipped, loc)
        bars = one(chart, "actual")
        y = lane_y(chart, shipped.sites["ain-al-asad"].name(loc.lang))
        hover = bars.hovertext[list(bars.y).index(y)]
        phase = shipped.event("phase-ain-al-asad-mission")
        assert phase.title(loc.lang) in hover
        assert label("chart.status.overdue", loc) in hover
        # confirmed: no tag (the text marks only reported and unverified claims)
        assert phase.confidence == "confirmed"
        assert label(f"confidence.{phase.confidence}", loc) not in hover
        assert label("confidence", loc) not in hover
        assert shipped.sources[phase.source_id].publisher(loc.lang) in hover
        # milestones too; a statement has no "Status: Completed"
        statement = one(chart, "milestone-statement")
        assert all(label("source", loc) in h for h in statement.hovertext)
        assert not any(label("status", loc) in h for h in statement.hovertext)


def test_lanes_are_labelled_in_the_report_language_top_to_bottom(tl_late, shipped) -> None:
    en, ar = gantt_figure(tl_late, shipped, EN), gantt_figure(tl_late, shipped, AR)
    for chart, loc in ((en, EN), (ar, AR)):
        axis = chart.figure.layout.yaxis
        names = [lane.site.name(loc.lang) for lane in tl_late.lanes]
        # lane order, top to bottom: increasing y on an axis whose range runs downwards
        positions = [lane_y(chart, n) for n in names]
        assert positions == sorted(positions) and axis.range[0] > axis.range[1]
        other = "en" if loc.lang == "ar" else "ar"
        for lane in tl_late.lanes:
            assert not any(lane.site.name(other) in t for t in axis.ticktext)
    assert en.figure.layout.yaxis.side == "left" and ar.figure.layout.yaxis.side == "right"
    assert "عين الأسد" in "".join(ar.figure.layout.yaxis.ticktext)
    # point events at sites with no phase (Washington, New York) keep a lane of their own
    assert "Elsewhere" in en.figure.layout.yaxis.ticktext[-1]


def test_time_runs_right_to_left_in_arabic_unless_switched_off(tl_early, shipped) -> None:
    for build in (gantt_figure, promise_figure):
        assert build(tl_early, shipped, AR).figure.layout.xaxis.autorange == "reversed"
        assert build(tl_early, shipped, EN).figure.layout.xaxis.autorange is True
        ltr = build(tl_early, shipped, AR, rtl_axis=False).figure.layout
        assert ltr.xaxis.autorange is True and ltr.yaxis.side == "right"
        assert build(tl_early, shipped, EN, rtl_axis=False).figure.layout.xaxis.autorange is True


def test_arabic_figure_is_arabic_throughout(tl_early, shipped) -> None:
    layout = gantt_figure(tl_early, shipped, AR).figure.layout
    assert layout.font.family == charts.FONT_STACK["ar"]
    assert (
        "الخط الزمني للانسحاب" in layout.title.text and "15 تشرين الأول 2025" in layout.title.text
    )
    assert layout.title.xanchor == "right"
    ticks = " ".join(layout.xaxis.ticktext)
    # plotly would write "Oct 2025": the ticks are explicit, with Iraqi month names
    assert "كانون الثاني" in ticks and "Oct" not in ticks and "Jan" not in ticks
    names = [t.name for t in gantt_figure(tl_early, shipped, AR).figure.data if t.name]
    assert label("kind.statement", AR) in " ".join(names)
    assert not any(c.isascii() and c.isalpha() for n in names for c in n)
    digits = make_locale("ar", digits="arabic")
    assert "٢٠٢٥" in " ".join(gantt_figure(tl_early, shipped, digits).figure.layout.xaxis.ticktext)


def test_chart_words_of_round_8(tl_late, shipped) -> None:
    """ROUND8 decision 12: the Arabic deadline chart's title says what the English one says
    (fact-check 9: no «حسب المسار»); «دعم العمليات في سوريا» on both Arabic charts (Arabic
    editor nit 13); the blue bars' legend entry is "In progress" (English editor nit 10: "Time
    elapsed" was opaque) / «فترة التنفيذ» (Arabic editor, read 11: «جارٍ» labelled bars that
    had ended)."""
    promise_ar = promise_figure(tl_late, shipped, AR).figure.layout.title.text
    assert "المواعيد النهائية وما آلت إليه" in promise_ar and "حسب المسار" not in promise_ar
    for build in (gantt_figure, promise_figure):
        said = " ".join(strings(build(tl_late, shipped, AR).figure.to_plotly_json()))
        assert "دعم العمليات في سوريا" in said and "دعم عمليات سوريا" not in said, build
    for loc, word in ((EN, "In progress"), (AR, "فترة التنفيذ")):
        names = [plain(t.name) for t in gantt_figure(tl_late, shipped, loc).figure.data if t.name]
        assert word in names, names
        assert "Time elapsed" not in names and "المدة المنقضية" not in names and "جارٍ" not in names


def test_arabic_lines_sit_in_right_to_left_isolates(tl_early, shipped) -> None:
    # Without RLI…PDI Chromium draws "المصدر: Mirage News" with the Arabic label on the left.
    chart = gantt_figure(tl_early, shipped, AR)
    hover = one(chart, "actual").hovertext[0]
    for line in hover.split("<br>"):
        assert line.startswith("\u2067") and line.endswith("\u2069"), line
    assert all(t.startswith("\u2067") for t in chart.figure.layout.yaxis.ticktext)
    english = one(gantt_figure(tl_early, shipped, EN), "actual").hovertext[0]
    assert "\u2067" not in english


def test_as_of_line_and_label(tl_early, shipped) -> None:
    for loc in (EN, AR):
        chart = gantt_figure(tl_early, shipped, loc)
        lines = [s for s in chart.figure.layout.shapes if s.type == "line" and s.yref == "paper"]
        assert [(s.x0, s.x1) for s in lines] == [("2025-10-15", "2025-10-15")]
        texts = [a.text for a in chart.figure.layout.annotations if a.x == "2025-10-15"]
        # the line says what it is; its date is in the subtitle, once
        assert any(label("chart.as_of_line", loc) in t for t in texts)
        assert not any(format_date(dt.date(2025, 10, 15), loc) in t for t in texts)
        assert format_date(dt.date(2025, 10, 15), loc) in chart.figure.layout.title.text


def test_subtitles_past_the_data_say_where_the_information_ends(tl_late, shipped) -> None:
    """ROUND3 decision 1: never "as of 30 November 2026" on data that stops on 31 March."""
    assert tl_late.as_of == dt.date(2026, 11, 29)
    for loc, want in (
        (EN, "Events to 31 March 2026 (published 29 November 2026)"),
        (AR, "المعلومات حتى 31 آذار 2026؛ نُشر في 29 تشرين الثاني 2026"),
    ):
        for chart in (gantt_figure(tl_late, shipped, loc), promise_figure(tl_late, shipped, loc)):
            title = chart.figure.layout.title.text
            assert want in title, title
            assert format_date(tl_late.as_of, loc) in title.split("(")[-1]  # only as published


def test_chart_dates_are_written_in_full(tl_late, shipped) -> None:
    """Editor C30: "18 January 2026", never "18 Jan. 2026", in every string of both charts."""
    abbreviated = re.compile(r"\b(Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec)\.")
    for chart in (gantt_figure(tl_late, shipped, EN), promise_figure(tl_late, shipped, EN)):
        found = [t for t in strings(chart.figure.to_plotly_json()) if abbreviated.search(t)]
        assert not found, found[:3]
    notes = " | ".join(notes_of(promise_figure(tl_late, shipped, EN)))
    assert "Forces left 16–18 January 2026" in notes


def test_no_time_left_after_the_coverage_end_when_the_report_is_past_it(tl_late, shipped) -> None:
    """Editor A3, fact-check 2: on 30 November 2026 (data to 31 March 2026) the Erbil bar after
    31 March is "outcome unknown", never "time left to deadline", in both charts."""
    through = tl_late.coverage.through
    assert tl_late.coverage.beyond
    for loc in (EN, AR):
        gantt = gantt_figure(tl_late, shipped, loc)
        for trace in gantt.figure.data:
            if (trace.meta or {}).get("role") != "planned":
                continue
            for base in trace.base or ():
                assert dt.date.fromisoformat(str(base)[:10]) > tl_late.as_of, trace.name
        unknown = [t for t in gantt.figure.data if (t.meta or {}).get("role") == "unknown"]
        assert len(unknown) == 1 and list(unknown[0].base) == [through.isoformat()]
        # "Outcome unknown" once: the grey zone's own entry says after when (editor B2)
        assert unknown[0].name.strip("\u2067\u2069") == label("chart.legend.unknown", loc)
        assert label("chart.legend.planned", loc) not in {t.name for t in gantt.figure.data}
        promise = promise_figure(tl_late, shipped, loc)
        assert not [t for t in promise.figure.data if (t.meta or {}).get("role") == "planned"]
        # the Erbil end mark is "outcome unknown", not "not yet ended"
        assert label("chart.legend.not_ended", loc) not in {t.name for t in promise.figure.data}
        assert one(promise, "unknown-end").x == (through.isoformat(),)
    # within the data, the time left to a deadline ahead is still drawn
    early = gantt_figure(timeline(shipped, "2025-10-15"), shipped, EN)
    assert [t for t in early.figure.data if (t.meta or {}).get("role") == "planned"]
    assert not [t for t in early.figure.data if (t.meta or {}).get("role") == "unknown"]


def test_hovers_cite_per_claim_and_read_the_following_week(tl_late, shipped) -> None:
    """ROUND3 decisions 4 and 5: the 4–10 January range is this report’s reading of words said
    on 31 December 2025; a phase's start and end cite their own sources."""
    chart = promise_figure(tl_late, shipped, EN)
    hovers = [h for t in chart.figure.data for h in (t.hovertext or ()) if h]
    announced = [h for h in hovers if "4–10 January 2026" in h]
    assert announced and all(
        "this report’s reading of the words said on 31 December 2025" in h for h in announced
    )
    ended = [h for h in hovers if "Source for the start:" in h]
    assert ended and all("Source for the end:" in h for h in ended)


def test_window_skips_the_2014_start_but_says_so(tl_early, shipped) -> None:
    chart = gantt_figure(tl_early, shipped, EN)
    window = chart.figure.layout.xaxis.autorangeoptions
    # three months before the phases that started in 2024 (UNAMI: 1 June 2024), from the
    # month's first day …
    assert window.clipmin == "2024-03-01" and tuple(window.include) == ("2024-03-01", "2026-11-30")
    # … to two months after the last deadline (Erbil, 30 September 2026)
    assert window.clipmax == "2026-11-30"
    texts = [a.text for a in chart.figure.layout.annotations]
    # (cut where it would run into the report-date line: the hover has the whole title)
    # the whole mission since 2014, not "federal Iraq", a split made in 2024 (editor nit 3)
    assert "◀ Coalition military mission in Iraq (since 2014)" in texts
    assert not any("federal Iraq" in t for t in texts)
    arabic = [a.text for a in gantt_figure(tl_early, shipped, AR).figure.layout.annotations]
    assert any("المهمة العسكرية للتحالف في العراق" in t and "2014" in t for t in arabic), arabic
    assert not any("…" in t for t in texts)  # short names: never truncated


def test_point_events_are_aggregated_beyond_the_limit(tl_late, shipped) -> None:
    full = gantt_figure(tl_late, shipped, EN)
    thin = gantt_figure(tl_late, shipped, EN, max_markers_per_lane=2)

    def milestones(chart: Chart) -> list[Any]:
        return [t for t in chart.figure.data if t.legendgroup.startswith("milestone-")]

    total = sum(len(t.x) for t in milestones(full))
    assert all(n == 1 for t in milestones(full) for n in t.customdata)
    assert sum(sum(t.customdata) for t in milestones(thin)) == total  # nothing lost
    assert sum(len(t.x) for t in milestones(thin)) < total
    hovers = [
        h for t in milestones(thin) for h, n in zip(t.hovertext, t.customdata, strict=True) if n > 1
    ]
    assert hovers and all(" events</b>" in h for h in hovers)


def test_empty_timeline_still_draws(shipped) -> None:
    early = timeline(shipped, "2000-01-01")
    for loc in (EN, AR):
        gantt, promise = gantt_figure(early, shipped, loc), promise_figure(early, shipped, loc)
        assert gantt.figure.layout.height > 0 and promise.figure.layout.height > 0
        assert gantt.alt_text and promise.alt_text
    assert "no row has a deadline" in promise_figure(early, shipped, EN).alt_text.lower()


# --------------------------------------------------------------------------- promise chart


def test_promise_chart_writes_the_slip(tl_late, shipped) -> None:
    en = promise_figure(tl_late, shipped, EN)
    assert en.name == "promise"
    states = [s for s in tl_late.phases if s.deadline is not None]
    # one row per deadline, top to bottom, placed by their labels' heights
    rows = list(en.figure.layout.yaxis.tickvals)
    assert len(rows) == len(states) and rows == sorted(rows)
    text = " | ".join(notes_of(en))
    # the coalition's Iraq mission: due September 2025, declared complete on 18 January 2026
    assert "Declared complete 110 days late" in text
    # Baghdad: ended between 26 November 2025 and 18 January 2026 (short: editor B1)
    assert "Baghdad Exit from Baghdad Declared complete 110 days late" in text
    # Ain al-Asad: measured against the original deadline, not the date announced on 31 Dec
    assert "Forces left 16–18 January 2026, 108–110 days late" in text
    assert "6–8" not in text
    # Erbil: due 30 September 2026, after the data end (31 March 2026): not known, not overdue
    # (the row's site is Erbil: its short name does not say it again, English editor nit 4)
    assert "Erbil Support for operations in Syria Outcome unknown" in text
    assert "(Erbil)" not in " ".join(en.figure.layout.yaxis.ticktext)
    assert "Overdue" not in text and "overdue" not in text
    assert "2026-01-10" in one(en, "superseded").x and "2025-09-30" in one(en, "deadline").x
    assert_visible_announced(one(en, "superseded"))
    # the bar between the Ain al-Asad deadline and its end is the overrun, from September
    ain = rows[3]
    slip = one(en, "slip")
    pairs = list(zip(slip.x[::3], slip.x[1::3], slip.y[::3], strict=True))
    assert ("2025-09-30", "2026-01-18", ain) in pairs
    ar_text = " ".join(notes_of(promise_figure(tl_late, shipped, AR)))
    assert "إعلان الاكتمال بعد الموعد بـ110 أيام" in ar_text
    # item 53: one frame, joined by a conjunction
    assert "خروج القوات بين 16 و18 كانون الثاني 2026، بعد الموعد بما بين 108 و110 أيام" in ar_text


def test_promise_chart_before_the_deadlines(tl_early, shipped) -> None:
    chart = promise_figure(tl_early, shipped, EN)
    # Erbil: a conditional date, not a deadline that can be missed, known to the month: no day
    # count (ROUND4 decision 5)
    notes = " ".join(notes_of(chart))
    assert "Conditional target: September 2026" in notes
    assert "350" not in notes and "351" not in notes
    # UNAMI: a firm deadline known to the day is counted down
    assert "Deadline in 77 days" in notes
    still_open = one(chart, "open")
    assert set(still_open.x) == {"2025-10-15"}


# --------------------------------------------------------------------------- what is known

CLAIM_COLUMNS = EVENT_COLUMNS  # the schema has every column, the new ones included


def dataset_of(tmp_path: Path, rows: list[dict[str, str]]) -> Dataset:
    data = copy_dataset(MINIMAL_DIR, tmp_path / "model")
    write_csv(data / "events.csv", CLAIM_COLUMNS, rows)
    write_csv(data / "event_sources.csv", ["event_id", "source_id"], [])
    return load_dataset(data)


def roles(chart: Chart) -> dict[str, list[Any]]:
    """Traces and shapes by the role they declare (the contract of tests/test_claims.py)."""
    out: dict[str, list[Any]] = {}
    for trace in chart.figure.data:
        out.setdefault(trace.meta["role"], []).append(trace)
    for shape in chart.figure.layout.shapes:
        out.setdefault(shape.name, []).append(shape)
    return out


@pytest.fixture
def staged(tmp_path: Path) -> Dataset:
    """Alpha ended sometime on 1–2 July 2021 against a June deadline that is the deadline
    row's own claim (reported, by another source); Beta was declared complete on 20 June;
    Gamma's deadline is a minimum ("until at least"); the data end on 1 August 2021."""
    return dataset_of(
        tmp_path,
        [
            event(
                "alpha-mission",
                "phase",
                "2021-01-01",
                end="2021-07-01/2021-07-02",
                confidence="confirmed",
            ),
            event(
                "alpha-deadline",
                "deadline",
                "2021-06",
                phase="alpha-mission",
                announced="2021-01-01",
                status="planned",
                confidence="reported",
                source_id="src-b",
            ),
            event(
                "beta-mission",
                "phase",
                "2021-01-01",
                site="beta",
                end="2021-06-20",
                end_basis="declared",
            ),
            event(
                "beta-deadline",
                "deadline",
                "2021-06",
                phase="beta-mission",
                site="beta",
                announced="2021-01-01",
                status="planned",
            ),
            event(
                "gamma-mission",
                "phase",
                "2021-01-01",
                site="beta",
                status="in_progress",
                title_en="Gamma",
                title_ar="غاما",
            ),
            event(
                "gamma-deadline",
                "deadline",
                "2021-05",
                phase="gamma-mission",
                site="beta",
                announced="2021-01-01",
                status="planned",
                terms="minimum",
            ),
            event("later-news", "statement", "2021-08-01"),
        ],
    )


def test_an_end_known_as_a_range_is_drawn_as_one(staged: Dataset) -> None:
    tl = timeline(staged, "2021-08-01")
    for loc in (EN, AR):
        gantt, promise = gantt_figure(tl, staged, loc), promise_figure(tl, staged, loc)
        faded = one(gantt, "range")
        # dotted, so it cannot pass for the light "time left to deadline" bar
        assert faded.meta["role"] == "range" and faded.marker.pattern.shape == "."
        assert list(faded.base) == ["2021-07-01"] and list(faded.x) == [DAY_MS]
        whisker = one(promise, "end-range")
        assert whisker.meta["role"] == "range"
        assert [x for x in whisker.x if x is not None] == ["2021-07-01", "2021-07-02"]
    assert "Ended 1–2 days late" in " ".join(notes_of(promise_figure(tl, staged, EN)))
    hover = one(gantt_figure(tl, staged, EN), "actual").hovertext[0]
    assert "End: 1–2 July 2021" in hover


def test_a_declared_end_says_so_in_the_hover_and_the_marker(staged: Dataset) -> None:
    tl = timeline(staged, "2021-08-01")
    en = promise_figure(tl, staged, EN)
    declared = one(en, "declared")
    assert declared.marker.symbol != one(en, "actual").marker.symbol
    assert "End: declared complete on 20 June 2021" in declared.hovertext[0]
    ar = promise_figure(tl, staged, AR)
    assert "إعلان الاكتمال في 20 حزيران 2021" in one(ar, "declared").hovertext[0]


def test_a_deadline_cites_its_own_confidence_and_source(staged: Dataset) -> None:
    tl = timeline(staged, "2021-08-01")
    chart = gantt_figure(tl, staged, EN)
    # the phase row is confirmed by Example News; its deadline is reported by Example Arabic
    deadline_hover = one(chart, "deadline").hovertext[0]
    assert "<br>Reported (" in deadline_hover and "Source: Example Arabic" in deadline_hover
    phase_hover = one(chart, "actual").hovertext[0]
    assert "Deadline: June 2021 — Reported (" in phase_hover and "; Example Arabic" in phase_hover
    # the phase is confirmed: no "Confidence: Confirmed" the text never says
    assert "Confirmed" not in phase_hover and "Source: Example News" in phase_hover


def test_a_minimum_deadline_is_marked_and_never_a_miss(staged: Dataset) -> None:
    tl = timeline(staged, "2021-08-01")
    assert tl.phase("gamma-mission").status == "past_soft_deadline"
    for build in (gantt_figure, promise_figure):
        chart = build(tl, staged, EN)
        soft = one(chart, "soft")
        assert soft.marker.symbol == "diamond-tall-open" and soft.meta["role"] == "deadline"
        assert "Kind of deadline: until at least this date" in soft.hovertext[0]
        gamma_y = soft.y[0]
        assert (
            gamma_y not in [y for _, _, y in overrun_spans(chart)]
            if build is gantt_figure
            else True
        )
    texts = notes_of(promise_figure(tl, staged, EN))
    assert any("Past a conditional or minimum deadline (not a miss)" in n for n in texts)
    assert not any("Overdue" in n for n in texts)


@pytest.fixture
def cut_off(tmp_path: Path) -> Dataset:
    """A mission due in June 2025, an earlier one overdue since December 2024; the data end
    on 10 March 2025."""
    return dataset_of(
        tmp_path,
        [
            event("alpha-mission", "phase", "2024-01-01", status="in_progress"),
            event(
                "alpha-deadline",
                "deadline",
                "2025-06",
                phase="alpha-mission",
                announced="2024-01-01",
                status="planned",
            ),
            event("beta-mission", "phase", "2024-01-01", site="beta", status="in_progress"),
            event(
                "beta-deadline",
                "deadline",
                "2024-12",
                phase="beta-mission",
                site="beta",
                announced="2024-01-01",
                status="planned",
            ),
            event("last-news", "statement", "2025-03-10"),
        ],
    )


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_after_the_cut_off_both_charts_show_no_data_and_no_overrun(
    cut_off: Dataset, lang: str
) -> None:
    loc = make_locale(lang)
    tl = timeline(cut_off, "2025-12-01")
    for chart in (gantt_figure(tl, cut_off, loc), promise_figure(tl, cut_off, loc)):
        by_role = roles(chart)
        (zone,) = [s for s in by_role["no-data"] if s.type == "rect"]
        # from the cut-off to the report date; on the deadline chart to the axis' end, which
        # stops shortly after the last mark (Arabic editor N19: not most of the plot in grey)
        end = (
            "2025-12-01"
            if chart.name == "gantt"
            else chart.figure.layout.xaxis.autorangeoptions.clipmax
        )
        assert (zone.x0, zone.x1) == ("2025-03-10", min(end, "2025-12-01"))
        legend = [t for t in by_role["no-data"] if t.type != "rect"]
        assert legend and format_date(dt.date(2025, 3, 10), loc) in legend[0].name
        # Beta was overdue before the data end: hatched up to the cut-off, never past it
        for trace in by_role.get("overrun", []):
            assert max(str(x)[:10] for x in trace.x if x is not None) == "2025-03-10"
    promise = promise_figure(tl, cut_off, loc)
    assert set(one(promise, "open").x) == {"2025-03-10"}  # "no end recorded" by the cut-off
    notes = " ".join(notes_of(promise))
    assert text_of("chart.note.unknown_after", loc, "10 Mar. 2025") in notes
    # within the data there is no zone
    inside = timeline(cut_off, "2025-03-10")
    assert "no-data" not in roles(gantt_figure(inside, cut_off, loc))


def test_arabic_status_labels_are_verbal_nouns(tl_late, shipped) -> None:
    assert label("chart.status.overdue", AR) == "تجاوز الموعد النهائي"
    assert label("chart.status.ended_on_time", AR) == "الانتهاء في الموعد"
    text = " ".join(notes_of(promise_figure(tl_late, shipped, AR)))
    assert "إعلان الاكتمال بعد الموعد بـ110 أيام" in text
    assert "بعد الموعد بما بين 108 و110 أيام" in text
    for word in ("متأخر", "انتهى في موعده", "انتهى متأخرًا", "لم تنتهِ"):
        assert word not in text, word


# --------------------------------------------------------------------------- wrapping


@pytest.mark.parametrize(
    ("text", "width", "lines", "expected"),
    [
        # between phrases, never after a preposition ("ضد / داعش")
        (
            "المهمة العسكرية للتحالف الدولي ضد داعش في العراق",
            30,
            2,
            ["المهمة العسكرية للتحالف الدولي", "ضد داعش في العراق"],
        ),
        (
            "Coalition military mission against ISIS in Iraq",
            28,
            2,
            ["Coalition military mission", "against ISIS in Iraq"],
        ),
        # after a colon; never inside a date or between a number and its noun
        (
            "Not known: the data end on 31 March 2026",
            36,
            2,
            ["Not known:", "the data end on 31 March 2026"],
        ),
        (
            "إعلان الاكتمال بعد الموعد بـ\u2066110\u2069 أيام",
            36,
            2,
            ["إعلان الاكتمال بعد الموعد بـ\u2066110\u2069 أيام"],
        ),
        (
            "مهمة التحالف في أربيل لدعم العمليات في سوريا",
            30,
            3,
            ["مهمة التحالف في أربيل", "لدعم العمليات في سوريا"],
        ),
        # an adjective stays with its noun
        (
            "بعد الموعد الأصلي (أيلول 2025) بفارق 109 أيام",
            28,
            2,
            ["بعد الموعد الأصلي", "(أيلول 2025) بفارق 109 أيام"],
        ),
    ],
)
def test_labels_wrap_between_phrases(text: str, width: int, lines: int, expected) -> None:
    assert charts.style.wrapped(text, width, lines) == expected


def test_shipped_axis_labels_never_end_a_line_inside_a_phrase(tl_late, shipped) -> None:
    binding = re.compile(r"(^|\s)(ضد|في|من|إلى|على|of|in|at|against|the|for|from)$")
    for loc in (EN, AR):
        for chart in (gantt_figure(tl_late, shipped, loc), promise_figure(tl_late, shipped, loc)):
            for tick in chart.figure.layout.yaxis.ticktext:
                for part in re.sub(r"<[^>]+>", "\n", tick.replace("<br>", "\n")).split("\n"):
                    part = part.strip("\u2067\u2069 ")
                    assert not binding.search(part), (tick, part)


# --------------------------------------------------------------------------- alt text


def test_captions_state_the_finding_once_and_differ(tl_early, tl_late, shipped) -> None:
    gantt = gantt_figure(tl_early, shipped, EN).alt_text
    promise = promise_figure(tl_early, shipped, EN).alt_text
    assert gantt != promise and gantt.endswith(".") and promise.endswith(".")
    # words for one to nine; a sentence, not chart labels pasted in (editor B23)
    # the "Elsewhere" lane is the bottom row, and the caption says so (English editor nit 11)
    assert gantt.startswith(
        "The chart shows four locations and, in the bottom row, events elsewhere. "
    )
    assert gantt_figure(tl_early, shipped, AR).alt_text.startswith(
        # «أحداثًا أخرى», not «في مواقع أخرى»: coalition-wide and UN are not places (AR N6)
        "يعرض الرسم أربعة مواقع، ويعرض الصف الأخير أحداثًا أخرى. "
    )
    # every missed deadline, not only the worst one; deadlines, not "phases" (UNAMI is a UN
    # mission: ROUND3 decision 9)
    # what was known then: the deadlines had passed, no completion announced (fact-check 2)
    assert promise.startswith(
        "By 15 October 2025, three of the five deadlines had passed, by 15 days each, with no"
        " completion announced: "
    )
    assert "missed" not in promise
    assert promise.endswith(
        "the mission in federal Iraq, the exit from Baghdad and the exit from Ain al-Asad."
    )
    assert "Coalition mission, federal Iraq" not in promise
    assert not re.search(r"\b[1-9] (phases|sites|locations|deadlines)\b", gantt + promise)
    ar = promise_figure(tl_early, shipped, AR).alt_text
    # rows are «مسار/مسارات», never «مرحلة» (ROUND4 decision 1, Arabic editor S2)
    assert ar.startswith(
        "حتى 15 تشرين الأول 2025 كان الموعد النهائي قد انقضى في ثلاثة مسارات من خمسة"
    )
    # 1 February 2026: ended and declared complete kept apart (fact-check 11, editor D40)
    feb = timeline(shipped, "2026-02-01")
    # English names the rows, never counts them as "phases" (editor B5, ROUND4 decision 1)
    assert gantt_figure(feb, shipped, EN).alt_text.endswith(
        "By 1 February 2026, UNAMI’s mandate had ended and the exit from Ain al-Asad was complete;"
        " the mission in federal Iraq and the exit from Baghdad had been declared complete; the"
        " second phase, support from Iraq for operations in Syria, was under way. Events before"
        " March 2024 are listed below but not plotted."
    )
    # so does Arabic, each verb agreeing with its name (round-4 Arabic editor S3: «انتهى
    # مساران، وأُعلن اكتمال مسارين» could not be decoded)
    assert gantt_figure(feb, shipped, AR).alt_text.endswith(
        "وحتى 1 شباط 2026: انتهت ولاية يونامي واكتمل الخروج من عين الأسد؛ وأُعلن اكتمال"
        " المهمة في المناطق الاتحادية والخروج من بغداد؛ ولا تزال المرحلة الثانية لدعم العمليات في"
        " سوريا انطلاقًا من العراق قيد التنفيذ. والأحداث التي سبقت آذار 2024 مذكورة أدناه ولا"
        " يعرضها الرسم."
    )
    # the deadlines passed are the subject, never the object of «تجاوز» (Arabic editor S4)
    october = gantt_figure(tl_early, shipped, AR).alt_text
    assert (
        "وحتى 15 تشرين الأول 2025: تجاوز كلٌّ من المهمة في المناطق الاتحادية والخروج من بغداد"
        " والخروج من عين الأسد موعده النهائي من دون أن يُعلَن انتهاؤه؛ ولا تزال ولاية يونامي"
        " سارية، والمرحلة الثانية لدعم العمليات في سوريا انطلاقًا من العراق قيد التنفيذ."
    ) in october  # a mandate is in force, not «قيد التنفيذ» (ROUND10 decision 5, AR N20)
    assert "ولا يزال كلٌّ من ولاية" not in october
    assert "تجاوز الموعد النهائي" not in october
    # «بما بين 108 و110 أيام», not «بفارق 108 إلى 110 أيام» (Arabic editor N22, round-10 N5)
    feb_ar = promise_figure(feb, shipped, AR).alt_text.replace("\u2066", "").replace("\u2069", "")
    assert "بما بين 108 و110 أيام" in feb_ar, feb_ar
    # no day count to a conditional deadline known to the month (ROUND4 decision 5)
    assert promise_figure(feb, shipped, EN).alt_text.endswith(
        "The next deadline, for the second phase, support from Iraq for operations in Syria, is"
        " September 2026, subject to conditions."
    )
    feb_promise = promise_figure(feb, shipped, EN).alt_text
    # one sentence per finding, each with its subject (English editor S4, ROUND9 decision
    # 10); the verb follows the data: two of the three ends were declared, one observed
    assert feb_promise.startswith(
        "The end of the mission in federal Iraq and the exits from Baghdad and Ain al-Asad were"
        " completed or declared complete 108–110 days after the September 2025 deadline. UNAMI’s"
        " mandate ended on time. The next deadline, for the second phase"
    ), feb_promise
    assert "deadlines were missed" not in feb_promise
    # Arabic: the observed end and the declared ones in a clause each, not «… أو أُعلن
    # اكتماله» (Arabic editor N5, ROUND10 decision 1)
    assert feb_ar.startswith(
        "اكتمل الخروج من عين الأسد، وأُعلن اكتمال المهمة في المناطق الاتحادية والخروج من بغداد،"
        " بعد الموعد النهائي (نهاية أيلول 2025) بما بين 108 و110 أيام. وانتهت ولاية يونامي في"
        " موعدها."
    ), feb_ar
    # no exit declared before 1 February 2026 has a later entry at its site yet
    assert "dated by its declaration" not in feb_promise
    assert "UNAMI’s mandate ended on time" in feb_promise
    assert "6–8" not in feb_promise  # Ain al-Asad against the end-September deadline
    # after the data end: a finding at the cut-off and what the grey area means, not a bare
    # "No information after …" (editor B23, Arabic editor 37)
    for lang in ("en", "ar"):
        loc = make_locale(lang)
        late = [b(tl_late, shipped, loc).alt_text for b in (gantt_figure, promise_figure)]
        grey = label("chart.caption.grey", loc).replace(
            "{date}", format_date(dt.date(2026, 3, 31), loc)
        )
        assert (grey + ".") in late[0] and grey not in late[1], late  # said once
        assert late[0] != late[1]
    cut_off = gantt_figure(tl_late, shipped, EN).alt_text
    assert "By 31 March 2026, UNAMI’s mandate" in cut_off
    # past the data, no source says the second phase was still running (fact-checker 11)
    assert (
        "the second phase, support from Iraq for operations in Syria, had not been reported as"
        " ended." in cut_off
    )
    for lang, tl in itertools.product((EN, AR), (tl_early, feb, tl_late)):
        for build in (gantt_figure, promise_figure):
            said = (
                build(tl, shipped, lang).alt_text
                + build(tl, shipped, lang).figure.layout.title.text
            )
            # rows are never counted as "phases" (ROUND4 decision 1); the second phase is named
            # so since ROUND6 decision 1
            said = said.replace("second phase", "").replace("المرحلة الثانية", "")
            assert not re.search(r"\bphases?\b|مرحل|information ends|معلومات التقرير", said), said


@pytest.mark.parametrize("as_of", [EARLY, "2026-02-01", LATE])
def test_every_chart_string_has_curly_apostrophes(shipped, as_of: str) -> None:
    """Editor C14, ROUND4 decision 6: "UNAMI’s final mandate", never "UNAMI's", in titles,
    labels, legends, hovers and captions of both charts, in both languages."""
    tl = timeline(shipped, as_of)
    for loc, build in itertools.product((EN, AR), (gantt_figure, promise_figure)):
        chart = build(tl, shipped, loc)
        shown = [*strings(chart.figure.to_plotly_json()), chart.alt_text]
        straight = [t for t in shown if "'" in re.sub(r"<[^>]*>", "", t)]
        assert not straight, straight[:3]
    assert label("chart.phase.phase-unami-mandate", EN) == "UNAMI’s final mandate"


# --------------------------------------------------------------------------- escaping


@pytest.fixture
def hostile(tmp_path: Path) -> Dataset:
    """Titles, a site name and a publisher that are HTML, in both languages."""
    data = copy_dataset(MINIMAL_DIR, tmp_path / "hostile")
    write_csv(
        data / "events.csv",
        EVENT_COLUMNS,
        [
            event("p", "phase", "2024-09-27", status="in_progress", title_en=BOLD, title_ar=LINK),
            event(
                "d1",
                "deadline",
                "2025-03",
                phase="p",
                announced="2024-09-27",
                title_en=LINK,
                title_ar=BOLD,
            ),
            event(
                "d2",
                "deadline",
                "2025-09",
                phase="p",
                announced="2025-02-01",
                revises="d1",
                title_en=BOLD,
                title_ar=LINK,
            ),
            *(
                event(f"s{i}", "statement", f"2025-0{i}-10", title_en=LINK, title_ar=BOLD)
                for i in range(1, 5)
            ),
            event("x", "statement", "2025-04-01", site="beta", title_en=BOLD, title_ar=LINK),
        ],
    )
    write_csv(data / "event_sources.csv", ["event_id", "source_id"], [])
    sites = (data / "sites.csv").read_text(encoding="utf-8")
    (data / "sites.csv").write_text(
        sites.replace("Alpha Base", BOLD.replace(",", "")), encoding="utf-8"
    )
    sources = (data / "sources.csv").read_text(encoding="utf-8")
    (data / "sources.csv").write_text(
        sources.replace("Example News", "<i>News</i>"), encoding="utf-8"
    )
    return load_dataset(data)


@pytest.mark.parametrize("limit", [60, 2])  # one marker per event, and aggregated ones
def test_text_from_the_data_is_escaped_everywhere(hostile: Dataset, limit: int) -> None:
    tl = timeline(hostile, "2025-10-15")
    charts_ = []
    for loc in (EN, AR):
        charts_.append(gantt_figure(tl, hostile, loc, max_markers_per_lane=limit))
        charts_.append(promise_figure(tl, hostile, loc))
    for chart in charts_:
        every = list(strings(chart.figure.to_dict()))
        joined = "\n".join(every)
        assert "&lt;b&gt;bold&lt;/b&gt;" in joined
        assert '&lt;a href="javascript:alert(1)"&gt;x&lt;/a&gt;' in joined
        for text in every:
            assert "<a " not in text and "<b>bold" not in text and "<i>" not in text, text
        page = figure_html(chart)
        assert "<b>bold" not in page and "<a href" not in page and "<i>News" not in page


# --------------------------------------------------------------------------- HTML


def test_figure_html_is_deterministic_and_accessible(shipped) -> None:
    def build() -> str:
        tl = timeline(shipped, EARLY)
        return figure_html(gantt_figure(tl, shipped, AR))

    first, second = build(), build()
    assert first == second
    assert 'id="chart-gantt"' in first and first.startswith('<figure class="chart')
    assert 'aria-describedby="chart-gantt-caption"' in first
    assert '<figcaption id="chart-gantt-caption">' in first and 'dir="rtl"' in first
    assert "<script src" not in first and "cdn" not in first.lower()
    assert '"displaylogo": false' in first and '"responsive": true' in first
    chart = promise_figure(timeline(shipped, EARLY), shipped, EN)
    assert 'id="chart-promise"' in figure_html(chart)


def test_caption_is_escaped(hostile: Dataset) -> None:
    tl = timeline(hostile, "2025-04-20")  # within the data, so the caption names a phase
    chart = promise_figure(tl, hostile, EN)
    assert BOLD in chart.alt_text  # plain text …
    page = figure_html(chart)
    caption = page[page.index("<figcaption") :]
    assert "&lt;b&gt;bold&lt;/b&gt;" in caption  # … escaped once, in the page


# --------------------------------------------------------------------------- export


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from analysis.browser import Browser, ChromiumNotFound

    try:
        with Browser() as b:
            yield b
    except ChromiumNotFound as exc:  # pragma: no cover - the project's machines have one
        pytest.skip(str(exc))


@pytest.mark.slow
def test_png_export_through_chromium(tl_early, shipped, browser, tmp_path: Path) -> None:
    chart = gantt_figure(tl_early, shipped, AR)
    path = export_image(chart, tmp_path / "gantt.png", width=900, browser=browser)
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1800, 2 * chart.figure.layout.height)  # scale 2


@pytest.mark.slow
def test_svg_export_keeps_arabic_text(tl_late, shipped, browser, tmp_path: Path) -> None:
    chart = gantt_figure(tl_late, shipped, AR)
    svg = export_image(chart, tmp_path / "gantt.svg", fmt="svg", browser=browser).read_text(
        encoding="utf-8"
    )
    assert "<svg" in svg
    for lane in tl_late.lanes:
        assert lane.site.name_ar in svg
    assert "<b>bold" not in svg


@pytest.mark.slow
def test_export_starts_its_own_browser(tl_early, shipped, tmp_path: Path) -> None:
    if shutil.which("chromium") is None:  # pragma: no cover
        pytest.skip("no chromium")
    path = export_image(promise_figure(tl_early, shipped, EN), tmp_path / "p.svg", fmt="svg")
    assert "Erbil" in path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- speed


def synthetic(path: Path, *, sites: int = 10, events: int = 10_000, seed: int = 7) -> Path:
    """A big dataset on disk: ``sites`` sites, each a long and a recent phase whose deadlines
    were revised twice, and ``events`` point events spread over 2015-2026."""
    rng = random.Random(seed)
    path.mkdir(parents=True)
    write_schema(path)
    write_csv(
        path / "sites.csv",
        ["id", "name_en", "name_ar", "kind", "lat", "lon"],
        [
            {"id": f"site-{i}", "name_en": f"Site {i}", "name_ar": f"الموقع {i}", "kind": "base"}
            for i in range(sites)
        ],
    )
    write_csv(
        path / "actors.csv",
        ["id", "name_en", "name_ar", "role_en", "role_ar"],
        [{"id": "actor", "name_en": "Actor", "name_ar": "جهة"}],
    )
    write_csv(
        path / "sources.csv",
        ["id", "publisher_en", "publisher_ar", "title", "url", "published", "language"],
        [
            {
                "id": "src-a",
                "publisher_en": "Wire",
                "publisher_ar": "وكالة",
                "url": "https://example.org/a",
                "language": "en",
            }
        ],
    )
    rows: list[dict[str, str]] = []
    for i in range(sites):
        site = f"site-{i}"
        rows.append(event(f"long-{i}", "phase", "2015-01-01", site=site, status="in_progress"))
        rows.append(event(f"recent-{i}", "phase", "2024-01-01", site=site, status="in_progress"))
        for phase, due in ((f"long-{i}", 2025), (f"recent-{i}", 2025)):
            rows.append(
                event(
                    f"{phase}-d0",
                    "deadline",
                    f"{due}-06",
                    site=site,
                    phase=phase,
                    announced="2024-01-01",
                    status="superseded",
                )
            )
            rows.append(
                event(
                    f"{phase}-d1",
                    "deadline",
                    f"{due}-12",
                    site=site,
                    phase=phase,
                    announced="2025-05-01",
                    revises=f"{phase}-d0",
                    status="superseded",
                )
            )
            rows.append(
                event(
                    f"{phase}-d2",
                    "deadline",
                    f"{due + 1}-09",
                    site=site,
                    phase=phase,
                    announced="2025-11-01",
                    revises=f"{phase}-d1",
                    status="planned",
                )
            )
    kinds = ["agreement", "announcement", "statement", "handover", "withdrawal", "incident"]
    start = dt.date(2015, 1, 1)
    for n in range(events):
        day = start + dt.timedelta(days=rng.randrange(0, 4300))
        rows.append(
            event(
                f"e{n}",
                rng.choice(kinds),
                day.isoformat(),
                site=f"site-{rng.randrange(sites)}",
                confidence=rng.choice(["confirmed", "reported", "unverified"]),
                title_en=f"Event {n}",
                title_ar=f"حدث {n}",
            )
        )
    write_csv(path / "events.csv", EVENT_COLUMNS, rows)
    write_csv(path / "event_sources.csv", ["event_id", "source_id"], [])
    return path


def test_ten_thousand_events_stay_readable(tmp_path: Path) -> None:
    """Bounded markers and nothing lost (the speed is measured in benchmarks/bench_charts.py)."""
    data = load_dataset(synthetic(tmp_path / "big"))
    assert len(data.events) > 10_000
    tl = timeline(data, "2026-11-29")
    chart = gantt_figure(tl, data, AR, max_markers_per_lane=60)
    marks = [t for t in chart.figure.data if t.legendgroup.startswith("milestone-")]
    points = sum(len(t.x) for t in marks)
    assert points <= 60 * len(tl.lanes), points  # bounded by the per-lane limit
    assert sum(sum(t.customdata) for t in marks) == len(tl.milestones)  # and nothing lost
    # a quarter per marker, all kinds together, with the count of each kind in the hover
    mixed = one(chart, "milestone-mixed")
    assert len(mixed.x) >= 40 * len(tl.lanes)
    kinds = [
        f"{label(f'kind.{k}', AR)}: "
        for k in ("agreement", "announcement", "statement", "handover", "withdrawal", "incident")
    ]
    assert all(sum(k in h for k in kinds) >= 2 for h in mixed.hovertext)
    assert len(chart.figure.to_json()) < 2_000_000


def test_vendored_plotly_basic_matches_plotly_py_and_covers_every_trace() -> None:
    """The reports inline plotly.js "basic": same release as plotly.py, and enough for us."""
    import re

    from plotly.offline import get_plotlyjs_version

    from analysis.charts import PLOTLY_TRACE_TYPES, plotly_js

    banner = re.search(r"plotly\.js \(basic - minified\) v(\S+)", plotly_js()[:400])
    assert banner and banner.group(1) == get_plotlyjs_version(), "run `make vendor-plotly`"
    data = load_dataset(DATA_DIR)
    for as_of in ("2025-10-15", "2026-11-29"):
        tl = timeline(data, as_of)
        for loc in (EN, AR):
            for chart in (gantt_figure(tl, data, loc), promise_figure(tl, data, loc)):
                assert {t.type for t in chart.figure.data} <= PLOTLY_TRACE_TYPES


# --------------------------------------------------------------------------- review round 1


def _hovers(chart: Chart) -> list[str]:
    return [h for t in chart.figure.data for h in (getattr(t, "hovertext", None) or ()) if h]


@pytest.mark.parametrize("as_of", ["2025-10-15", "2026-02-01"])
def test_hovers_never_cite_a_source_published_after_the_report_date(
    shipped: Dataset, as_of: str
) -> None:
    day = dt.date.fromisoformat(as_of)
    later = {
        s.publisher(lang)
        for s in shipped.sources.values()
        if s.published is not None and s.published.first_day() > day
        for lang in ("en", "ar")
    }
    sooner = {
        s.publisher(lang)
        for s in shipped.sources.values()
        if s.published is None or s.published.last_day() <= day
        for lang in ("en", "ar")
    }
    only_later = later - sooner  # a publisher with an earlier article may be cited for it
    assert only_later, "the shipped data has outlets that published only after the date"
    tl = timeline(shipped, as_of)
    for loc in (EN, AR):
        for build in (gantt_figure, promise_figure):
            for hover in _hovers(build(tl, shipped, loc)):
                for line in hover.split("<br>"):
                    cited = line.split(": ", 1)[-1].split(" — ")[-1].split("; ")[-1]
                    names = {n.strip("\u2066\u2069 ") for n in re.split(r", |، ", cited)}
                    assert not names & only_later, (as_of, line)
    # the 15 October 2025 Ain al-Asad phase: only sources public by then
    phase = shipped.event("phase-ain-al-asad-mission")
    hover = next(h for h in _hovers(gantt_figure(tl, shipped, EN)) if phase.title("en") in h)
    for sid in phase.source_ids or (phase.source_id,):
        src = shipped.sources[sid]
        if src.published is not None and src.published.first_day() > day:
            assert f"Source: {src.publisher('en')}" not in hover


def test_hover_confidence_words_match_the_text(tl_late, shipped) -> None:
    for loc in (EN, AR):
        hovers = _hovers(gantt_figure(tl_late, shipped, loc))
        assert not any(label("confidence.confirmed", loc) in h for h in hovers)
        assert not any(f"{label('confidence', loc)}:" in h for h in hovers)
        # a reported row carries the text's own tag
        tag = label("chart.hover.reported", loc)
        reported = [e for e in tl_late.milestones if e.confidence == "reported"]
        assert reported and any(tag in h for h in hovers)


def test_ain_al_asad_overrun_starts_at_the_original_deadline(shipped: Dataset) -> None:
    tl = timeline(shipped, "2026-02-01")
    state = tl.phase("phase-ain-al-asad-mission")
    assert state.slipped and state.history[0].due == dt.date(2025, 9, 30)
    for loc in (EN, AR):
        gantt = gantt_figure(tl, shipped, loc)
        y = lane_y(gantt, shipped.sites["ain-al-asad"].name(loc.lang))
        assert [(a, b) for a, b, yy in overrun_spans(gantt) if yy == y] == [
            ("2025-09-30", "2026-01-16")
        ]
        # the date announced on 31 December is a grey mark, not the deadline
        announced = one(gantt, "superseded")
        assert "2026-01-10" in announced.x
        assert_visible_announced(announced)
        assert "2026-01-10" not in one(gantt, "deadline").x
    en = " ".join(notes_of(promise_figure(tl, shipped, EN)))
    assert "Forces left 16–18 January 2026, 108–110 days late" in en


@pytest.mark.parametrize("as_of", ["2025-10-15", "2026-02-01", "2026-11-30"])
def test_legends_list_only_the_entries_a_chart_uses(shipped: Dataset, as_of: str) -> None:
    tl = timeline(shipped, as_of)
    for loc in (EN, AR):
        for build in (gantt_figure, promise_figure):
            chart = build(tl, shipped, loc)
            shown = [t for t in chart.figure.data if t.showlegend is not False and t.name]
            names = [re.sub(r"<[^>]+>|[\u2066-\u2069]", "", t.name) for t in shown]
            assert len(names) == len(set(names)), names  # no entry twice
            for trace in shown:
                xs = [x for x in (trace.x or ()) if x is not None]
                drawn = bool(xs) or trace.meta["role"] == "no-data"
                assert drawn, (as_of, loc.lang, chart.name, trace.name)
                if trace.type == "scatter" and trace.mode == "lines":
                    pairs = list(zip(xs[::2], xs[1::2], strict=False))
                    assert any(a != b for a, b in pairs), trace.name  # not a bar of no length
            # plain words, no jargon
            for word in ("firm", "Superseded", "in force", "Phase, to end", "Not known"):
                assert not any(word in n for n in names), (word, names)


@pytest.mark.parametrize("as_of", ["2025-10-15", "2026-02-01", "2026-11-30"])
def test_the_time_axis_ends_shortly_after_the_last_date_shown(shipped: Dataset, as_of: str) -> None:
    tl = timeline(shipped, as_of)
    ticks = {}
    for loc in (EN, AR):
        for build in (gantt_figure, promise_figure):
            chart = build(tl, shipped, loc)
            # past the information's end the deadline chart stops at its own marks (Arabic
            # editor N19); the report date is in its subtitle only, with no "Published … →"
            # note pointing off the axis (ROUND7 decision 9)
            past = chart.name == "promise" and tl.coverage.beyond
            dates = [] if past else [tl.as_of]
            for trace in chart.figure.data:
                if trace.type == "bar" and trace.base is None:
                    continue  # a legend swatch (the no-data zone is a shape)
                if trace.type == "bar":
                    for base, length in zip(trace.base or (), trace.x or (), strict=True):
                        end = dt.date.fromisoformat(str(base)[:10])
                        dates.append(end + dt.timedelta(milliseconds=length))
                else:
                    dates += [dt.date.fromisoformat(str(x)[:10]) for x in trace.x or () if x]
            x1 = dt.date.fromisoformat(chart.figure.layout.xaxis.autorangeoptions.clipmax)
            assert 0 <= (x1 - max(dates)).days <= 92, (as_of, chart.name, x1, max(dates))
            if past:
                assert x1 < tl.as_of
                notes = [a.text for a in chart.figure.layout.annotations if a.name == "as-of"]
                assert notes == [], notes
                assert not any(
                    format_date(tl.as_of, loc) in (a.text or "")
                    for a in chart.figure.layout.annotations
                )
                assert format_date(tl.as_of, loc) in chart.figure.layout.title.text
                assert not [s for s in chart.figure.layout.shapes if s.name == "as-of"]
            ticks.setdefault(chart.name, []).append(tuple(chart.figure.layout.xaxis.tickvals))
    # the same tick dates in both languages
    for name, pair in ticks.items():
        assert pair[0] == pair[1], name


@pytest.mark.parametrize("as_of", [EARLY, "2026-02-01", LATE])
def test_hovers_never_state_a_declared_end_as_fact_nor_say_desk(shipped, as_of: str) -> None:
    """English editor S13: a declared end reads "Declared complete 110 days after the deadline",
    never "Ended late"; a reading of words is "this report’s", never "the desk’s"."""
    tl = timeline(shipped, as_of)
    declared = [s for s in tl.phases if s.end is not None and s.end_basis == "declared"]
    for loc, build in itertools.product((EN, AR), (gantt_figure, promise_figure)):
        chart = build(tl, shipped, loc)
        shown = [*strings(chart.figure.to_plotly_json()), chart.alt_text]
        assert not [t for t in shown if "desk" in t.lower()]
        late = label("chart.status.ended_late", loc)
        hovers = [h for t in chart.figure.data for h in (t.hovertext or ()) if h]
        for state in declared:
            title = state.phase.title(loc.lang)
            mine = [h for h in hovers if h.startswith(f"<b>{title}</b>")]
            assert not [h for h in mine if late in h], (title, mine[:1])
    if as_of == LATE:
        hovers = [
            h
            for t in promise_figure(tl, shipped, EN).figure.data
            for h in (t.hovertext or ())
            if h and "Coalition advisers’ exit from Baghdad" in h
        ]
        assert hovers and all(
            "Status: Declared complete 110 days after the deadline" in h for h in hovers
        )


def test_past_the_data_caption_never_says_still_under_way(tl_late, shipped) -> None:
    """Fact-checker 11, Arabic editor S2: at the information cut-off, eight months before
    publication, no source says the second phase was still running: "had not been reported
    ended", never "under way" / «لا تزال … قيد التنفيذ»."""
    for loc, build in itertools.product((EN, AR), (gantt_figure, promise_figure)):
        said = build(tl_late, shipped, loc).alt_text
        assert not re.search(r"under way|لا تزال|لا يزال|قيد التنفيذ", said), said
    ar = gantt_figure(tl_late, shipped, AR).alt_text
    assert "لم تكن المصادر قد أفادت بانتهاء المرحلة الثانية" in ar
    assert "وتدلّ المنطقة الرمادية على الأشهر التالية لـ" in ar


def test_timeline_caption_says_events_before_the_axis_are_not_plotted(
    shipped, tmp_path: Path
) -> None:
    """English editor nit 8: the axis starts in March 2024, so the January 2024 events are
    listed below but not plotted, and the caption says so; not when nothing precedes it."""
    tl = timeline(shipped, "2026-02-01")
    assert gantt_figure(tl, shipped, EN).alt_text.endswith(
        "Events before March 2024 are listed below but not plotted."
    )
    # the month named is the axis' first month, and the axis opens on its first day (ROUND7
    # decision 9: the axis began on 28 March and seemed to start in April)
    for date in ("2026-02-01", "2026-11-30"):
        tl = timeline(shipped, date)
        for loc in (EN, AR):
            chart = gantt_figure(tl, shipped, loc)
            start = charts.gantt.window(tl)[0]
            assert chart.figure.layout.xaxis.autorangeoptions.clipmin == start.isoformat()
            assert start.day == 1, start
            month = format_date(PartialDate(start.year, start.month), loc)
            assert label("chart.caption.before_axis", loc).format(month=month) in chart.alt_text
    minimal = load_dataset(copy_dataset(MINIMAL_DIR, tmp_path / "minimal"))
    small = timeline(minimal, "2026-02-01")
    x0 = charts.gantt.window(small)[0]
    assert all(e.start.first_day() >= x0 for e in small.milestones)
    assert "not plotted" not in gantt_figure(small, minimal, EN).alt_text


def test_end_range_is_drawn_above_the_end_marker(tl_late, shipped) -> None:
    """English editor nit 9, Arabic editor N9: the 16–18 January range of Ain al-Asad is drawn
    after its end dot, so it is not hidden under it; the unknown outcome of the second phase is
    "Outcome unknown" in its hover as in the legend."""
    for loc in (EN, AR):
        data = promise_figure(tl_late, shipped, loc).figure.data
        groups = [t.legendgroup for t in data]
        assert groups.index("end-range") > groups.index("actual"), groups
        hovers = [h for t in data for h in (t.hovertext or ()) if h]
        unknown = label("chart.status.unknown", loc)
        assert unknown == label("chart.legend.unknown_end", loc)
        assert any(unknown in h for h in hovers)


def test_deadline_hover_shows_the_announcement_date_of_the_data(shipped) -> None:
    """English editor S13, Arabic editor S7: the Baghdad and Ain al-Asad exit dates were given
    by Iraqi officials (al-Abbasi, 8 September 2024), not in the joint statement of 27 September
    2024; the hover shows the row's own ``announced`` date, whatever the data say."""
    tl = timeline(shipped, LATE)
    for loc in (EN, AR):
        hovers = [
            re.sub("[\u2066-\u2069]", "", h)
            for t in promise_figure(tl, shipped, loc).figure.data
            for h in (t.hovertext or ())
            if h
        ]
        for deadline in tl.deadlines:
            event = deadline.event
            if event.announced is None:
                continue
            title = f"<b>{event.title(loc.lang)}</b>"
            mine = [h for h in hovers if h.startswith(title)]
            day = re.sub("[\u2066-\u2069]", "", format_date(event.announced, loc))
            announced = f"{label('announced', loc)}: {day}"
            assert mine and all(announced in h for h in mine), (title, mine[:1])


def test_deadline_caption_past_the_cut_off(tl_late: Timeline, shipped: Dataset) -> None:
    """ROUND9 decision 10: the caption of the November 2026 edition in sentences (English
    editor S4), the September 2026 target "after the period this report covers"; the exit from
    Baghdad, dated by a declaration, followed by the later entry at the same site that the data
    holds (fact-checker 2: Victoria Base, 4 March 2026); Arabic «المناطق الاتحادية» in every
    chart string (Arabic editor S1, decision 4) and «التحالف بمجمله» (nit 9)."""
    victoria = next(e for e in shipped.events if e.id == "2026-03-04-drone-strikes-victoria-base")
    en = promise_figure(tl_late, shipped, EN).alt_text
    assert en == (
        "The end of the mission in federal Iraq and the exits from Baghdad and Ain al-Asad were"
        " completed or declared complete 108–110 days after the September 2025 deadline."
        " UNAMI’s mandate ended on time. The second phase, support from Iraq for operations in"
        " Syria, had a September 2026 target, after the period this report covers. The exit from"
        " Baghdad is dated by the HMC’s declaration of 18 January 2026; on"
        f" {format_date(victoria.start.first_day(), EN)} Shafaq News reported a drone strike on"
        " Victoria Base, at Baghdad airport, which it said hosts a US logistics centre (see the"
        " timeline)."
    ), en
    assert "same site" not in en
    ar = promise_figure(tl_late, shipped, AR).alt_text.replace("\u2066", "").replace("\u2069", "")
    assert "أما الموعد المستهدف الخاص بالمرحلة الثانية لدعم العمليات في سوريا انطلاقًا من" in ar
    assert ar.endswith(
        "ويستند تاريخ الخروج من بغداد إلى إعلان اكتماله في 18 كانون الثاني 2026، غير أن شفق نيوز"
        " أفادت في 4 آذار 2026 بأن مسيّرة أصابت قاعدة فيكتوريا في مطار بغداد، وقالت إن القاعدة"
        " تضم مركزًا أميركيًا للدعم اللوجستي (انظر الخط الزمني)."
    ), ar
    assert "الموقع نفسه" not in ar
    # «في كل موقع», not «بحسب الموقع» ("according to the website": Arabic editor N1)
    title = gantt_figure(tl_late, shipped, AR).figure.layout.title.text
    assert "الخط الزمني للانسحاب في كل موقع" in title and "بحسب" not in title, title
    # the HTML caption's dates never break (English editor nit 28)
    html_caption = figure_html(promise_figure(tl_late, shipped, EN))
    assert "on 4\u00a0March\u00a02026 Shafaq News" in html_caption
    assert "of 18\u00a0January\u00a02026;" in html_caption
    said = ""
    for build in (gantt_figure, promise_figure):
        chart = build(tl_late, shipped, AR)
        shown = chart.figure.to_plotly_json()
        # what prints: labels, notes, legend and caption (hover text quotes the data's titles)
        for trace in shown["data"]:
            trace.pop("hovertext", None)
        said += chart.alt_text + " ".join(strings(shown))
    assert "المناطق الاتحادية" in said
    assert not re.search("العراق الاتحادي|المواقع الاتحادية|ككل", said)
    assert "التحالف بمجمله" in said


def test_deadline_caption_without_an_event_keyed_sentence(
    tl_late: Timeline, shipped: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ROUND10 decision 1: a later event with no ``chart.caption.later.<event-id>`` sentence
    gets the generic one, naming its site ("a later report from {site}"), never "the same
    site" (English editor S2, Arabic editor S1)."""
    from analysis.charts import alt

    real = alt.label

    def without_later(key: str, loc: Any) -> str:
        if key.startswith("chart.caption.later."):
            raise KeyError(key)
        return real(key, loc)

    monkeypatch.setattr(alt, "label", without_later)
    victoria = next(e for e in shipped.events if e.id == "2026-03-04-drone-strikes-victoria-base")
    site = shipped.sites[victoria.site]
    en = promise_figure(tl_late, shipped, EN).alt_text
    assert en.endswith(
        "The exit from Baghdad is dated by its declaration of 18 January 2026; the timeline"
        f" records a later report from {site.name('en')}, of 4 March 2026."
    ), en
    ar = promise_figure(tl_late, shipped, AR).alt_text.replace("\u2066", "").replace("\u2069", "")
    assert ar.endswith(
        "ويستند تاريخ الخروج من بغداد إلى إعلان اكتماله في 18 كانون الثاني 2026؛ ويورد الخط"
        f" الزمني تقريرًا لاحقًا من {site.name('ar')} بتاريخ 4 آذار 2026."
    ), ar
    for caption in (en, ar):
        assert "same site" not in caption and "الموقع نفسه" not in caption
        assert "Victoria" not in caption and "فيكتوريا" not in caption
