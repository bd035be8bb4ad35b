"""``drawdown build``: run the report notebook per as-of date and language, publish HTML and PDF.

The order of work, and why:

1. Everything that can be checked before a kernel starts is checked (the data, the
   parameters, the notebook, Chromium when a PDF is asked for): a mistake there exits
   2 and writes nothing.
2. Variants run in parallel threads, each with its own kernel (papermill's API in one
   process: the imports of papermill and nbconvert are paid once, not per report).
3. Every file is written under ``OUT/.staging-*`` first and renamed into place, so a
   reader with the report open, a failed run or a killed build never sees a half file
   and the last good report stays as it was.
4. One Chromium process prints every PDF.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from analysis import __version__
from analysis.dates import DateFormatError, parse_as_of
from analysis.files import write_atomic
from analysis.paths import DATA_DIR, NOTEBOOKS_DIR, PROJECT_DIR, REPORTS_DIR, TEMPLATES_DIR

EXIT_OK, EXIT_RUN_FAILED, EXIT_BAD_INPUT = 0, 1, 2
REPORT_NOTEBOOK = NOTEBOOKS_DIR / "drawdown_report.ipynb"
REPORT_STEM = "drawdown-report"
LANGS = ("ar", "en")
FORMATS = ("html", "pdf")
STEPS = {"day": "day", "week": "week", "month": "month", "quarter": "quarter", "year": "year"}
#: Cells tagged with these are not part of the published page.
HIDDEN_CELL_TAGS = {"parameters", "injected-parameters", "remove-in-report"}


class ParameterError(ValueError):
    """Bad build parameters: every message, checked before any kernel starts."""

    def __init__(self, messages: Sequence[str]) -> None:
        self.messages = tuple(messages)
        super().__init__("\n".join(self.messages))


@dataclasses.dataclass(frozen=True)
class Options:
    data_dir: Path = DATA_DIR
    as_of: tuple[dt.date, ...] = ()
    langs: tuple[str, ...] = LANGS
    formats: tuple[str, ...] = FORMATS
    out: Path = REPORTS_DIR
    jobs: int = 2
    compare_to: dt.date | None = None
    sites: tuple[str, ...] = ()
    ar_months: str = "iraqi"
    digits: str = "western"
    rtl_axis: bool = True
    notebook: Path = REPORT_NOTEBOOK
    cell_timeout: int = 300
    print_timeout: int = 90
    combined: bool = False
    lock_wait: float = 600.0
    quiet: bool = False
    force: bool = False
    #: "local" (threads, one kernel each) or "dask" (a Dask distributed cluster).
    executor: str = "local"
    #: The Dask scheduler address, e.g. tcp://10.0.0.5:8786 (executor "dask").
    scheduler: str | None = None


@dataclasses.dataclass(frozen=True)
class Variant:
    as_of: dt.date
    lang: str
    parameters: dict[str, Any]

    @property
    def rel_dir(self) -> Path:
        return Path(self.as_of.isoformat()) / self.lang

    @property
    def label(self) -> str:
        return f"{self.as_of.isoformat()} {self.lang}"


@dataclasses.dataclass
class VariantResult:
    variant: Variant
    ok: bool = False
    files: dict[str, Path] = dataclasses.field(default_factory=dict)
    timings: dict[str, float] = dataclasses.field(default_factory=dict)
    error: str | None = None
    pdf_error: str | None = None
    failed_notebook: Path | None = None
    key: str = ""
    context: dict[str, Any] = dataclasses.field(default_factory=dict)


# --------------------------------------------------------------------------- parameters


def expand_as_of(text: str, every: str | None) -> list[dt.date]:
    """One date, a comma list, or a range ``A..B`` stepped by ``every``."""
    dates: list[dt.date] = []
    for part in text.split(","):
        part = part.strip()
        if ".." in part:
            first_text, last_text = part.split("..", 1)
            first, last = parse_as_of(first_text), parse_as_of(last_text)
            if last < first:
                raise DateFormatError(f"range {part!r} runs backwards")
            if every is None:
                raise DateFormatError(f"range {part!r} needs --every day|week|month|quarter|year")
            dates.extend(_stepped(first, last, every))
        else:
            dates.append(parse_as_of(part))
    return sorted(set(dates))


def _stepped(first: dt.date, last: dt.date, every: str) -> Iterator[dt.date]:
    months = {"month": 1, "quarter": 3, "year": 12}.get(every)
    index = 0
    while True:
        if months:
            total = first.month - 1 + index * months
            year, month = first.year + total // 12, total % 12 + 1
            day = min(first.day, _month_length(year, month))
            current = dt.date(year, month, day)
        else:
            current = first + dt.timedelta(days=index * (7 if every == "week" else 1))
        if current > last:
            return
        yield current
        index += 1


def _month_length(year: int, month: int) -> int:
    import calendar

    return calendar.monthrange(year, month)[1]


def plan(options: Options, dataset: Any) -> list[Variant]:
    """The variants to run, or :class:`ParameterError` with every reason they cannot run."""
    messages: list[str] = []
    if not options.as_of:
        messages.append("--as-of: no report date given")
    for lang in options.langs:
        if lang not in LANGS:
            messages.append(f"--lang {lang!r}: expected one of {', '.join(LANGS)}")
    for fmt in options.formats:
        if fmt not in FORMATS:
            messages.append(f"--format {fmt!r}: expected one of {', '.join(FORMATS)}")
    unknown = [s for s in options.sites if s not in dataset.sites]
    if unknown:
        messages.append(
            f"--sites {', '.join(unknown)}: not in sites.csv (known: {', '.join(dataset.sites)})"
        )
    if options.compare_to and options.as_of and options.compare_to >= min(options.as_of):
        messages.append(
            f"--compare-to {options.compare_to}: must be before the report date "
            f"{min(options.as_of)}"
        )
    if options.ar_months not in ("iraqi", "egyptian"):
        messages.append(f"--ar-months {options.ar_months!r}: expected iraqi or egyptian")
    if options.digits not in ("western", "arabic"):
        messages.append(f"--digits {options.digits!r}: expected western or arabic")
    if options.executor == "dask":
        messages += _scheduler_problems(options.scheduler)
    elif options.scheduler:
        messages.append(f"--scheduler {options.scheduler}: given without --executor dask")
    if options.jobs < 1:
        messages.append(f"--jobs {options.jobs}: expected 1 or more")
    if not options.notebook.is_file():
        messages.append(f"notebook {options.notebook}: not found")
    if options.combined and not ({"ar", "en"} <= set(options.langs) and "pdf" in options.formats):
        messages.append("--combined needs both languages and --format pdf")
    if options.combined and not shutil.which("pdfunite"):
        messages.append(
            "--combined needs pdfunite (poppler-utils): apt-get install poppler-utils, "
            "or conda install -c conda-forge poppler"
        )
    if options.out.exists() and not options.out.is_dir():
        messages.append(f"--out {options.out}: exists and is not a directory")
    if messages:
        raise ParameterError(messages)
    return [
        Variant(as_of, lang, _parameters(options, as_of, lang))
        for as_of in options.as_of
        for lang in options.langs
    ]


def _scheduler_problems(address: str | None) -> list[str]:
    """A Dask scheduler that is named, importable and answering, checked before any work."""
    import importlib.util
    import socket
    from urllib.parse import urlsplit

    if not address:
        return ["--executor dask needs --scheduler tcp://HOST:8786"]
    if importlib.util.find_spec("distributed") is None:
        return ["--executor dask needs the 'distributed' package: pip install 'dask[distributed]'"]
    parts = urlsplit(address)
    if parts.scheme not in ("tcp", "tls") or not parts.hostname or not parts.port:
        return [f"--scheduler {address!r}: expected tcp://HOST:PORT (or tls://HOST:PORT)"]
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=5).close()
    except OSError as exc:
        return [
            f"--scheduler {address}: no Dask scheduler answers there ({exc.strerror or exc}); "
            "start one with `dask scheduler` (see docs/distributed.md)"
        ]
    return []


def _parameters(options: Options, as_of: dt.date, lang: str) -> dict[str, Any]:
    return {
        "as_of": as_of.isoformat(),
        "lang": lang,
        "data_dir": str(options.data_dir.resolve()),
        "sites": list(options.sites),
        "compare_to": options.compare_to.isoformat() if options.compare_to else "",
        "ar_months": options.ar_months,
        "digits": options.digits,
        "rtl_axis": options.rtl_axis,
        "interactive": False,
    }


# --------------------------------------------------------------------------- progress


class Progress:
    """One line per change on stderr: done, running and failed counts, with the variant."""

    def __init__(self, total: int, *, quiet: bool = False) -> None:
        self.total, self.quiet = total, quiet
        self.done = self.running = self.failed = 0
        self._lock = threading.Lock()
        self._started = time.monotonic()

    def _say(self, text: str) -> None:
        if not self.quiet:
            elapsed = time.monotonic() - self._started
            print(
                f"[{elapsed:6.1f}s] {self.done}/{self.total} done, {self.running} running, "
                f"{self.failed} failed | {text}",
                file=sys.stderr,
                flush=True,
            )

    def start(self, label: str) -> None:
        with self._lock:
            self.running += 1
            self._say(f"{label}: running")

    def finish(self, label: str, ok: bool, detail: str) -> None:
        with self._lock:
            self.running -= 1
            if ok:
                self.done += 1
            else:
                self.failed += 1
            self._say(f"{label}: {'ok' if ok else 'FAILED'} {detail}")

    def skip(self, label: str) -> None:
        with self._lock:
            self.done += 1
            self._say(f"{label}: up to date, skipped (--force rebuilds)")

    def note(self, text: str) -> None:
        with self._lock:
            self._say(text)


# --------------------------------------------------------------------------- files


def publish(staged: Path, final: Path) -> None:
    """Move a staged file into place with one rename (same filesystem: staging is under OUT)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(staged, 0o644)
    os.replace(staged, final)


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@contextmanager
def output_lock(out: Path, wait_s: float, progress: Progress) -> Iterator[None]:
    """One build at a time per output directory: a second build waits, then gives up."""
    out.mkdir(parents=True, exist_ok=True)
    handle = (out / ".drawdown.lock").open("a+")
    deadline = time.monotonic() + wait_s
    announced = False
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise TimeoutError(
                        f"another drawdown build is writing to {out} "
                        f"(lock {out / '.drawdown.lock'}); "
                        f"gave up after {wait_s:.0f} s — wait for it or build into another --out"
                    ) from None
                if not announced:
                    progress.note(f"another build is writing to {out}; waiting for it to finish")
                    announced = True
                time.sleep(0.2)
        yield
    finally:
        handle.close()


