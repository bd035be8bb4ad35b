"""Issue 14 class 5: validation cost stays linear in the size of the data.

Times ``load_dataset`` (read, validate, build) on generated data directories:

* revision chains of 2,000 and 5,000 deadlines (each revises the one before), valid and
  with a cycle closing the chain (the cycle check walks every chain once);
* wide data: 5,000 events over 50 sites, 500 sources, 10,000 further-source links and
  30 extra declared columns.

Target: the 5,000-long chain validates in under 1 s (median of 5; it took 231 s when the
cycle check was cubic). The script exits 1 if the target is missed. The ratio of the
5,000 to the 2,000 chain shows the growth: about 2.5 when linear.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, median_seconds, record

from analysis.dataset import DataValidationError
from analysis.dataset import load_dataset as _load_dataset
from analysis.tables import parse_date


def load_dataset(data: Path) -> object:
    """A cold validation: the loader caches parsed dates within a process; start empty."""
    parse_date.cache_clear()
    return _load_dataset(data)


TARGET_5000_S = 1.0
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
HEADER = (
    "id,kind,site,actor,start,end,phase,announced,revises,status,confidence,title_en,"
    "title_ar,summary_en,summary_ar,quote_ar,quote_en,source_id"
)


def _base(target: Path) -> Path:
    """The minimal fixture with the project's schema (not the shipped data's coverage)."""
    shutil.copytree(MINIMAL, target)
    descriptor = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    descriptor.pop("coverage", None)
    (target / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return target


def chain(target: Path, length: int, *, cycle: bool = False) -> Path:
    """``length`` deadlines, each revising the previous; optionally the first revises the last."""
    data = _base(target)
    rows = []
    for i in range(length):
        first = f"dl-{length - 1}" if cycle else "deadline-alpha-2"
        revises = f"dl-{i - 1}" if i else first
        due = dt.date(2027, 1, 1) + dt.timedelta(days=i)  # every date distinct: parsed once each
        announced = dt.date(2026, 1, 1) + dt.timedelta(days=i)
        rows.append(
            f"dl-{i},deadline,alpha,,{due},,phase-alpha,{announced},{revises},planned,reported,"
            f"Deadline {i},موعد {i},,,,,src-a"
        )
    with (data / "events.csv").open("a", encoding="utf-8") as handle:
        handle.write("\n".join(rows) + "\n")
    return data


def wide(target: Path, events: int = 5000, sites: int = 50, sources: int = 500) -> Path:
    data = _base(target)
    extra = [f"extra_{i}" for i in range(30)]
    descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    schema = next(r for r in descriptor["resources"] if r["name"] == "events")["schema"]
    schema["fields"] += [{"name": name, "type": "string"} for name in extra]
    (data / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    (data / "sites.csv").write_text(
        "id,name_en,name_ar,kind,lat,lon\n"
        + "".join(f"site-{i},Site {i},موقع {i},base,33.{i},43.{i}\n" for i in range(sites)),
        encoding="utf-8",
    )
    (data / "sources.csv").write_text(
        "id,publisher_en,publisher_ar,title,url,published,language\n"
        + "".join(
            f"src-{i},Publisher {i},ناشر {i},Title {i},https://example.org/{i},"
            f"2025-0{1 + i % 9},en\n"
            for i in range(sources)
        ),
        encoding="utf-8",
    )
    lines = [f"{HEADER},{','.join(extra)}"]
    cells = ",".join(f"value {j}" for j in range(len(extra)))
    for i in range(events):
        day = 1 + i % 28
        lines.append(
            f"ev-{i},statement,site-{i % sites},spokesman,2025-{1 + i % 12:02d}-{day:02d},,,,,"
            f"completed,confirmed,Statement {i},تصريح {i},A summary of statement {i}.,"
            f"ملخص التصريح {i}.,,,src-{i % sources},{cells}"
        )
    (data / "events.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (data / "event_sources.csv").write_text(
        "event_id,source_id\n"
        + "".join(f"ev-{i},src-{(i + k) % sources}\n" for i in range(events) for k in (1, 2)),
        encoding="utf-8",
    )
    return data


def _refused(data: Path) -> None:
    try:
        load_dataset(data)
    except DataValidationError as exc:
        assert any("revision cycle" in p.message for p in exc.problems)
        return
    raise AssertionError("the cycle was not found")


def _cpu(run: object, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.process_time()
        run()  # type: ignore[operator]
        times.append(time.process_time() - started)
    return sorted(times)[len(times) // 2]


def main() -> int:
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        cases = {
            "chain_2000": (chain(root / "c2000", 2000), load_dataset),
            "chain_5000": (chain(root / "c5000", 5000), load_dataset),
            "chain_5000_cycle": (chain(root / "c5000x", 5000, cycle=True), _refused),
            "wide_5000x48": (wide(root / "wide"), load_dataset),
        }
        for name, (data, run) in cases.items():
            figures[f"{name}_median_s"] = round(median_seconds(lambda d=data, r=run: r(d)), 4)
            figures[f"{name}_cpu_median_s"] = round(_cpu(lambda d=data, r=run: r(d)), 4)
    figures["growth_5000_over_2000"] = round(
        figures["chain_5000_cpu_median_s"] / max(figures["chain_2000_cpu_median_s"], 1e-9), 2
    )
    figures["target_chain_5000_s"] = TARGET_5000_S
    met = figures["chain_5000_median_s"] < TARGET_5000_S
    figures["target_met"] = met
    record("validation", figures)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
