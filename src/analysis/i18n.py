"""Localized text: the one place that turns values into English or Arabic words.

Every date, number, counted noun and display string a report shows goes
through here, so the two reports cannot drift apart and Arabic is written by
rule (CLDR via Babel, plus hand-written MSA noun forms in ``labels/``), never
by string concatenation in a notebook.

Decisions, in one place:

* **Month names** come from CLDR: ``ar_IQ`` gives the Iraqi/Levantine names
  (أيلول، كانون الثاني), ``ar_EG`` the Egyptian/Gulf ones (سبتمبر، يناير);
  English is British (``en_GB``: "15 October 2025").
* **Digits** are Western by default; ``digits="arabic"`` turns 0-9 into ٠-٩
  ourselves, because Babel only ever emits Western digits in our patterns.
* **Grouping**: Arabic with Western digits uses CLDR's ``latn`` symbols
  (``2,000`` and ``2.5``), which is what Iraqi outlets print when they use
  Western digits; Arabic-Indic digits use CLDR's ``arab`` symbols, the Arabic
  thousands separator U+066C and decimal separator U+066B (``٢٬٠٠٠``, ``٢٫٥``),
  so that a Western comma never sits between Arabic-Indic digits.
  Counted nouns use the same grouping (``1,000 يوم``) so a number reads the
  same in a table and in a sentence.
* **Bidi marks**: CLDR patterns can carry U+200E/U+200F/U+061C marks; they are
  stripped from everything returned here. Direction is handled by explicit
  isolation instead (:func:`isolate`, :func:`isolate_ltr`), which survives
  copy and paste, HTML, SVG and PDF alike.
* **Zero** in Arabic uses the numeric genitive singular, "0 يوم", as for
  100 (the CLDR ``zero`` category has its own slot in ``plurals.json``).
* **Relative months**: ``round(days / 30.44)``; 30.44 is the mean Gregorian
  month (365.25 / 12) to two places.
"""

from __future__ import annotations

import datetime as dt
import json
import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal, overload

from babel.core import Locale as BabelLocale
from babel.dates import format_date as _babel_format_date
from babel.dates import get_month_names
from babel.numbers import format_decimal
from markupsafe import Markup

from analysis.dates import DateInterval, PartialDate

__all__ = [
    "LABELS_FILE",
    "LANGS",
    "PLURALS_FILE",
    "ArMonths",
    "Case",
    "Digits",
    "Lang",
    "Locale",
    "count",
    "counted_nouns",
    "format_date",
    "format_number",
    "isolate",
    "isolate_ltr",
    "label",
    "label_keys",
    "make_locale",
    "month_name",
    "phrase",
    "plural_category",
    "relative_months",
    "to_arabic_digits",
]

Lang = Literal["en", "ar"]
ArMonths = Literal["iraqi", "egyptian"]
Digits = Literal["western", "arabic"]
Case = Literal["nominative", "oblique"]

#: The report languages, in the order reports are built.
LANGS: tuple[Lang, ...] = ("ar", "en")
AR_MONTH_STYLES: tuple[ArMonths, ...] = ("iraqi", "egyptian")
DIGIT_STYLES: tuple[Digits, ...] = ("western", "arabic")
CASES: tuple[Case, ...] = ("nominative", "oblique")

_LABELS_DIR = Path(__file__).resolve().parent / "labels"
#: Display strings, id -> {"en": ..., "ar": ...}.
LABELS_FILE = _LABELS_DIR / "labels.json"
#: Counted nouns, noun -> lang -> CLDR plural category -> pattern with "{n}".
PLURALS_FILE = _LABELS_DIR / "plurals.json"

#: Mean Gregorian month in days (365.25 / 12, to two places), for "in about N months".
DAYS_PER_MONTH = 30.44

# CLDR puts these into some Arabic patterns (e.g. "15\u200f/10\u200f/2025"). We isolate
# runs explicitly instead, so the marks would only be noise in text and tests.
_BIDI_MARKS = {0x200E: None, 0x200F: None, 0x061C: None}
_TO_ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

# Unicode isolates (UAX #9): LRI, FSI, PDI.
LRI, FSI, PDI = "\u2066", "\u2068", "\u2069"

# The same shape in both languages: day, month name, year (no weekday, no comma).
_DATE_PATTERNS = {"day": "d MMMM y", "month": "MMMM y", "year": "y"}


