"""Claims the data can support: a report never says more than its data do.

End to end over the narrative and both charts, in both languages, on synthetic data of
our own: a dataset cut off on a date and reported months later names the cut-off and
claims no overrun after it, in text or in chart data; an uncertain end (a date range)
reads as a range and every count derived from it is a range; a declared end says so; a
minimum deadline is never a miss; curator's notes never reach the reader.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from analysis.charts import gantt_figure, promise_figure
from analysis.dataset import Dataset, load_dataset
from analysis.i18n import format_date, make_locale
from analysis.narrative import html_to_text, narrative
from analysis.timeline import timeline
from conftest import EVENT_COLUMNS, MINIMAL_DIR, copy_dataset, write_csv

CUT_OFF = dt.date(2025, 3, 10)
REPORT_DATE = "2025-12-01"
CURATOR_NOTE_EN = "The day is inferred from the word Wednesday in the article."
CURATOR_NOTE_AR = "استُنتج اليوم من كلمة الأربعاء في المقال."

# What an overrun claim looks like in each language.
OVERRUN = {
    "en": re.compile(r"overdue|past (its|the) deadline|days late|\bmissed\b|behind schedule", re.I),
    "ar": re.compile(r"تجاوز|متأخر|تأخ"),
}
NO_FURTHER_DEADLINE = {"en": "no further deadline", "ar": "لم يُعلَن أي موعد"}


def row(id: str, kind: str, start: str, **cells: str) -> dict[str, str]:
    return {
        "id": id,
        "kind": kind,
        "start": start,
        "site": "alpha",
        "status": "planned",
        "title_en": f"Mission {id}",
        "title_ar": f"مهمة {id}",
        "source_id": "src-a",
        **cells,
    }


def dataset_of(tmp_path: Path, rows: list[dict[str, str]]) -> Dataset:
    data = copy_dataset(MINIMAL_DIR, tmp_path / "claims")
    write_csv(data / "events.csv", EVENT_COLUMNS, rows)
    write_csv(data / "event_sources.csv", ["event_id", "source_id"], [])
    return load_dataset(data)


@pytest.fixture
def cut_off(tmp_path: Path) -> Dataset:
    """Two missions whose deadlines (June and September 2025) both fall after the data stop
    on 10 March 2025 (a statement, the last row, which carries a curator's note)."""
    return dataset_of(
        tmp_path,
        [
            row("alpha-mission", "phase", "2024-01-01", status="in_progress"),
            row(
                "alpha-deadline",
                "deadline",
                "2025-06",
                phase="alpha-mission",
                announced="2024-01-01",
            ),
            row("beta-mission", "phase", "2024-01-01", site="beta", status="in_progress"),
            row(
                "beta-deadline",
                "deadline",
                "2025-09-15",
                phase="beta-mission",
                site="beta",
                announced="2024-01-01",
            ),
            row(
                "last-news",
                "statement",
                "2025-03-10",
                status="completed",
                summary_en="An official said the missions would end on schedule.",
                summary_ar="قال مسؤول إن المهمتين ستنتهيان في موعدهما.",
                note_en=CURATOR_NOTE_EN,
                note_ar=CURATOR_NOTE_AR,
            ),
        ],
    )


def text_of(dataset: Dataset, as_of: str, lang: str) -> tuple[str, str]:
    """The headline and the whole narrative, as plain text."""
    tl = timeline(dataset, as_of)
    n = narrative(dataset, tl, make_locale(lang))
    return html_to_text(n.headline), n.to_text()


def traces(dataset: Dataset, as_of: str, lang: str) -> list[dict[str, Any]]:
    """Every trace and shape of both charts, as plain dicts with a ``role``."""
    tl = timeline(dataset, as_of)
    loc = make_locale(lang)
    out: list[dict[str, Any]] = []
    for chart in (gantt_figure(tl, dataset, loc), promise_figure(tl, dataset, loc)):
        figure = chart.figure.to_plotly_json() if hasattr(chart, "figure") else chart
        for trace in figure["data"]:
            meta = trace.get("meta") or {}
            role = meta.get("role") if isinstance(meta, dict) else None
            out.append({"role": role, "x": list(trace.get("x") or []), "kind": "trace"})
        for shape in figure["layout"].get("shapes") or []:
            out.append(
                {
                    "role": shape.get("name"),
                    "x": [shape.get("x0"), shape.get("x1")],
                    "kind": "shape",
                }
            )
    return out


def _day(value: Any) -> dt.date | None:
    if value is None:
        return None
    return dt.date.fromisoformat(str(value)[:10])


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_headline_leads_with_the_cut_off(cut_off: Dataset, lang: str) -> None:
    headline, _ = text_of(cut_off, REPORT_DATE, lang)
    first_sentence = re.split(r"[.:؛]\s", headline, maxsplit=1)[0]
    assert format_date(CUT_OFF, make_locale(lang)) in first_sentence, headline


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_no_overrun_is_claimed_after_the_cut_off(cut_off: Dataset, lang: str) -> None:
    _, text = text_of(cut_off, REPORT_DATE, lang)
    assert not OVERRUN[lang].search(text), OVERRUN[lang].search(text)
    assert NO_FURTHER_DEADLINE[lang] not in text


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_charts_draw_no_overrun_past_the_cut_off_and_a_no_data_zone(
    cut_off: Dataset, lang: str
) -> None:
    marks = traces(cut_off, REPORT_DATE, lang)
    overruns = [m for m in marks if m["role"] == "overrun"]
    for mark in overruns:
        assert all(_day(x) <= CUT_OFF for x in mark["x"] if x is not None), mark
    zones = [m for m in marks if m["role"] == "no-data"]
    assert zones, "no 'no data' zone after the coverage end"
    days = sorted(_day(x) for zone in zones for x in zone["x"] if x is not None)
    assert days[0] == CUT_OFF and days[-1] == dt.date.fromisoformat(REPORT_DATE)


def test_no_no_data_zone_while_the_report_is_within_the_data(cut_off: Dataset) -> None:
    marks = traces(cut_off, "2025-03-10", "en")
    assert not [m for m in marks if m["role"] == "no-data"]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_curator_notes_never_reach_the_reader(cut_off: Dataset, lang: str) -> None:
    _, text = text_of(cut_off, REPORT_DATE, lang)
    assert CURATOR_NOTE_EN not in text and CURATOR_NOTE_AR not in text
    for mark in traces(cut_off, REPORT_DATE, lang):
        assert CURATOR_NOTE_EN not in str(mark) and CURATOR_NOTE_AR not in str(mark)


@pytest.fixture
def staged(tmp_path: Path) -> Dataset:
    """A departure that happened in stages: an end known only as 1–2 July 2021, against a
    June 2021 deadline (so 1 to 2 days late), and a declared end elsewhere."""
    return dataset_of(
        tmp_path,
        [
            row(
                "alpha-mission",
                "phase",
                "2021-01-01",
                end="2021-07-01/2021-07-02",
                status="completed",
            ),
            row(
                "alpha-deadline",
                "deadline",
                "2021-06",
                phase="alpha-mission",
                announced="2021-01-01",
            ),
            row(
                "beta-mission",
                "phase",
                "2021-01-01",
                site="beta",
                end="2021-06-20",
                end_basis="declared",
                status="completed",
            ),
            row(
                "beta-deadline",
                "deadline",
                "2021-06",
                phase="beta-mission",
                site="beta",
                announced="2021-01-01",
            ),
            row("later-news", "statement", "2021-08-01", status="completed"),
        ],
    )


@pytest.mark.parametrize(
    ("lang", "dates", "days"),
    [
        (
            "en",
            "between 1 and 2 July 2021",
            re.compile(r"\b(1|one) (to|and|–) (2|two) days|1–2 days"),
        ),
        ("ar", "بين 1 و2 تموز 2021", re.compile(r"بين (يوم واحد|1) و(يومين|2)|يوم واحد ويومين")),
    ],
)
def test_an_uncertain_end_reads_as_a_range(
    staged: Dataset, lang: str, dates: str, days: re.Pattern[str]
) -> None:
    _, text = text_of(staged, "2021-08-01", lang)
    assert dates in text
    assert days.search(text), text


@pytest.mark.parametrize(("lang", "declared"), [("en", "declared"), ("ar", "أُعلن")])
def test_a_declared_end_says_so(staged: Dataset, lang: str, declared: str) -> None:
    _, text = text_of(staged, "2021-08-01", lang)
    assert declared in text


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_minimum_deadline_is_never_a_miss(tmp_path: Path, lang: str) -> None:
    data = dataset_of(
        tmp_path,
        [
            row("alpha-mission", "phase", "2024-01-01", status="in_progress"),
            row(
                "alpha-deadline",
                "deadline",
                "2025-06",
                phase="alpha-mission",
                announced="2024-01-01",
                terms="minimum",
            ),
            row("later-news", "statement", "2025-11-20", status="completed"),
        ],
    )
    assert timeline(data, "2025-12-01").phase("alpha-mission").status == "past_soft_deadline"
    _, text = text_of(data, "2025-12-01", lang)
    assert not OVERRUN[lang].search(text), OVERRUN[lang].search(text)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_deadline_chart_without_deadlines_still_frames_the_cut_off(
    tmp_path: Path, lang: str
) -> None:
    """Found by the fuzz test: no phase has a deadline and the report is well past the data,
    so the deadline chart has no row; its axis is framed by the cut-off, not by a mark."""
    dataset = dataset_of(
        tmp_path,
        [
            row("alpha-mission", "phase", "2024-01-01", status="in_progress"),
            row("last-news", "statement", "2025-03-10", status="completed"),
        ],
    )
    tl = timeline(dataset, REPORT_DATE)
    assert tl.coverage.beyond
    chart = promise_figure(tl, dataset, make_locale(lang))
    bounds = chart.figure.layout.xaxis.autorangeoptions
    lo, hi = _day(bounds.clipmin), _day(bounds.clipmax)
    assert lo is not None and hi is not None and lo <= CUT_OFF <= hi, bounds


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_phases_late_against_different_deadlines_share_one_caption_sentence(
    tmp_path: Path, lang: str
) -> None:
    """Found by the fuzz test: two phases ended late, each against a deadline in its own
    month, so the caption's "late after each deadline" sentence names no single date."""
    dataset = dataset_of(
        tmp_path,
        [
            row("alpha-mission", "phase", "2024-01-01", end="2024-09-20", status="completed"),
            row(
                "alpha-deadline",
                "deadline",
                "2024-06-30",
                phase="alpha-mission",
                announced="2024-01-01",
            ),
            row("beta-mission", "phase", "2024-01-01", end="2024-12-10", status="completed"),
            row(
                "beta-deadline",
                "deadline",
                "2024-10-31",
                phase="beta-mission",
                announced="2024-01-01",
            ),
        ],
    )
    tl = timeline(dataset, "2025-01-15")
    assert {tl.phase(p).status for p in ("alpha-mission", "beta-mission")} == {"ended_late"}
    chart = promise_figure(tl, dataset, make_locale(lang))
    after = {"en": "after their deadlines", "ar": "بعد الموعد النهائي ب"}[lang]
    assert after in chart.alt_text, chart.alt_text
