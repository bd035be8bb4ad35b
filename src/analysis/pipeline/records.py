"""Record what a build did: typed build records, the build key, manifest, status, log and index.

Every record is rewritten atomically. A state file this build cannot read (not JSON, or not
the shape it writes) is set aside as ``<name>.damaged-<time>`` with a warning, and the build
goes on from an empty one: a damaged file never makes a build fail after it published.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from analysis import __version__
from analysis.files import write_atomic
from analysis.paths import PACKAGE_DIR, PROJECT_DIR, TEMPLATES_DIR
from analysis.pipeline.plan import Options, Variant
from analysis.terminal import printable

#: The mark of the index page this tool writes (an index.html without it is the user's).
INDEX_MARK = b'class="drawdown-index"'


@dataclasses.dataclass(frozen=True)
class BuildInfo:
    """What every variant of one build shares: when, from which data, with which code."""

    generated: str
    data_dir: str
    data_hash: str
    code_version: str
    code_hash: str
    #: Filled in only when something is built (reading package metadata takes ~0.4 s).
    tools: dict[str, str] = dataclasses.field(default_factory=dict)
    title: str = ""
    title_ar: str = ""


@dataclasses.dataclass
class VariantResult:
    """One variant's outcome: its files (in staging, then in OUT), timings and errors."""

    variant: Variant
    ok: bool = False
    files: dict[str, Path] = dataclasses.field(default_factory=dict)
    timings: dict[str, float] = dataclasses.field(default_factory=dict)
    error: str | None = None
    pdf_error: str | None = None
    failed_notebook: Path | None = None
    key: str = ""

    @property
    def succeeded(self) -> bool:
        """Every format asked for was made."""
        return self.ok and not self.pdf_error

    @property
    def failure(self) -> str | None:
        """What went wrong, if anything did."""
        return self.error or self.pdf_error


@dataclasses.dataclass
class BuildResult:
    """A build's outcome: the variants, and the combined PDF of each date (the build's own)."""

    info: BuildInfo
    variants: list[VariantResult] = dataclasses.field(default_factory=list)
    combined: dict[dt.date, Path] = dataclasses.field(default_factory=dict)
    combined_errors: dict[dt.date, str] = dataclasses.field(default_factory=dict)


# --------------------------------------------------------------------------- identity


def generated_at(clock: Callable[[], dt.datetime]) -> str:
    """The build's generation time, to the second, from its clock."""
    return clock().astimezone(dt.UTC).replace(microsecond=0).isoformat()


def _git_dirs() -> tuple[Path, Path] | None:
    """The checkout's git directory and its common directory (they differ in a worktree,
    where ``.git`` is a file naming the directory)."""
    dot = PROJECT_DIR / ".git"
    if dot.is_file():
        text = dot.read_text(encoding="utf-8").strip()
        if not text.startswith("gitdir: "):
            return None
        git_dir = (PROJECT_DIR / text.removeprefix("gitdir: ")).resolve()
    elif dot.is_dir():
        git_dir = dot
    else:
        return None
    common = git_dir / "commondir"
    if common.is_file():
        return git_dir, (git_dir / common.read_text(encoding="utf-8").strip()).resolve()
    return git_dir, git_dir


def code_version() -> str:
    """The package version, plus the git commit when running from a checkout or worktree."""
    try:
        dirs = _git_dirs()
        if dirs is None:
            return __version__
        git_dir, common = dirs
        ref = (git_dir / "HEAD").read_text(encoding="utf-8").strip()
        commit = ref
        if ref.startswith("ref: "):
            name = ref.removeprefix("ref: ")
            files = [git_dir / name, common / name]
            found = next((f for f in files if f.is_file()), None)
            commit = (
                found.read_text(encoding="utf-8").strip() if found else _packed_ref(common, name)
            )
        return f"{__version__}+g{commit[:10]}" if commit else __version__
    except OSError:
        return __version__


def _packed_ref(common: Path, name: str) -> str:
    packed = common / "packed-refs"
    if packed.exists():
        for line in packed.read_text(encoding="utf-8").splitlines():
            if line.endswith(" " + name):
                return line.split()[0]
    return ""


