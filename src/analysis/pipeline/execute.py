"""Execute variants: run the notebook with papermill and render its page, locally or anywhere.

:func:`run_variant` is the one implementation of running a variant: the local thread pool
(:func:`run_local`) and the Dask worker (:mod:`analysis.distributed`) both call it. The
kernel starts in the notebook's directory without the process changing its own working
directory (papermill's ``cwd=`` would ``os.chdir`` the whole process, under every other
thread), and every kernel a build starts is registered in its :class:`Kernels`, so an
interrupted build stops those and no other process.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from analysis.kernel import KERNEL_NAME, kernel_available
from analysis.pipeline.html import HtmlRenderer, PageContext
from analysis.pipeline.plan import REPORT_STEM, Variant
from analysis.pipeline.records import VariantResult

# nbformat validates notebooks with jsonschema, whose optional "iri" format checker imports
# rfc3987_syntax, which builds a grammar at import: 2.3 s of a 12 s build (measured,
# Python 3.11). No notebook schema uses that format, so the build goes without the checker.
# setdefault: a process that has loaded the module already keeps it.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

#: What a report kernel imports first: asked for as soon as the kernel is up, silently,
#: binding no name in the notebook's namespace (``__import__`` returns, it does not assign).
WARM_UP = "__import__('analysis.report'); __import__('analysis.controls')"


class Kernels:
    """The kernels one build started: the only processes it may stop."""

    def __init__(self) -> None:
        """An empty set; :meth:`manager_class` registers each kernel as it starts."""
        self._managers: list[Any] = []
        self._lock = threading.Lock()
        self._class: type | None = None

    def add(self, manager: Any) -> None:
        """Register a kernel manager whose kernel this build started."""
        with self._lock:
            self._managers.append(manager)

    def pids(self) -> list[int]:
        """The process ids of the registered kernels that were started."""
        with self._lock:
            managers = list(self._managers)
        found = []
        for manager in managers:
            process = getattr(getattr(manager, "provisioner", None), "process", None)
            if process is not None and getattr(process, "pid", None):
                found.append(process.pid)
        return found

    def stop_all(self) -> None:
        """Kill every kernel this build started (and nothing else): used on interrupt."""
        for pid in self.pids():
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)

    def manager_class(self) -> type:
        """A kernel manager class that registers each of its kernels here when it starts,
        and keeps the clients made for it (so they can be closed with it)."""
        if self._class is not None:
            return self._class
        # jupyter_client takes ~1 s to import: paid by builds that run a kernel, not by the rest.
        from jupyter_client.manager import AsyncKernelManager

        registry = self

        class BuildKernelManager(AsyncKernelManager):
            drawdown_clients: list[Any]

            async def _async_pre_start_kernel(self, **kw: Any) -> Any:
                registry.add(self)
                return await super()._async_pre_start_kernel(**kw)

            def client(self, **kwargs: Any) -> Any:
                made = super().client(**kwargs)
                self.__dict__.setdefault("drawdown_clients", []).append(made)
                return made

        self._class = BuildKernelManager
        return BuildKernelManager

    def start(self, kernel: str, cwd: Path) -> Any:
        """Start a kernel now, in the calling thread (it runs a notebook there later).

        It boots while this process imports papermill and nbconvert, and then imports the
        report's modules (a silent request: no output, no execution count) before the
        notebook asks for them. Returns its manager, for :func:`execute_notebook`.
        """
        from jupyter_core.utils import run_sync  # loaded with jupyter_client just above

        manager = self.manager_class()(kernel_name=kernel)
        run_sync(manager.start_kernel)(cwd=str(cwd))
        warm = manager.blocking_client()
        warm.start_channels()
        warm.execute(WARM_UP, silent=True, store_history=False)
        manager.__dict__.setdefault("drawdown_clients", []).append(warm)
        return manager

    @staticmethod
    def shut(manager: Any) -> None:
        """Close a started kernel's clients and stop it (its notebook has run)."""
        from jupyter_core.utils import run_sync  # loaded with jupyter_client already

        for client in manager.__dict__.get("drawdown_clients", []):
            with contextlib.suppress(Exception):
                client.stop_channels()
        with contextlib.suppress(Exception):
            run_sync(manager.shutdown_kernel)(now=True)


def kernel_name() -> str:
    """The project's kernel when installed, else ``python3``."""
    return KERNEL_NAME if kernel_available() else "python3"