def _check(value: object, allowed: tuple[str, ...], what: str) -> None:
    if value not in allowed:
        options = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"unknown {what} {value!r}: expected one of {options}")


@dataclass(frozen=True)
class Locale:
    """A report's language settings: everything that changes how a value is written.

    One object is passed around instead of loose ``lang``/``digits`` arguments so
    a notebook cannot format the dates with one setting and the numbers with
    another. ``ar_months`` and ``digits`` only affect Arabic: English always uses
    English month names and Western digits, so an ``--digits arabic`` build
    applies cleanly to both languages.
    """

    lang: Lang
    ar_months: ArMonths = "iraqi"
    digits: Digits = "western"

    def __post_init__(self) -> None:
        _check(self.lang, LANGS, "language")
        _check(self.ar_months, AR_MONTH_STYLES, "Arabic month style")
        _check(self.digits, DIGIT_STYLES, "digit style")

    @property
    def dir(self) -> Literal["rtl", "ltr"]:
        """The text direction for ``<html dir=...>``."""
        return "rtl" if self.lang == "ar" else "ltr"

    @property
    def babel_locale(self) -> str:
        """The CLDR locale whose data we use.

        ``ar_IQ`` carries the Iraqi month names (أيلول), ``ar_EG`` the
        Egyptian/Gulf ones (سبتمبر); British English writes "15 October 2025".
        """
        if self.lang == "en":
            return "en_GB"
        return "ar_IQ" if self.ar_months == "iraqi" else "ar_EG"

    @property
    def arabic_digits(self) -> bool:
        """True when digits are to be written ٠-٩ (Arabic reports only)."""
        return self.lang == "ar" and self.digits == "arabic"


def make_locale(lang: str, ar_months: str = "iraqi", digits: str = "western") -> Locale:
    """Build a :class:`Locale` from untrusted strings (CLI options, notebook parameters).

    Raises :class:`ValueError` naming the bad value and the allowed ones, so a
    scheduler's typo fails before any kernel starts.
    """
    _check(lang, LANGS, "language")
    _check(ar_months, AR_MONTH_STYLES, "Arabic month style")
    _check(digits, DIGIT_STYLES, "digit style")
    return Locale(lang, ar_months, digits)  # type: ignore[arg-type]


@cache
def _babel(name: str) -> BabelLocale:
    return BabelLocale.parse(name)


def _finish(text: str, loc: Locale) -> str:
    """Strip CLDR's bidi marks and apply the digit style."""
    text = text.translate(_BIDI_MARKS)
    return to_arabic_digits(text) if loc.arabic_digits else text


def to_arabic_digits(text: str) -> str:
    """Write Western digits 0-9 as Arabic-Indic ٠-٩; everything else is kept.

    Babel never emits Arabic-Indic digits in our patterns, so the option is
    applied here, after formatting.
    """
    return text.translate(_TO_ARABIC_DIGITS)


def month_name(month: int, loc: Locale) -> str:
    """The full stand-alone name of ``month`` (1-12): "September", "أيلول" or "سبتمبر"."""
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
        raise ValueError(f"month {month!r} is not 1-12")
    names = get_month_names("wide", "stand-alone", locale=_babel(loc.babel_locale))
    return names[month].translate(_BIDI_MARKS)


def format_date(value: PartialDate | DateInterval | dt.date, loc: Locale) -> str:
    """Write a date at the precision it is known to.

    Day: "15 October 2025" / "15 تشرين الأول 2025"; month: "September 2025" /
    "أيلول 2025"; year: "2014". A month-precision date is never shown as the
    first of the month: that would claim a precision the data does not have.
    A :class:`datetime.date` (or datetime) is a day-precision date. A range
    (:class:`DateInterval`) reads as one: "1–2 July 2021", "26 November 2025 –
    18 January 2026" / «بين 1 و2 تموز 2021» (the Arabic carries its own «بين», so
    a template writes «انتهت {date}», not «في {date}», for a range).
    """
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        value = PartialDate.from_date(value)
    if isinstance(value, DateInterval):
        return _format_interval(value, loc)
    if not isinstance(value, PartialDate):
        raise TypeError(f"cannot format {value!r} as a date: expected PartialDate or date")
    return _format_pattern(value, _DATE_PATTERNS[value.precision], loc)