def code_hash() -> str:
    """The package's code, templates, labels and JavaScript: a change to any rebuilds."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".j2", ".json", ".css", ".js"}:
            digest.update(str(path.relative_to(PACKAGE_DIR)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def tool_versions() -> dict[str, str]:
    """The versions of Python and the packages that shape a report."""
    # Reading package metadata takes ~0.4 s: only builds that write a manifest pay it.
    from importlib.metadata import PackageNotFoundError, version

    versions = {"python": sys.version.split()[0]}
    for name in ("papermill", "nbconvert", "nbclient", "plotly", "pandas", "babel", "jinja2"):
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def build_info(options: Options, dataset: Any) -> BuildInfo:
    """The shared record of a build about to run."""
    return BuildInfo(
        generated=generated_at(options.clock),
        data_dir=str(options.data_dir),
        data_hash=dataset.data_hash,
        code_version=code_version(),
        code_hash=code_hash(),
        title=getattr(dataset, "title", ""),
        title_ar=getattr(dataset, "title_ar", ""),
    )


def sha256_file(path: Path) -> str:
    """The sha256 of a file's bytes, hex."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def notebook_key(path: Path) -> str:
    """What a notebook *does*: its cells' types, sources and tags, not outputs or metadata.

    Saving an executed notebook in JupyterLab adds outputs, execution counts and metadata:
    none of them changes a report, so none of them changes the key.
    """
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cells = [
        {
            "type": cell.get("cell_type"),
            "source": "".join(cell.get("source", "")),
            "tags": sorted(cell.get("metadata", {}).get("tags", [])),
        }
        for cell in notebook.get("cells", [])
    ]
    return hashlib.sha256(json.dumps(cells, sort_keys=True).encode()).hexdigest()


