"""What the report notebook shows, section by section.

The notebook stays thin (parameters, then one call per section); every decision
lives here so it is tested and shared between the headless build and an analyst's
JupyterLab session. Each section returns an object that Jupyter displays: HTML
for the text, and for charts a bundle that JupyterLab draws natively and nbconvert
exports as a plain div (plotly.js is inlined once per page by the HTML template).

Every text section is wrapped in ``<div class="drawdown-out" lang=… dir=…>`` with a
small ``<style>`` scoped to that class, so Arabic reads right-to-left wherever the
output is shown (JupyterLab, VS Code, the exported HTML) without relying on the
page's own ``<html dir>``. The same style makes the charts follow a dark JupyterLab
theme (a colour inversion, live when the theme changes); exports have no JupyterLab
theme and stay light.

In a kernel, sections are shown with *display ids* (one set per report "view"), so
:meth:`Report.redraw` — what the controls call — replaces them in place.

pandas is not imported here: :meth:`Report.frames` imports it when asked.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from markupsafe import Markup

from analysis import params as P
from analysis.dataset import Dataset, load_dataset
from analysis.fragment import Html
from analysis.i18n import Locale, format_date, label, make_locale
from analysis.method_notes import shown_notes
from analysis.paths import DATA_DIR
from analysis.timeline import Changes, Timeline, compare, timeline

#: Scoped to the wrapper class: direction, alignment and lists that follow ``dir``, in
#: JupyterLab (whose own styles are left-to-right: ``padding-left``, ``border-left``) and
#: in VS Code; plus the charts' dark-theme inversion in a dark JupyterLab.
SECTION_CSS = (
    ".drawdown-out{unicode-bidi:isolate;text-align:start}"
    ".drawdown-out[dir=rtl]{direction:rtl}.drawdown-out[dir=ltr]{direction:ltr}"
    # the report's Arabic face where its stylesheet defines one (report.css --font-ar: the
    # taller-ascent Naskh that keeps a page's first marks on their page), else Naskh
    ".drawdown-out[lang=ar]{font-family:var(--font-ar,'Noto Naskh Arabic','Amiri',"
    "'Noto Sans Arabic',var(--jp-content-font-family,serif));line-height:1.9}"
    ".drawdown-out.drawdown-out :is(h1,h2,h3,h4,p,li,td,th,caption,figcaption,blockquote)"
    "{text-align:start}"
    ".drawdown-out.drawdown-out :is(ol,ul){padding-left:0;padding-right:0;"
    "padding-inline-start:2em}"
    ".drawdown-out.drawdown-out ol.sources{list-style:none;padding-inline-start:0}"
    ".drawdown-out.drawdown-out blockquote{border-left:0;border-right:0;margin-inline:0;"
    "padding-inline:1em 0;border-inline-start:3px solid var(--jp-border-color2,#d7dce2)}"
    ".drawdown-out.drawdown-out table{margin-inline:0}"
    ".drawdown-out .caution{border-inline-start:4px solid #d55e00;padding:.4em .8em}"
    ".drawdown-out .subtitle{opacity:.75}"
    "body[data-jp-theme-light=false] .jp-Notebook:has(.drawdown-out) .jp-RenderedPlotly"
    "{filter:invert(.9) hue-rotate(180deg)}"
)

PLOTLY_MIME = "application/vnd.plotly.v1+json"


def _direction(lang: str) -> str:
    return "rtl" if lang == "ar" else "ltr"


def wrap(fragment: Markup | str, lang: str, name: str) -> Markup:
    """A section's HTML in its own ``lang``/``dir`` wrapper with the scoped style."""
    return Markup(
        '<div class="drawdown-out drawdown-{}" data-drawdown-section="{}" lang="{}" dir="{}">'
        "<style>{}</style>{}</div>"
    ).format(name, name, lang, _direction(lang), Markup(SECTION_CSS), Markup(fragment))


class _Shown:
    """Shown with a display id (in a kernel), so :meth:`Report.redraw` replaces it."""

    name: str
    view: str

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        raise NotImplementedError

    @property
    def display_id(self) -> str:
        return f"drawdown-{self.view}-{self.name}"

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self._repr_mimebundle_(), raw=True, display_id=self.display_id)