def _format_pattern(value: PartialDate, pattern: str, loc: Locale) -> str:
    text = _babel_format_date(value.first_day(), pattern, locale=_babel(loc.babel_locale))
    return _finish(text, loc)


def _format_interval(value: DateInterval, loc: Locale) -> str:
    """A range with what its two ends share written once: "1–2 July 2021"."""
    low, high = value.low, value.high
    same_year = low.year == high.year and low.precision == high.precision != "year"
    if same_year and low.precision == "day" and low.month == high.month:
        first = _format_pattern(low, "d", loc)
    elif same_year and low.precision == "day":
        first = _format_pattern(low, "d MMMM", loc)
    elif same_year and low.precision == "month":
        first = month_name(low.month or 1, loc)
    else:
        first = format_date(low, loc)
    last = format_date(high, loc)
    if loc.lang == "ar":
        return f"بين {first} و{last}"
    # An en dash, closed up between single words ("1–2 July"), spaced between phrases.
    return f"{first}–{last}" if " " not in first else f"{first} – {last}"


def format_number(n: int | float, loc: Locale, *, decimals: int | None = None) -> str:
    """Write a number with the locale's grouping: "2,000", Arabic-Indic "٢٬٠٠٠".

    ``decimals`` fixes the number of fraction digits (rounded half-even, as
    Babel does); by default integers have none and floats up to three.
    Symbols follow CLDR's ``latn`` numbering system for Western digits and
    ``arab`` (U+066C, U+066B) for Arabic-Indic ones; see the module docstring.
    """
    if isinstance(n, bool) or not isinstance(n, int | float):
        raise TypeError(f"cannot format {n!r} as a number")
    numbering = "arab" if loc.arabic_digits else "latn"
    pattern = None
    if decimals is not None:
        if decimals < 0:
            raise ValueError(f"decimals must be >= 0, not {decimals}")
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    text = format_decimal(
        n, format=pattern, locale=_babel(loc.babel_locale), numbering_system=numbering
    )
    return _finish(text, loc)


def plural_category(n: int, lang: Lang) -> str:
    """The CLDR plural category of ``n`` in ``lang``, from Babel.

    Arabic: 0 zero, 1 one, 2 two, n % 100 in 3-10 few, in 11-99 many, else
    other (100-102, 1000). English: 1 one, else other.
    """
    _check(lang, LANGS, "language")
    return _babel(lang).plural_form(n)


@overload
def isolate(text: str, *, html: Literal[True]) -> Markup: ...
@overload
def isolate(text: str, *, html: Literal[False]) -> str: ...
@overload
def isolate(text: str, *, html: bool) -> str: ...
def isolate(text: str, *, html: bool) -> str:
    """Isolate a run whose direction comes from its own first strong letter.

    For mixed runs such as a localized Arabic date ("15 تشرين الأول 2025") or a
    name from the data inside text of the other direction: the run keeps its
    own direction and cannot reorder its neighbours. ``html=True`` gives
    ``<bdi>…</bdi>`` as :class:`markupsafe.Markup` with ``text`` escaped
    (unless it already is Markup); ``html=False`` gives FSI … PDI.
    """
    if html:
        return Markup("<bdi>{}</bdi>").format(text)
    return f"{FSI}{text}{PDI}"


@overload
def isolate_ltr(text: str, *, html: Literal[True]) -> Markup: ...
@overload
def isolate_ltr(text: str, *, html: Literal[False]) -> str: ...
@overload
def isolate_ltr(text: str, *, html: bool) -> str: ...
def isolate_ltr(text: str, *, html: bool) -> str:
    """Isolate a left-to-right run: a number, an ISO date, a Latin name or URL.

    Inside Arabic text "2026-01-01" would otherwise show as "01-01-2026".
    ``html=True`` gives ``<bdi dir="ltr">…</bdi>`` as Markup with ``text``
    escaped; ``html=False`` gives LRI … PDI.
    """
    if html:
        return Markup('<bdi dir="ltr">{}</bdi>').format(text)
    return f"{LRI}{text}{PDI}"


