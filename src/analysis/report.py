"""What the report notebook shows, section by section.

The notebook stays thin (parameters, then one call per section); every decision
lives here so it is tested and shared between the headless build and an analyst's
JupyterLab session. Each section returns an object that Jupyter displays: HTML
for the text, and for charts a bundle that JupyterLab draws natively and nbconvert
exports as a plain div (plotly.js is inlined once per page by the HTML template).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from markupsafe import Markup

from analysis.dataset import Dataset, load_dataset
from analysis.dates import parse_as_of
from analysis.i18n import Locale, format_date, format_number, label, make_locale
from analysis.paths import DATA_DIR
from analysis.timeline import Changes, Timeline, compare, timeline


class Html:
    """An HTML fragment Jupyter displays as is (the fragment is already escaped)."""

    def __init__(self, html: str) -> None:
        self.html = str(html)

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


class ChartView:
    """A chart: JupyterLab draws the plotly JSON; nbconvert exports the HTML div."""

    def __init__(self, chart: Any) -> None:
        self.chart = chart

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        from analysis.charts import figure_html

        return {
            "application/vnd.plotly.v1+json": self.chart.figure.to_plotly_json(),
            "text/html": figure_html(self.chart),
            "text/plain": self.chart.alt_text,
        }


def _section(title: str, body: Markup | str, *, css: str = "") -> Html:
    return Html(
        Markup('<section class="{}"><h2>{}</h2>{}</section>').format(css, title, Markup(body))
    )


@dataclasses.dataclass(frozen=True)
class Report:
    """One report: the dataset, the language settings and the timeline as of a date."""

    dataset: Dataset
    loc: Locale
    timeline: Timeline
    changes: Changes | None
    rtl_axis: bool
    commentary_dir: Path | None

    @classmethod
    def from_parameters(
        cls,
        *,
        as_of: str,
        lang: str = "en",
        data_dir: str | Path = "",
        sites: Sequence[str] = (),
        compare_to: str = "",
        ar_months: str = "iraqi",
        digits: str = "western",
        rtl_axis: bool = True,
    ) -> Report:
        """Build the report from notebook parameters; bad values raise ``ValueError``."""
        as_of_date = parse_as_of(as_of) if as_of else dt.date.today()
        dataset = load_dataset(Path(data_dir) if data_dir else DATA_DIR)
        loc = make_locale(lang, ar_months, digits)
        tl = timeline(dataset, as_of_date, sites=list(sites) or None)
        changes = None
        if compare_to:
            earlier = parse_as_of(compare_to)
            changes = compare(dataset, earlier, as_of_date, sites=list(sites) or None)
        # The analyst notes come with the dataset (read and checked by load_dataset).
        return cls(dataset, loc, tl, changes, rtl_axis, None)

    # ------------------------------------------------------------------ sections

    @property
    def narrative(self) -> Any:
        cached = self.__dict__.get("_narrative")
        if cached is None:
            from analysis.narrative import narrative

            cached = narrative(
                self.dataset,
                self.timeline,
                self.loc,
                changes=self.changes,
                commentary_dir=self.commentary_dir,
            )
            object.__setattr__(self, "_narrative", cached)
        return cached

    def title_block(self) -> Html:
        loc = self.loc
        title = label("report_title", loc)
        as_of = format_date(self.timeline.as_of, loc)
        return Html(
            Markup(
                '<header class="title-block"><h1>{}</h1><p class="subtitle">{} — {} {}</p></header>'
            ).format(title, label("report_subtitle", loc), label("as_of", loc), as_of)
        )

    def headline(self) -> Html:
        parts = [Markup('<div class="headline">{}</div>').format(self.narrative.headline)]
        if self.narrative.freshness is not None:
            parts.append(Markup('<div class="caution">{}</div>').format(self.narrative.freshness))
        return Html(Markup("").join(parts))

    def gantt(self) -> ChartView:
        from analysis.charts import gantt_figure

        return ChartView(
            gantt_figure(self.timeline, self.dataset, self.loc, rtl_axis=self.rtl_axis)
        )

    def promise_vs_reality(self) -> ChartView:
        from analysis.charts import promise_figure

        return ChartView(
            promise_figure(self.timeline, self.dataset, self.loc, rtl_axis=self.rtl_axis)
        )

    def site_sections(self) -> Html:
        body = Markup("").join(
            Markup("<h3>{}</h3>{}").format(p.heading, p.html) for p in self.narrative.sites
        )
        return _section(label("sites", self.loc), body, css="sites")

    def statements(self) -> Html:
        return _section(label("statements", self.loc), self.narrative.statements, css="statements")

    def changes_section(self) -> Html | None:
        if self.narrative.changes is None:
            return None
        return _section(label("what_changed", self.loc), self.narrative.changes, css="changes")

    def commentary(self) -> Html | None:
        if self.narrative.commentary is None:
            return None
        return _section(label("commentary", self.loc), self.narrative.commentary, css="commentary")

    def sources(self) -> Html:
        return _section(label("sources", self.loc), self.narrative.sources, css="sources")

    def data_notes(self) -> Html:
        loc, tl, ds = self.loc, self.timeline, self.dataset
        visible = len(tl.visible)
        latest = format_date(tl.freshness.latest, loc) if tl.freshness.latest else "—"
        rows = [
            (
                label("visible_of_total", loc),
                f"{format_number(visible, loc)} / {format_number(len(ds.events), loc)}",
            ),
            (label("latest_data_date", loc), latest),
            (label("data_hash", loc), ds.data_hash[:12]),
        ]
        table = Markup("").join(
            Markup("<tr><th>{}</th><td><bdi>{}</bdi></td></tr>").format(k, v) for k, v in rows
        )
        note = label("data_notes_text", loc)
        return _section(
            label("data_notes", loc),
            Markup("<p>{}</p><table>{}</table>").format(note, table),
            css="data-notes",
        )

    def sections(self) -> list[Any]:
        """Every section in reading order (what the notebook displays, one per cell)."""
        parts: list[Any] = [
            self.title_block(),
            self.headline(),
            self.gantt(),
            self.promise_vs_reality(),
            self.site_sections(),
            self.statements(),
            self.changes_section(),
            self.commentary(),
            self.sources(),
            self.data_notes(),
        ]
        return [p for p in parts if p is not None]