def execute_notebook(
    source: Path,
    executed: Path,
    parameters: dict[str, Any],
    *,
    kernel: str,
    cell_timeout: int,
    kernels: Kernels | None = None,
    manager: Any = None,
) -> str | None:
    """Run ``source`` with ``parameters`` into ``executed``; return the error, or None.

    Paths are absolute. The kernel's working directory is the notebook's directory; the
    process's own stays what it was. ``manager``: a kernel already started for it
    (:meth:`Kernels.start`), else papermill starts one.
    """
    # papermill's import takes ~1 s: paid by the build's first variant, not by `drawdown --help`.
    import papermill
    from papermill.exceptions import PapermillExecutionError

    engine: dict[str, Any] = {"resources": {"metadata": {"path": str(source.parent)}}}
    if manager is not None:
        engine["km"] = manager
    elif kernels is not None:
        engine["kernel_manager_class"] = kernels.manager_class()
    try:
        papermill.execute_notebook(
            str(source),
            str(executed),
            parameters=parameters,
            kernel_name=kernel,
            progress_bar=False,
            log_output=False,
            execution_timeout=cell_timeout,
            **engine,
        )
    except PapermillExecutionError as exc:
        return (
            f"cell {exc.cell_index} (execution count {exc.exec_count}) raised "
            f"{exc.ename}: {exc.evalue}"
        )
    except Exception as exc:  # a dead kernel, a timeout, a kernel that never started
        return f"{type(exc).__name__}: {exc}".strip()
    return None


def run_variant(
    variant: Variant,
    notebook: Path,
    work: Path,
    renderer: Future[HtmlRenderer],
    context: PageContext,
    *,
    kernel: str,
    cell_timeout: int,
    kernels: Kernels | None = None,
    manager: Any = None,
) -> VariantResult:
    """Execute the notebook and render its page, both into ``work`` (absolute)."""
    # nbformat (jsonschema) takes ~0.5 s to import: paid by the first variant, in its thread.
    import nbformat

    result = VariantResult(variant)
    work.mkdir(parents=True, exist_ok=True)
    executed = work / f"{REPORT_STEM}.ipynb"
    started = time.monotonic()
    result.error = execute_notebook(
        notebook,
        executed,
        variant.parameters,
        kernel=kernel,
        cell_timeout=cell_timeout,
        kernels=kernels,
        manager=manager,
    )
    result.timings["execute"] = time.monotonic() - started
    if executed.exists():
        result.files["ipynb"] = executed
    if result.error:
        return result
    started = time.monotonic()
    try:
        page = renderer.result().render(nbformat.read(executed, as_version=4), context)
        html_path = work / f"{REPORT_STEM}.html"
        html_path.write_text(page, encoding="utf-8")
    except Exception as exc:  # a template or output problem: fail this variant, not the build
        result.error = f"HTML conversion failed: {type(exc).__name__}: {exc}"
        return result
    result.files["html"] = html_path
    result.timings["html"] = time.monotonic() - started
    result.ok = True
    return result


def background_renderer() -> Future[HtmlRenderer]:
    """An :class:`HtmlRenderer` made in a background thread (its imports take seconds)."""
    setup = ThreadPoolExecutor(max_workers=1, thread_name_prefix="drawdown-renderer")
    renderer = setup.submit(HtmlRenderer)
    setup.shutdown(wait=False)
    return renderer


def run_local(
    todo: list[Variant],
    *,
    notebook: Path,
    staging: Path,
    contexts: dict[str, PageContext],
    jobs: int,
    cell_timeout: int,
    kernels: Kernels,
    started: Callable[[Variant], None],
    ended: Callable[[VariantResult], None],
) -> Iterator[VariantResult]:
    """Run every variant in a pool of ``jobs`` threads; yield each result as it completes.

    ``started`` and ``ended`` are called from the worker thread when a variant actually
    begins and ends, so a count of what runs is never more than ``jobs``.
    """
    kernel = kernel_name()
    renderers: list[Future[HtmlRenderer]] = []
    lock = threading.Lock()

    def renderer() -> Future[HtmlRenderer]:
        # nbconvert's imports take seconds: made in the background once the first kernel
        # is booting, so they do not hold up its start.
        with lock:
            if not renderers:
                renderers.append(background_renderer())
            return renderers[0]

    def one(variant: Variant) -> VariantResult:
        started(variant)
        manager = None
        try:
            manager = kernels.start(kernel, notebook.parent)
        except Exception:  # papermill starts one itself, and reports why it cannot
            manager = None
        try:
            result = run_variant(
                variant,
                notebook,
                staging / variant.rel_dir,
                renderer(),
                contexts[variant.label],
                kernel=kernel,
                cell_timeout=cell_timeout,
                kernels=kernels,
                manager=manager,
            )
        finally:
            if manager is not None:
                kernels.shut(manager)
        ended(result)
        return result

    with ThreadPoolExecutor(max_workers=min(jobs, len(todo))) as pool:
        futures = [pool.submit(one, variant) for variant in todo]
        try:
            for future in as_completed(futures):
                yield future.result()
        except BaseException:
            # Ctrl-C or SIGTERM: the kernels run in their own sessions and never see it, and
            # the pool would wait for their cells. Stop this build's kernels: the threads end.
            pool.shutdown(wait=False, cancel_futures=True)
            kernels.stop_all()
            raise
