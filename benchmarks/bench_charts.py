"""Issue 3: timeline model + figures, on the shipped data and on a synthetic 10,000-event set.

Targets: shipped data (timeline + gantt + promise) < 0.3 s; 10,000 events (timeline + gantt)
< 3 s with a bounded number of plotted markers. Medians of 5, warm process.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from common import ROOT, median_seconds, record

sys.path.insert(0, str(ROOT / "tests"))

from analysis.charts import gantt_figure, promise_figure
from analysis.dataset import load_dataset
from analysis.i18n import make_locale
from analysis.timeline import timeline
from test_charts import synthetic

AS_OF = "2026-11-29"


def main() -> None:
    ar = make_locale("ar")
    shipped = load_dataset(ROOT / "data")

    def small() -> None:
        tl = timeline(shipped, AS_OF)
        gantt_figure(tl, shipped, ar)
        promise_figure(tl, shipped, ar)

    shipped_s = median_seconds(small, repeat=5)
    with tempfile.TemporaryDirectory() as tmp:
        big = load_dataset(synthetic(Path(tmp) / "big"))

    def large() -> None:
        gantt_figure(timeline(big, AS_OF), big, ar)

    big_s = median_seconds(large, repeat=5)
    chart = gantt_figure(timeline(big, AS_OF), big, ar)
    points = sum(len(t.x) for t in chart.figure.data if t.legendgroup.startswith("milestone-"))
    record(
        "charts",
        {
            "shipped_model_and_figures_median_s": round(shipped_s, 4),
            "target_shipped_s": 0.3,
            "events_10k": len(big.events),
            "big_model_and_gantt_median_s": round(big_s, 3),
            "target_big_s": 3.0,
            "big_plotted_milestone_points": points,
            "big_figure_json_bytes": len(chart.figure.to_json()),
        },
    )


if __name__ == "__main__":
    main()
