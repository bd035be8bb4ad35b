"""Run a build: the steps in order — plan, execute, HTML, PDF, publish, records.

1. :mod:`~analysis.pipeline.plan` checks everything that can be checked before a kernel
   starts (the data, the parameters, the notebook, Chromium when a PDF is asked for): a
   mistake there exits 2 and writes nothing.
2. :mod:`~analysis.pipeline.execute` runs the variants (local threads, one kernel each, or
   a Dask cluster) and renders each page (:mod:`~analysis.pipeline.html`) into staging.
3. :mod:`~analysis.pipeline.pdf` prints the staged pages with one Chromium.
4. :mod:`~analysis.pipeline.publish` renames each variant's files into OUT together.
5. :mod:`~analysis.pipeline.records` writes the manifest, status, log and index.
"""

from __future__ import annotations

import dataclasses
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from analysis.browser import ChromiumNotFound, find_chromium
from analysis.dataset import DataValidationError, load_dataset
from analysis.pipeline import pdf, publish, records
from analysis.pipeline.execute import Kernels, run_local
from analysis.pipeline.html import PageContext, page_context
from analysis.pipeline.plan import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    EXIT_RUN_FAILED,
    REPORT_STEM,
    Options,
    ParameterError,
    Variant,
    plan,
)
from analysis.pipeline.progress import Progress
from analysis.pipeline.records import BuildInfo, BuildResult, VariantResult
from analysis.terminal import format_problems, printable


def _say(text: str) -> None:
    """One line on stderr; anything echoed in it is escaped (a newline cannot forge a line)."""
    print(printable(text), file=sys.stderr)