# --------------------------------------------------------------------------- html


class HtmlRenderer:
    """nbconvert through the project template, shared by every variant of a build."""

    def __init__(self) -> None:
        from nbconvert import HTMLExporter
        from nbconvert.preprocessors import TagRemovePreprocessor

        from analysis.charts import plotly_js

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
        self._plotly_js = plotly_js()
        self._css = (TEMPLATES_DIR / "report.css").read_text(encoding="utf-8")
        self._lock = threading.Lock()

    def render(self, notebook: Any, context: dict[str, Any]) -> str:
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
                **context,
                "css": self._css,
                "plotly_js": self._plotly_js if has_chart else "",
            }
        }
        with self._lock:
            body, _ = self._exporter.from_notebook_node(clean, resources=resources)
        return body


# --------------------------------------------------------------------------- one variant


def code_version() -> str:
    """The package version, plus the git commit when running from a checkout."""
    head = PROJECT_DIR / ".git" / "HEAD"
    try:
        ref = head.read_text().strip()
        if ref.startswith("ref: "):
            ref_file = PROJECT_DIR / ".git" / ref[5:]
            commit = ref_file.read_text().strip() if ref_file.exists() else _packed_ref(ref[5:])
        else:
            commit = ref
        return f"{__version__}+g{commit[:10]}" if commit else __version__
    except OSError:
        return __version__


