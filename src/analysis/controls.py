"""Interactive controls for analysts in JupyterLab: every report parameter, redrawn in place.

A change rebuilds the report and replaces the outputs of the cells above (display ids,
:meth:`analysis.report.Report.redraw`); the kernel's ``report`` (and ``parameters``)
become the new report, so the next cell an analyst runs sees what the page shows. Bad
values show a short message in the controls and leave the report as it was. The
controls also show the ``drawdown build`` command for what they show, with a copy
button. Headless runs (the build) never create them.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from analysis import params as P
from analysis.report import Report

_LANG_NAMES = {"ar": "العربية", "en": "English"}


def site_options(report: Report, lang: str) -> list[tuple[str, str]]:
    """(name in ``lang``, id) of the sites that have phases: the only ones worth picking."""
    with_phases = {e.site for e in report.dataset.events if e.kind == "phase"}
    return [(s.name(lang), s.id) for s in report.dataset.sites.values() if s.id in with_phases]


def command_html(values: dict[str, Any]) -> str:
    """The build command as code, with a button that copies it (the page's clipboard)."""
    command = P.build_command(values)
    return (
        '<div class="drawdown-command" dir="ltr" style="display:flex;gap:.5em;'
        'align-items:center">'
        f'<code style="user-select:all">{html.escape(command)}</code>'
        '<button class="drawdown-copy" title="copy the command" '
        f'data-command="{html.escape(command)}" '
        'onclick="navigator.clipboard.writeText(this.dataset.command)'
        ".then(()=>{this.textContent='copied'})\">copy</button></div>"
    )


class Controls:
    """The widgets and what a change does (``.box`` is what the notebook displays)."""

    def __init__(self, report: Report, *, namespace: dict[str, Any] | None = None) -> None:
        import ipywidgets as widgets

        self.report = report
        self.namespace = namespace
        self._busy = False
        p = report.parameters
        lang = report.lang
        style = {"description_width": "7em"}
        self.as_of = widgets.DatePicker(
            description="as_of",
            value=report.timeline.as_of,
            style=style,
            description_tooltip=P.BY_NAME["as_of"].help,
        )
        self.compare_to = widgets.DatePicker(
            description="compare_to",
            value=dt.date.fromisoformat(p["compare_to"]) if p.get("compare_to") else None,
            style=style,
            description_tooltip=P.BY_NAME["compare_to"].help,
        )
        self.lang = widgets.ToggleButtons(
            options=[(_LANG_NAMES.get(c, c), c) for c in P.BY_NAME["lang"].choices],
            value=lang,
            description="lang",
            style=style,
        )
        options = site_options(report, lang)
        offered = {site_id for _, site_id in options}
        self.sites = widgets.SelectMultiple(
            options=options,
            value=tuple(s for s in p.get("sites") or () if s in offered),
            description="sites",
            rows=6,
            style=style,
            description_tooltip=P.BY_NAME["sites"].help + " (none selected: every site)",
        )
        self.ar_months = widgets.Dropdown(
            options=P.BY_NAME["ar_months"].choices,
            value=p.get("ar_months", "iraqi"),
            description="ar_months",
            style=style,
        )
        self.digits = widgets.Dropdown(
            options=P.BY_NAME["digits"].choices,
            value=p.get("digits", "western"),
            description="digits",
            style=style,
        )
        self.rtl_axis = widgets.Checkbox(
            value=bool(p.get("rtl_axis", True)),
            description="rtl_axis",
            description_tooltip=P.BY_NAME["rtl_axis"].help,
            indent=False,
        )
        self.message = widgets.HTML(value="")
        self.command = widgets.HTML(value=command_html(dict(p)))
        self._all = (
            self.as_of,
            self.compare_to,
            self.lang,
            self.sites,
            self.ar_months,
            self.digits,
            self.rtl_axis,
        )
        for widget in self._all:
            widget.observe(self.changed, names="value")
        self.box = widgets.VBox(
            [
                widgets.HBox([self.as_of, self.compare_to]),
                self.lang,
                widgets.HBox(
                    [self.sites, widgets.VBox([self.ar_months, self.digits, self.rtl_axis])]
                ),
                self.message,
                self.command,
            ]
        )
        self.box.add_class("drawdown-controls")

    def values(self) -> dict[str, Any]:
        """The parameters the widgets show now."""
        return {
            "as_of": self.as_of.value or dt.date.today(),
            "compare_to": self.compare_to.value or "",
            "lang": self.lang.value,
            "sites": list(self.sites.value),
            "ar_months": self.ar_months.value,
            "digits": self.digits.value,
            "rtl_axis": bool(self.rtl_axis.value),
        }

    def changed(self, change: Any = None) -> None:
        """Redraw in place for the new values, or show what is wrong with them."""
        if self._busy:
            return
        if change is not None and change.get("owner") is self.lang:
            self._relabel_sites(change["new"])
        values = self.values()
        try:
            fresh = self.report.replace(**values)
        except ValueError as exc:  # ParameterProblems, or data that does not load
            lines = getattr(exc, "problems", None) or [str(exc)]
            self.message.value = (
                '<div class="drawdown-problems" style="color:#b00020">'
                + "<br>".join(html.escape(line) for line in lines)
                + "</div>"
            )
            return
        self.message.value = ""
        fresh.redraw()
        self.report = fresh
        self.command.value = command_html(dict(fresh.parameters))
        self._publish(fresh)

    def _relabel_sites(self, lang: str) -> None:
        chosen = tuple(self.sites.value)
        self._busy = True
        try:
            self.sites.options = site_options(self.report, lang)
            self.sites.value = chosen
        finally:
            self._busy = False

    def _publish(self, fresh: Report) -> None:
        """The kernel's ``report`` (and the parameter variables) become the redrawn report."""
        ns = self.namespace
        if ns is None:
            return
        ns["report"] = fresh
        params = {k: v for k, v in fresh.parameters.items() if k in P.BY_NAME}
        if isinstance(ns.get("parameters"), dict):
            ns["parameters"] = {**ns["parameters"], **params}
        for name, value in params.items():
            if name in ns and name != "data_dir":
                ns[name] = value


def controls(report: Report, *, interactive: bool, **_: Any) -> Any:
    """A widget box that redraws the report in place, or ``None`` when not interactive.

    Extra keyword arguments (the notebook's old ``**parameters``) are ignored: the report
    carries its parameters.
    """
    if not interactive:
        return None
    namespace = None
    try:
        from IPython import get_ipython

        shell = get_ipython()
        namespace = shell.user_ns if shell is not None else None
    except ImportError:  # pragma: no cover
        pass
    return Controls(report, namespace=namespace).box
