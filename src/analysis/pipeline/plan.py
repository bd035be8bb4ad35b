"""Plan a build: its options, its variants, and every check that can run before a kernel does.

A mistake found here is exit 2 and nothing written: bad dates (a series or chart window
that would overflow the calendar), unknown languages, formats or sites, timeouts that are
not positive, an output directory that cannot be one, a Dask scheduler that does not answer.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import importlib.util
import shutil
import socket
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from analysis.dates import DateFormatError, parse_as_of
from analysis.paths import DATA_DIR, NOTEBOOKS_DIR, REPORTS_DIR

EXIT_OK, EXIT_RUN_FAILED, EXIT_BAD_INPUT = 0, 1, 2
REPORT_NOTEBOOK = NOTEBOOKS_DIR / "drawdown_report.ipynb"
REPORT_STEM = "drawdown-report"
LANGS = ("ar", "en")
FORMATS = ("html", "pdf")
STEPS = ("day", "week", "month", "quarter", "year")
#: Report dates the charts and the series arithmetic can hold (a window of months is
#: drawn around the date; 9999-12-31 would overflow the calendar).
EARLIEST_AS_OF = dt.date(1900, 1, 1)
LATEST_AS_OF = dt.date(2999, 12, 31)


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ParameterError(ValueError):
    """Bad build parameters: every message, checked before any kernel starts."""

    def __init__(self, messages: Sequence[str]) -> None:
        """Keep every message; ``str()`` joins them one per line."""
        self.messages = tuple(messages)
        super().__init__("\n".join(self.messages))


@dataclasses.dataclass(frozen=True)
class Options:
    """Everything a build is asked to do; paths are made absolute by :meth:`resolved`."""

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
    #: The build's clock (UTC): the generation time written into every page and record.
    clock: Callable[[], dt.datetime] = _utc_now

    def resolved(self) -> Options:
        """The same options with every path absolute, resolved once against today's cwd."""
        return dataclasses.replace(
            self,
            data_dir=self.data_dir.expanduser().resolve(),
            out=self.out.expanduser().absolute(),
            notebook=self.notebook.expanduser().resolve(),
        )


@dataclasses.dataclass(frozen=True)
class Variant:
    """One report to run: a date, a language, and the notebook's parameters."""

    as_of: dt.date
    lang: str
    parameters: dict[str, Any]

    @property
    def rel_dir(self) -> Path:
        """``<as_of>/<lang>``: where the variant's files go under OUT (and under staging)."""
        return Path(self.as_of.isoformat()) / self.lang

    @property
    def label(self) -> str:
        """``"<as_of> <lang>"``: the variant's name in progress lines and messages."""
        return f"{self.as_of.isoformat()} {self.lang}"


# --------------------------------------------------------------------------- dates


def check_as_of(value: dt.date, what: str = "--as-of") -> dt.date:
    """``value`` if the charts and series can hold it, else :class:`DateFormatError`."""
    if not EARLIEST_AS_OF <= value <= LATEST_AS_OF:
        raise DateFormatError(
            f"{what} {value.isoformat()}: report dates must lie between "
            f"{EARLIEST_AS_OF.isoformat()} and {LATEST_AS_OF.isoformat()}"
        )
    return value


def expand_as_of(text: str, every: str | None) -> list[dt.date]:
    """One date, a comma list, or a range ``A..B`` stepped by ``every``."""
    dates: list[dt.date] = []
    for raw in text.split(","):
        part = raw.strip()
        if ".." not in part:
            dates.append(check_as_of(parse_as_of(part)))
            continue
        first_text, last_text = part.split("..", 1)
        first = check_as_of(parse_as_of(first_text))
        last = check_as_of(parse_as_of(last_text))
        if last < first:
            raise DateFormatError(f"range {part!r} runs backwards")
        if every is None:
            raise DateFormatError(f"range {part!r} needs --every {'|'.join(STEPS)}")
        if every not in STEPS:
            raise DateFormatError(f"--every {every!r}: expected one of {', '.join(STEPS)}")
        dates.extend(_stepped(first, last, every))
    return sorted(set(dates))