class Section(_Shown, Html):
    """One text section of a report, wrapped with its language and direction."""

    def __init__(self, html: Markup | str, *, lang: str, name: str, view: str = "") -> None:
        self.name, self.view, self.lang = name, view, lang
        self.empty = not str(html)
        super().__init__(wrap(html, lang, name) if not self.empty else "")

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {"text/html": self.html, "text/plain": f"<{self.name} section>"}

    def __bool__(self) -> bool:
        return not self.empty


class ChartView(_Shown):
    """A chart: JupyterLab draws the plotly JSON; nbconvert exports the HTML div."""

    def __init__(self, chart: Any, *, name: str = "", view: str = "") -> None:
        self.chart = chart
        self.name = name or f"chart-{getattr(chart, 'name', 'chart')}"
        self.view = view

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        from analysis.charts import figure_html

        return {
            PLOTLY_MIME: self.chart.figure.to_plotly_json(),
            "text/html": figure_html(self.chart),
            "text/plain": self.chart.alt_text,
        }

    def placeholder(self) -> dict[str, Any]:
        """A blank of the chart's height: JupyterLab's plotly renderer ignores a new figure
        for an output it has drawn, so a redraw goes through this (a different mime type
        makes JupyterLab replace the renderer) and then the new chart."""
        height = int(self.chart.figure.layout.height or 360)
        return {"text/html": f'<div class="drawdown-redrawing" style="height:{height}px"></div>'}


def _section(title: str, body: Markup | str, *, css: str = "") -> Markup:
    return Markup('<section class="{}"><h2>{}</h2>{}</section>').format(css, title, Markup(body))


#: The sections in reading order, one order on screen and in print (ROUND2 decision 7):
#: headline with the confidence note, the account by location, the two charts, events
#: and statements, what changed, commentary, sources, about the data.
#: (display name, Report method).
SECTIONS: tuple[tuple[str, str], ...] = (
    ("title", "title_block"),
    ("headline", "headline"),
    ("sites", "site_sections"),
    ("chart-promise", "promise_vs_reality"),
    ("chart-gantt", "gantt"),
    ("statements", "statements"),
    ("changes", "changes_section"),
    ("commentary", "commentary"),
    ("sources", "sources"),
    ("data-notes", "data_notes"),
)


def _new_view() -> str:
    return secrets.token_hex(4)