def _packed_ref(name: str) -> str:
    packed = PROJECT_DIR / ".git" / "packed-refs"
    if packed.exists():
        for line in packed.read_text().splitlines():
            if line.endswith(" " + name):
                return line.split()[0]
    return ""


def _footer_context(
    variant: Variant, data_hash: str, version: str, generated: str
) -> dict[str, Any]:
    from markupsafe import Markup

    from analysis.i18n import format_date, label, make_locale

    loc = make_locale(variant.lang, variant.parameters["ar_months"], variant.parameters["digits"])
    as_of_text = format_date(variant.as_of, loc)
    ltr = Markup('{} <bdi dir="ltr"><code>{}</code></bdi>')
    parts = [
        Markup("{} {}").format(label("as_of", loc), as_of_text),
        ltr.format(label("data_hash", loc), data_hash[:12]),
        ltr.format(label("code_version", loc), version),
        ltr.format(label("generated_at", loc), generated),
    ]
    return {
        "lang": variant.lang,
        "dir": loc.dir,
        "as_of": variant.as_of.isoformat(),
        "as_of_text": as_of_text,
        "title": f"{label('report_title', loc)} — {as_of_text}",
        "report_title": label("report_title", loc),
        "data_hash": data_hash,
        "code_version": version,
        "footer_html": Markup(" · ").join(parts),
        "page_label": label("page_x_of_y", loc),
    }