def _load_json(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as f:
        data = json.load(f)
    return {k: v for k, v in data.items() if not k.startswith("_")}


@cache
def _plurals() -> dict[str, dict[str, dict[str, str]]]:
    data = _load_json(PLURALS_FILE)
    for noun, by_lang in data.items():
        for lang in LANGS:
            forms = by_lang.get(lang) if isinstance(by_lang, dict) else None
            needed = set(_babel(lang).plural_form.tags) | {"other"}
            if lang == "ar":
                needed.add("two_oblique")
            if not isinstance(forms, dict):
                forms = {}
            if missing := sorted(needed - forms.keys()):
                raise ValueError(f"{PLURALS_FILE}: noun {noun!r} ({lang}) lacks forms {missing}")
    return data


def counted_nouns() -> tuple[str, ...]:
    """The nouns :func:`count` knows, from ``labels/plurals.json``."""
    return tuple(_plurals())


def count(
    n: int,
    noun: str,
    loc: Locale,
    *,
    case: Case = "nominative",
    isolate_number: bool = True,
) -> str:
    """Write ``n`` of ``noun``: "1 day", "2 days"; "يوم واحد", "يومان", "3 أيام", "11 يومًا".

    The Arabic form is chosen by the CLDR plural category of ``n`` (from Babel)
    and the patterns in ``labels/plurals.json``. ``case="oblique"`` writes the
    dual as Arabic needs after a preposition or as an object (بعد يومين rather
    than بعد يومان); the other forms are spelled the same in every case, and
    English ignores it. In Arabic the number is wrapped in LRI … PDI unless
    ``isolate_number=False``, so it cannot reorder with neighbouring numbers or
    Latin text. Counts are non-negative: say "early" or "late" in words.
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"count needs an int, not {n!r}")
    if n < 0:
        raise ValueError(f"count needs n >= 0, not {n}; express direction in words")
    _check(case, CASES, "case")
    plurals = _plurals()
    if noun not in plurals:
        known = ", ".join(sorted(plurals))
        raise KeyError(f"unknown counted noun {noun!r} in {PLURALS_FILE} (known: {known})")
    forms = plurals[noun][loc.lang]
    category = plural_category(n, loc.lang)
    if category == "two" and case == "oblique":
        category = "two_oblique"
    number = format_number(n, loc)
    if loc.lang == "ar" and isolate_number:
        number = isolate_ltr(number, html=False)
    return forms[category].replace("{n}", number)


def relative_months(days: int) -> int:
    """Whole months in ``days``, for "in about 11 months": ``round(days / 30.44)``.

    30.44 is the mean Gregorian month; ties cannot occur for whole days, and
    the sign is kept (negative for the past).
    """
    return round(days / DAYS_PER_MONTH)


@cache
def _labels() -> dict[str, dict[str, str]]:
    data = _load_json(LABELS_FILE)
    for key, value in data.items():
        if not isinstance(value, dict) or any(
            not isinstance(value.get(lang), str) or not value[lang].strip() for lang in LANGS
        ):
            raise ValueError(f"{LABELS_FILE}: label {key!r} needs non-empty 'en' and 'ar'")
    return data


def label_keys() -> tuple[str, ...]:
    """Every label id in ``labels/labels.json``."""
    return tuple(_labels())


def label(key: str, loc: Locale) -> str:
    """The display string ``key`` in the report's language.

    Strings live in ``labels/labels.json`` so a translator can fix Arabic
    wording without touching code. An unknown key raises :class:`KeyError`
    naming the key and the file: a typo must fail the build, not print a key.
    """
    labels = _labels()
    if key not in labels:
        raise KeyError(f"unknown label {key!r}: not in {LABELS_FILE}")
    return labels[key][loc.lang]


def phrase(key: str, loc: Locale, **values: str) -> str:
    """Fill a ``phrase.*`` label template: ``phrase("phrase.by_date", loc, date=...)``.

    The Arabic word order differs from the English one ("{duration} late" /
    "بتأخير {duration}"), so sentences are templates, not concatenations.
    ``{date}`` takes :func:`format_date` output, ``{duration}`` takes
    ``count(..., case="oblique")``. The values must name exactly the
    template's fields, so a missing or misspelled one fails loudly. Values are
    plain text: escape the result (or isolate pieces with ``html=True``) when
    writing HTML.
    """
    template = label(key, loc)
    fields = {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}
    if fields != values.keys():
        raise KeyError(
            f"label {key!r} in {LABELS_FILE} takes {sorted(fields)}, got {sorted(values)}"
        )
    return template.format_map(values)
