"""analysis.i18n against real Babel/CLDR data: Arabic plurals, month names, dates, isolation."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.core import Locale as BabelLocale
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from analysis import i18n
from analysis.dates import PartialDate
from analysis.i18n import (
    LABELS_FILE,
    LANGS,
    PLURALS_FILE,
    Locale,
    count,
    counted_nouns,
    format_date,
    format_number,
    isolate,
    isolate_ltr,
    label,
    label_keys,
    make_locale,
    month_name,
    phrase,
    plural_category,
    relative_months,
    to_arabic_digits,
)

EN = Locale("en")
AR = Locale("ar")
AR_EG = Locale("ar", ar_months="egyptian")
AR_DIGITS = Locale("ar", digits="arabic")

LRI, FSI, PDI = "\u2066", "\u2068", "\u2069"
BIDI_MARKS = re.compile("[\u200e\u200f\u061c]")

IRAQI = [
    "كانون الثاني",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
    "تموز",
    "آب",
    "أيلول",
    "تشرين الأول",
    "تشرين الثاني",
    "كانون الأول",
]
EGYPTIAN = [
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
]
ENGLISH = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

NUMBERS = [*range(121), 1000]


def cldr_ar_category(n: int) -> str:
    """The CLDR Arabic rule, written out independently of Babel."""
    if n == 0:
        return "zero"
    if n == 1:
        return "one"
    if n == 2:
        return "two"
    if 3 <= n % 100 <= 10:
        return "few"
    if 11 <= n % 100 <= 99:
        return "many"
    return "other"


# Expected Arabic forms per noun: one, two (nominative), two (oblique), few, many, other noun
AR_FORMS = {
    "day": ("يوم واحد", "يومان", "يومين", "أيام", "يومًا", "يوم"),
    "month": ("شهر واحد", "شهران", "شهرين", "أشهر", "شهرًا", "شهر"),
    "week": ("أسبوع واحد", "أسبوعان", "أسبوعين", "أسابيع", "أسبوعًا", "أسبوع"),
    "year": ("سنة واحدة", "سنتان", "سنتين", "سنوات", "سنة", "سنة"),
    "event": ("حدث واحد", "حدثان", "حدثين", "أحداث", "حدثًا", "حدث"),
    "source": ("مصدر واحد", "مصدران", "مصدرين", "مصادر", "مصدرًا", "مصدر"),
    "site": ("موقع واحد", "موقعان", "موقعين", "مواقع", "موقعًا", "موقع"),
    "deadline": ("موعد واحد", "موعدان", "موعدين", "مواعيد", "موعدًا", "موعد"),
    "phase": ("مرحلة واحدة", "مرحلتان", "مرحلتين", "مراحل", "مرحلة", "مرحلة"),
}


def expected_ar(n: int, noun: str, case: str = "nominative") -> str:
    one, two, two_obl, few, many, other = AR_FORMS[noun]
    num = f"{n:,}"
    return {
        "zero": f"{num} {other}",
        "one": one,
        "two": two_obl if case == "oblique" else two,
        "few": f"{num} {few}",
        "many": f"{num} {many}",
        "other": f"{num} {other}",
    }[cldr_ar_category(n)]


# --- plurals -------------------------------------------------------------------------


@pytest.mark.parametrize("n", NUMBERS)
def test_arabic_plural_category_is_cldr(n: int) -> None:
    babel_category = BabelLocale("ar").plural_form(n)
    assert babel_category == cldr_ar_category(n)
    assert plural_category(n, "ar") == babel_category


@pytest.mark.parametrize("noun", sorted(AR_FORMS))
@pytest.mark.parametrize("n", NUMBERS)
def test_arabic_count_uses_the_cldr_category(n: int, noun: str) -> None:
    assert count(n, noun, AR, isolate_number=False) == expected_ar(n, noun)


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "0 يوم"),
        (1, "يوم واحد"),
        (2, "يومان"),
        (3, "3 أيام"),
        (10, "10 أيام"),
        (11, "11 يومًا"),
        (99, "99 يومًا"),
        (100, "100 يوم"),
        (101, "101 يوم"),
        (102, "102 يوم"),
        (103, "103 أيام"),
        (111, "111 يومًا"),
        (1000, "1,000 يوم"),
    ],
)
def test_arabic_day_examples(n: int, text: str) -> None:
    assert count(n, "day", AR, isolate_number=False) == text


def test_arabic_many_is_tanween_fath_before_alif() -> None:
    # "يومًا": fathatan (U+064B) on the meem, then alif; not "يوماً" nor a bare "يوما".
    assert count(11, "day", AR, isolate_number=False).endswith("\u0645\u064b\u0627")


def test_arabic_count_isolates_the_number() -> None:
    assert count(3, "day", AR) == f"{LRI}3{PDI} أيام"
    assert count(1000, "day", AR) == f"{LRI}1,000{PDI} يوم"
    assert count(1, "day", AR) == "يوم واحد"  # no number, nothing to isolate


def test_arabic_count_with_arabic_digits() -> None:
    assert count(11, "day", AR_DIGITS, isolate_number=False) == "١١ يومًا"
    assert count(1000, "month", AR_DIGITS, isolate_number=False) == "١٬٠٠٠ شهر"
    assert count(3, "week", AR_DIGITS) == f"{LRI}٣{PDI} أسابيع"


@pytest.mark.parametrize("noun", sorted(AR_FORMS))
def test_arabic_oblique_dual(noun: str) -> None:
    assert count(2, noun, AR, case="oblique") == AR_FORMS[noun][2]
    # Only the dual changes spelling with case.
    for n in (0, 1, 3, 11, 100):
        assert count(n, noun, AR, case="oblique") == count(n, noun, AR)


def test_english_count() -> None:
    assert count(1, "day", EN) == "1 day"
    assert count(2, "day", EN) == "2 days"
    assert count(0, "day", EN) == "0 days"
    assert count(1000, "source", EN) == "1,000 sources"
    assert count(1, "phase", EN) == "1 phase"
    assert count(2, "day", EN, case="oblique") == "2 days"
    assert PDI not in count(5, "day", EN)


@pytest.mark.parametrize("n", NUMBERS)
def test_english_count_category(n: int) -> None:
    assert plural_category(n, "en") == BabelLocale("en").plural_form(n)
    assert count(n, "day", EN) == (f"{n:,} day" if n == 1 else f"{n:,} days")


def test_plurals_file_covers_every_noun_and_category() -> None:
    assert set(counted_nouns()) == set(AR_FORMS)
    data = json.loads(PLURALS_FILE.read_text(encoding="utf-8"))
    for noun in counted_nouns():
        for lang in LANGS:
            tags = set(BabelLocale(lang).plural_form.tags) | {"other"}
            assert tags <= data[noun][lang].keys(), (noun, lang)


def test_count_rejects_bad_input() -> None:
    with pytest.raises(KeyError, match=r"'fortnight'.*plurals\.json"):
        count(2, "fortnight", AR)
    with pytest.raises(ValueError, match="-1"):
        count(-1, "day", AR)
    with pytest.raises(TypeError):
        count(2.5, "day", AR)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'genitive'"):
        count(2, "day", AR, case="genitive")  # type: ignore[arg-type]


# --- month names and dates ------------------------------------------------------------


@pytest.mark.parametrize(("loc", "names"), [(AR, IRAQI), (AR_EG, EGYPTIAN), (EN, ENGLISH)])
def test_month_names(loc: Locale, names: list[str]) -> None:
    assert [month_name(m, loc) for m in range(1, 13)] == names


def test_month_name_range() -> None:
    with pytest.raises(ValueError, match="13"):
        month_name(13, AR)


def test_babel_locales() -> None:
    assert EN.babel_locale == "en_GB"
    assert AR.babel_locale == "ar_IQ"
    assert AR_EG.babel_locale == "ar_EG"
    assert (EN.dir, AR.dir) == ("ltr", "rtl")


@pytest.mark.parametrize(
    ("iso", "loc", "text"),
    [
        ("2025-10-15", EN, "15 October 2025"),
        ("2025-10-15", AR, "15 تشرين الأول 2025"),
        ("2025-10-15", AR_EG, "15 أكتوبر 2025"),
        ("2025-10-15", AR_DIGITS, "١٥ تشرين الأول ٢٠٢٥"),
        ("2025-09", EN, "September 2025"),
        ("2025-09", AR, "أيلول 2025"),
        ("2025-09", AR_EG, "سبتمبر 2025"),
        ("2025-09", AR_DIGITS, "أيلول ٢٠٢٥"),
        ("2014", EN, "2014"),
        ("2014", AR, "2014"),
        ("2014", AR_DIGITS, "٢٠١٤"),
        ("2024-02-29", EN, "29 February 2024"),
        ("2024-02-29", AR, "29 شباط 2024"),
        ("2026-01-01", AR, "1 كانون الثاني 2026"),
        ("2026-01-01", AR_EG, "1 يناير 2026"),
    ],
)
def test_format_date(iso: str, loc: Locale, text: str) -> None:
    result = format_date(PartialDate.parse(iso), loc)
    assert result == text
    assert not BIDI_MARKS.search(result)


@pytest.mark.parametrize("loc", [EN, AR, AR_EG, AR_DIGITS])
@pytest.mark.parametrize("month", range(1, 13))
def test_month_precision_never_shows_a_day(loc: Locale, month: int) -> None:
    text = format_date(PartialDate(2025, month), loc)
    assert not text.startswith(("1 ", "١ "))
    year = to_arabic_digits("2025") if loc.arabic_digits else "2025"
    assert text == f"{month_name(month, loc)} {year}"
    assert "01" not in text and not BIDI_MARKS.search(text)


def test_format_date_accepts_dates_and_datetimes() -> None:
    assert format_date(dt.date(2021, 12, 31), AR) == "31 كانون الأول 2021"
    assert format_date(dt.datetime(2021, 12, 31, 23, 59), EN) == "31 December 2021"
    with pytest.raises(TypeError):
        format_date("2021-12-31", EN)  # type: ignore[arg-type]


def test_english_ignores_arabic_options() -> None:
    loc = Locale("en", ar_months="egyptian", digits="arabic")
    assert format_date(PartialDate.parse("2025-10-15"), loc) == "15 October 2025"
    assert format_number(2000, loc) == "2,000"


# --- numbers and digits -----------------------------------------------------------------


def test_format_number() -> None:
    assert format_number(2000, EN) == "2,000"
    assert format_number(2000, AR) == "2,000"
    assert format_number(2000, AR_DIGITS) == "٢٬٠٠٠"
    assert format_number(1234.5, AR_DIGITS) == "١٬٢٣٤٫٥"
    assert format_number(2.5, EN, decimals=2) == "2.50"
    assert format_number(7, AR, decimals=0) == "7"
    assert format_number(-2000, AR_DIGITS) == "-٢٬٠٠٠"


def test_to_arabic_digits() -> None:
    assert to_arabic_digits("2026-01-01 x9") == "٢٠٢٦-٠١-٠١ x٩"


@given(st.integers(min_value=0, max_value=10**12))
def test_arabic_digits_round_trip(n: int) -> None:
    text = format_number(n, AR_DIGITS)
    assert not re.search("[0-9]", text)
    western = text.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789", "٬"))
    assert int(western) == n


@given(st.integers(min_value=0, max_value=10**6))
def test_count_matches_babel_for_any_n(n: int) -> None:
    text = count(n, "day", AR, isolate_number=False)
    assert text == expected_ar(n, "day")


@pytest.mark.parametrize(
    ("days", "months"),
    [(0, 0), (15, 0), (16, 1), (30, 1), (45, 1), (46, 2), (335, 11), (365, 12), (-45, -1)],
)
def test_relative_months(days: int, months: int) -> None:
    assert relative_months(days) == months


# --- isolation ----------------------------------------------------------------------------


def test_isolate_html_escapes_and_marks() -> None:
    result = isolate("<script>alert(1)</script>", html=True)
    assert isinstance(result, Markup)
    assert str(result) == "<bdi>&lt;script&gt;alert(1)&lt;/script&gt;</bdi>"


def test_isolate_ltr_html_escapes_and_marks() -> None:
    result = isolate_ltr('<script>"x"</script>', html=True)
    assert isinstance(result, Markup)
    assert str(result) == '<bdi dir="ltr">&lt;script&gt;&#34;x&#34;&lt;/script&gt;</bdi>'
    assert isolate_ltr("2026-01-01", html=True) == Markup('<bdi dir="ltr">2026-01-01</bdi>')


def test_isolate_keeps_markup_unescaped() -> None:
    inner = isolate_ltr("3", html=True)
    assert str(isolate(inner, html=True)) == '<bdi><bdi dir="ltr">3</bdi></bdi>'


def test_isolate_unicode() -> None:
    assert isolate_ltr("2026-01-01", html=False) == f"{LRI}2026-01-01{PDI}"
    assert isolate("15 تشرين الأول 2025", html=False) == f"{FSI}15 تشرين الأول 2025{PDI}"
    assert not isinstance(isolate("<b>", html=False), Markup)
    assert isolate("<b>", html=False) == f"{FSI}<b>{PDI}"


# --- labels -----------------------------------------------------------------------------


def test_every_label_has_both_languages() -> None:
    data = json.loads(LABELS_FILE.read_text(encoding="utf-8"))
    keys = [k for k in data if not k.startswith("_")]
    assert set(keys) == set(label_keys())
    for key in keys:
        assert set(data[key]) == {"en", "ar"}, key
        for lang in LANGS:
            assert label(key, Locale(lang)).strip(), (key, lang)
        # Arabic strings are Arabic (a few, like the other-language link, are the exception;
        # a pattern made only of placeholders, such as "{places}. {notable}.", has no words).
        words = re.sub(r"\{[^}]*\}", "", label(key, AR))
        if key != "other_language_link" and re.search(r"[^\W\d_]", words):
            assert re.search("[\u0600-\u06ff]", words), key


REQUIRED_LABELS = (
    [
        f"status.{s}"
        for s in ("upcoming", "ongoing", "overdue", "ended_on_time", "ended_late", "ended_early")
    ]
    + [
        f"kind.{k}"
        for k in (
            "agreement",
            "announcement",
            "statement",
            "deadline",
            "phase",
            "withdrawal",
            "handover",
            "incident",
        )
    ]
    + [
        f"record_status.{s}"
        for s in ("planned", "in_progress", "completed", "cancelled", "superseded")
    ]
    + [f"confidence.{c}" for c in ("confirmed", "reported", "unverified")]
    + [f"precision.{p}" for p in ("day", "month", "year")]
    + [f"site_kind.{k}" for k in ("city", "base", "region", "country", "global")]
    + [
        "as_of",
        "sources",
        "report_title",
        "planned",
        "actual",
        "slip",
        "deadline_in_force",
        "superseded_deadline",
        "today",
    ]
)


@pytest.mark.parametrize("key", REQUIRED_LABELS)
def test_required_labels_exist(key: str) -> None:
    assert label(key, EN) and label(key, AR)


def test_label_values() -> None:
    assert label("as_of", EN) == "As of"
    assert label("as_of", AR) == "حتى"  # «حتى 15 تشرين الأول 2025», not the calque «حتى تاريخ»
    assert label("sources", AR) == "المصادر"
    assert label("report_title", AR) == "انسحاب التحالف الدولي من العراق"
    assert label("slip", AR) == "التأخير"
    assert label("confidence.confirmed", AR) == "مؤكد"
    assert label("confidence.unverified", AR) == "غير مؤكد"


def test_unknown_label_names_key_and_file() -> None:
    with pytest.raises(KeyError, match=r"'no_such_label'.*labels\.json"):
        label("no_such_label", AR)


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}


@pytest.mark.parametrize("key", [k for k in label_keys() if k.startswith("phrase.")])
def test_phrase_templates_match_across_languages(key: str) -> None:
    fields = _fields(label(key, EN))
    assert fields and fields == _fields(label(key, AR)), key
    assert fields <= {"date", "duration"}, key
    for loc in (EN, AR):
        filled = phrase(key, loc, **{f: "X" for f in fields})
        assert "{" not in filled and "X" in filled


def test_phrase() -> None:
    two = count(2, "day", AR, case="oblique")
    assert phrase("phrase.late_by", AR, duration=two) == "بتأخير يومين"
    assert phrase("phrase.late_by", EN, duration=count(2, "day", EN)) == "2 days late"
    date = format_date(PartialDate.parse("2025-09"), AR)
    assert phrase("phrase.by_date", AR, date=date) == "بحلول أيلول 2025"
    with pytest.raises(KeyError, match="date"):
        phrase("phrase.by_date", AR, when=date)


# --- locale construction ------------------------------------------------------------------


def test_make_locale() -> None:
    assert make_locale("ar") == Locale("ar", "iraqi", "western")
    assert make_locale("ar", "egyptian", "arabic") == Locale("ar", "egyptian", "arabic")
    assert i18n.LANGS == ("ar", "en")


@pytest.mark.parametrize(
    ("args", "bad", "allowed"),
    [
        (("fr",), "'fr'", "'ar', 'en'"),
        (("ar", "levantine"), "'levantine'", "'iraqi', 'egyptian'"),
        (("ar", "iraqi", "persian"), "'persian'", "'western', 'arabic'"),
    ],
)
def test_make_locale_rejects(args: tuple[str, ...], bad: str, allowed: str) -> None:
    with pytest.raises(ValueError) as info:
        make_locale(*args)
    assert bad in str(info.value) and allowed in str(info.value)
    with pytest.raises(ValueError):
        Locale(*args)  # type: ignore[arg-type]


def test_import_is_light() -> None:
    code = "import sys, analysis.i18n; print(sorted({'pandas', 'plotly'} & set(sys.modules)))"
    env = {**os.environ, "PYTHONPATH": str(Path(i18n.__file__).resolve().parent.parent)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("value", "en", "ar"),
    [
        ("2021-07-01/2021-07-02", "1–2 July 2021", "بين 1 و2 تموز 2021"),
        (
            "2025-11-26/2026-01-18",
            "26 November 2025 – 18 January 2026",
            "بين 26 تشرين الثاني 2025 و18 كانون الثاني 2026",
        ),
        (
            "2025-11-26/2025-12-18",
            "26 November – 18 December 2025",
            "بين 26 تشرين الثاني و18 كانون الأول 2025",
        ),
        ("2025-11/2025-12", "November–December 2025", "بين تشرين الثاني وكانون الأول 2025"),
        (
            "2025-11/2026-01-18",
            "November 2025 – 18 January 2026",
            "بين تشرين الثاني 2025 و18 كانون الثاني 2026",
        ),
    ],
)
def test_a_date_range_reads_as_one(value: str, en: str, ar: str) -> None:
    from analysis.dates import parse_date_value

    assert format_date(parse_date_value(value), make_locale("en")) == en
    assert format_date(parse_date_value(value), make_locale("ar")) == ar
    arabic = format_date(parse_date_value(value), make_locale("ar", "egyptian", "arabic"))
    assert not any(c.isascii() and c.isdigit() for c in arabic)