def _terminate_on_sigterm() -> Callable[[], None]:
    """SIGTERM behaves like Ctrl-C, so the staging directory is cleaned up either way."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, handler)
    return lambda: signal.signal(signal.SIGTERM, previous)


def _checked(options: Options) -> tuple[Any, list[Variant], str | None] | int:
    """The dataset, the variants and Chromium; or exit 2 having said why."""
    try:
        dataset = load_dataset(options.data_dir)
    except DataValidationError as exc:
        _say(f"{options.data_dir}: {len(exc.problems)} problem(s); nothing was built")
        print(file=sys.stderr)
        print(format_problems(exc.problems), file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        variants = plan(options, dataset)
        chromium = None
        if "pdf" in options.formats:
            try:
                chromium = find_chromium()
            except ChromiumNotFound as exc:
                raise ParameterError([str(exc)]) from None
    except ParameterError as exc:
        _say("drawdown build: bad parameters; nothing was built")
        for message in exc.messages:
            _say(f"  {message}")
        return EXIT_BAD_INPUT
    return dataset, variants, chromium


def build(options: Options) -> int:
    """Run a whole build; return the exit code (0, 1 or 2). Messages go to stderr."""
    options = options.resolved()
    checked = _checked(options)
    if isinstance(checked, int):
        return checked
    dataset, variants, chromium = checked
    progress = Progress(len(variants), quiet=options.quiet)
    run = _Run(options, dataset, variants, chromium, progress)
    restore_signal = _terminate_on_sigterm()
    try:
        with publish.output_lock(options.out, options.lock_wait, progress.note):
            return run.locked()
    except TimeoutError as exc:
        _say(f"drawdown build: {exc}")
        return EXIT_RUN_FAILED
    except KeyboardInterrupt:
        _say(f"drawdown build: interrupted; {run.published_text()}")
        return 130
    except OSError as exc:
        _say(f"drawdown build: cannot write the output: {exc}; {run.published_text()}")
        return EXIT_RUN_FAILED
    finally:
        restore_signal()


class _Run:
    """One build under the output lock: what it ran and what it published so far."""

    def __init__(
        self,
        options: Options,
        dataset: Any,
        variants: list[Variant],
        chromium: str | None,
        progress: Progress,
    ) -> None:
        self.options, self.dataset, self.variants = options, dataset, variants
        self.chromium, self.progress = chromium, progress
        self.published: list[str] = []

    def published_text(self) -> str:
        if not self.published:
            return "published reports are unchanged"
        return f"published before it stopped: {', '.join(self.published)}"

    def locked(self) -> int:
        options, out = self.options, self.options.out
        info = records.build_info(options, self.dataset)
        result = BuildResult(info)
        publish.clear_stale_staging(out)
        keys = {
            v.label: records.variant_key(v, options, info.data_hash, info.code_hash)
            for v in self.variants
        }
        todo = [
            v
            for v in self.variants
            if options.force or not _up_to_date(out, v, keys[v.label], options.formats)
        ]
        for variant in self.variants:
            if variant not in todo:
                self.progress.skip(variant.label)
        if todo:
            result.info = info = dataclasses.replace(info, tools=records.tool_versions())
            with publish.staging_dir(out) as staging:
                self._run(todo, keys, staging, result)
            for as_of in sorted({r.variant.as_of for r in result.variants if r.ok}):
                records.write_timeline_csv(out, as_of, self.dataset)
                records.write_manifest(
                    out,
                    as_of,
                    [r for r in result.variants if r.ok and r.variant.as_of == as_of],
                    info,
                    combined=result.combined.get(as_of),
                )
        records.write_status(out, result.variants, info.generated)
        records.write_log(out, self.variants, result.variants, info.generated)
        if todo or not (out / "index.html").exists():
            # A build that ran nothing changed no report: the index stands (and a no-op
            # build stays well under a second without loading Jinja).
            records.write_index(out, info)
        return self._report(result)

    def _report(self, result: BuildResult) -> int:
        failed = [r for r in result.variants if r.failure]
        for variant_result in failed:
            _say(f"drawdown build: {variant_result.variant.label} failed: {variant_result.failure}")
            if variant_result.failed_notebook:
                _say(f"  executed notebook kept at {variant_result.failed_notebook}")
        for as_of, error in sorted(result.combined_errors.items()):
            _say(f"drawdown build: {as_of} combined PDF failed: {error}")
        out = self.options.out
        self.progress.note(f"reports in {out} (index: {out / 'index.html'})")
        return EXIT_RUN_FAILED if failed or result.combined_errors else EXIT_OK

    def _executed(
        self, todo: list[Variant], contexts: dict[str, PageContext], staging: Path
    ) -> Iterator[VariantResult]:
        options = self.options
        if options.executor == "dask":
            # Dask's client takes ~2 s to import: only builds that use it pay.
            from analysis.distributed import run_on_dask

            yield from run_on_dask(todo, options, contexts, staging, self.progress)
            return
        yield from run_local(
            todo,
            notebook=options.notebook,
            staging=staging,
            contexts=contexts,
            jobs=options.jobs,
            cell_timeout=options.cell_timeout,
            kernels=Kernels(),
            started=lambda v: self.progress.start(v.label),
            ended=self._ended,
        )

    def _ended(self, variant_result: VariantResult) -> None:
        """Count a variant's run as ended (called as it ends: the running count is true)."""
        label = variant_result.variant.label
        if variant_result.ok:
            self.progress.finish(label, True, f"{sum(variant_result.timings.values()):.1f}s")
        else:
            self.progress.finish(label, False, variant_result.error or "")

    def _run(
        self, todo: list[Variant], keys: dict[str, str], staging: Path, result: BuildResult
    ) -> None:
        contexts = {v.label: page_context(v, result.info) for v in todo}
        printer = None
        if self.chromium:  # the browser starts with the kernels, not after them
            printer = pdf.start_printer(
                self.chromium, timeout_s=self.options.print_timeout, expected=len(todo)
            )
        try:
            self._execute_and_print(todo, keys, contexts, staging, result, printer)
        except BaseException:
            if printer is not None:
                printer.close(kill=True)
            raise
        if printer is not None:
            printer.close()
        for variant_result in result.variants:
            if variant_result.ok and variant_result.pdf_error:
                variant_result.ok = False
                variant_result.files = {}
            elif variant_result.ok:
                self._publish(variant_result)
        if self.options.combined:
            self._combine(result, staging)
        result.variants.sort(key=lambda r: (r.variant.as_of, r.variant.lang))

    def _execute_and_print(
        self,
        todo: list[Variant],
        keys: dict[str, str],
        contexts: dict[str, PageContext],
        staging: Path,
        result: BuildResult,
        printer: Any,
    ) -> None:
        """Run the variants; hand each staged page to the printer as soon as it is there."""
        printing: dict[str, Any] = {}
        started = time.monotonic()
        for variant_result in self._executed(todo, contexts, staging):
            variant_result.key = keys[variant_result.variant.label]
            result.variants.append(variant_result)
            label = variant_result.variant.label
            if self.options.executor == "dask":  # the local pool counts its own as they end
                self._ended(variant_result)
            if not variant_result.ok:
                publish.keep_failed(variant_result, self.options.out)
            elif printer is not None:
                job = pdf.print_job(variant_result, contexts[label], self.options.digits)
                printing[label] = printer.submit(job)
        for variant_result in result.variants:
            if variant_result.variant.label in printing:
                pdf.collect(variant_result, printing[variant_result.variant.label], started)
                self._printed(variant_result)

    def _printed(self, variant_result: VariantResult) -> None:
        label = variant_result.variant.label
        if variant_result.pdf_error:
            self.progress.fail_late(label, variant_result.pdf_error)
            self.progress.note(
                f"{label}: PDF FAILED; not published: the previous report stays as it was"
            )
        else:
            self.progress.note(f"{label}: PDF ok")

    def _publish(self, variant_result: VariantResult) -> None:
        out = self.options.out

        def published(path: Path) -> None:
            self.published.append(str(path.relative_to(out)))

        for old in publish.publish_variant(variant_result, out, published):
            self.progress.note(f"removed {old.relative_to(out)}: from an earlier build")
        dropped = publish.drop_stale_combined(out, variant_result.variant.as_of.isoformat())
        if dropped is not None and not self.options.combined:
            self.progress.note(f"removed {dropped.relative_to(out)}: from an earlier build")

    def _combine(self, result: BuildResult, staging: Path) -> None:
        for as_of in sorted({r.variant.as_of for r in result.variants}):
            parts = {r.variant.lang: r for r in result.variants if r.variant.as_of == as_of}
            ar, en = parts.get("ar"), parts.get("en")
            if not (ar and en and "pdf" in ar.files and "pdf" in en.files):
                continue
            staged = staging / as_of.isoformat() / f"{REPORT_STEM}-ar-en.pdf"
            error = pdf.combine(ar.files["pdf"], en.files["pdf"], staged)
            if error:
                result.combined_errors[as_of] = error
                continue
            final = self.options.out / as_of.isoformat() / staged.name
            publish.publish_file(staged, final)
            result.combined[as_of] = final
            self.progress.note(f"{as_of}: combined PDF ok")


def _up_to_date(out: Path, variant: Variant, key: str, formats: tuple[str, ...]) -> bool:
    """True when the manifest has this key and every output file is there, unchanged."""
    manifest = records.read_manifest(out / variant.as_of.isoformat() / "manifest.json")
    try:
        info = manifest["variants"][variant.lang]
        if info.get("key") != key:
            return False
        for fmt in formats:
            entry = info["files"][fmt]
            path = out / entry["path"]
            if (
                path.stat().st_size != entry["bytes"]
                or records.sha256_file(path) != entry["sha256"]
            ):
                return False
    except (OSError, KeyError, TypeError):
        return False
    return True


__all__ = ["BuildInfo", "Options", "build"]