@dataclasses.dataclass(frozen=True)
class Report:
    """One report: the dataset, the language settings and the timeline as of a date."""

    dataset: Dataset
    loc: Locale
    timeline: Timeline
    changes: Changes | None
    rtl_axis: bool
    commentary_dir: Path | None
    #: The checked parameters the report was built from (see :mod:`analysis.params`).
    parameters: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    #: Display-id prefix: reports of one view (the notebook's and the controls' redraws)
    #: replace each other's outputs.
    view: str = dataclasses.field(default_factory=_new_view)

    @classmethod
    def from_parameters(cls, *, view: str | None = None, **given: Any) -> Report:
        """Build the report from notebook parameters (names and values: :mod:`analysis.params`).

        Every bad value is reported at once by :class:`analysis.params.ParameterProblems`
        (a ``ValueError``), each naming its parameter and what it accepts.
        """
        values, problems = P.validate(given)
        if any(p.startswith("data_dir") for p in problems):  # no dataset to check sites with
            raise P.ParameterProblems(problems)
        dataset = load_dataset(Path(values["data_dir"]) if values["data_dir"] else DATA_DIR)
        values = P.check(given, known_sites=dataset.sites)
        as_of_date = dt.date.fromisoformat(values["as_of"]) if values["as_of"] else dt.date.today()
        loc = make_locale(values["lang"], values["ar_months"], values["digits"])
        sites = values["sites"] or None
        tl = timeline(dataset, as_of_date, sites=sites)
        changes = None
        if values["compare_to"]:
            changes = compare(
                dataset, dt.date.fromisoformat(values["compare_to"]), as_of_date, sites=sites
            )
        values.pop("interactive", None)
        values["as_of"] = as_of_date.isoformat()
        return cls(
            dataset,
            loc,
            tl,
            changes,
            values["rtl_axis"],
            None,  # the analyst notes come with the dataset (read and checked by load_dataset)
            parameters=values,
            view=view or _new_view(),
        )

    def replace(self, **changes: Any) -> Report:
        """The same report (and view) with some parameters changed."""
        return Report.from_parameters(view=self.view, **{**self.parameters, **changes})

    @property
    def lang(self) -> str:
        """The report's language: ``ar`` or ``en``."""
        return self.loc.lang

    @property
    def title(self) -> str:
        """The dataset's own title in the report's language (``title``/``title_ar``)."""
        return self.dataset.display_title(self.lang) or label("report_title", self.loc)

    @property
    def subtitle(self) -> str:
        """The dataset's subtitle (``subtitle``/``subtitle_ar``), else the generic one."""
        return self.dataset.display_subtitle(self.lang) or label("report_subtitle", self.loc)

    def __repr__(self) -> str:
        tl = self.timeline
        counts: dict[str, int] = {}
        for state in tl.phases:
            counts[state.status] = counts.get(state.status, 0) + 1
        statuses = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no phases"
        extra = [
            f"{k}={v!r}"
            for k, v in self.parameters.items()
            if k not in ("as_of", "lang", "data_dir") and v != P.BY_NAME[k].default
        ]
        return (
            f"<Report {self.lang} as of {tl.as_of.isoformat()}: {self.title!r}; "
            f"{len(tl.lanes)} sites, {len(tl.phases)} phases ({statuses})"
            + (f"; {', '.join(extra)}" if extra else "")
            + ">"
        )

    # ------------------------------------------------------------------ pandas

    def frames(self) -> Any:
        """The report's data as pandas DataFrames (imports pandas): ``.phases``,
        ``.deadlines``, ``.events``, ``.sources``. See :mod:`analysis.frames`."""
        cached = self.__dict__.get("_frames")
        if cached is None:
            from analysis.frames import report_frames

            cached = report_frames(self)
            object.__setattr__(self, "_frames", cached)
        return cached

    # ------------------------------------------------------------------ sections

    @property
    def narrative(self) -> Any:
        """The text sections (:class:`analysis.narrative.Narrative`), built once."""
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

    def _text(self, name: str, html: Markup | str | None) -> Section:
        return Section(html or "", lang=self.lang, name=name, view=self.view)

    def title_block(self, built: dt.date | None = None) -> Section:
        """The dataset's title and subtitle, and the report date; an edition built after
        its date says so on its first page (ROUND6 decision 3)."""
        loc = self.loc
        built = built or build_date()
        # a date never breaks inside ("(published 30 | November 2026)": English editor nit 8)
        as_of = format_date(self.timeline.as_of, loc).replace(" ", "\u00a0")
        coverage = getattr(self.timeline, "coverage", None)
        if coverage is not None and getattr(coverage, "beyond", False):
            # Well past the data's end, "as of 30 November 2026" would claim a currency
            # the report lacks: say how far the information runs (ROUND3 decision 1).
            # The lede's run-in dateline already names the cut-off: the subtitle gives
            # only the publication date (ROUND9 decision 1; EN nit 2, AR nit 1).
            dateline = 'class="dateline"' in str(self.narrative.headline)
            subtitle = label(
                "subtitle_published" if dateline else "subtitle_past_data", loc
            ).format(
                subtitle=self.subtitle,
                through=format_date(coverage.value, loc).replace(" ", "\u00a0"),
                date=as_of,
            )
        elif built > self.timeline.as_of:
            subtitle = label("subtitle_compiled", loc).format(
                subtitle=self.subtitle,
                date=as_of,
                built=format_date(built, loc).replace(" ", "\u00a0"),
            )
        else:
            subtitle = label("subtitle_as_of", loc).format(subtitle=self.subtitle, date=as_of)
        return self._text(
            "title",
            Markup(
                '<header class="title-block"><h1>{}</h1><p class="subtitle">{}</p></header>'
            ).format(glued_title(self.title, loc.lang), subtitle),
        )

    def headline(self) -> Section:
        """The headline paragraph, then what the confidence marks mean (directly under it),
        and the caution when nothing is known yet."""
        parts = [Markup('<div class="headline">{}</div>').format(self.narrative.headline)]
        note = getattr(self.narrative, "confidence", None)
        if note:
            parts.append(Markup(note))
        caution = getattr(self.narrative, "coverage", None) or getattr(
            self.narrative, "freshness", None
        )
        if caution is not None:
            parts.append(Markup('<div class="caution">{}</div>').format(caution))
        return self._text("headline", Markup("").join(parts))

    def gantt(self) -> ChartView:
        """The timeline chart: phases, deadlines and events per site."""
        from analysis.charts import gantt_figure

        return ChartView(
            gantt_figure(self.timeline, self.dataset, self.loc, rtl_axis=self.rtl_axis),
            name="chart-gantt",
            view=self.view,
        )

    def promise_vs_reality(self) -> ChartView:
        """The promised deadline against the actual end, per phase."""
        from analysis.charts import promise_figure

        return ChartView(
            promise_figure(self.timeline, self.dataset, self.loc, rtl_axis=self.rtl_axis),
            name="chart-promise",
            view=self.view,
        )

    def site_sections(self) -> Section:
        """One paragraph per site."""
        body = Markup("").join(
            Markup("<h3>{}</h3>{}").format(p.heading, p.html) for p in self.narrative.sites
        )
        return self._text("sites", _section(label("sites", self.loc), body, css="sites"))

    def statements(self) -> Section:
        """Attributed statements, newest first."""
        return self._text(
            "statements",
            _section(label("statements", self.loc), self.narrative.statements, css="statements"),
        )

    def changes_section(self) -> Section:
        """Empty (shows nothing) without ``compare_to``; a redraw may fill it."""
        body = self.narrative.changes
        if body is not None:
            body = _section(label("what_changed", self.loc), body, css="changes")
        return self._text("changes", body)

    def commentary(self) -> Section:
        """Empty (shows nothing) without commentary for the date and language."""
        body = self.narrative.commentary
        if body is not None:
            body = _section(label("commentary", self.loc), body, css="commentary")
        return self._text("commentary", body)

    def sources(self) -> Section:
        """The numbered sources the footnote markers point to."""
        return self._text(
            "sources", _section(label("sources", self.loc), self.narrative.sources, css="sources")
        )

    def _data_through(self) -> dt.date | None:
        tl = self.timeline
        coverage = getattr(tl, "coverage", None)
        if coverage is not None:
            return getattr(coverage, "through", None)
        freshness = getattr(tl, "freshness", None)
        return getattr(freshness, "latest", None)

    def data_notes(self, built: dt.date | None = None) -> Section:
        """About the data: the cut-off and the edition's rule in one sentence; for an
        edition built after its date, that it is the record as it stood then (ROUND5
        decision 4); then the method notes that apply by the report's date (decision 3).

        No bookkeeping (row counts, hashes, the dataset's later coverage): an edition as
        of 15 October 2025 says its information stops on 15 October 2025, even when the
        dataset runs further. The build's hash and code version are in the footer.
        ``built`` is the build's day (default :func:`build_date`).
        """
        loc, tl = self.loc, self.timeline
        through = self._data_through()
        cutoff = min(through, tl.as_of) if through else tl.as_of
        coverage = getattr(tl, "coverage", None)
        if coverage is not None and getattr(coverage, "known_through", None):
            cutoff = coverage.known_through
        date = Markup('<span class="nowrap" style="white-space:nowrap">{}</span>')
        # One sentence: the cut-off and the rule (ROUND4 decision 9, Arabic editor N14).
        paragraphs = [
            Markup(label("data_notes_text", loc)).format(date=date.format(format_date(cutoff, loc)))
        ]
        if coverage is not None and getattr(coverage, "beyond", False):
            # Why the cut-off, and what it leaves out (ROUND9 decision 2, EN S2).
            whether = _passed_whether(coverage.deadlines_passed_since, loc)
            past = Markup(label("data_notes_past" if whether else "data_notes_past_none", loc))
            paragraphs = [
                past.format(date=date.format(format_date(cutoff, loc)), whether=whether)
                + Markup(" ")
                + Markup(label("data_notes_rule", loc))
            ]
        built = built or build_date()
        if built > tl.as_of:
            compiled = Markup(label("data_notes_reconstructed", loc)).format(
                date=date.format(format_date(tl.as_of, loc)),
                built=date.format(format_date(built, loc)),
            )
            if cutoff == tl.as_of:
                # the cut-off is said once, in the sentence naming both dates (ROUND6
                # decision 3: the sentence repeating it is dropped)
                paragraphs = [compiled + Markup(" ") + Markup(label("data_notes_rule", loc))]
            else:
                paragraphs.insert(0, compiled)
        body = Markup("").join(Markup("<p>{}</p>").format(p) for p in paragraphs)
        notes = shown_notes(getattr(self.dataset, "method", ()), tl.as_of)
        body += Markup("").join(
            Markup('<p class="method-note">{}</p>').format(method_text(n.text(loc.lang), loc))
            for n in notes
        )
        return self._text("data-notes", _section(label("data_notes", loc), body, css="data-notes"))

    def displays(self) -> list[Section | ChartView]:
        """Every section in reading order, empty ones included (what a redraw replaces)."""
        return [getattr(self, method)() for _, method in SECTIONS]

    def sections(self) -> list[Section | ChartView]:
        """Every section with content, in reading order (one per notebook cell)."""
        return [p for p in self.displays() if not isinstance(p, Section) or p]

    def redraw(self) -> None:
        """Replace the outputs of this report's view in place (display ids), in a kernel."""
        from IPython.display import update_display

        for part in self.displays():
            if isinstance(part, ChartView):
                update_display(part.placeholder(), raw=True, display_id=part.display_id)
            update_display(part._repr_mimebundle_(), raw=True, display_id=part.display_id)


