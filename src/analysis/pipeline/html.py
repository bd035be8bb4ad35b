"""Render an executed notebook as the report page: nbconvert through the project template.

The page's own words around the notebook's output (title, footer with the data hash, code
version and generation time, the PDF's header and page label) are a :class:`PageContext`,
made once per variant on the machine running the build.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import threading
from typing import Any

from markupsafe import Markup

from analysis.i18n import format_date, label, make_locale
from analysis.paths import PACKAGE_DIR, TEMPLATES_DIR
from analysis.pipeline.plan import Variant
from analysis.pipeline.records import BuildInfo

#: Cells tagged with these are not part of the published page.
HIDDEN_CELL_TAGS = {"parameters", "injected-parameters", "remove-in-report"}
#: The plotly.js the pages inline, read here without importing plotly (~1 s) for a file.
PLOTLY_JS = PACKAGE_DIR / "vendor" / "plotly-basic.min.js"


@dataclasses.dataclass(frozen=True)
class PageContext:
    """The page's words around the notebook: title, footer, the PDF's header and page label."""

    lang: str
    dir: str
    as_of: str
    as_of_text: str
    #: The page's <title> and the PDF's running header: "<report title> — <date>".
    title: str
    report_title: str
    data_hash: str
    code_version: str
    footer_html: str
    page_label: str
    #: When the report was built (ISO 8601, the build clock) and that day in words.
    generated: str = ""
    generated_text: str = ""

    def resources(self) -> dict[str, Any]:
        """The values the nbconvert template reads as ``resources.drawdown``."""
        values = dataclasses.asdict(self)
        values["footer_html"] = Markup(self.footer_html)
        return values


def page_context(variant: Variant, info: BuildInfo) -> PageContext:
    """The words around one variant's report, in its language."""
    params = variant.parameters
    loc = make_locale(variant.lang, params["ar_months"], params["digits"])
    as_of_text = format_date(variant.as_of, loc)
    ltr = Markup('{} <bdi dir="ltr"><code>{}</code></bdi>')
    parts = [
        Markup("{} {}").format(label("as_of", loc), as_of_text),
        ltr.format(label("data_hash", loc), info.data_hash[:12]),
        ltr.format(label("code_version", loc), info.code_version),
        ltr.format(label("generated_at", loc), info.generated),
    ]
    # The dataset's own title (datapackage.json title/title_ar), else the generic one.
    own = info.title_ar if variant.lang == "ar" else info.title
    report_title = own.strip() or label("report_title", loc)
    return PageContext(
        lang=variant.lang,
        dir=loc.dir,
        as_of=variant.as_of.isoformat(),
        as_of_text=as_of_text,
        title=f"{report_title} — {as_of_text}",
        report_title=report_title,
        data_hash=info.data_hash,
        code_version=info.code_version,
        footer_html=str(Markup(" · ").join(parts)),
        page_label=label("page_x_of_y", loc),
        generated=info.generated,
        generated_text=format_date(dt.date.fromisoformat(info.generated[:10]), loc),
    )


class HtmlRenderer:
    """nbconvert through the project template, shared by every variant of a build."""

    def __init__(self) -> None:
        """Load nbconvert, the template, the CSS and plotly.js (seconds: made in the background)."""
        # nbconvert takes seconds to import: the renderer is made in a background thread.
        from nbconvert import HTMLExporter
        from nbconvert.preprocessors import TagRemovePreprocessor

        self._exporter = HTMLExporter(
            template_name="drawdown",
            extra_template_basedirs=[str(TEMPLATES_DIR / "nbconvert")],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
        )
        # The template links no CDN: no require.js, no MathJax.
        self._exporter.mathjax_url = ""
        self._exporter.require_js_url = ""
        self._exporter.register_preprocessor(
            TagRemovePreprocessor(remove_cell_tags=HIDDEN_CELL_TAGS), enabled=True
        )
        self._plotly_js = PLOTLY_JS.read_text(encoding="utf-8")
        self._css = (TEMPLATES_DIR / "report.css").read_text(encoding="utf-8")
        self._lock = threading.Lock()

    def render(self, notebook: Any, context: PageContext) -> str:
        """The report page of an executed notebook: outputs only, stderr dropped."""
        # nbformat takes ~0.5 s to import; the renderer's thread has paid it already.
        from nbformat import from_dict

        clean = from_dict(json.loads(json.dumps(notebook)))
        for cell in clean.cells:
            if cell.cell_type == "code":
                # stderr (warnings, logging) is for the build log, not for readers.
                cell.outputs = [
                    o
                    for o in cell.get("outputs", [])
                    if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
                ]
        has_chart = any(
            "Plotly.newPlot" in str(o.get("data", {}).get("text/html", ""))
            for c in clean.cells
            if c.cell_type == "code"
            for o in c.outputs
        )
        resources = {
            "drawdown": {
                **context.resources(),
                "css": self._css,
                "plotly_js": self._plotly_js if has_chart else "",
            }
        }
        with self._lock:
            body, _ = self._exporter.from_notebook_node(clean, resources=resources)
        return body