def _stepped(first: dt.date, last: dt.date, every: str) -> Iterator[dt.date]:
    months = {"month": 1, "quarter": 3, "year": 12}.get(every)
    index = 0
    while True:
        if months:
            total = first.month - 1 + index * months
            year, month = first.year + total // 12, total % 12 + 1
            if year > last.year:
                return
            day = min(first.day, calendar.monthrange(year, month)[1])
            current = dt.date(year, month, day)
        else:
            current = first + dt.timedelta(days=index * (7 if every == "week" else 1))
        if current > last:
            return
        yield current
        index += 1


# --------------------------------------------------------------------------- checks


def _choice_problems(options: Options) -> list[str]:
    messages = []
    for lang in options.langs:
        if lang not in LANGS:
            messages.append(f"--lang {lang!r}: expected one of {', '.join(LANGS)}")
    for fmt in options.formats:
        if fmt not in FORMATS:
            messages.append(f"--format {fmt!r}: expected one of {', '.join(FORMATS)}")
    if options.ar_months not in ("iraqi", "egyptian"):
        messages.append(f"--ar-months {options.ar_months!r}: expected iraqi or egyptian")
    if options.digits not in ("western", "arabic"):
        messages.append(f"--digits {options.digits!r}: expected western or arabic")
    return messages


def _date_problems(options: Options) -> list[str]:
    messages = []
    if not options.as_of:
        messages.append("--as-of: no report date given")
    for value, what in [(d, "--as-of") for d in options.as_of] + [
        (options.compare_to, "--compare-to")
    ]:
        if value is not None:
            try:
                check_as_of(value, what)
            except DateFormatError as exc:
                messages.append(str(exc))
    if options.compare_to and options.as_of and options.compare_to >= min(options.as_of):
        messages.append(
            f"--compare-to {options.compare_to}: must be before the report date "
            f"{min(options.as_of)}"
        )
    return messages


def _number_problems(options: Options) -> list[str]:
    messages = []
    if options.jobs < 1:
        messages.append(f"--jobs {options.jobs}: expected 1 or more")
    if options.cell_timeout <= 0:
        messages.append(f"--cell-timeout {options.cell_timeout}: expected seconds, 1 or more")
    if options.print_timeout <= 0:
        messages.append(f"--print-timeout {options.print_timeout}: expected seconds, 1 or more")
    return messages


def _out_problems(out: Path) -> list[str]:
    """An output directory that exists as a directory, or can be made one."""
    for place in (out, *out.parents):
        if place.exists():
            if place.is_dir():
                return []
            if place == out:
                return [f"--out {out}: exists and is not a directory"]
            return [f"--out {out}: {place} is a file, so no directory can be made under it"]
    return []


def _combined_problems(options: Options) -> list[str]:
    if not options.combined:
        return []
    messages = []
    if not ({"ar", "en"} <= set(options.langs) and "pdf" in options.formats):
        messages.append("--combined needs both languages and --format pdf")
    if not shutil.which("pdfunite"):
        messages.append(
            "--combined needs pdfunite (poppler-utils): apt-get install poppler-utils, "
            "or conda install -c conda-forge poppler"
        )
    return messages


def _executor_problems(options: Options) -> list[str]:
    if options.executor == "dask":
        return scheduler_problems(options.scheduler)
    if options.executor != "local":
        return [f"--executor {options.executor!r}: expected local or dask"]
    if options.scheduler:
        return [f"--scheduler {options.scheduler}: given without --executor dask"]
    return []


def scheduler_problems(address: str | None) -> list[str]:
    """A Dask scheduler that is named, importable and answering, checked before any work."""
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


def plan(options: Options, dataset: Any) -> list[Variant]:
    """The variants to run, or :class:`ParameterError` with every reason they cannot run."""
    messages = [*_date_problems(options), *_choice_problems(options)]
    unknown = [s for s in options.sites if s not in dataset.sites]
    if unknown:
        messages.append(
            f"--sites {', '.join(unknown)}: not in sites.csv (known: {', '.join(dataset.sites)})"
        )
    messages += _executor_problems(options)
    messages += _number_problems(options)
    if not options.notebook.is_file():
        messages.append(f"notebook {options.notebook}: not found")
    messages += _combined_problems(options)
    messages += _out_problems(options.out)
    if messages:
        raise ParameterError(messages)
    return [
        Variant(as_of, lang, parameters(options, as_of, lang))
        for as_of in options.as_of
        for lang in options.langs
    ]


def parameters(options: Options, as_of: dt.date, lang: str) -> dict[str, Any]:
    """The notebook's parameters for one variant (paths absolute: the kernel's cwd is moot)."""
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
