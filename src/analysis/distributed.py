"""``drawdown build --executor dask``: run the variants on a Dask distributed cluster.

The client (the machine running ``drawdown build``) sends each task everything it needs as
bytes and plain data: the notebook file, every file of the data package, the variant's
parameters, the footer context and the cell timeout. A worker writes them into a fresh
temporary directory, runs the variant with :func:`analysis.pipeline.execute.run_variant`
(the same code a local build runs) and sends back the executed notebook and the page as
bytes; the client writes them into the build's staging directory, and the build publishes
them into ``OUT`` (one rename per file) as it does for a local build. Workers need the
``analysis`` package and a Jupyter kernel, and no shared filesystem, data files or checkout
of the notebooks. A worker whose package differs from the client's (``code_hash()``) fails
its variants: the manifest would name other code.

A task is idempotent (fresh temporary directory, no side effect outside it), so a task whose
worker dies is run again on another worker, and one that raises is retried twice
(``retries=2``). A notebook that fails is not retried: it fails the same way everywhere, and
its executed notebook comes back so the build keeps it under ``OUT/_failed/``.

When the scheduler cannot be reached (or has no worker) every variant fails with a message
naming the address: the build exits 1 and publishes nothing (``OUT/<as_of>/`` is untouched).
``DRAWDOWN_DASK_TIMEOUT`` (seconds, default 30) bounds the wait for the scheduler and a worker.

See docs/distributed.md for starting a cluster.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import socket
import tempfile
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.pipeline.execute import background_renderer, kernel_name, run_variant
from analysis.pipeline.plan import REPORT_STEM, Variant
from analysis.pipeline.records import VariantResult, code_hash

if TYPE_CHECKING:
    from analysis.pipeline.html import HtmlRenderer, PageContext
    from analysis.pipeline.plan import Options
    from analysis.pipeline.progress import Progress

#: Seconds to wait for the scheduler to answer and for at least one worker to be there.
CONNECT_TIMEOUT = 30.0
#: Times a task that raised (not a notebook that failed: that is a result) is run again.
RETRIES = 2
NOTEBOOK_NAME = "drawdown_report.ipynb"


def connect_timeout() -> float:
    """``DRAWDOWN_DASK_TIMEOUT`` seconds, else :data:`CONNECT_TIMEOUT`."""
    try:
        value = float(os.environ.get("DRAWDOWN_DASK_TIMEOUT", CONNECT_TIMEOUT))
    except ValueError:
        return CONNECT_TIMEOUT
    return value if value > 0 else CONNECT_TIMEOUT


# --------------------------------------------------------------------------- the client


def data_files(data_dir: Path) -> dict[str, bytes]:
    """Every file of the data package, as ``{path relative to data_dir: bytes}``."""
    # Only the client needs it, once; the worker unpacks what it is sent.
    from analysis.dataset import package_files

    root = data_dir.resolve()
    files: dict[str, bytes] = {}
    for path in package_files(data_dir):
        if not path.is_file():
            continue
        try:
            relative = path.resolve().relative_to(root)
        except ValueError:
            raise ValueError(f"{path}: outside the data directory {root}") from None
        files[relative.as_posix()] = path.read_bytes()
    return files


def run_on_dask(
    todo: list[Variant],
    options: Options,
    contexts: dict[str, PageContext],
    staging: Path,
    progress: Progress,
) -> Iterator[VariantResult]:
    """Run every variant on the cluster at ``options.scheduler``; yield results as they finish.

    Each result's files are in ``staging/<as_of>/<lang>/`` (a failed run's executed notebook
    too, for ``OUT/_failed/``).
    """
    address = options.scheduler or ""
    timeout = connect_timeout()

    def fail_all(message: str) -> Iterator[VariantResult]:
        progress.note(message)
        for variant in todo:
            progress.start(variant.label)
            yield VariantResult(variant, ok=False, error=message)

    try:
        # Dask's client takes ~2 s to import, and may be missing: checked here, reported.
        from distributed import Client, as_completed
    except ImportError as exc:
        yield from fail_all(
            f"--executor dask needs Dask distributed ({exc}): pip install 'dask[distributed]'"
        )
        return
    try:
        notebook = options.notebook.read_bytes()
        files = data_files(options.data_dir)
    except (OSError, ValueError) as exc:
        yield from fail_all(f"cannot read the build's inputs: {exc}")
        return

    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except Exception as exc:  # refused, timed out, a malformed address, a TLS problem
        hint = (
            "check the DASK_DISTRIBUTED__COMM__TLS__* settings (docs/distributed.md)"
            if address.startswith("tls://")
            else "is `dask scheduler` running there and reachable from this machine?"
        )
        yield from fail_all(
            f"cannot connect to the Dask scheduler at {address} within {timeout:.0f} s "
            f"({type(exc).__name__}: {exc}); {hint}"
        )
        return
    pending: dict[str, Any] = {}
    try:
        try:
            client.wait_for_workers(1, timeout=timeout)
        except Exception:
            yield from fail_all(
                f"the Dask scheduler at {address} has no worker (waited {timeout:.0f} s); "
                f"start one with `dask worker {address}`"
            )
            return
        expected_code = code_hash()
        build_id = uuid.uuid4().hex[:12]
        by_key: dict[str, Variant] = {}
        for variant in todo:
            key = f"drawdown-{variant.as_of.isoformat()}-{variant.lang}-{build_id}"
            progress.start(variant.label)
            by_key[key] = variant
            pending[key] = client.submit(
                _run_task,
                notebook,
                files,
                variant,
                contexts[variant.label],
                options.cell_timeout,
                key=key,
                pure=False,
                retries=RETRIES,
            )
        for future in as_completed(list(pending.values()), loop=client.loop):
            variant = by_key[future.key]
            try:
                answer = future.result()
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as exc:  # the task's error, KilledWorker, CancelledError
                answer = {"ok": False, "error": _task_error(exc, address)}
            finally:
                pending.pop(future.key, None)
                future.release()
            yield _result(variant, answer, staging, expected_code)
    finally:
        if pending:
            client.cancel(list(pending.values()), force=True)
        client.close()


def _task_error(exc: BaseException, address: str) -> str:
    text = f"{type(exc).__name__}: {exc}".strip()
    if "No module named 'analysis'" in text or "No module named 'papermill'" in text:
        text += (
            " — install the drawdown package on every worker of the cluster at "
            f"{address} (docs/distributed.md)"
        )
    elif type(exc).__name__ == "KilledWorker":
        text = f"the task's worker died repeatedly ({text})"
    return f"on the Dask cluster: {text}"


def _result(
    variant: Variant, answer: dict[str, Any], staging: Path, expected_code: str
) -> VariantResult:
    """Write what a worker sent back into staging; the build publishes it from there."""
    result = VariantResult(variant, timings=dict(answer.get("timings") or {}))
    work = staging / variant.rel_dir
    work.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    for fmt in ("ipynb", "html"):
        data = answer.get(fmt)
        if data is not None:
            path = work / f"{REPORT_STEM}.{fmt}"
            path.write_bytes(data)
            files[fmt] = path
    worker_code = answer.get("code_hash")
    if answer.get("ok") and worker_code and worker_code != expected_code:
        answer = answer | {
            "ok": False,
            "error": (
                f"worker {answer.get('worker', '?')} runs other analysis code than this build "
                f"(code hash {worker_code[:12]}, here {expected_code[:12]}): install the same "
                "version of the package on every worker"
            ),
        }
    result.ok = bool(answer.get("ok")) and "html" in files
    result.files = files if result.ok else {k: v for k, v in files.items() if k == "ipynb"}
    if not result.ok:
        result.error = answer.get("error") or "the worker sent back no HTML"
    return result


# --------------------------------------------------------------------------- the worker

_renderer: Future[HtmlRenderer] | None = None
_kernel: str | None = None
_setup_lock = threading.Lock()


def _worker_renderer() -> Future[HtmlRenderer]:
    """One :class:`HtmlRenderer` per worker process, made in the background on first use.

    nbconvert's and plotly's imports take seconds: the first task pays them while its
    kernel runs, as a local build does.
    """
    global _renderer
    with _setup_lock:
        if _renderer is None or (_renderer.done() and _renderer.exception() is not None):
            _renderer = background_renderer()
        return _renderer


def _worker_kernel() -> str:
    """The project's kernel when installed on this worker, else ``python3``."""
    global _kernel
    with _setup_lock:
        if _kernel is None:
            _kernel = kernel_name()
        return _kernel


