"""`drawdown build --executor dask`: real LocalClusters on loopback, real kernels, no mocks.

One two-worker cluster is shared by the build tests; the worker-killing test starts its own.
"""

from __future__ import annotations

import json
import os
import re
import signal
import threading
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from distributed import Client, LocalCluster

from analysis.pipeline.build import build
from analysis.pipeline.plan import Options, expand_as_of
from conftest import DATA_DIR, PROJECT_DIR

pytestmark = [
    pytest.mark.slow,
    # A scheduler without a dashboard still serves /health, on 8787 or, if taken, any port.
    pytest.mark.filterwarnings("ignore:Port 8787 is already in use:UserWarning"),
]

GENERATED = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")


def local_cluster() -> LocalCluster:
    return LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )


@pytest.fixture(scope="module")
def cluster():
    with local_cluster() as running:
        yield running


def html_lang(page: str) -> str:
    tag = re.search(r"<html\b([^>]*)>", page)
    assert tag, "no <html> tag"
    found = re.search(r'\blang="([^"]*)"', tag.group(1))
    return found.group(1) if found else ""


def injected_parameters(path: Path) -> str:
    notebook = nbformat.read(path, as_version=4)
    cells = [c for c in notebook.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1
    return cells[0].source


def is_kernel(process: psutil.Process) -> bool:
    try:
        return "ipykernel" in " ".join(process.cmdline())
    except psutil.Error:  # it exited meanwhile
        return False


def leftover_task_dirs(client: Client) -> list[str]:
    def scratch(dask_worker) -> list[str]:
        return [str(p) for p in Path(dask_worker.local_directory).glob("drawdown-task-*")]

    return [path for paths in client.run(scratch).values() for path in paths]


def series_on(scheduler: str, dates: list, out: Path) -> Options:
    """HTML reports for ``dates`` in both languages, run on the Dask cluster at ``scheduler``."""
    return Options(
        as_of=tuple(dates),
        langs=("ar", "en"),
        formats=("html",),
        out=out,
        executor="dask",
        scheduler=scheduler,
        quiet=True,
    )


def test_series_on_two_workers_matches_a_local_build(cluster, tmp_path: Path) -> None:
    out = tmp_path / "out"
    dates = expand_as_of("2025-08-01..2025-10-01", "month")
    code = build(series_on(cluster.scheduler_address, dates, out))
    assert code == 0
    for as_of in dates:
        manifest = json.loads((out / as_of.isoformat() / "manifest.json").read_text())
        assert sorted(manifest["variants"]) == ["ar", "en"]
        for lang in ("ar", "en"):
            folder = out / as_of.isoformat() / lang
            page = (folder / "drawdown-report.html").read_text(encoding="utf-8")
            assert html_lang(page) == lang
            assert "Plotly.newPlot" in page
            assert manifest["variants"][lang]["files"]["html"]["path"] == (
                f"{as_of.isoformat()}/{lang}/drawdown-report.html"
            )
            # The notebook ran on a worker, from the bytes it was sent: not from data/.
            injected = injected_parameters(folder / "drawdown-report.ipynb")
            assert "drawdown-task-" in injected and str(DATA_DIR.resolve()) not in injected
    assert not list(out.glob(".drawdown-staging-*")) and not (out / "_failed").exists()
    assert "2025-10-01" in (out / "index.html").read_text(encoding="utf-8")
    with Client(cluster.scheduler_address, set_as_default=False) as client:
        assert leftover_task_dirs(client) == []

    local = tmp_path / "local"
    assert (
        build(Options(as_of=(dates[-1],), langs=("ar",), formats=("html",), out=local, quiet=True))
        == 0
    )

    def page(root: Path) -> str:
        """The page, without the build's time and commit (other commits land meanwhile)."""
        as_of = dates[-1].isoformat()
        version = json.loads((root / as_of / "manifest.json").read_text())["code_version"]
        text = (root / as_of / "ar" / "drawdown-report.html").read_text(encoding="utf-8")
        return GENERATED.sub("GENERATED", text.replace(version, "VERSION"))

    assert page(out) == page(local)


def test_failing_notebook_on_the_cluster_is_kept_and_nothing_published(
    cluster, tmp_path: Path
) -> None:
    notebook = nbformat.read(PROJECT_DIR / "notebooks" / "drawdown_report.ipynb", as_version=4)
    notebook.cells.insert(4, nbformat.v4.new_code_cell("raise RuntimeError('boom in cell')"))
    broken = tmp_path / "broken.ipynb"
    nbformat.write(notebook, broken)
    out = tmp_path / "out"
    code = build(
        Options(
            as_of=expand_as_of("2025-10-15", None),
            langs=("en",),
            formats=("html",),
            out=out,
            notebook=broken,
            executor="dask",
            scheduler=cluster.scheduler_address,
            quiet=True,
        )
    )
    assert code == 1
    assert not (out / "2025-10-15").exists()
    kept = out / "_failed" / "2025-10-15-en-drawdown-report.ipynb"
    assert "boom in cell" in kept.read_text(encoding="utf-8")
    status = json.loads((out / "status.json").read_text())
    assert (
        "RuntimeError: boom in cell" in status["variants"]["2025-10-15/en"]["last_failure"]["error"]
    )


def test_a_worker_killed_mid_task_is_replaced_and_the_build_completes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    dates = expand_as_of("2025-09-01,2025-10-01", None)
    with (
        local_cluster() as cluster,
        Client(cluster.scheduler_address, set_as_default=False) as observer,
    ):
        codes: list[int] = []
        options = series_on(cluster.scheduler_address, dates, out)
        builder = threading.Thread(target=lambda: codes.append(build(options)), daemon=True)
        builder.start()

        victim, deadline = None, time.monotonic() + 60
        while victim is None and time.monotonic() < deadline:
            busy = [
                address
                for address, keys in observer.processing().items()
                if any(str(key).startswith("drawdown-") for key in keys)
            ]
            victim = busy[0] if busy else None
            time.sleep(0.2)
        assert victim, "no task started within 60 s"
        pid = observer.run(os.getpid, workers=[victim])[victim]
        kernels: list[psutil.Process] = []
        while not kernels and time.monotonic() < deadline:
            kernels = [p for p in psutil.Process(pid).children(recursive=True) if is_kernel(p)]
            time.sleep(0.2)
        assert kernels, "the busy worker started no kernel within 60 s"  # it runs the notebook
        os.kill(pid, signal.SIGKILL)

        builder.join(timeout=240)
        assert not builder.is_alive(), "the build did not finish"
        assert codes == [0]
        for as_of in dates:
            for lang in ("ar", "en"):
                page = out / as_of.isoformat() / lang / "drawdown-report.html"
                text = page.read_text(encoding="utf-8")
                assert html_lang(text) == lang and "Plotly.newPlot" in text
        assert not (out / "_failed").exists()
        observer.wait_for_workers(2, timeout=30)  # the nanny started a new worker
        assert pid not in observer.run(os.getpid).values()
        # The dead worker's kernel noticed its parent was gone and exited.
        _, alive = psutil.wait_procs(kernels, timeout=15)
        assert not alive, f"kernels left running: {[p.pid for p in alive]}"


def test_unreachable_scheduler_exits_2_naming_it_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DRAWDOWN_DASK_TIMEOUT", "3")
    out = tmp_path / "out"
    code = build(
        Options(
            as_of=expand_as_of("2025-09-01,2025-10-01", None),
            formats=("html",),
            out=out,
            executor="dask",
            scheduler="tcp://127.0.0.1:1",
            quiet=True,
        )
    )
    assert code == 2  # checked with the other parameters, before any work
    stderr = capsys.readouterr().err
    assert "--scheduler tcp://127.0.0.1:1: no Dask scheduler answers there" in stderr
    assert "nothing was built" in stderr and not out.exists()
