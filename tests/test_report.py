"""The analyst's layer without a kernel: parameters, sections, titles, frames and reprs."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import params as P
from analysis.report import ChartView, Report, Section
from conftest import DATA_DIR, PROJECT_DIR, set_cell

SRC = PROJECT_DIR / "src"


@pytest.fixture(scope="module")
def arabic() -> Report:
    return Report.from_parameters(as_of="2025-10-15", lang="ar")


@pytest.fixture(scope="module")
def january() -> Report:
    return Report.from_parameters(as_of="2026-01-31", lang="en")


# --------------------------------------------------------------------------- parameters


def test_every_bad_parameter_is_reported_at_once_naming_it_and_what_it_accepts() -> None:
    with pytest.raises(P.ParameterProblems) as caught:
        Report.from_parameters(
            as_of="2025-13-01",
            lang="fr",
            sites="erbil,nowhere",
            digits="roman",
            rtl_axis="sideways",
            langg="ar",
        )
    problems = caught.value.problems
    assert len(problems) == 6, problems
    text = "\n".join(problems)
    for expected in (
        "as_of='2025-13-01': expected a date YYYY-MM-DD",
        "lang='fr': expected one of 'ar', 'en'",
        "digits='roman': expected one of 'western', 'arabic'",
        "rtl_axis='sideways': expected True or False",
        "langg: not a report parameter (did you mean 'lang'?)",
        "sites: 'nowhere' not in the data",
    ):
        assert expected in text
    assert isinstance(caught.value, ValueError)  # callers catching ValueError still do


def test_the_message_ipython_shows_is_short_and_has_no_traceback() -> None:
    with pytest.raises(P.ParameterProblems) as caught:
        Report.from_parameters(as_of="2025-10-01", compare_to="2026-01-01")
    lines = caught.value._render_traceback_()
    assert len(lines) == 2 and "Traceback" not in "".join(lines)
    assert "compare_to='2026-01-01': expected a date before as_of (2025-10-01)" in lines[1]


@pytest.mark.parametrize(
    "given, expected",
    [
        ("erbil", ["erbil"]),
        ("erbil, baghdad", ["erbil", "baghdad"]),
        (["erbil", "baghdad"], ["erbil", "baghdad"]),
        (("erbil",), ["erbil"]),
        ("", []),
        ([], []),
    ],
)
def test_sites_accepts_a_list_one_id_or_a_comma_separated_string(given, expected) -> None:
    values = P.check({"sites": given}, known_sites=["erbil", "baghdad"])
    assert values["sites"] == expected


def test_a_single_site_id_is_one_site_not_its_letters() -> None:
    report = Report.from_parameters(as_of="2025-10-15", sites="erbil")
    assert [lane.site.id for lane in report.timeline.lanes] == ["erbil"]


# --------------------------------------------------------------------------- sections


def test_every_text_section_carries_its_language_direction_and_style(arabic: Report) -> None:
    for part in arabic.sections():
        html = part._repr_mimebundle_()["text/html"]
        if isinstance(part, Section):
            assert html.startswith(
                f'<div class="drawdown-out drawdown-{part.name}" '
                f'data-drawdown-section="{part.name}" lang="ar" dir="rtl"><style>'
            ), html[:200]
            assert "text-align:start" in html and "padding-inline-start" in html
        else:
            assert isinstance(part, ChartView)
            assert 'lang="ar" dir="rtl"' in html.split(">", 1)[0]
    english = arabic.replace(lang="en").headline()._repr_mimebundle_()["text/html"]
    assert 'lang="en" dir="ltr"' in english


def test_empty_sections_show_nothing_but_can_be_redrawn(arabic: Report) -> None:
    changes = arabic.changes_section()
    assert not changes and changes.html == "" and changes.name == "changes"
    assert "changes" not in [p.name for p in arabic.sections()]
    assert "changes" in [p.name for p in arabic.displays()]
    compared = arabic.replace(compare_to="2025-06-01").changes_section()
    assert compared and 'dir="rtl"' in compared.html
    assert compared.display_id == changes.display_id  # same view: it replaces the blank


def test_the_title_is_the_datasets_own(arabic: Report, minimal_data: Path) -> None:
    shipped = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    html = arabic.title_block().html
    assert shipped["title_ar"] in re.sub(r"</?span[^>]*>", "", html)
    # «للتحالف الدولي» never splits across the title's lines (Arabic editor N1)
    assert '<span class="nowrap" style="white-space:nowrap">للتحالف الدولي</span>' in html
    package = minimal_data / "datapackage.json"
    descriptor = json.loads(package.read_text(encoding="utf-8"))
    descriptor.update(
        title="Garrison closures in Ruritania", title_ar="إغلاق الحاميات في روريتانيا"
    )
    package.write_text(json.dumps(descriptor), encoding="utf-8")
    other = Report.from_parameters(as_of="2025-10-15", data_dir=str(minimal_data))
    assert "<h1>Garrison closures in Ruritania</h1>" in other.title_block().html
    assert other.replace(lang="ar").title == "إغلاق الحاميات في روريتانيا"


def test_reprs_are_short(arabic: Report) -> None:
    for text in (repr(arabic), repr(arabic.timeline), repr(arabic.timeline.phases[0])):
        assert len(text) < 300 and "\n" not in text, text
    assert repr(arabic).startswith("<Report ar as of 2025-10-15:")
    overdue = sum(p.status == "overdue" for p in arabic.timeline.phases)
    assert f"{overdue} overdue" in repr(arabic) and f"{overdue} overdue" in repr(arabic.timeline)
    baghdad = arabic.timeline.phase("phase-baghdad-mission")
    assert repr(baghdad).startswith("<PhaseState phase-baghdad-mission overdue")


# --------------------------------------------------------------------------- frames


def test_frames_answer_what_slipped_and_by_how_much(january: Report) -> None:
    phases, deadlines, events, sources = january.frames()
    baghdad = phases.set_index("phase").loc["phase-baghdad-mission"]
    # Declared complete on 18 January 2026 (ROUND5 decision 1): a day, 110 days late.
    assert baghdad.status == "ended_late" and baghdad.end_precision == "day"
    assert (baghdad.days_after_deadline_min, baghdad.days_after_deadline_max) == (110, 110)
    assert str(baghdad.due.date()) == "2025-09-30" and baghdad.due_precision == "month"
    ain = phases.set_index("phase").loc["phase-ain-al-asad-mission"]
    # The end is known only as a range (16-18 January 2026): so is the delay.
    assert ain.end_precision == "range" and str(ain.end_earliest.date()) == "2026-01-16"
    assert ain.revisions == 1 and ain.original_due_precision == "month"
    assert (ain.days_after_original_min, ain.days_after_original_max) == (108, 110)
    erbil = phases.set_index("phase").loc["phase-erbil-mission"]
    assert erbil.terms == "conditional" and not erbil.missed
    # A precision column beside each date, typed dates.
    for frame in (phases, deadlines, events, sources):
        dates = [c for c in frame.columns if str(frame[c].dtype).startswith("datetime64")]
        assert dates
        for column in dates:
            stem = column.removesuffix("_from").removesuffix("_to")
            assert f"{stem}_precision" in frame.columns or stem in ("end_earliest", "known_through")
    revised = deadlines.set_index("deadline").loc["deadline-ain-al-asad-2026-01"]
    assert revised.revises == "deadline-ain-al-asad-2025-09" and bool(revised.in_force)
    assert str(revised.announced_to.date()) == "2025-12-31"
    assert len(events) == len(january.timeline.visible)
    assert sources.cited_by.sum() >= len(events)
    assert phases.attrs["as_of"] == "2026-01-31"


def test_frames_of_another_dataset_keep_ranges(minimal_data: Path) -> None:
    """An end known only as a range across the deadline: ranges in, ranges out."""
    set_cell(minimal_data / "events.csv", "phase-alpha", "end", "2026-01-20/2026-02-10")
    report = Report.from_parameters(as_of="2026-03-31", data_dir=str(minimal_data))
    frames = report.frames()
    assert len(frames.phases) == len(report.timeline.phases) == 1
    alpha = frames.phases.iloc[0]
    assert alpha.status == "ended_uncertain" and alpha.end_precision == "range"
    assert str(alpha.end_earliest.date()) == "2026-01-20" and str(alpha.end.date()) == "2026-02-10"
    assert (alpha.days_after_deadline_min, alpha.days_after_deadline_max) == (-11, 10)
    event = frames.events.set_index("id").loc["phase-alpha"]
    assert event.end_precision == "range" and str(event.end_to.date()) == "2026-02-10"
    assert set(frames.events.id) == {e.id for e in report.timeline.visible}


def test_quality_checks_as_frames() -> None:
    from analysis.frames import quality_frames

    checks = quality_frames("", "2026-01-31")
    single = checks["Events without a second source"]
    assert list(single.columns) == ["event", "kind", "confidence", "only source"]
    assert len(single) > 0 and single.attrs["check"] == "Events without a second source"


def test_building_a_report_does_not_import_pandas() -> None:
    code = (
        "import sys; from analysis.report import Report; "
        "r = Report.from_parameters(as_of='2025-10-15', lang='ar'); "
        "[s._repr_mimebundle_() for s in r.sections()]; "
        "print('pandas' in sys.modules); r.frames(); print('pandas' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={**os.environ, "PYTHONPATH": str(SRC)},
    )
    assert out.stdout.split() == ["False", "True"], out.stdout + out.stderr


# ------------------------------------------------------------------ layout (review round 1)


def test_one_section_order_on_screen_in_print_and_in_the_notebook() -> None:
    """Headline with the confidence note, by location, the two charts, events and
    statements, what changed, commentary, sources, about the data; the notebook's cells
    call the sections in the same order (the PDF prints the notebook's order)."""
    from analysis.report import SECTIONS

    assert [name for name, _ in SECTIONS] == [
        "title",
        "headline",
        "sites",
        "chart-promise",
        "chart-gantt",
        "statements",
        "changes",
        "commentary",
        "sources",
        "data-notes",
    ]
    notebook = json.loads((PROJECT_DIR / "notebooks" / "drawdown_report.ipynb").read_text())
    calls = [
        "".join(cell["source"]).strip()
        for cell in notebook["cells"]
        if cell["cell_type"] == "code" and "".join(cell["source"]).strip().startswith("report.")
    ]
    methods = [f"report.{method}()" for _, method in SECTIONS]
    assert [c for c in calls if c in methods] == methods


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_confidence_note_sits_directly_under_the_headline(lang: str) -> None:
    html = str(Report.from_parameters(as_of="2026-02-01", lang=lang).headline().html)
    headline_end = html.index("</p></div>")
    note = html.index('class="confidence-note"')
    assert headline_end < note and html[headline_end:note].count("<p") == 1


def _notes(as_of: str, lang: str, built: dt.date | None = None) -> tuple[str, str]:
    """About the data of an edition: its HTML, and its text without tags or no-break spaces."""
    report = Report.from_parameters(as_of=as_of, lang=lang)
    html = str((report.data_notes(built=built) if built else report.data_notes()).html)
    return html, re.sub(r"<[^>]+>", "", html).replace("\xa0", " ")


def test_about_the_data_says_the_editions_cut_off_and_no_bookkeeping() -> None:
    """One sentence for the cut-off and the rule (ROUND4 decision 9), one definition of the
    cut-off in both languages (ROUND5 decision 4), then the method notes."""
    built = dt.date(2025, 10, 15)  # built on its date: no "compiled on" sentence
    october, text = _notes("2025-10-15", "en", built)
    assert "This report covers events to 15 October 2025; each claim is marked" in text
    assert "Information cut-off" not in text and "This edition uses only" not in text
    first = re.findall(r"<p>(.*?)</p>", october)
    assert len(first) == 1 and re.sub(r"<[^>]+>", "", first[0]).count(".") == 1, first
    # Never the dataset's later coverage, row counts or hashes on an earlier edition.
    for leak in ("March 2026", "March\xa02026", " / ", "hash", "Events used"):
        assert leak not in october, leak
    # ROUND9 decision 2 (EN S2): past the data, why the cut-off and what it leaves out
    assert (
        "The sources behind this edition were reviewed for completeness up to 31 March 2026 "
        "and have not been updated since; events after that date, including whether the "
        "second phase ended in September 2026, are not covered. Each claim is marked"
    ) in _notes("2026-11-30", "en")[1]
    assert (
        # ROUND10 decision 5 (AR N17): no calque of "checked for completeness"
        "استُكملت مراجعة المصادر حتى 31 آذار 2026، ولم تُحدَّث بعد ذلك؛ ولا "
        "تشمل النسخة ما جرى بعد هذا التاريخ، ومنه ما إذا كانت المرحلة الثانية قد انتهت في "
        "أيلول 2026."
    ) in _notes("2026-11-30", "ar")[1]
    # an edition within the data keeps its one sentence
    assert "reviewed for completeness" not in _notes("2026-02-01", "en")[0]
    arabic, arabic_text = _notes("2025-10-15", "ar", built)
    assert "ملاحظة منهجية" in arabic_text and "عن البيانات" not in arabic_text
    assert "يغطي هذا التقرير الأحداث حتى" in arabic_text and "بصمة" not in arabic
    assert "ما نُشر حتى 15" not in arabic_text  # one cut-off definition: events, as in English
    sentence = re.sub(r"<[^>]+>", "", re.findall(r"<p>(.*?)</p>", arabic)[0])
    assert "تنتهي معلومات" not in sentence and sentence.count(".") == 1, sentence


def test_past_the_data_the_subtitle_says_how_far_the_information_runs() -> None:
    """ROUND3 decision 1 (editor 2, Arabic desk 36): eight months past the data, never
    "as of 30 November 2026"; an edition within the data keeps "as of"."""
    november = str(Report.from_parameters(as_of="2026-11-30", lang="en").title_block().html)
    # The lede's run-in dateline names the cut-off, so the subtitle gives only the
    # publication date (ROUND9 decision 1: EN nit 2, AR nit 1, no triple repetition).
    assert "Promised deadlines and what happened (published 30 November 2026)" in (
        november.replace("\xa0", " ")
    ), november
    assert "31 March" not in november.replace("\xa0", " ")
    assert "as of" not in november and "actually" not in november
    arabic = str(Report.from_parameters(as_of="2026-11-30", lang="ar").title_block().html)
    assert "المواعيد المعلنة وما جرى فعلًا (نُشر في 30 تشرين الثاني 2026)" in re.sub(
        r"<[^>]+>|[\u2066-\u2069]", "", arabic
    ).replace("\xa0", " "), arabic
    assert "المعلومات حتى" not in arabic
    assert "بمعلومات حتى" not in arabic
    october = str(Report.from_parameters(as_of="2025-10-15", lang="en").title_block().html)
    assert "as of 15" in october and "information to" not in october
    # "material published by 30 November 2026" is never said past the data's end.
    notes = str(Report.from_parameters(as_of="2026-11-30", lang="en").data_notes().html)
    assert "published by" not in notes.replace("\xa0", " ")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_back_dated_edition_says_when_it_was_compiled(lang: str) -> None:
    """ROUND6 decision 3 (EN S12, FC 4, Arabic editor S4): built after its date, the
    subtitle names the compile date; About the data names the cut-off again after the
    compile date (never "that date"/«ذلك التاريخ», which would read as the compile date)
    and does not repeat the cut-off in a second sentence."""
    built = dt.date(2026, 11, 30)
    report = Report.from_parameters(as_of="2025-10-15", lang=lang)

    def text(section: object) -> str:
        html = re.sub(r"(?s)<style.*?</style>", "", str(section))
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html).replace("\xa0", " "))

    title = text(report.title_block(built=built).html)
    notes = text(report.data_notes(built=built).html)
    if lang == "en":
        assert (
            "Promised deadlines and what happened, as of 15 October 2025 "
            "(edition compiled 30 November 2026)"
        ) in title, title
        assert (
            "it was compiled on 30 November 2026 from sources published by 15 October 2025; "
            "later information is left out on purpose."
        ) in notes, notes
        assert "covers events to" not in notes
    else:
        assert "حتى 15 تشرين الأول 2025 (أُعدّت هذه النسخة في 30 تشرين الثاني 2026)" in title
        assert (
            "وقد أُعدّت في 30 تشرين الثاني 2026 اعتمادًا حصرًا على مصادر نُشرت حتى 15 تشرين الأول 2025"
        ) in notes, notes
        assert "يغطي هذا التقرير الأحداث حتى" not in notes
    after = notes.split("2026", 1)[1]
    assert "that date" not in after and "ذلك التاريخ" not in after, after
    # built on its date: no compile date anywhere
    same_day = text(report.title_block(built=dt.date(2025, 10, 15)).html)
    assert "compiled" not in same_day and "أُعدّت" not in same_day