def _passed_whether(states: Any, loc: Locale) -> Markup | None:
    """ "whether the second phase ended in September 2026" / «ما إذا كانت المرحلة الثانية
    قد انتهت في أيلول 2026»: the phases whose deadlines passed after the data's end, for
    About the data (ROUND9 decision 2); several: whether they ended on time."""
    from analysis.narrative.names import _arabic_feminine

    states = [s for s in states or () if s.deadline is not None]
    if not states:
        return None
    arabic = loc.lang == "ar"
    if len(states) > 1:
        return Markup(
            "ما إذا كانت المراحل التي حلّت مواعيدها بعد ذلك التاريخ قد انتهت في موعدها"
            if arabic
            else "whether the phases due to end after that date ended on time"
        )
    s = states[0]
    when = Markup('<span class="nowrap" style="white-space:nowrap">{}</span>').format(
        format_date(s.deadline.event.start, loc)
    )
    if arabic:
        title = str(s.phase.title_ar)
        name = "المرحلة الثانية" if "(المرحلة الثانية)" in title else title
        fem = name == "المرحلة الثانية" or _arabic_feminine(title)
        verb = ("كانت", "انتهت") if fem else ("كان", "انتهى")
        return Markup("ما إذا {} {} قد {} في {}").format(verb[0], name, verb[1], when)
    title = str(s.phase.title_en).replace("'", "’")
    if "(second phase)" in title:
        name = "the second phase"
    else:
        name = title if title.startswith("The ") else "the " + title[:1].lower() + title[1:]
        name = name[:1].lower() + name[1:]
    return Markup("whether {} ended in {}").format(name, when)