def run_variant(
    variant: Variant,
    options: Options,
    staging: Path,
    renderer: Future[HtmlRenderer],
    kernel_name: str,
    context: dict[str, Any],
) -> VariantResult:
    """Execute the notebook and render its HTML, all inside ``staging``."""
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    result = VariantResult(variant)
    work = staging / variant.rel_dir
    work.mkdir(parents=True, exist_ok=True)
    executed = work / f"{REPORT_STEM}.ipynb"
    started = time.monotonic()
    try:
        papermill.execute_notebook(
            str(options.notebook),
            str(executed),
            parameters=variant.parameters,
            kernel_name=kernel_name,
            progress_bar=False,
            log_output=False,
            execution_timeout=options.cell_timeout,
            cwd=str(options.notebook.parent),
        )
    except PapermillExecutionError as exc:
        result.error = (
            f"cell {exc.cell_index} (execution count {exc.exec_count}) raised "
            f"{exc.ename}: {exc.evalue}"
        )
        result.timings["execute"] = time.monotonic() - started
        return result
    except Exception as exc:  # a dead kernel, a timeout, a kernel that never started
        result.error = f"{type(exc).__name__}: {exc}".strip()
        result.timings["execute"] = time.monotonic() - started
        return result
    result.timings["execute"] = time.monotonic() - started
    result.files["ipynb"] = executed

    started = time.monotonic()
    try:
        notebook = nbformat.read(executed, as_version=4)
        html = renderer.result().render(notebook, context)
        html_path = work / f"{REPORT_STEM}.html"
        html_path.write_text(html, encoding="utf-8")
    except Exception as exc:  # a template or output problem: fail this variant, not the build
        result.error = f"HTML conversion failed: {type(exc).__name__}: {exc}"
        return result
    result.files["html"] = html_path
    result.timings["html"] = time.monotonic() - started
    result.ok = True
    return result


# --------------------------------------------------------------------------- manifest, index


def tool_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    versions = {"python": sys.version.split()[0]}
    for name in (
        "papermill",
        "nbconvert",
        "nbclient",
        "plotly",
        "pandas",
        "babel",
        "jinja2",
        "playwright",
    ):
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def write_manifest(
    out: Path, as_of: dt.date, results: Sequence[VariantResult], shared: dict[str, Any]
) -> Path:
    """``OUT/<as_of>/manifest.json``: what was built, from what, with what, how long it took."""
    path = out / as_of.isoformat() / "manifest.json"
    manifest: dict[str, Any] = {}
    if path.exists():
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            manifest = {}
    variants = manifest.get("variants", {})
    for result in results:
        if not result.ok:
            continue
        files = {}
        for fmt, file in sorted(result.files.items()):
            final = file  # already published: the path in OUT
            files[fmt] = {
                "path": str(final.relative_to(out)),
                "bytes": final.stat().st_size,
                "sha256": sha256_file(final),
            }
        if result.pdf_error:
            # The new HTML is published but the PDF did not print: the previous PDF is still
            # on disk. Say so rather than drop it, so the manifest describes what is there.
            previous = variants.get(result.variant.lang, {}).get("files", {}).get("pdf")
            if previous and (out / previous["path"]).exists():
                files["pdf"] = previous | {"stale": True}
        variants[result.variant.lang] = {
            "parameters": result.variant.parameters | {"data_dir": "<data_dir>"},
            "files": files,
            "timings_s": {k: round(v, 3) for k, v in result.timings.items()},
            "built_at": shared["generated"],
            "key": result.key if not result.pdf_error else "",
            "data_hash": shared["data_hash"],
            "code_version": shared["code_version"],
        }
    manifest = {
        "as_of": as_of.isoformat(),
        "data_dir": shared["data_dir"],
        "data_hash": shared["data_hash"],
        "code_version": shared["code_version"],
        "tools": shared["tools"],
        "generated": shared["generated"],
        "variants": dict(sorted(variants.items())),
    }
    write_atomic(path, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return path


def write_timeline_csv(out: Path, as_of: dt.date, dataset: Any, options: Options) -> Path:
    """``OUT/<as_of>/timeline.csv``: the phases and events of the report, formula-safe."""
    from analysis.export import timeline_rows, to_csv
    from analysis.timeline import timeline

    tl = timeline(dataset, as_of, sites=list(options.sites) or None)
    path = out / as_of.isoformat() / "timeline.csv"
    write_atomic(path, to_csv(timeline_rows(tl, dataset)))
    return path


def write_index(out: Path) -> Path:
    """A bilingual ``OUT/index.html`` of every report present, by year, newest date first.

    Each report shows when it was built and, from ``status.json``, whether the latest
    attempt to rebuild it failed (the published report is then the last good one).
    """
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    try:
        status = json.loads((out / "status.json").read_text(encoding="utf-8"))["variants"]
    except (OSError, ValueError, KeyError):
        status = {}
    years: dict[str, list[dict[str, Any]]] = {}
    for manifest_path in sorted(out.glob("*/manifest.json"), reverse=True):
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        as_of = str(manifest.get("as_of", manifest_path.parent.name))
        reports, combined = {}, None
        for lang, info in manifest.get("variants", {}).items():
            files = {
                fmt: f["path"]
                for fmt, f in info.get("files", {}).items()
                if (out / f["path"]).exists()
            }
            combined = combined or files.pop("combined_pdf", None)
            if files:
                state = status.get(f"{as_of}/{lang}", {})
                failure = state.get("last_failure")
                success = state.get("last_success", {}).get("at", "")
                reports[lang] = {
                    "files": files,
                    "built_at": info.get("built_at", ""),
                    "failure": failure if failure and failure["at"] > success else None,
                }
        if reports:
            years.setdefault(as_of[:4], []).append(
                {
                    "as_of": as_of,
                    "reports": reports,
                    "combined": combined,
                    "data_hash": manifest.get("data_hash", ""),
                }
            )
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(["html", "j2"])
    )
    html = env.get_template("index.html.j2").render(
        years=years, css=(TEMPLATES_DIR / "report.css").read_text(encoding="utf-8")
    )
    path = out / "index.html"
    write_atomic(path, html)
    return path


