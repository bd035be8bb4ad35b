"""The report's parameters, declared once.

The notebook's ``parameters`` cell, :meth:`analysis.report.Report.from_parameters`,
the JupyterLab controls and the build's command line all read this table: the
names, defaults, accepted values and help text live here and nowhere else (a test
checks the notebook's cell against it with ``papermill.inspect_notebook``).

:func:`validate` reports *every* bad value at once, each message naming the
parameter and what it accepts; :func:`check` raises :class:`ParameterProblems`,
which IPython (JupyterLab, papermill) shows as those lines only, not a traceback.

Standard library only, apart from the choices shared with :mod:`analysis.i18n`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import shlex
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from analysis.dates import DateFormatError, parse_as_of
from analysis.i18n import AR_MONTH_STYLES, DIGIT_STYLES, LANGS


@dataclasses.dataclass(frozen=True)
class Param:
    """One report parameter: its default, what it accepts and how to say it."""

    name: str
    default: Any
    #: "date", "choice", "sites", "bool" or "path": how values are checked and parsed.
    kind: str
    help: str
    choices: tuple[str, ...] = ()
    #: The ``drawdown build`` flag, or None when the build sets it itself.
    flag: str | None = None

    @property
    def type_name(self) -> str:
        """The annotation in the notebook's parameters cell (papermill's inferred type)."""
        return {"sites": "list", "bool": "bool"}.get(self.kind, "str")

    def accepted(self) -> str:
        """What the parameter accepts, for messages."""
        if self.kind == "choice":
            return "one of " + ", ".join(map(repr, self.choices))
        return {
            "date": 'a date YYYY-MM-DD, or "" for today',
            "sites": "a list of site ids, one id, or ids separated by commas",
            "bool": "True or False",
            "path": 'a data directory (with datapackage.json), or "" for the project\'s data/',
        }[self.kind]


PARAMS: tuple[Param, ...] = (
    Param("as_of", "", "date", 'report date, YYYY-MM-DD; "" means today', flag="--as-of"),
    Param(
        "lang",
        "en",
        "choice",
        'report language: "ar" (Arabic, right-to-left) or "en"',
        choices=tuple(LANGS),
        flag="--lang",
    ),
    Param(
        "data_dir",
        "",
        "path",
        'data directory (a Frictionless Data Package); "" means the project\'s data/',
        flag="--data",
    ),
    Param(
        "sites",
        [],
        "sites",
        'site ids, e.g. ["ain-al-asad", "erbil"] or "erbil,baghdad"; [] means every site',
        flag="--sites",
    ),
    Param(
        "compare_to",
        "",
        "date",
        'an earlier date, YYYY-MM-DD, for "what changed since"; "" for none',
        flag="--compare-to",
    ),
    Param(
        "ar_months",
        "iraqi",
        "choice",
        'Arabic month names: "iraqi" (أيلول) or "egyptian" (سبتمبر)',
        choices=tuple(AR_MONTH_STYLES),
        flag="--ar-months",
    ),
    Param(
        "digits",
        "western",
        "choice",
        'digits in the Arabic report: "western" (2025) or "arabic" (٢٠٢٥)',
        choices=tuple(DIGIT_STYLES),
        flag="--digits",
    ),
    Param(
        "rtl_axis",
        True,
        "bool",
        "Arabic charts: time runs right-to-left (False: left-to-right)",
        flag="--ltr-axis",
    ),
    Param(
        "interactive",
        True,
        "bool",
        "show the controls at the end (the headless build sets False)",
    ),
)
BY_NAME: Mapping[str, Param] = {p.name: p for p in PARAMS}
#: The parameters that shape the report itself (``interactive`` only adds the controls).
REPORT_PARAMS: tuple[str, ...] = tuple(p.name for p in PARAMS if p.name != "interactive")


def defaults() -> dict[str, Any]:
    """Every parameter at its default (fresh copies: the list default is not shared)."""
    return {p.name: (list(p.default) if isinstance(p.default, list) else p.default) for p in PARAMS}


class ParameterProblems(ValueError):
    """Bad report parameters: every problem, one line each, shown without a traceback."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems))

    def __str__(self) -> str:
        return "\n".join(self.problems)

    def _render_traceback_(self) -> list[str]:
        """IPython shows these lines instead of a traceback (JupyterLab and papermill)."""
        count = len(self.problems)
        head = f"Bad report parameter{'s' if count > 1 else ''} ({count}); nothing was drawn:"
        return [f"\x1b[1;31m{head}\x1b[0m", *(f"  - {p}" for p in self.problems)]


# --------------------------------------------------------------------------- values