def glued_title(title: str, lang: str) -> Markup:
    """The title with the phrases that must not break across its lines in one no-break
    span (``title_glue`` in labels/house_style.json): «للتحالف الدولي» never splits
    (Arabic editor N1)."""
    from analysis.narrative.house import _house_style

    html = str(Markup.escape(title))
    for phrase in _house_style().get("title_glue", {}).get(lang, ()):
        pattern = re.compile(r"\S*" + re.escape(str(Markup.escape(phrase))))
        html = pattern.sub(
            lambda m: f'<span class="nowrap" style="white-space:nowrap">{m.group()}</span>', html
        )
    return Markup(html)


def build_date() -> dt.date:
    """The day the report is built: the build's clock (``$SOURCE_DATE_EPOCH``, as the
    pipeline reads it) when set, else today (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.datetime.now(dt.UTC).date()


def method_text(text: str, loc: Locale) -> Markup:
    """A method note from the data in the report's voice: house style, dates unbroken,
    numbers and Latin runs isolated in Arabic."""
    from analysis.narrative.house import _glue_dates, _glue_names, house_text
    from analysis.narrative.text import _arabic_inline

    styled = _glue_dates(house_text(text, loc.lang))
    if loc.lang == "ar":
        return _arabic_inline(styled, loc)
    # "Ain al-/Asad" never breaks at its hyphen, as in the narrative (ROUND4 decision 7)
    return Markup(_glue_names(str(Markup.escape(styled))))


def show(report: Report) -> None:
    """Display every section (with display ids): the whole report in one cell."""
    from IPython.display import display

    for part in report.displays():
        display(part)