def variant_key(variant: Variant, options: Options, data_hash: str, code: str) -> str:
    """Everything a variant's output depends on; an unchanged key means nothing to rebuild."""
    inputs = {
        "data_hash": data_hash,
        "notebook": notebook_key(options.notebook),
        "code": code,
        "parameters": variant.parameters | {"data_dir": None},
        "formats": sorted(options.formats),
        "combined": options.combined,
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


# --------------------------------------------------------------------------- state files


def _warn(text: str) -> None:
    print(f"drawdown build: warning: {printable(text)}", file=sys.stderr)


def _manifest_shape(data: Any) -> bool:
    if not isinstance(data, dict) or not isinstance(data.get("variants", {}), dict):
        return False
    for info in data.get("variants", {}).values():
        if not isinstance(info, dict) or not isinstance(info.get("files", {}), dict):
            return False
        for entry in info.get("files", {}).values():
            if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
                return False
    return True


def _status_shape(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and isinstance(data.get("variants", {}), dict)
        and all(isinstance(v, dict) for v in data.get("variants", {}).values())
    )


def read_state(path: Path, shape: Callable[[Any], bool], *, set_aside: bool = True) -> dict:
    """A JSON state file, or ``{}``; a damaged one is renamed aside (with a warning)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        data = None
    if data is not None and shape(data):
        return data
    if set_aside:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        aside = path.with_name(f"{path.name}.damaged-{stamp}")
        try:
            path.rename(aside)
            _warn(f"{path} could not be read; set aside as {aside.name} and started afresh")
        except OSError:
            _warn(f"{path} could not be read and not set aside; it is ignored")
    return {}


def read_manifest(path: Path, *, set_aside: bool = False) -> dict:
    """``OUT/<as_of>/manifest.json``, or ``{}``."""
    return read_state(path, _manifest_shape, set_aside=set_aside)


def read_status(out: Path, *, set_aside: bool = False) -> dict:
    """``OUT/status.json``, or ``{}``."""
    return read_state(out / "status.json", _status_shape, set_aside=set_aside)


def _file_entry(out: Path, path: Path) -> dict[str, Any]:
    return {
        "path": str(path.relative_to(out)),
        "bytes": path.stat().st_size,
        "sha256": sha256_file(path),
    }


def write_manifest(
    out: Path,
    as_of: dt.date,
    results: Sequence[VariantResult],
    info: BuildInfo,
    combined: Path | None = None,
) -> Path:
    """``OUT/<as_of>/manifest.json``: what was built, from what, with what, how long it took."""
    path = out / as_of.isoformat() / "manifest.json"
    manifest = read_manifest(path, set_aside=True)
    variants = manifest.get("variants", {})
    for result in results:
        if not result.ok:
            continue
        variants[result.variant.lang] = {
            "parameters": result.variant.parameters | {"data_dir": "<data_dir>"},
            "files": {fmt: _file_entry(out, file) for fmt, file in sorted(result.files.items())},
            "timings_s": {k: round(v, 3) for k, v in result.timings.items()},
            "built_at": info.generated,
            "key": result.key if not result.pdf_error else "",
            "data_hash": info.data_hash,
            "code_version": info.code_version,
        }
    record: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "data_dir": info.data_dir,
        "data_hash": info.data_hash,
        "code_version": info.code_version,
        "tools": info.tools,
        "generated": info.generated,
        "variants": dict(sorted(variants.items())),
    }
    if combined is not None:
        record["combined_pdf"] = _file_entry(out, combined) | {"built_at": info.generated}
    elif "combined_pdf" in manifest and (out / manifest["combined_pdf"]["path"]).exists():
        record["combined_pdf"] = manifest["combined_pdf"]
    write_atomic(path, json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    return path


def write_timeline_csv(out: Path, as_of: dt.date, dataset: Any) -> Path:
    """``OUT/<as_of>/timeline.csv``: every phase and event as of the date, formula-safe.

    Every site, whatever ``--sites`` a report was built with: the date's reports may come
    from builds with different sites, and one filtered table would misdescribe the others.
    """
    # The timeline model and its imports take ~0.6 s: a no-op build and the Dask worker skip them.
    from analysis.export import timeline_rows, to_csv
    from analysis.timeline import timeline

    tl = timeline(dataset, as_of)
    path = out / as_of.isoformat() / "timeline.csv"
    write_atomic(path, to_csv(timeline_rows(tl, dataset)))
    return path


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
            record["outcome"] = "ok" if result.succeeded else "failed"
            record["seconds"] = {k: round(v, 3) for k, v in result.timings.items()}
            if result.failure:
                record["error"] = result.failure
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
    variants = read_status(out, set_aside=True).get("variants", {})
    for result in results:
        entry = variants.setdefault(f"{result.variant.as_of.isoformat()}/{result.variant.lang}", {})
        if result.ok:
            entry["last_success"] = {
                "at": generated,
                "key": result.key,
                "files": {k: str(v.relative_to(out)) for k, v in sorted(result.files.items())},
            }
            entry["current"] = str((out / result.variant.rel_dir).relative_to(out))
        if result.failure:
            entry["last_failure"] = {
                "at": generated,
                "error": result.failure,
                "notebook": str(result.failed_notebook.relative_to(out))
                if result.failed_notebook
                else None,
            }
        entry["ok"] = result.succeeded
    status = {"updated": generated, "variants": dict(sorted(variants.items()))}
    write_atomic(path, json.dumps(status, ensure_ascii=False, indent=2) + "\n")
    return path


# --------------------------------------------------------------------------- index


def _index_entry(out: Path, manifest: dict, status: dict) -> dict[str, Any] | None:
    as_of = str(manifest.get("as_of", ""))
    reports, hashes = {}, []
    combined = manifest.get("combined_pdf", {}).get("path")
    if combined and not (out / combined).exists():
        combined = None
    for lang, info in manifest.get("variants", {}).items():
        files = {
            fmt: f["path"] for fmt, f in info.get("files", {}).items() if (out / f["path"]).exists()
        }
        combined = combined or files.pop("combined_pdf", None)  # manifests before 2026-11
        if not files:
            continue
        state = status.get(f"{as_of}/{lang}", {})
        failure = state.get("last_failure")
        success = state.get("last_success", {}).get("at", "")
        reports[lang] = {
            "files": files,
            "built_at": info.get("built_at", ""),
            "failure": failure if failure and failure["at"] > success else None,
        }
        data_hash = info.get("data_hash", manifest.get("data_hash", ""))
        if data_hash not in hashes:
            hashes.append(data_hash)
    if not reports:
        return None
    return {
        "as_of": as_of,
        "reports": reports,
        "combined": combined,
        "data_hash": hashes[0] if hashes else "",
        "data_hashes": hashes,
    }


def is_ours(page: Path) -> bool:
    """True when ``page`` does not exist or was written by this tool (it carries our mark)."""
    try:
        text = page.read_bytes()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return INDEX_MARK in text


def write_index(out: Path, info: BuildInfo | None = None) -> Path | None:
    """A bilingual ``OUT/index.html`` of every report present, by year, newest date first.

    Each report shows when it was built and, from ``status.json``, whether the latest
    attempt to rebuild it failed (the published report is then the last good one). An
    ``index.html`` the user wrote is left alone (with a warning): returns None then.
    """
    # Jinja takes ~0.4 s to import: a no-op build writes no index and skips it.
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    path = out / "index.html"
    if not is_ours(path):
        _warn(f"{path} was not written by drawdown; it is left as it is (no index written)")
        return None
    status = read_status(out).get("variants", {})
    years: dict[str, list[dict[str, Any]]] = {}
    for manifest_path in sorted(out.glob("*/manifest.json"), reverse=True):
        manifest = read_manifest(manifest_path)
        manifest.setdefault("as_of", manifest_path.parent.name)
        entry = _index_entry(out, manifest, status)
        if entry:
            years.setdefault(entry["as_of"][:4], []).append(entry)
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(["html", "j2"])
    )
    html = env.get_template("index.html.j2").render(
        years=years,
        css=(TEMPLATES_DIR / "report.css").read_text(encoding="utf-8"),
        title=info.title if info and info.title else "",
        title_ar=info.title_ar if info and info.title_ar else "",
    )
    write_atomic(path, html)
    return path