def split_sites(value: Any) -> list[str]:
    """``sites`` as a list of ids: a list/tuple, one id, or ids separated by commas."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, Iterable):
        out: list[str] = []
        for item in value:
            out.extend(split_sites(str(item)))
        return out
    raise TypeError(type(value).__name__)


_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off", ""}


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError(value)


def _as_date_text(value: Any) -> str:
    """A date parameter as ``YYYY-MM-DD`` text ("" stays ""); dates are accepted as is."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        raise DateFormatError(f"{value!r} is a {type(value).__name__}, not a date")
    if not value.strip():
        return ""
    return parse_as_of(value).isoformat()


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def validate(
    values: Mapping[str, Any], *, known_sites: Iterable[str] | None = None
) -> tuple[dict[str, Any], list[str]]:
    """Normalise the given parameters and list every problem.

    Returns ``(parameters, problems)``: all parameters (defaults filled in, ``sites`` a
    list, dates ``YYYY-MM-DD`` or ""), and one message per bad value, naming the
    parameter and what it accepts. ``known_sites`` (the dataset's site ids) also checks
    the site ids.
    """
    problems: list[str] = []
    bad: set[str] = set()
    out = defaults()
    for name, value in values.items():
        param = BY_NAME.get(name)
        if param is None:
            problems.append(
                f"{name}: not a report parameter{_suggest(name, BY_NAME)}; "
                f"the parameters are {', '.join(BY_NAME)}"
            )
            continue
        try:
            out[name] = _normalise(param, value)
        except (ValueError, TypeError) as exc:
            detail = f" ({exc})" if isinstance(exc, DateFormatError) else ""
            problems.append(f"{name}={value!r}: expected {param.accepted()}{detail}")
            out[name] = param.default
            bad.add(name)
    if isinstance(out["sites"], list):
        if known_sites is not None:
            known = list(known_sites)
            unknown = [s for s in out["sites"] if s not in known]
            if unknown:
                hint = "".join(_suggest(s, known) for s in unknown[:1])
                problems.append(
                    f"sites: {', '.join(map(repr, unknown))} not in the data{hint}; "
                    f"expected ids from {', '.join(known)}"
                )
    as_of = out["as_of"] or dt.date.today().isoformat()
    if out["compare_to"] and "as_of" not in bad and out["compare_to"] >= as_of:
        problems.append(f"compare_to={out['compare_to']!r}: expected a date before as_of ({as_of})")
    return out, problems


def _normalise(param: Param, value: Any) -> Any:
    if param.kind == "choice":
        if value not in param.choices:
            raise ValueError(value)
        return value
    if param.kind == "date":
        return _as_date_text(value)
    if param.kind == "sites":
        return split_sites(value)
    if param.kind == "bool":
        return _as_bool(value)
    if param.kind == "path":
        if not isinstance(value, (str, Path)):
            raise TypeError(type(value).__name__)
        text = str(value)
        if text and not (Path(text) / "datapackage.json").is_file():
            raise ValueError(f"{text}: no datapackage.json there")
        return text
    raise AssertionError(param.kind)


def check(values: Mapping[str, Any], *, known_sites: Iterable[str] | None = None) -> dict[str, Any]:
    """:func:`validate`, raising :class:`ParameterProblems` with every problem found."""
    out, problems = validate(values, known_sites=known_sites)
    if problems:
        raise ParameterProblems(problems)
    return out


# --------------------------------------------------------------------------- command line
# The flags are made from PARAMS by analysis.cli (the one argv parser).


def build_command(values: Mapping[str, Any]) -> str:
    """The ``drawdown build`` command that builds the report these parameters describe."""
    words = ["drawdown", "build"]
    given = {**defaults(), **values}
    if given.get("data_dir"):
        words += ["--data", str(given["data_dir"])]
    words += ["--as-of", given.get("as_of") or dt.date.today().isoformat()]
    words += ["--lang", given["lang"]]
    sites = split_sites(given.get("sites"))
    if sites:
        words += ["--sites", *sites]
    if given.get("compare_to"):
        words += ["--compare-to", given["compare_to"]]
    for name in ("ar_months", "digits"):
        if given[name] != BY_NAME[name].default:
            words += [BY_NAME[name].flag or "", given[name]]
    if not given.get("rtl_axis", True):
        words.append("--ltr-axis")
    return shlex.join(words)


def notebook_cell() -> str:
    """The source of the notebook's ``parameters`` cell, as this table declares it."""
    lines = []
    for param in PARAMS:
        default = '""' if param.default == "" else repr(param.default).replace("'", '"')
        lines.append(f"{param.name}: {param.type_name} = {default}  # {param.help}")
    return "\n".join(lines)
