"""Interactive controls for analysts in JupyterLab: change the as-of date, language or sites
and the chart and narrative redraw in place. Headless runs (the build) never create them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from analysis.report import Report


def controls(report: Report, *, interactive: bool, **parameters: Any) -> Any:
    """A widget box that redraws the report, or ``None`` when not interactive."""
    if not interactive:
        return None
    import ipywidgets as widgets
    from IPython.display import display

    ds = report.dataset
    as_of = widgets.DatePicker(description="as_of", value=report.timeline.as_of)
    lang = widgets.ToggleButtons(options=["ar", "en"], value=report.loc.lang, description="lang")
    sites = widgets.SelectMultiple(
        options=[(s.name(report.loc.lang), s.id) for s in ds.sites.values()],
        value=tuple(parameters.get("sites") or ()),
        description="sites",
        rows=min(6, len(ds.sites)),
    )
    output = widgets.Output()

    def redraw(_: Any = None) -> None:
        chosen = as_of.value or dt.date.today()
        with output:
            output.clear_output(wait=True)
            try:
                fresh = Report.from_parameters(
                    **{
                        **parameters,
                        "as_of": chosen.isoformat(),
                        "lang": lang.value,
                        "sites": list(sites.value),
                    },
                )
            except ValueError as exc:
                print(exc)
                return
            for section in fresh.sections():
                display(section)

    for widget in (as_of, lang, sites):
        widget.observe(redraw, names="value")
    return widgets.VBox([widgets.HBox([as_of, lang]), sites, output])
