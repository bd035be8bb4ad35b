"""A monthly series: `--as-of 2024-09-01..2026-12-01 --every month` (28 dates), both
languages, HTML only (56 variants), three ways, one run each:

(a) `drawdown build --jobs 2` on this machine;
(b) `drawdown build --executor dask` through a two-worker LocalCluster (one thread each)
    started by this script (its start-up is reported apart, not counted);
(c) the hand-written sequential baseline: papermill CLI then
    `jupyter nbconvert --to html --no-input` per variant, one after the other.

Reports per-variant medians, totals, the ratios (a)/(c) and (b)/(c) (targets 0.55 and
0.65) and peak memory: the sum of the RSS of the processes doing the work, sampled every
0.5 s ((b) includes this script, which hosts the Dask scheduler).

The baseline takes ~9 s a variant: DRAWDOWN_BENCH_SERIES_DATES=N uses the first N dates
(default: all 28).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from common import BIN, ROOT, chain_commands, record

from analysis.pipeline.plan import expand_as_of

SERIES = "2024-09-01..2026-12-01"
LANGS = ("ar", "en")
TARGETS = {"local_over_baseline": 0.55, "dask_over_baseline": 0.65}


# --------------------------------------------------------------------------- memory


def _tree_pids(root: int) -> list[int]:
    """``root`` and its descendants, from /proc (when psutil is not installed)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _rss_proc(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_rss(roots: Iterable[int]) -> int:
    """The sum of the RSS of ``roots`` and all their descendants."""
    try:
        import psutil
    except ImportError:
        return sum(_rss_proc(pid) for pid in {p for root in roots for p in _tree_pids(root)})

    def tree(root: int) -> dict[int, psutil.Process]:
        try:
            process = psutil.Process(root)
            return {p.pid: p for p in [process, *process.children(recursive=True)]}
        except psutil.Error:
            return {}

    processes = {pid: p for root in roots for pid, p in tree(root).items()}
    total = 0
    for process in processes.values():
        try:
            total += process.memory_info().rss
        except psutil.Error:
            pass
    return total


class PeakMemory:
    """Sample ``tree_rss(roots)`` every 0.5 s in a thread; keep the peak."""

    def __init__(self, roots: list[int]) -> None:
        self.roots = roots
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss(self.roots))
            self._stop.wait(0.5)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def mib(n: int) -> float:
    return round(n / 2**20, 1)


# --------------------------------------------------------------------------- the three ways


def run_tracked(argv: list[object], **kwargs: object) -> tuple[float, int]:
    """Run a command to its end; its wall time and the peak RSS of its process tree."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(a) for a in argv], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kwargs
    )
    with PeakMemory([process.pid]) as memory:
        _, stderr = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"{argv[0]} exited {process.returncode}: {stderr.decode()[-2000:]}")
    return time.perf_counter() - started, memory.peak


def build_argv(dates: list[str], out: Path, *extra: str) -> list[object]:
    return [
        BIN / "drawdown",
        "build",
        "--as-of",
        ",".join(dates),
        "--lang",
        *LANGS,
        "--format",
        "html",
        "--out",
        out,
        "--quiet",
        *extra,
    ]


def variant_seconds(out: Path, dates: list[str]) -> list[float]:
    """Each variant's own time (execute + html) from the build's manifests."""
    seconds = []
    for as_of in dates:
        manifest = json.loads((out / as_of / "manifest.json").read_text(encoding="utf-8"))
        for lang in LANGS:
            seconds.append(sum(manifest["variants"][lang]["timings_s"].values()))
    return seconds


def check_tree(out: Path, dates: list[str]) -> None:
    for as_of in dates:
        for lang in LANGS:
            page = out / as_of / lang / "drawdown-report.html"
            if "Plotly.newPlot" not in page.read_text(encoding="utf-8"):
                raise RuntimeError(f"{page}: no chart")


def baseline(work: Path, dates: list[str]) -> tuple[float, list[float], int]:
    """papermill CLI then nbconvert CLI per variant, one after the other (as bench_build.py)."""
    per_variant, peak = [], 0
    started = time.perf_counter()
    for as_of in dates:
        for lang in LANGS:
            executed = work / f"report-{as_of}-{lang}.ipynb"
            papermill, nbconvert = chain_commands(executed, lang, as_of)
            s1, m1 = run_tracked(papermill, cwd=ROOT / "notebooks")
            s2, m2 = run_tracked(nbconvert)
            per_variant.append(s1 + s2)
            peak = max(peak, m1, m2)
    return time.perf_counter() - started, per_variant, peak


def local(out: Path, dates: list[str]) -> tuple[float, list[float], int]:
    seconds, peak = run_tracked(build_argv(dates, out, "--jobs", "2"))
    check_tree(out, dates)
    return seconds, variant_seconds(out, dates), peak


def on_dask(out: Path, dates: list[str]) -> tuple[float, list[float], int, float]:
    from distributed import LocalCluster

    started = time.perf_counter()
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        startup = time.perf_counter() - started
        address = cluster.scheduler_address
        argv = build_argv(dates, out, "--executor", "dask", "--scheduler", address)
        started = time.perf_counter()
        process = subprocess.Popen(
            [str(a) for a in argv], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        # This script (the scheduler), its workers and their kernels, and the client's tree.
        with PeakMemory([os.getpid()]) as memory:
            _, stderr = process.communicate()
        seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"drawdown build --executor dask: {stderr.decode()[-2000:]}")
    check_tree(out, dates)
    return seconds, variant_seconds(out, dates), memory.peak, startup


def main() -> None:
    every = [d.isoformat() for d in expand_as_of(SERIES, "month")]
    count = int(os.environ.get("DRAWDOWN_BENCH_SERIES_DATES", len(every)))
    dates = every[: max(1, min(count, len(every)))]
    variants = len(dates) * len(LANGS)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        # Page cache and kernel spec lookups, for every side.
        run_tracked(build_argv(dates[:1], work / "warmup", "--jobs", "2"))
        script_rss = tree_rss([os.getpid()])
        base_total, base_each, base_peak = baseline(work, dates)
        local_total, local_each, local_peak = local(work / "local", dates)
        dask_total, dask_each, dask_peak, dask_startup = on_dask(work / "dask", dates)

    def figures(total: float, each: list[float], peak: int) -> dict[str, object]:
        return {
            "total_s": round(total, 1),
            "per_variant_median_s": round(statistics.median(each), 2),
            "wall_s_per_variant": round(total / variants, 2),
            "peak_rss_mib": mib(peak),
        }

    record(
        "series",
        {
            "dates": len(dates),
            "variants": variants,
            "series": f"{dates[0]}..{dates[-1]} monthly, {' '.join(LANGS)}, html",
            "baseline": figures(base_total, base_each, base_peak),
            "local_jobs2": figures(local_total, local_each, local_peak),
            "dask_2_workers": figures(dask_total, dask_each, dask_peak)
            | {"cluster_startup_s_not_counted": round(dask_startup, 1)},
            "local_over_baseline": round(local_total / base_total, 3),
            "dask_over_baseline": round(dask_total / base_total, 3),
            "targets": TARGETS,
            "bench_script_rss_mib_in_dask_peak": mib(script_rss),
            "note": "per-variant: the baseline's papermill + nbconvert wall time; the builds' "
            "execute + html time from the manifests",
        },
    )


if __name__ == "__main__":
    main()