def _scratch_root() -> str | None:
    """The Dask worker's own directory (purged if the worker dies), else the system's."""
    try:
        # Imported where it runs: on a worker, where Dask is loaded already.
        from distributed import get_worker

        return get_worker().local_directory
    except (ImportError, ValueError):
        return None


def _worker_name() -> str:
    try:
        # Imported where it runs: on a worker, where Dask is loaded already.
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):
        return socket.gethostname()


def _unpack_data(data_files: dict[str, bytes], data_dir: Path) -> None:
    for relative, content in data_files.items():
        target = (data_dir / relative).resolve()
        if not target.is_relative_to(data_dir.resolve()):
            raise ValueError(f"data file {relative!r} is outside the data directory")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def _run_task(
    notebook: bytes,
    data_files: dict[str, bytes],
    variant: Variant,
    context: PageContext,
    cell_timeout: int,
) -> dict[str, Any]:
    """Run one variant on this machine from bytes; return the executed notebook and the page.

    Returns ``{"ok", "error", "ipynb", "html", "timings", "worker", "code_hash",
    "data_hash"}``; a failed run still returns its executed notebook when there is one.
    Everything happens in a fresh temporary directory, removed afterwards.
    """
    # The dataset module takes ~0.4 s to import: the client does not need it.
    from analysis.dataset import hash_data

    renderer = _worker_renderer()
    answer: dict[str, Any] = {
        "ok": False,
        "error": None,
        "ipynb": None,
        "html": None,
        "timings": {},
        "worker": _worker_name(),
        "code_hash": code_hash(),
    }
    work = Path(tempfile.mkdtemp(prefix="drawdown-task-", dir=_scratch_root()))
    try:
        data_dir = work / "data"
        _unpack_data(data_files, data_dir)
        answer["data_hash"] = hash_data(data_dir)
        if context.data_hash and answer["data_hash"] != context.data_hash:
            answer["error"] = "the data sent to the worker is not the data the build checked"
            return answer
        source = work / "notebooks" / NOTEBOOK_NAME
        source.parent.mkdir()
        source.write_bytes(notebook)
        local = dataclasses.replace(
            variant, parameters=variant.parameters | {"data_dir": str(data_dir)}
        )
        result = run_variant(
            local,
            source,
            work / "out",
            renderer,
            context,
            kernel=_worker_kernel(),
            cell_timeout=cell_timeout,
        )
        answer.update(ok=result.ok, error=result.error, timings=result.timings)
        for fmt in ("ipynb", "html"):
            if fmt in result.files:
                answer[fmt] = result.files[fmt].read_bytes()
        return answer
    finally:
        shutil.rmtree(work, ignore_errors=True)