# --------------------------------------------------------------------------- the build


def _terminate_on_sigterm() -> Callable[[], None]:
    """SIGTERM behaves like Ctrl-C, so the staging directory is cleaned up either way."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, handler)
    return lambda: signal.signal(signal.SIGTERM, previous)


def _kernel_name() -> str:
    from analysis.kernel import KERNEL_NAME, kernel_available

    return KERNEL_NAME if kernel_available() else "python3"


def build(options: Options) -> int:
    """Run a whole build; return the exit code (0, 1 or 2). Messages go to stderr."""
    from analysis.dataset import DataValidationError, load_dataset

    try:
        dataset = load_dataset(options.data_dir)
    except DataValidationError as exc:
        from analysis.cli import format_problems

        print(
            f"{options.data_dir}: {len(exc.problems)} problem(s); nothing was built\n",
            file=sys.stderr,
        )
        print(format_problems(exc.problems), file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        variants = plan(options, dataset)
        chromium = None
        if "pdf" in options.formats:
            from analysis.browser import ChromiumNotFound, find_chromium

            try:
                chromium = find_chromium()
            except ChromiumNotFound as exc:
                raise ParameterError([str(exc)]) from None
    except ParameterError as exc:
        print("drawdown build: bad parameters; nothing was built", file=sys.stderr)
        for message in exc.messages:
            print(f"  {message}", file=sys.stderr)
        return EXIT_BAD_INPUT

    progress = Progress(len(variants), quiet=options.quiet)
    restore_signal = _terminate_on_sigterm()
    try:
        with output_lock(options.out, options.lock_wait, progress):
            return _build_locked(options, dataset, variants, chromium, progress)
    except TimeoutError as exc:
        print(f"drawdown build: {exc}", file=sys.stderr)
        return EXIT_RUN_FAILED
    except KeyboardInterrupt:
        print("drawdown build: interrupted; published reports are unchanged", file=sys.stderr)
        return 130
    except OSError as exc:
        print(
            f"drawdown build: cannot write the output: {exc}; published reports are unchanged",
            file=sys.stderr,
        )
        return EXIT_RUN_FAILED
    finally:
        restore_signal()


def variant_key(variant: Variant, options: Options, data_hash: str, code_hash: str) -> str:
    """Everything a variant's output depends on; an unchanged key means nothing to rebuild."""
    inputs = {
        "data_hash": data_hash,
        "notebook": sha256_file(options.notebook),
        "code": code_hash,
        "parameters": variant.parameters | {"data_dir": None},
        "formats": sorted(options.formats),
        "combined": options.combined,
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def code_hash() -> str:
    """The package's code, templates and labels: a change to any of them rebuilds."""
    from analysis.paths import PACKAGE_DIR

    digest = hashlib.sha256(__version__.encode())
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".j2", ".json", ".css"}:
            digest.update(str(path.relative_to(PACKAGE_DIR)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _up_to_date(out: Path, variant: Variant, key: str, formats: Sequence[str]) -> bool:
    """True when the manifest has this key and every output file is there, unchanged."""
    manifest_path = out / variant.as_of.isoformat() / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        info = manifest["variants"][variant.lang]
        if info.get("key") != key:
            return False
        for fmt in formats:
            entry = info["files"][fmt]
            path = out / entry["path"]
            if path.stat().st_size != entry["bytes"] or sha256_file(path) != entry["sha256"]:
                return False
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return True


def _build_locked(
    options: Options,
    dataset: Any,
    variants: list[Variant],
    chromium: str | None,
    progress: Progress,
) -> int:
    out = options.out
    generated = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    shared = {
        "data_dir": str(options.data_dir),
        "data_hash": dataset.data_hash,
        "code_version": code_version(),
        "code_hash": code_hash(),
        "tools": tool_versions(),
        "generated": generated,
    }
    # We hold the lock, so no other build is writing: staging left by a killed build is stale.
    for stale in out.glob(".staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
    keys = {
        v.label: variant_key(v, options, dataset.data_hash, shared["code_hash"]) for v in variants
    }
    todo = [
        v
        for v in variants
        if options.force or not _up_to_date(out, v, keys[v.label], options.formats)
    ]
    for variant in variants:
        if variant not in todo:
            progress.skip(variant.label)
    results: list[VariantResult] = []
    if todo:
        staging = Path(tempfile.mkdtemp(dir=out, prefix=".staging-"))
        try:
            results = _run_variants(
                options, dataset, todo, keys, chromium, progress, staging, shared
            )
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        for as_of in sorted({r.variant.as_of for r in results if r.ok}):
            write_timeline_csv(out, as_of, dataset, options)
            write_manifest(
                out, as_of, [r for r in results if r.ok and r.variant.as_of == as_of], shared
            )
    write_status(out, results, generated)
    write_log(out, variants, results, generated)
    write_index(out)
    failed = [r for r in results if not r.ok or r.pdf_error]
    for result in failed:
        print(
            f"drawdown build: {result.variant.label} failed: {result.error or result.pdf_error}",
            file=sys.stderr,
        )
        if result.failed_notebook:
            print(f"  executed notebook kept at {result.failed_notebook}", file=sys.stderr)
    progress.note(f"reports in {out} (index: {out / 'index.html'})")
    return EXIT_RUN_FAILED if failed else EXIT_OK


def _run_variants(
    options: Options,
    dataset: Any,
    todo: list[Variant],
    keys: dict[str, str],
    chromium: str | None,
    progress: Progress,
    staging: Path,
    shared: dict[str, Any],
) -> list[VariantResult]:
    out = options.out
    contexts = {
        v.label: _footer_context(v, dataset.data_hash, shared["code_version"], shared["generated"])
        for v in todo
    }
    results: list[VariantResult] = []
    for result in _executed(options, todo, contexts, staging, progress):
        result.context = contexts[result.variant.label]
        result.key = keys[result.variant.label]
        results.append(result)
        if result.ok:
            for fmt, file in list(result.files.items()):
                final = out / result.variant.rel_dir / file.name
                publish(file, final)
                result.files[fmt] = final
            progress.finish(result.variant.label, True, f"{sum(result.timings.values()):.1f}s")
        else:
            _keep_failed(result, staging, out)
            progress.finish(result.variant.label, False, result.error or "")
    good = [r for r in results if r.ok]
    if chromium and good:
        _print_pdfs(good, options, staging, out, chromium, progress)
        if options.combined:
            _combine_pdfs(good, staging, out, progress)
    return sorted(results, key=lambda r: (r.variant.as_of, r.variant.lang))


def _executed(
    options: Options,
    todo: list[Variant],
    contexts: dict[str, dict[str, Any]],
    staging: Path,
    progress: Progress,
) -> Iterator[VariantResult]:
    """Run every variant; yield each result, its files in ``staging``, as it completes."""
    if options.executor == "dask":
        from analysis.distributed import run_on_dask

        yield from run_on_dask(todo, options, contexts, staging, progress)
        return
    kernel = _kernel_name()
    # nbconvert's and plotly's imports take seconds: pay them while the kernels run.
    setup = ThreadPoolExecutor(max_workers=1)
    renderer = setup.submit(HtmlRenderer)
    setup.shutdown(wait=False)
    with ThreadPoolExecutor(max_workers=min(options.jobs, len(todo))) as pool:
        futures = []
        for variant in todo:
            progress.start(variant.label)
            futures.append(
                pool.submit(
                    run_variant,
                    variant,
                    options,
                    staging,
                    renderer,
                    kernel,
                    contexts[variant.label],
                )
            )
        try:
            for future in as_completed(futures):
                yield future.result()
        except BaseException:
            # Ctrl-C or SIGTERM: the kernels run in their own sessions and never see it, and
            # the pool would wait for their cells. Stop them, so the threads end now.
            pool.shutdown(wait=False, cancel_futures=True)
            _stop_kernels()
            raise


def _combine_pdfs(
    results: list[VariantResult], staging: Path, out: Path, progress: Progress
) -> None:
    """``OUT/<as_of>/drawdown-report-ar-en.pdf``: the Arabic report, then the English one."""
    for as_of in sorted({r.variant.as_of for r in results}):
        parts = {r.variant.lang: r for r in results if r.variant.as_of == as_of}
        ar, en = parts.get("ar"), parts.get("en")
        if not (ar and en and "pdf" in ar.files and "pdf" in en.files):
            continue
        staged = staging / as_of.isoformat() / f"{REPORT_STEM}-ar-en.pdf"
        run = subprocess.run(
            ["pdfunite", str(ar.files["pdf"]), str(en.files["pdf"]), str(staged)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        if run.returncode != 0:
            en.pdf_error = f"combining the PDFs failed: {run.stderr.strip()}"
            continue
        final = out / as_of.isoformat() / staged.name
        publish(staged, final)
        ar.files["combined_pdf"] = final
        progress.note(f"{as_of}: combined PDF ok")


def write_log(
    out: Path, variants: Sequence[Variant], results: Sequence[VariantResult], generated: str
) -> Path:
    """Append one JSON line per variant to ``OUT/_logs/builds.jsonl`` (for log shippers)."""
    by_label = {r.variant.label: r for r in results}
    lines = []
    for variant in variants:
        result = by_label.get(variant.label)
        record: dict[str, Any] = {
            "at": generated,
            "as_of": variant.as_of.isoformat(),
            "lang": variant.lang,
        }
        if result is None:
            record["outcome"] = "skipped"
        else:
            record["outcome"] = "ok" if result.ok and not result.pdf_error else "failed"
            record["seconds"] = {k: round(v, 3) for k, v in result.timings.items()}
            if result.error or result.pdf_error:
                record["error"] = result.error or result.pdf_error
        lines.append(json.dumps(record, ensure_ascii=False))
    path = out / "_logs" / "builds.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    return path


def write_status(out: Path, results: Sequence[VariantResult], generated: str) -> Path:
    """``OUT/status.json``: per variant the last success and the last failure, for monitors.

    A failed run never replaces the published report, so "current" keeps pointing at the
    last good one and a monitor can alert on ``last_failure`` newer than ``last_success``.
    """
    path = out / "status.json"
    try:
        status = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        status = {}
    variants = status.get("variants", {})
    for result in results:
        entry = variants.setdefault(f"{result.variant.as_of.isoformat()}/{result.variant.lang}", {})
        if result.ok:
            entry["last_success"] = {
                "at": generated,
                "key": result.key,
                "files": {k: str(v.relative_to(out)) for k, v in sorted(result.files.items())},
            }
            entry["current"] = str((out / result.variant.rel_dir).relative_to(out))
        error = result.error or result.pdf_error
        if error:
            entry["last_failure"] = {
                "at": generated,
                "error": error,
                "notebook": str(result.failed_notebook.relative_to(out))
                if result.failed_notebook
                else None,
            }
        entry["ok"] = result.ok and not result.pdf_error
    status = {"updated": generated, "variants": dict(sorted(variants.items()))}
    write_atomic(path, json.dumps(status, ensure_ascii=False, indent=2) + "\n")
    return path


def _stop_kernels() -> None:
    """Kill this process's child processes: the kernels papermill started."""
    import psutil

    for child in psutil.Process().children(recursive=True):
        try:
            child.kill()
        except psutil.Error:
            pass


def _keep_failed(result: VariantResult, staging: Path, out: Path) -> None:
    executed = staging / result.variant.rel_dir / f"{REPORT_STEM}.ipynb"
    if executed.exists():
        name = f"{result.variant.as_of}-{result.variant.lang}-{REPORT_STEM}.ipynb"
        target = out / "_failed" / name
        publish(executed, target)
        result.failed_notebook = target


def _print_pdfs(
    results: list[VariantResult],
    options: Options,
    staging: Path,
    out: Path,
    chromium: str,
    progress: Progress,
) -> None:
    """Print every report with one browser; publish each PDF that printed."""
    from analysis.browser import PrintJob, print_pdfs

    jobs = [
        PrintJob(
            html_path=r.files["html"],
            pdf_path=staging / r.variant.rel_dir / f"{REPORT_STEM}.pdf",
            lang=r.variant.lang,
            header_title=r.context["title"],
            footer_text=r.context["report_title"],
            page_label=r.context["page_label"],
            digits=options.digits if r.variant.lang == "ar" else "western",
        )
        for r in results
    ]
    started = time.monotonic()
    try:
        printed = print_pdfs(jobs, executable=chromium, timeout_s=options.print_timeout)
    except Exception as exc:  # a hung or killed browser: the HTML reports stay published
        printed = []
        error = f"PDF printing failed: {exc}"
        progress.note(f"PDF FAILED ({exc}); the HTML reports stay published")
    else:
        error = ""
    done = {p.path for p in printed}
    for result, job in zip(results, jobs, strict=True):
        if job.pdf_path in done:
            final = out / result.variant.rel_dir / job.pdf_path.name
            publish(job.pdf_path, final)
            result.files["pdf"] = final
            result.timings["pdf"] = time.monotonic() - started
            progress.note(f"{result.variant.label}: PDF ok")
        else:
            result.pdf_error = error or "PDF printing failed"


# --------------------------------------------------------------------------- command line


def add_build_parser(sub: Any) -> None:
    today = dt.date.today().isoformat()
    parser = sub.add_parser(
        "build",
        help="run the report notebook and publish HTML and PDF reports",
        description=(
            "Run notebooks/drawdown_report.ipynb headlessly for each as-of date and language, "
            "and publish OUT/<as_of>/<lang>/drawdown-report.{ipynb,html,pdf}, "
            "OUT/<as_of>/manifest.json and OUT/index.html. Data and parameters are checked "
            "before any kernel starts (exit 2, nothing written); a failed run exits 1, keeps "
            "its notebook under OUT/_failed/ and leaves every published report as it was."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=DATA_DIR,
        metavar="DIR",
        help="the data directory ($DRAWDOWN_DATA)",
    )
    parser.add_argument(
        "--as-of",
        default=today,
        metavar="DATE",
        help="report date YYYY-MM-DD, a comma list, or a range A..B with --every",
    )
    parser.add_argument("--every", choices=sorted(STEPS), help="step of an --as-of range")
    parser.add_argument(
        "--lang", nargs="+", default=list(LANGS), choices=LANGS, help="report languages"
    )
    parser.add_argument(
        "--format",
        nargs="+",
        default=list(FORMATS),
        choices=FORMATS,
        dest="formats",
        help="output formats (pdf is printed from the html)",
    )
    parser.add_argument(
        "--out", type=Path, default=REPORTS_DIR, metavar="DIR", help="output directory"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=min(2, os.cpu_count() or 1),
        metavar="N",
        help="variants run in parallel (one kernel each)",
    )
    parser.add_argument(
        "--compare-to", metavar="DATE", default="", help="add a 'what changed since DATE' section"
    )
    parser.add_argument(
        "--sites",
        nargs="*",
        default=[],
        metavar="SITE",
        help="restrict the report to these site ids (default: all)",
    )
    parser.add_argument(
        "--ar-months",
        choices=("iraqi", "egyptian"),
        default="iraqi",
        help="Arabic month names: iraqi (أيلول) or egyptian (سبتمبر)",
    )
    parser.add_argument(
        "--digits",
        choices=("western", "arabic"),
        default="western",
        help="digits in Arabic reports: western (2025) or arabic (٢٠٢٥)",
    )
    parser.add_argument(
        "--ltr-axis",
        action="store_true",
        help="Arabic charts: run time left-to-right instead of right-to-left",
    )
    parser.add_argument(
        "--combined",
        action="store_true",
        help="also print one PDF with the Arabic and English reports back to back",
    )
    parser.add_argument(
        "--cell-timeout",
        type=int,
        default=300,
        metavar="S",
        help="seconds one notebook cell may run",
    )
    parser.add_argument(
        "--print-timeout",
        type=int,
        default=90,
        metavar="S",
        help="seconds one PDF may take to print",
    )
    parser.add_argument(
        "--executor",
        choices=("local", "dask"),
        default="local",
        help="where variants run: local threads, or a Dask distributed cluster",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler address for --executor dask, e.g. tcp://HOST:8786",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="rebuild every variant, even those whose inputs are unchanged",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.set_defaults(func=cmd_build)


def cmd_build(args: argparse.Namespace) -> int:
    try:
        as_of = expand_as_of(args.as_of, args.every)
        compare_to = parse_as_of(args.compare_to) if args.compare_to else None
    except DateFormatError as exc:
        print(
            f"drawdown build: bad parameters; nothing was built\n  --as-of/--compare-to: {exc}",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    options = Options(
        data_dir=args.data,
        as_of=tuple(as_of),
        langs=tuple(dict.fromkeys(args.lang)),
        formats=tuple(dict.fromkeys(args.formats)),
        out=args.out,
        jobs=args.jobs,
        compare_to=compare_to,
        sites=tuple(args.sites),
        ar_months=args.ar_months,
        digits=args.digits,
        rtl_axis=not args.ltr_axis,
        cell_timeout=args.cell_timeout,
        print_timeout=args.print_timeout,
        combined=args.combined,
        quiet=args.quiet,
        force=args.force,
        executor=args.executor,
        scheduler=args.scheduler,
    )
    return build(options)
