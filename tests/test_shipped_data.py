"""The shipped dataset: valid, complete against the seed article, and a valid Data Package."""

from __future__ import annotations

import re

import pytest

from analysis.dataset import load_dataset
from conftest import DATA_DIR


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(DATA_DIR)


def test_frictionless_accepts_the_package() -> None:
    """The descriptor and tables follow the Frictionless spec (keys, enums, patterns)."""
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(DATA_DIR / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_every_field_is_described_in_both_languages() -> None:
    import json

    descriptor = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        for field in resource["schema"]["fields"]:
            assert field.get("description"), (resource["name"], field["name"])
            assert re.search("[\u0600-\u06ff]", field.get("description_ar", "")), field["name"]


@pytest.mark.parametrize(
    ("phase", "deadline", "due"),
    [
        ("phase-baghdad-mission", "deadline-baghdad-2025-09", "2025-09"),
        ("phase-ain-al-asad-mission", "deadline-ain-al-asad-2025-09", "2025-09"),
        ("phase-erbil-mission", "deadline-erbil-2026-09", "2026-09"),
    ],
)
def test_seed_deadlines_at_month_precision(dataset, phase: str, deadline: str, due: str) -> None:
    row = dataset.event(deadline)
    assert row.kind == "deadline" and row.phase == phase
    assert row.start.iso == due and row.start.precision == "month"
    assert dataset.event(phase).kind == "phase"


def test_seed_statements(dataset) -> None:
    allawi = dataset.event("2025-08-17-allawi-ina")
    assert allawi.actor == "hussein-allawi"
    assert dataset.actors["hussein-allawi"].name_ar == "حسين علاوي"
    assert "أيلول" in (allawi.quote_ar or "") + allawi.title_ar + (allawi.summary_ar or "")
    numan = dataset.event("2025-08-18-numan-government-achievement")
    assert numan.actor == "sabah-al-numan" and "إنجاز" in (numan.quote_ar or "")
    embassy = dataset.event("2025-08-18-us-embassy-bilateral-partnership")
    assert "bilateral" in embassy.title_en.lower()
    assert "Defense" in (embassy.summary_en or "") or "Defence" in (embassy.summary_en or "")
    assert dataset.event("2024-09-27-adviser-protection").start.iso == "2024-09-27"


def test_ain_al_asad_deadline_was_revised(dataset) -> None:
    revised = dataset.event("deadline-ain-al-asad-2026-01")
    assert revised.revises == "deadline-ain-al-asad-2025-09"
    assert revised.announced.iso == "2025-12-31"


def test_conflicts_are_kept_not_resolved(dataset) -> None:
    troop_text = " ".join((e.summary_en or "") for e in dataset.events)
    for figure in ("2,000", "2,500", "500", "1,500"):
        assert figure in troop_text
    # The JOC / Ain al-Asad wording of 31 Dec 2025 and the Reuters colonel of 17 Jan 2026 stay.
    assert "Ain al-Asad" in dataset.event("2025-12-31-muhammadawi-joc-clear").summary_en
    assert "colonel" in dataset.event("2026-01-17-iraqi-army-takes-ain-al-asad").summary_en
    # A news site's misspelt name is a note in data/README.md, not an event.
    assert not any(e.id.endswith("peregraf-adviser-name") for e in dataset.events)
    assert "Farhad Allawi" in (DATA_DIR / "README.md").read_text(encoding="utf-8")


def test_iraq_wide_lane_has_clause_one_deadline_not_erbils(dataset) -> None:
    """Clause 1 (September 2025) binds the Iraq-wide lane; September 2026 belongs to Erbil only."""
    deadlines = {e.phase: e for e in dataset.events if e.kind == "deadline" and not e.revises}
    iraq = deadlines["phase-iraq-coalition-mission"]
    assert iraq.start.iso == "2025-09" and iraq.announced.iso == "2024-09-27"
    assert [e.id for e in dataset.events if e.kind == "deadline" and e.start.iso == "2026-09"] == [
        "deadline-erbil-2026-09"
    ]
    erbil = dataset.event("deadline-erbil-2026-09")
    # The date is official text and officials tied it to Erbil: confirmed (review round 1).
    assert erbil.terms in {"conditional", "minimum"} and erbil.confidence == "confirmed"
    sudani = dataset.event("2025-11-03-sudani-reuters-interview")
    assert sudani.kind == "statement" and sudani.status == "completed"


def test_baghdad_and_ain_al_asad_ends_carry_their_uncertainty(dataset) -> None:
    baghdad = dataset.event("phase-baghdad-mission")
    # Round 4 (fact-check S2): declared on 18 January 2026, no lower bound (on 26 November 2025
    # the JOC deputy still placed four or five coalition personnel in Baghdad).
    assert baghdad.end.iso == "2026-01-18" and baghdad.end_basis == "declared"
    ain = dataset.event("phase-ain-al-asad-mission")
    assert ain.end.iso == "2026-01-16/2026-01-18"
    revised = dataset.event("deadline-ain-al-asad-2026-01")
    # "next week" on 31 Dec 2025 is due by 10 January, not by the end of January.
    assert revised.start.last_day().isoformat() == "2026-01-10"
    # An official said it on the record: confirmed; but it is an announced expectation, worded so.
    assert revised.confidence == "confirmed"
    assert "Revised" not in revised.title_en and "معدَّل" not in revised.title_ar
    assert "said" in (revised.summary_en or "")
    withdrawal = dataset.event("2026-01-16-us-completes-ain-al-asad-withdrawal")
    assert withdrawal.announced.iso == "2026-01-17"


def test_every_quote_is_in_both_languages(dataset) -> None:
    for event in dataset.events:
        if event.quote_ar or event.quote_en:
            assert event.quote_ar and event.quote_en, event.id
            assert event.quote_original in {"ar", "en"}, event.id


_READER_COLUMNS = ("title_en", "title_ar", "summary_en", "summary_ar", "quote_ar", "quote_en")
_CURATOR_PHRASES = re.compile(
    r"\brows?\b|inferred|kept at month precision|\blanes?\b"
    r"|(?<![\u0600-\u06ff])(ال)?(صف|صفوف)(?![\u0600-\u06ff])|سُجّل الحدث|استُنتج|المسار"
)


def test_reader_text_has_no_curator_notes_or_ascii_quotes_in_arabic(dataset) -> None:
    for event in dataset.events:
        for column in _READER_COLUMNS:
            text = getattr(event, column) or ""
            found = _CURATOR_PHRASES.search(text)
            assert found is None, (event.id, column, found and found.group(0))
            if column.endswith("_ar"):
                assert '"' not in text, (event.id, column)


def test_every_row_cites_a_web_source(dataset) -> None:
    for event in dataset.events:
        for source_id in event.source_ids:
            assert dataset.sources[source_id].url.startswith(("http://", "https://"))
    assert all(e.title_ar and e.title_en for e in dataset.events)


def test_timeline_covers_2014_to_2026(dataset) -> None:
    first, last = dataset.date_range()
    assert first.iso == "2014-08-08"
    assert last.year == 2026


def test_phase_ends_are_sourced_after_the_end(dataset) -> None:
    """A phase with an end cites a source published on or after the end (UNAMI: Xinhua)."""
    for event in dataset.events:
        if event.kind != "phase" or event.end is None:
            continue
        published = [dataset.sources[s].published for s in event.source_ids]
        assert any(p is not None and p.first_day() >= event.end.first_day() for p in published), (
            event.id
        )


def test_no_fragment_quotes(dataset) -> None:
    """A quote of four words or fewer says nothing on its own (review round 1): none is kept."""
    for event in dataset.events:
        for text in (event.quote_ar, event.quote_en):
            if text:
                assert len(text.split()) > 4, (event.id, text)


def test_iraqi_officials_quoted_in_arabic_are_quoted_from_arabic(dataset) -> None:
    """An Arabic-speaking Iraqi official's quote is the Arabic original, never a back-translation.

    (Joint texts issued officially in both languages, such as the 2024 joint statement, are not
    covered: their English is an original too.)
    """
    iraqi = {
        "qasim-al-araji",
        "hussein-allawi",
        "sabah-al-numan",
        "mohammed-shia-al-sudani",
        "qais-al-muhammadawi",
        "thabet-al-abbasi",
        "iraqi-mod",
        "iraq-mfa",
    }
    for event in dataset.events:
        if event.actor in iraqi and (event.quote_ar or event.quote_en):
            assert event.quote_original == "ar", event.id


def test_confidence_follows_the_definitions(dataset) -> None:
    """confirmed: an official statement or several sources; reported: news, no official word."""
    officials_on_record = {
        "2025-11-26-muhammadawi-federal-mission-complete",
        "deadline-erbil-2026-09",
        "deadline-ain-al-asad-2026-01",
        "2024-07-second-jscd",
    }
    for event_id in officials_on_record:
        assert dataset.event(event_id).confidence == "confirmed", event_id
    for event_id in (
        "2026-03-01-attacks-on-harir-air-base",
        "2026-03-04-drone-strikes-victoria-base",
        "2025-08-24-reported-pullout-ain-al-asad",
    ):
        assert dataset.event(event_id).confidence == "reported", event_id


def test_arabic_reader_text_and_publishers(dataset) -> None:
    for event in dataset.events:
        for column in ("title_ar", "summary_ar", "quote_ar"):
            assert "F-16" not in (getattr(event, column) or ""), event.id
    for source in dataset.sources.values():
        assert not source.publisher_ar.startswith("أ نيوز"), source.id
        assert "arcpublishing.com" not in source.url and "zazoom" not in source.url, source.id


def test_second_jscd_is_its_two_days(dataset) -> None:
    jscd = dataset.event("2024-07-second-jscd")
    assert jscd.start.iso == "2024-07-22/2024-07-23"


def test_site_deadlines_cite_the_officials_who_named_the_sites(dataset) -> None:
    """Review round 2: the joint statement names no sites; each site deadline cites al-Abbasi
    (The Defense Post / Bao Hai Duong) and, for Baghdad and Ain al-Asad, Allawi (17 August 2025)."""
    abbasi = {"defensepost-2024-09-30", "baohaiduong-392511"}
    allawi = {"aletihad-4598610", "shorouk-2025-08-17", "tehrantimes-516926"}
    for deadline in ("deadline-baghdad-2025-09", "deadline-ain-al-asad-2025-09"):
        row = dataset.event(deadline)
        assert abbasi | allawi <= set(row.source_ids), deadline
        assert "without naming sites" in row.summary_en and "Allawi" in row.summary_en
        assert "Under the first clause" not in row.summary_en
    # Erbil (review round 7, decision 3): al-Abbasi is cited in the summary, after his clause.
    erbil = dataset.event("deadline-erbil-2026-09")
    assert "does not name Erbil" in erbil.summary_en
    for text in (erbil.summary_en, erbil.summary_ar):
        assert "[@defensepost-2024-09-30; @baohaiduong-392511]" in text


def test_round_two_data_fixes(dataset) -> None:
    iraq = dataset.event("phase-iraq-coalition-mission")
    assert iraq.title_en == "The coalition’s military mission in federal Iraq (first phase)"
    assert iraq.title_ar == "المهمة العسكرية للتحالف الدولي في المناطق الاتحادية (المرحلة الأولى)"
    withdrawal = dataset.event("2026-01-16-us-completes-ain-al-asad-withdrawal")
    # Round 7: unnamed sources via Fox News and The Media Line, so reported; the Ministry of
    # Defence's page (Kurdistan24 Arabic) does not carry that account and is not a source here.
    assert withdrawal.confidence == "reported"
    assert "kurdistan24-ar-887928" not in withdrawal.source_ids
    # 26 November 2025: his words as Rudaw quotes them, not Rudaw's own summary sentence.
    nov26 = dataset.event("2025-11-26-muhammadawi-federal-mission-complete")
    assert nov26.quote_en == "All global coalition forces are now in the Kurdistan Region"
    assert "effectively" not in nov26.quote_en
    # The 15 January date Shafaq reported on 14 January 2026, as a reported statement.
    jan14 = dataset.event("2026-01-14-ain-al-asad-withdrawal-scheduled")
    assert jan14.confidence == "reported" and "15 January" in jan14.summary_en
    assert dataset.sources[jan14.source_id].published.iso == "2026-01-14"
    detainees = dataset.event("2026-02-13-detainee-transfer-completed")
    assert "carried out the operation in Iraq" not in detainees.summary_en
    assert "Reuters" in dataset.event("2025-11-03-sudani-reuters-interview").summary_en
    kinds = {e.id: e.kind for e in dataset.events}
    assert kinds["2024-05-31-unsc-resolution-2732"] != "agreement"
    assert kinds["2026-01-21-sudani-visits-ain-al-asad"] != "statement"
    # Round 7 (Arabic editor nit 9): dawn for the 4 a.m. strike, morning for the second.
    harir = dataset.event("2026-03-01-attacks-on-harir-air-base").summary_ar or ""
    # (round 8, decision 5: the day itself, since the first sentence stands alone)
    assert "صباح 1 آذار 2026، الأولى بُعيد الرابعة فجرًا والثانية نحو الثامنة والنصف" in harir
    for event in dataset.events:  # typographic apostrophes and quotes in English reader text
        assert "'" not in event.title_en + (event.summary_en or ""), event.id
        assert '"' not in event.title_en + (event.summary_en or "") + (event.quote_en or ""), (
            event.id
        )


_ENGLISH_READER_FIELDS = {
    "events": ("title_en", "summary_en", "quote_en"),
    "sources": ("publisher_en", "title", "title_en"),
    "actors": ("name_en", "role_en"),
    "sites": ("name_en",),
}


def _rows(name: str) -> list[dict[str, str]]:
    import csv

    with (DATA_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_no_straight_apostrophes_in_english_reader_text() -> None:
    """Round 3 (English editor C14): ’ and “…” in every English text a reader sees, including
    source titles and the dataset title; Arabic source titles may keep "…" (see below)."""
    import json

    for name, fields in _ENGLISH_READER_FIELDS.items():
        for row in _rows(name):
            checked = fields
            if name == "sources" and row["language"] == "ar":
                checked = ("publisher_en", "title_en")
            for field in checked:
                assert "'" not in row[field], (name, row["id"], field, row[field])
    descriptor = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    assert "'" not in descriptor["title"] and "’" in descriptor["title"]


def test_arabic_source_titles_have_an_english_rendering() -> None:
    """English editor C15: every Arabic title read from its page has `title_en`, a plain English
    translation with typographic quotes; English sources leave `title_en` empty."""
    import re

    for row in _rows("sources"):
        if row["language"] == "ar" and row["title"]:
            assert row["title_en"], row["id"]
            assert not re.search("[\u0600-\u06ff]", row["title_en"]), row["id"]
            assert '"' not in row["title_en"] and "'" not in row["title_en"], row["id"]
            assert row["title_en"][0].isupper(), row["id"]
        else:
            assert not row["title_en"], row["id"]


def test_arabic_source_titles_do_not_nest_guillemets() -> None:
    """The report prints an Arabic title inside «…»: a title quoting a word uses "…" (N10)."""
    for row in _rows("sources"):
        assert "«" not in row["title"] and "»" not in row["title"], row["id"]


def test_round_three_data_fixes(dataset) -> None:
    """Round 3 reviews (fact-checker, English and Arabic editors), checked where mechanical."""
    events = {e.id: e for e in dataset.events}
    # One description of Victoria Base: at Baghdad International Airport / في مطار بغداد الدولي.
    for event in events.values():
        if "Victoria Base" in (event.summary_en or ""):
            assert re.search(r"Victoria Base\)? at Baghdad International Airport", event.summary_en)
            assert re.search(r"فيكتوريا\)? في مطار بغداد الدولي", event.summary_ar or ""), event.id
    # Attribution once: no meta-text about media reports in a summary (the template flags it).
    for event in events.values():
        assert "media reports" not in (event.summary_en or ""), event.id
        assert "تقارير إعلامية لا إعلان" not in (event.summary_ar or ""), event.id
    # Headings attribute what the body attributes.
    # Round 4 (English editor nit 15): the 16 January heading names the CENTCOM sources whose day
    # it gives; the ministry's announcement of 17 January is the 17 January entry.
    jan16 = events["2026-01-16-us-completes-ain-al-asad-withdrawal"]
    # Round 6 (fact-checker): Air Force Times credits the Iraqi ministry, not Fox/CENTCOM; the
    # Fox account is The Media Line's (and NewsFinale's).
    # Round 7 (English editor S8): the heading leads with whose sources they are.
    # Round 10 (EN nit 16): the outlet cited is The Media Line, relaying Fox News.
    assert jan16.title_en.endswith("by 16 January, The Media Line reports, citing Fox News")
    assert "Air Force Times" not in jan16.summary_en
    assert "Ministry of Defence" not in jan16.summary_en
    assert jan16.source_id == "themedialine-173518"
    assert (
        "Iraq’s Defence Ministry announced"
        in events["2026-01-17-iraqi-army-takes-ain-al-asad"].summary_en
    )
    # Round 7 (English editor S9, Arabic editor S4): the heading names the source first.
    assert events["2026-03-04-drone-strikes-victoria-base"].title_en.startswith("Security source:")
    assert events["2026-03-04-drone-strikes-victoria-base"].title_ar.startswith("مصدر أمني:")
    # "Largest base" is Al Jazeera's wording, not AP's ("a key base").
    qasrak = events["2026-02-23-us-moves-from-qasrak-to-kurdistan"]
    # A withdrawal from a Syrian base, not an Erbil event (round 5, fact-checker 9).
    assert qasrak.site == "qasrak" and "Syria" in dataset.sites["qasrak"].name_en
    assert "Al Jazeera described" in qasrak.summary_en and "AP described" not in qasrak.summary_en
    # No claim that the two UN compounds are different sites.
    assert "different site" not in events["2026-01-03-un-integrated-compound-handover"].summary_en
    # "The day before" -> the date the source gives (Tuesday 13 January).
    jan14 = events["2026-01-14-ain-al-asad-withdrawal-scheduled"]
    assert "13 January" in jan14.summary_en and "13 كانون الثاني" in jan14.summary_ar
    # Harir: one verb in both languages, and the day once: its first sentence stands alone in
    # the sites section (round 8, decision 5), so it carries the day, and only there.
    harir = events["2026-03-01-attacks-on-harir-air-base"]
    assert "hit" not in harir.summary_en and "targeted twice" in harir.summary_en
    first_en, first_ar = harir.summary_en.split(". ")[0], harir.summary_ar.split(". ")[0]
    # (round 14, EN nit 6: the English says "that morning"; the sites section dates it)
    assert "1 March 2026" not in harir.summary_en and "that morning" in first_en
    assert harir.summary_ar.count("1 آذار 2026") == 1 and "1 آذار 2026" in first_ar
    # 86 "states" (Reuters: participants since 2014) is explained on 3 November (round 4, English
    # editor nit 13); Syria's 90th membership says in one clause that it is a different count
    # (round 5, English editor S7); its quote is the minister's own Arabic (Lebanon24), not a
    # back-translation of Anadolu's English (round 5, Arabic editor S3).
    syria = events["2025-11-10-syria-joins-coalition"]
    # Round 7 (English editor S12, fact-check 2): the two counts side by side, no reason given;
    # round 8 (English editor nit 23): partners and countries are different measures; round 10
    # (EN S4): which says what each counts (see test_round_ten_data_fixes).
    assert "the US Embassy’s 90 counted partners" in syria.summary_en  # EN nit 8 of read 15
    assert "الذي أوردته السفارة الأميركية هو عدد الشركاء" in syria.summary_ar
    assert "differs" not in syria.summary_en
    assert syria.quote_original == "ar" and syria.source_id == "lebanon24-1440747"
    assert "lebanon24-1440747" in syria.source_ids
    assert "since 2014" in events["2025-11-03-sudani-reuters-interview"].summary_en
    # The 18 January entry states the contradiction with the earlier accounts plainly (round 4,
    # English editor S5); why the phase is dated to it is a method note, not entry text.
    hmc = events["2026-01-18-hmc-federal-bases-cleared"]
    # Round 7 (English editor nit, Arabic editor nit 10): "is at odds with" / «يخالف».
    assert "is at odds with earlier official accounts" in hmc.summary_en
    assert "ويخالف هذا الإعلانُ" in hmc.summary_ar
    assert "26 November 2025" in hmc.summary_en and "31 December" in hmc.summary_en
    assert "this report" not in hmc.summary_en and "هذا التقرير" not in hmc.summary_ar
    # The 29 August wording repeats what an official gave Shafaq News on 25 August; The New
    # Region of 2 September (18 August interview) is not cited for it (round 5, English editor S8).
    pentagon = events["2025-08-29-pentagon-official-reaffirms-timeline"]
    assert "thenewregion-2965" not in pentagon.source_ids
    assert "New Region" not in pentagon.summary_en
    assert "repeated" in events["2025-08-29-pentagon-official-reaffirms-timeline"].summary_en
    # The site deadlines were announced by al-Abbasi on 8 September 2024, a source of each row;
    # the joint statement of 27 September names no site (round 5, English editor S13).
    for site_deadline in ("deadline-baghdad-2025-09", "deadline-ain-al-asad-2025-09"):
        row = events[site_deadline]
        assert row.announced.iso == "2024-09-08" and "defensepost-2024-09-30" in row.source_ids
    # 20 October: a second report of al-Sudani's remarks.
    assert len(events["2025-10-20-sudani-advisers-stay-ain-al-asad"].source_ids) >= 2
    # Arabic: one title for the prime minister; an editor's gloss in a quote is in [...].
    for event in events.values():
        assert "رئيس مجلس الوزراء" not in (event.summary_ar or ""), event.id
    # Round 4 (fact-check N7): the parentheses were Al Ittihad's own gloss, not Allawi's
    # words; read by three Arabic editors as ours (reads 14, 15, 18), they are left out of
    # the quotation, the omission marked […].
    allawi = events["2025-08-17-allawi-ina"]
    assert "وقاعدة عين الأسد […] في أيلول 2025" in allawi.quote_ar
    assert "and at Ain al-Asad base […] in September 2025" in allawi.quote_en
    assert "ناحية البغدادي" not in allawi.quote_ar and "Baghdadi" not in allawi.quote_en


def test_round_four_data_fixes(dataset) -> None:
    """Round 4 reviews (fact-checker S1-S4, N1-N13; English editor S2-S8 and nits), where
    mechanical."""
    events = {e.id: e for e in dataset.events}
    # No method glosses in entries: how the report reads dates is a method note (decision 3).
    for event in events.values():
        for text in (event.summary_en or "", event.title_en):
            assert "this report" not in text and "means the end of" not in text, event.id
        assert "هذا التقرير" not in (event.summary_ar or "") + event.title_ar, event.id
    # The Erbil deadline: its own sources are the joint statement's (round 7, decision 3); the
    # dated sources naming Erbil (Reuters' US official, 30 September 2025; the HMC, 18 January
    # 2026) are the Erbil lane's, on the phase row.
    erbil = events["deadline-erbil-2026-09"]
    assert erbil.source_id == "rasalkhaimahnews-2024-09-29"
    assert set(erbil.source_ids) == {
        "rasalkhaimahnews-2024-09-29",
        "alrasheed-584210",
        "shafaq-2024-09-27",
        "miragenews-joint-statement",
    }
    naming = {"arabnews-pk-2617370", "shafaq-2026-01-18", "burathanews-470310"}
    assert naming <= set(events["phase-erbil-mission"].source_ids)
    assert {dataset.sources[s].published.iso for s in naming} == {"2025-10-01", "2026-01-18"}
    # ... and its Iraqi vs US readings use only what was public by 27 September 2024.
    assert "until at least September 2026" in erbil.summary_en and "al-Abbasi" in erbil.summary_en
    # Round 9 (d. 7): in time order, the minister named, "before the statement was issued".
    readings = erbil.summary_en.split("The two sides have described that date differently.")[1]
    assert "2025" not in readings.replace("by September 2025", "")
    assert readings.index("8 September 2024, before the statement") < readings.index(
        "27 September 2024"
    )
    assert "Iraq’s defence minister, Thabet al-Abbasi," in readings
    assert "ثابت العباسي في 8 أيلول 2024، قبل صدور البيان" in erbil.summary_ar
    # The 20 October entry keeps al-Sudani's words apart from the plan's background.
    sudani = events["2025-10-20-sudani-advisers-stay-ain-al-asad"]
    said, background = sudani.summary_en.split(". The plan had called for")
    assert "although" not in said and "September 2025" in background
    # The launch of the detainee transfer is its own event; 13 February no longer cites it.
    launch = events["2026-01-21-detainee-transfer-begins"]
    assert launch.source_id == "anews-2026-01-21" and "CJTF-OIR" not in launch.summary_en
    assert "anews-2026-01-21" not in events["2026-02-13-detainee-transfer-completed"].source_ids
    # Undated, unstored TRT Arabi is gone; no source is cited that the data do not list.
    assert "trtarabi-5a0497cf4a19" not in dataset.sources
    # 29 August: the quote is Shafaq's text of that day; the earlier wording is attributed.
    aug29 = events["2025-08-29-pentagon-official-reaffirms-timeline"]
    assert aug29.quote_en.startswith("We remain committed to concluding")
    assert "first" not in aug29.summary_en and "25 August" in aug29.summary_en
    # Fact-check S3: 1-2 March in the context the sources give; the claim attributed.
    assert "rising tensions" not in events["2026-03-01-attacks-on-harir-air-base"].summary_en
    assert "Khamenei" in events["2026-03-02-drone-attack-victoria-base"].summary_en
    # (round 9, EN nit 27: the faction's claim attributed; the death itself sourced, not hedged)
    victoria2 = events["2026-03-02-drone-attack-victoria-base"]
    # (round 10, EN S3 / FC 2: the death its own sentence, its MENAFN marker inline on it)
    assert "in what it called retaliation for the killing" in victoria2.summary_en
    assert "state news agency IRNA had announced his death on 1 March" in victoria2.summary_en
    # N1, N3, N9, N10.
    assert (
        "the reports give no new date for it"
        in events["2025-10-20-sudani-advisers-stay-ain-al-asad"].summary_en
    )
    qasrak = events["2026-02-23-us-moves-from-qasrak-to-kurdistan"].summary_en
    assert "Syria, Al Jazeera reported" in qasrak and "AP reported" not in qasrak
    assert (
        "supervised the distribution of tasks"
        in events["2026-01-17-iraqi-army-takes-ain-al-asad"].summary_en
    )
    assert "قرابة 1500" in events["2025-11-26-muhammadawi-federal-mission-complete"].summary_ar
    assert "أكثر تقليدية" in events["2025-08-18-us-embassy-bilateral-partnership"].summary_ar
    # Arabic editor, round 4: the US official's "may" (S2); no translated paraphrase in «» in a
    # heading (N14); reported speech kept (N2); «هاي دونغ» (N16); "coalition-wide" is not a place.
    briefing = events["2024-09-27-us-background-briefing"]
    assert "قد يواصل" in briefing.summary_ar and "«" not in briefing.title_ar
    assert (
        "وإنه لم يبقَ في بغداد"
        in events["2025-11-26-muhammadawi-federal-mission-complete"].summary_ar
    )
    assert dataset.sources["baohaiduong-392511"].publisher_ar.startswith("صحيفة هاي دونغ")
    assert dataset.sites["global"].name_ar == "التحالف ككل"
    for event in events.values():
        assert "يوجدون" not in (event.summary_ar or ""), event.id


_MONTHS_EN = (
    "January February March April May June July August September October November December"
).split()


def test_summaries_do_not_name_later_days(dataset) -> None:
    """A report as of an event's day shows its summary: the summary must not name a later day
    (no leak from the future). Checks "D Month YYYY" in English summaries of dated events; a
    date something is due by ("to", "until", "by") is a plan, not a later fact."""
    from datetime import date

    pattern = re.compile(r"(\w+) (\d{1,2}) (" + "|".join(_MONTHS_EN) + r") (\d{4})\b")
    for event in dataset.events:
        if event.kind in {"phase", "deadline"} or event.start is None:
            continue
        shown_from = event.start.last_day()
        for before, day, month, year in pattern.findall(event.summary_en or ""):
            named = date(int(year), _MONTHS_EN.index(month) + 1, int(day))
            assert named <= shown_from or before in {"to", "until", "by"}, (event.id, named)


_CITE = re.compile(r"\[@([^\]]+)\]")


def _cited(text: str | None) -> list[str]:
    """The source ids of the ``[@id]`` / ``[@a; @b]`` citations in a text, in order."""
    return [i.strip().lstrip("@") for group in _CITE.findall(text or "") for i in group.split(";")]


def test_round_seven_data_fixes(dataset) -> None:
    """Round 7 reviews (English editor S4-S12 and nits, Arabic editor S2-S8 and nits 6-10,
    fact-check 2-4): per-clause citations in summaries, attribution, the editors' wording."""
    events = {e.id: e for e in dataset.events}
    # Every citation in reader text names a listed source; both languages cite the same ones.
    for event in events.values():
        for column in ("title_en", "title_ar", "summary_en", "summary_ar"):
            for source_id in _cited(getattr(event, column)):
                assert source_id in dataset.sources, (event.id, column, source_id)
        assert _cited(event.summary_en) == _cited(event.summary_ar), event.id
    # Erbil (S5): the 90-word sentence is split, and each reading cites its own sources.
    erbil = events["deadline-erbil-2026-09"]
    assert _cited(erbil.summary_en) == [
        "rasalkhaimahnews-2024-09-29",
        "miragenews-joint-statement",
        "defensepost-2024-09-30",
        "baohaiduong-392511",
        "defensepost-2024-09-30",
        "hurriyetdailynews-201006",
    ]
    assert "Region[@rasalkhaimahnews-2024-09-29" in erbil.summary_en
    # (round 8, English editor nit 7: what each side made of it, before the details)
    # (round 9, decision 7: the editor's three sentences)
    assert ". The two sides have described that date differently. Iraq’s" in erbil.summary_en
    assert "بصورتين مختلفتين. فقد قال وزير الدفاع العراقي" in erbil.summary_ar
    # 4 March (S9, S10; Arabic S4, S5): al-Sudani's October remark cites the AP report of it;
    # the caveat says only what the HMC declared.
    victoria = events["2026-03-04-drone-strikes-victoria-base"]
    assert victoria.summary_en.endswith("near Baghdad airport[@unb-171016].")
    assert "coalition advisers had left all federal bases" in victoria.summary_en
    assert "من دون أن يُسفر الهجوم عن إصابات" in victoria.summary_ar  # AR nit 7 of read 15
    assert "the coalition presence" not in victoria.summary_en
    # 20 October: the Baghdad-airport clause is al-Sudani's too (UNB/AP: "Al-Sudani said").
    oct20 = events["2025-10-20-sudani-advisers-stay-ain-al-asad"]
    assert (
        "and that advisers were also stationed at a base near Baghdad airport" in oct20.summary_en
    )
    # 16 January (S8; Arabic S3; fact-check 3, 4): reported, attributed, no undated-page dates.
    jan16 = events["2026-01-16-us-completes-ain-al-asad-withdrawal"]
    assert "The Media Line, which said CENTCOM" in jan16.summary_en
    assert "(see 17 January)" in jan16.summary_en and "Kurdistan24" not in jan16.summary_en
    assert dataset.sources["themedialine-173518"].published is None
    # The Ain al-Asad lane lists the sources of both ends of 16-18 January, the HMC's included.
    ain = set(events["phase-ain-al-asad-mission"].source_ids)
    assert {"alsumaria-553452", "burathanews-470310", "shafaq-2026-01-18", "964media-44318"} <= ain
    # 18 January: the two earlier accounts cite their own sources; "is at odds with".
    hmc = events["2026-01-18-hmc-federal-bases-cleared"]
    assert _cited(hmc.summary_en) == ["rudaw-261120252", "almowaten-2025-12-31"]
    # The timeline writes the Joint Operations Command and the Higher Military Commission in full.
    for event in events.values():
        for text in (event.title_en, event.summary_en or ""):
            assert not re.search(r"\b(HMC|JOC)\b", text), event.id
    # (round 9, EN nits 4, 12: the headline names him, as the Arabic does; his full title is
    # spelled out once, in the first entry, then "al-Muhammadawi")
    assert events["2025-11-26-muhammadawi-federal-mission-complete"].title_en.startswith(
        "Al-Muhammadawi:"
    )
    full = "Lt Gen Qais al-Muhammadawi, deputy commander of the Joint Operations Command"
    assert [e.id for e in events.values() if full in (e.summary_en or "")] == [
        "2025-11-26-muhammadawi-federal-mission-complete"
    ]
    # 3 November: the 86 is Reuters' count, after his question (read 16 EN nit 7: no parentheses).
    nov3 = events["2025-11-03-sudani-reuters-interview"].summary_en
    assert "; Reuters noted that 86 countries had taken part in the coalition since 2014." in nov3
    assert "ISIS no longer existed, he said, and he asked what could justify" in nov3
    # 21 January: who watched the exercise.
    assert "which Iraqi forces had taken over, and watched an exercise by Iraqi F-16s" in (
        events["2026-01-21-sudani-visits-ain-al-asad"].summary_en
    )
    # Harir (S7): attributed, in its context, and no claim on damage beyond Shafaq's.
    harir = events["2026-03-01-attacks-on-harir-air-base"]
    assert "The attacks came, Shafaq News reported, a day after US and Israeli strikes" in (
        harir.summary_en
    )
    assert "8.30 a.m.; the extent of the damage was not known at the time." in harir.summary_en
    # Victory Base Complex (August 2025) and Victoria Base (March 2026): both names, not equated.
    mar2 = events["2026-03-02-drone-attack-victoria-base"]
    assert (
        "Victory Base Complex" in mar2.summary_en
        and "whether it is the same site" in mar2.summary_en
    )
    # Arabic nit 8: one spelling.
    for event in events.values():
        assert "شمال شرق سوريا" not in (event.summary_ar or ""), event.id


def test_troop_numbers_note_cites_each_figure() -> None:
    """Round 7 (English editor nit): each of the four figures cites its source, both languages;
    round 12: so does al-Sudani's figure for Ain al-Asad alone (AP via UNB)."""
    sources = {
        "shafaq-2025-08-29",
        "arabnews-pk-2617370",
        "rudaw-261120252",
        "shafaq-2026-01-18",
        "unb-171016",
    }
    for lang in ("en", "ar"):
        text = (DATA_DIR / "commentary" / f"2026-01-18-troop-numbers.{lang}.md").read_text("utf-8")
        assert set(_cited(text)) == sources, lang
    english = (DATA_DIR / "commentary" / "2026-01-18-troop-numbers.en.md").read_text("utf-8")
    assert (
        "Two count US troops only; Shafaq News’s\nfigure of 29 August 2025 does not say;" in english
    )


def test_round_eight_data_fixes(dataset) -> None:
    """Round 8 reviews (fact-check 1, 2, 3, 7, 10; English editor nits; Arabic editor nits)."""
    events = {e.id: e for e in dataset.events}
    # FC 1: «أُنجز الاتفاق» is "the agreement was concluded"; the English reports' wording beside it,
    # and the method note says the reading is uncertain.
    dec31 = events["2025-12-31-muhammadawi-joc-clear"]
    # Round 10 (EN S5, AR S2): «أُنجز» is "completed"; the English reports' wording beside it,
    # and in Arabic a paraphrase, not a back-translation in guillemets.
    assert "completed three months earlier" in dec31.summary_en
    # EN nit 12 (read 8), nit 5 (read 16): "the first remark"
    assert "render the first remark as “agreed upon three months ago”" in dec31.summary_en
    # Read 16 AR S1: the reported-speech chain is unbroken; the English-language reports' wording
    # follows in its own sentence (a paraphrase, no guillemets); «المنشورة بالإنجليزية», not
    # «الإنجليزية» (which reads as "British"), here and in the method note.
    assert "بحسب صحيفة المواطن، إن الاتفاق على إنهاء مهمة التحالف الدولي «أُنجز قبل" in (
        dec31.summary_ar
    )
    assert (
        "أما التقارير المنشورة بالإنجليزية عن المؤتمر نفسه (روداو وبرس تي في)، فنقلت عنه أن"
        " الاتفاق جرى التوصّل إليه قبل ثلاثة أشهر" in dec31.summary_ar
    )
    for n in dataset.method:
        assert "التقارير الإنجليزية" not in n.ar
    assert "التقارير الإنجليزية" not in dec31.summary_ar
    assert "carried out" not in dec31.summary_en + dec31.quote_en
    three_months = next(n for n in dataset.method if "three months ago" in n.en)
    assert "uncertain" in three_months.en and "غير مؤكدة" in three_months.ar
    # EN nit 32 / AR nit 12: the method note does not repeat the 18 January entry.
    first_phase = next(n for n in dataset.method if "end of the first phase" in n.en)
    assert "is at odds with earlier official accounts" not in first_phase.en
    assert "ويخالف هذا الإعلانُ" not in first_phase.ar
    # FC 2: al-Tanf keeps the departure's day and says when CENTCOM announced it.
    tanf = events["2026-02-11-us-leaves-al-tanf"]
    assert (tanf.start.iso, tanf.announced.iso) == ("2026-02-11", "2026-02-12")
    # (read 15, EN nit 14 / read 14 AR: the day is the dateline's, not repeated in the text)
    assert (
        "US forces left al-Tanf, a CJTF-OIR garrison in Syria. CENTCOM, announcing on"
        " 12 February what it called an orderly" in tanf.summary_en
    )
    assert "في 11 شباط" not in tanf.summary_ar and "في 12 شباط" in tanf.summary_ar
    # FC 3 / decision 9: UNAMI's renewal day is sourced (announced); no derived "1 June" in text.
    unami = events["phase-unami-mandate"]
    assert unami.announced.iso == "2024-05-31"
    for event in events.values():
        assert "1 June" not in (event.summary_en or "") + event.title_en, event.id
        assert "1 حزيران" not in (event.summary_ar or "") + event.title_ar, event.id
    # FC 7: no «(العراقية الأميركية)» for the HMC of 18 January; AR nit 2: no «القواعد الاتحادية».
    assert "العراقية الأميركية" not in events["2026-01-18-hmc-federal-bases-cleared"].summary_ar
    notes = [
        (DATA_DIR / "commentary" / name).read_text("utf-8")
        for name in ("2026-01-18-troop-numbers.ar.md", "2026-02-23-troop-numbers-since.ar.md")
    ]
    for text in [e.title_ar + (e.summary_ar or "") for e in events.values()] + notes:
        assert "القواعد الاتحادية" not in text
    # FC 10 / EN nit 21 / AR nit 4: UNB's copy is AP's, in both languages.
    unb = dataset.sources["unb-171016"]
    assert unb.publisher_en == "United News of Bangladesh (AP)"
    assert unb.publisher_ar.endswith("، نقلًا عن أسوشيتد برس")
    # EN nit 7: the Erbil deadline says how the two sides framed the date.
    assert "The two sides have described that date" in events["deadline-erbil-2026-09"].summary_en
    # EN nits 19, 20: "joint statement" in our translation; [sic] only on Parnell's verbatim "its"
    # (round 12: checked on the stored page), nowhere else.
    assert "joint statement" in events["2025-09-02-sudani-cooper-reaffirm-statement"].quote_en
    sics = [e.id for e in events.values() if "[sic]" in (e.quote_en or "")]
    assert sics == ["2025-09-30-pentagon-reduce-mission"]
    # EN nit 26: "Global Coalition" only in titles, quotes and the full name.
    for event in events.values():
        assert "Global Coalition" not in (event.summary_en or "").replace(
            "Global Coalition to Defeat ISIS", ""
        ), event.id
    # EN nit 27: the 4 March heading is one clause shorter (it wrapped with one word left over).
    mar4 = events["2026-03-04-drone-strikes-victoria-base"]
    # Round 11 (fact-check 1): the logistics centre is Shafaq's own description, not the source's
    assert mar4.title_en == "Security source: drone hits Victoria Base at Baghdad airport"
    assert "مركز دعم لوجستي" not in mar4.title_ar
    assert "which described the base as hosting a US logistics support centre" in mar4.summary_en
    assert "فيما وصفت شفق نيوز القاعدة بأنها تضم مركزًا أميركيًا للدعم اللوجستي" in mar4.summary_ar
    # Decision 6 (English editor S4): the US Embassy spokesperson is quoted in his own English (The
    # New Region), not in our rendering of an Arabic version labelled as his original.
    embassy = events["2025-08-29-embassy-denies-baghdad-evacuation"]
    assert embassy.quote_original == "en" and "thenewregion-2952" in embassy.source_ids
    assert embassy.quote_en.startswith("Reports suggesting U.S. forces will vacate Baghdad")
    # Read 16 EN nit 17: the headline matches the quotation ("starting tomorrow").
    assert embassy.title_en.endswith("pullout “starting tomorrow” not accurate")
    # AR nit 9: no relative day in a dated heading; AR nit 17: no straight quotes in titles.
    assert "غدًا" not in embassy.title_ar
    assert not any('"' in (s.title or "") for s in dataset.sources.values())


def test_round_nine_arabic_house_forms(dataset) -> None:
    """Round 9 (decisions 4, 5, 6, 2): the Arabic own voice says «المناطق الاتحادية», never
    «العراق الاتحادي»/«المواقع الاتحادية» (quotes and cited titles keep their words); no «بعثة»
    before يونامي; the 29 August embassy quote is our translation; the method note says so."""
    import json

    own = []
    for event in dataset.events:
        own += [event.title_ar, event.summary_ar or "", event.note_ar or ""]
    for path in sorted((DATA_DIR / "commentary").glob("*.ar.md")):
        own.append(path.read_text(encoding="utf-8"))
    package = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    own += [note["ar"] for note in package["method"]]
    for text in own:
        for variant in ("العراق الاتحادي", "المواقع الاتحادية", "القواعد الاتحادية"):
            assert variant not in text, (variant, text[:80])
        # an old title quoted in a note («…») is the one exception
        assert not re.search(r"(?<!«تسليم مقر )بعثة يونامي", text), text[:80]
    embassy = dataset.event("2025-08-29-embassy-denies-baghdad-evacuation")
    assert embassy.quote_original == "en"
    assert embassy.quote_ar.startswith("التقارير التي تفيد بأن القوات الأميركية ستخلي بغداد")
    assert "الأمريكية" not in embassy.quote_ar and "تشير بأن" not in embassy.quote_ar
    assert any(
        note["en"].startswith("Translations of quotations are this report’s own")
        and note["ar"].startswith("ترجمات الاقتباسات من إعداد هذا التقرير")
        for note in package["method"]
    )


def test_round_nine_fact_check_fixes(dataset) -> None:
    """FC 1: the Qasrak move "reported to have begun between 21 and 23 February 2026" (TASS
    of 21 February cited); FC 4: al-Mustafa's later AP interview, no agreement signed."""
    commentary = DATA_DIR / "commentary"
    en = (commentary / "2026-02-23-troop-numbers-since.en.md").read_text(encoding="utf-8")
    ar = (commentary / "2026-02-23-troop-numbers-since.ar.md").read_text(encoding="utf-8")
    assert "reported to have begun\nbetween 21 and 23 February 2026 [@tass-2090119" in en
    assert "بدأ بين 21\nو23 شباط 2026 [@tass-2090119" in ar
    assert "began on 22–23 February" not in en
    assert dataset.sources["tass-2090119"].published.iso == "2026-02-21"
    syria = dataset.event("2025-11-10-syria-joins-coalition")
    assert "masrawy-2888964" in syria.source_ids
    assert "Associated Press he said no agreement had been signed. " in syria.summary_en
    assert "مع وكالة أسوشيتد برس بأنه لم يُوقَّع أي اتفاق. " in syria.summary_ar


def test_round_ten_data_fixes(dataset) -> None:
    """Round 10 reviews (EN S3-S6, FC 2, AR S2, S3, N10, N12, N17; EN nits 22, 23)."""
    events = {e.id: e for e in dataset.events}
    # EN S3 / FC 2: Khamenei's death is its own sentence; MENAFN is cited on that sentence only,
    # not among the entry's own sources (it says nothing of Victoria Base).
    victoria = events["2026-03-02-drone-attack-victoria-base"]
    # (read 19, EN S1: not an aggregator alone: the state media named, with NewsX's report)
    death_en = (
        "IRIB and the state news agency IRNA had announced his death on 1 March[@newsx-175173]; "
        "the official statement said he was killed in the US and Israeli strikes"
        "[@menafn-1110807720]. Hours before the claim"
    )
    assert death_en in victoria.summary("en", cited=True)
    assert "whose death" not in victoria.summary_en
    assert "الأميركية والإسرائيلية[@menafn-1110807720]. وقبل إعلان الجماعة بساعات" in (
        victoria.summary("ar", cited=True)
    )
    assert "«إرنا» قد أعلنتا وفاته في 1 آذار[@newsx-175173]" in victoria.summary_ar
    assert "المرشد الأعلى الإيراني علي خامنئي" in victoria.summary_ar  # AR N12
    assert "menafn-1110807720" not in victoria.source_ids
    assert "[@" not in victoria.summary("en")  # hovers and tables get the plain text
    # EN S4 / AR N10: the headline is attributed; the two counts say what each counts.
    syria = events["2025-11-10-syria-joins-coalition"]
    # Round 11 (fact-check 2): the entry's day is the minister's, so is its headline
    assert syria.title_en == (
        "Syrian minister says Syria has signed a political declaration with the Global Coalition"
        " to Defeat ISIS"
    )
    # (round 14, AR nit 6: no «يعلن… إعلان»)
    assert (
        syria.title_ar
        == "وزير الإعلام السوري: دمشق توقّع إعلان تعاون سياسي مع التحالف الدولي ضد داعش"
    )
    assert (
        "The two figures are not comparable: the US Embassy’s 90 counted partners; the 86 that "
        "Reuters gave on 3 November counted countries that had taken part since 2014."
        in syria.summary_en
    )
    assert "غير أنه صرّح في مقابلة لاحقة مع وكالة أسوشيتد برس" in syria.summary_ar
    # EN S5 / AR S2: "completed"; the method note says why the reading matters.
    dec31 = events["2025-12-31-muhammadawi-joc-clear"]
    assert dec31.quote_en.endswith("mission was completed three months ago")
    assert "concluded" not in dec31.summary_en + dec31.quote_en
    assert "«اتُّفق عليه" not in dec31.summary_ar
    note = next(n for n in dataset.method if "three months ago" in n.en)
    assert "“completed three months ago”" in note.en
    assert "reaching the agreement rather than carrying it out" in note.en
    assert "إبرام الاتفاق لا تنفيذه" in note.ar and "«اتُّفق عليه" not in note.ar
    # AR S3 / EN nit 13: no "قال … قائلًا", no chain of participles; paraphrase, no guillemets
    # (the stored English-only Reuters copy has no Arabic words to quote).
    nov3 = events["2025-11-03-sudani-reuters-interview"]
    assert "قائلًا" not in nov3.summary_ar and "مؤكدًا" not in nov3.summary_ar
    assert "«لم يعد موجودًا»" not in nov3.summary_ar and "لم يعد موجودًا" in nov3.summary_ar
    assert "ISIS no longer existed, he said, and he asked what" in nov3.summary_en  # read 16
    # EN S6: the second phase is support from Iraq for operations in Syria.
    joint = events["2024-09-27-joint-statement"]
    assert "would continue to support operations in Syria from Iraq until September 2026" in (
        joint.summary_en
    )
    assert "mission in Syria would continue" not in joint.summary_en
    assert "يواصل التحالف دعم العمليات في سوريا انطلاقًا من العراق" in joint.summary_ar
    # EN nits 22-23, AR N17: method wording.
    texts = [(n.en, n.ar) for n in dataset.method]
    assert any(en.endswith("printed beneath each translation.") for en, _ in texts)
    assert any("ويُورَد النص الأصلي" in ar for _, ar in texts)
    assert not any("ويُطبع" in ar or "يُقرأ تعبير" in ar for _, ar in texts)
    assert not any("therefore uses the later date" in en for en, _ in texts)


def test_round_ten_editor_nits(dataset) -> None:
    """Round 10 editors' nits on the data (EN 7-21, 27; AR N7, N11, N13-N16, N18, N19)."""
    events = {e.id: e for e in dataset.events}
    en = {e.id: e.summary_en for e in dataset.events}
    ar = {e.id: e.summary_ar for e in dataset.events}
    assert "US combat operations (“kinetic operations”)" in en["2014-08-08-strikes-begin"]
    assert "a final round of dialogue" in en["2021-12-09-combat-mission-ends"]
    assert "would end the coalition’s" in en["2024-09-27-us-background-briefing"]
    assert "support personnel" in en["2025-11-26-muhammadawi-federal-mission-complete"]
    assert (
        "the official withdrawal scheduled for 15 January, which US-led coalition forces"
        in (en["2026-01-14-ain-al-asad-withdrawal-scheduled"])
    )
    assert en["2026-01-17-iraqi-army-takes-ain-al-asad"].startswith("Iraq’s Defence Ministry")
    assert "official federal" not in events["2026-01-18-hmc-federal-bases-cleared"].quote_en
    dec31 = events["2025-12-31-muhammadawi-joc-clear"]
    assert (
        dec31.title_en
        == "Al-Muhammadawi: no coalition staff at the command; Ain al-Asad handover next week"
    )
    assert "ويُسمّى هنا" not in ar["2024-09-30-blinken-d-isis-ministerial"]
    unami = events["2025-12-13-unami-closing-ceremony"]
    assert "يرعيان مراسم" in unami.title_ar and "احتفال" not in unami.summary_ar
    tanf = ar["2026-02-11-us-leaves-al-tanf"]
    assert "بأنه انتقال مدروس مرهون بالظروف الميدانية" in tanf and "التي كانت تعمل" not in tanf
    assert "بحلول أيلول 2025" in events["2025-08-29-pentagon-official-reaffirms-timeline"].title_ar
    assert "تقارير 21 و23 شباط" in ar["2026-02-23-us-moves-from-qasrak-to-kurdistan"]
    assert "وكالة واع" not in "".join(ar.values())
    assert dataset.sources["arabkhabar-1760444"].publisher_en.endswith(
        "(citing the Iraqi News Agency, INA)"
    )
    note = (DATA_DIR / "commentary" / "2026-01-18-troop-numbers.ar.md").read_text("utf-8")
    assert "ولا يعتمد أيًّا منها رقمًا حاليًا للقوات" in note
    # EN nit 20: after its first use (2 September 2025), "CENTCOM" and "Cooper".
    later = [e for e in dataset.events if e.start.iso > "2025-09-02"]
    assert not any("US Central Command" in e.title_en + (e.summary_en or "") for e in later)
    assert not any("Admiral Brad Cooper" in (e.summary_en or "") for e in later)


def test_round_eleven_data_fixes(dataset) -> None:
    """Final read (round 11): EN S4, EN S5 / FC 7, FC 9, AR nits 10 and 12."""
    events = {e.id: e for e in dataset.events}
    # EN S5: the hover no longer cites Air Force Times, which no printed text cites.
    assert "airforcetimes-2026-01-20" not in events["phase-ain-al-asad-mission"].source_ids
    syria = events["2025-11-10-syria-joins-coalition"]
    assert "the 86 that Reuters gave on 3 November" in syria.summary_en
    assert "ولا تصحّ المقارنة بين الرقمين" in syria.summary_ar
    assert "يُقارن الرقمان" not in syria.summary_ar
    for jscd in ("2023-08-first-jscd", "2024-07-second-jscd"):
        assert events[jscd].kind == "statement"
    mar4 = events["2026-03-04-drone-strikes-victoria-base"]
    assert "a drone late on 1 March, before it reached" in mar4.summary_en
    assert "في وقت متأخر من يوم 1 آذار" in mar4.summary_ar
    assert "لطلب الدعم الذي قدّمه العراق عام 2014" in "".join(
        e.quote_ar or "" for e in dataset.events
    )


def test_round_twelve_data_fixes(dataset) -> None:
    """Read 14 (round 12): one drone or two, reported speech, damage 'at the time'."""
    events = {e.id: e for e in dataset.events}
    mar4 = events["2026-03-04-drone-strikes-victoria-base"]
    # EN S3 / AR N7: the 1 March drone is not "another" one; the sources do not link them.
    assert "another drone" not in mar4.summary_en
    assert (
        "it may be the interception reported on 2 March, but Shafaq News does not link the two"
        in (mar4.summary_en)
    )
    assert "مسيّرة أخرى" not in mar4.summary_ar
    assert "وقد يكون هذا هو الإسقاط الذي أُفيد به في 2 آذار" in mar4.summary_ar
    # FC 1 (read 15): Shafaq's Arabic report of 2 March has the claim as a swarm of drones, and
    # the interception reported hours before the claim.
    mar2 = events["2026-03-02-drone-attack-victoria-base"]
    # (round 14, EN nit 4: the motive is the faction's; the marker at the sentence's end)
    assert (
        "with a swarm of drones, in what it called retaliation for the killing of Iran’s Supreme"
        " Leader, Ali Khamenei[@shafaq-ar-2026-03-02-victoria]." in mar2.summary_en
    )
    assert "بسرب من الطائرات المسيّرة[@shafaq-ar-2026-03-02-victoria]" in mar2.summary_ar
    assert "Hours before the claim, a security source had said" in mar2.summary_en
    assert dataset.sources["shafaq-ar-2026-03-02-victoria"].published.iso == "2026-03-02"
    # The damage was unknown when Shafaq reported, not "yet" from today's point of view.
    for e in dataset.events:
        assert "not yet known" not in (e.summary_en or "")
        assert "لم يتضح بعد" not in (e.summary_ar or "")
    harir = events["2026-03-01-attacks-on-harir-air-base"]
    assert "لم يكن قد اتضح حينها" in harir.summary_ar
    # Reported speech: "could keep supporting" (EN nit 2 of read 15).
    sep27 = events["2024-09-27-us-background-briefing"].summary_en
    assert "the coalition could keep supporting" in sep27 and "may keep" not in sep27
    # Troop-numbers note: al-Sudani's Ain al-Asad figure is named as site-specific, with its
    # source, and the note says why it is not one of the four totals.
    note_en = (DATA_DIR / "commentary" / "2026-01-18-troop-numbers.en.md").read_text("utf-8")
    note_ar = (DATA_DIR / "commentary" / "2026-01-18-troop-numbers.ar.md").read_text("utf-8")
    assert "250–350 US\nadvisers and support personnel would stay at Ain al-Asad [@unb-171016]" in (
        note_en
    )
    assert "because it counts one base only" in note_en
    assert "سيبقون في قاعدة عين الأسد [@unb-171016]" in note_ar
    assert "لأنه يقتصر على قاعدة واحدة" in note_ar
    # Read 14 AR nits / read 15 EN nits 3, 4, 7: INA spelled out, one form for Rudaw and AP at
    # first mention; Cooper's rank as "Adm", full name once, then "Cooper"; 8 August 2014's
    # headline says what the body says (combat operations) and the body does not repeat the date.
    numan = events["2025-08-18-numan-government-achievement"].summary_ar
    assert "في تصريح لوكالة الأنباء العراقية (واع)" in numan and "لواع" not in numan
    for e in dataset.events:
        assert "شبكة روداو" not in (e.summary_ar or ""), e.id
        assert "Admiral" not in (e.summary_en or ""), e.id
    assert "لوكالة أسوشيتد برس" in events["2026-02-23-us-moves-from-qasrak-to-kurdistan"].summary_ar
    assert "Adm Brad Cooper, CENTCOM’s commander, said" in (
        events["2026-01-21-detainee-transfer-begins"].summary_en
    )
    assert "Cooper said US forces" in events["2026-02-11-us-leaves-al-tanf"].summary_en
    assert "Cooper thanked Iraq" in events["2026-02-13-detainee-transfer-completed"].summary_en
    aug8 = events["2014-08-08-strikes-begin"]
    assert aug8.title_en == "US combat operations against ISIS begin in Iraq"
    assert "العمليات القتالية" in aug8.title_ar and "العمليات القتالية" in aug8.summary_ar
    assert "8 August 2014" not in aug8.summary_en
    # FC 2 (read 15): Al Jazeera's 900 beside AFP's "about 1,000" (Hürriyet, 23 February 2026).
    qasrak = events["2026-02-23-us-moves-from-qasrak-to-kurdistan"]
    assert "reported; AFP put the figure at about 1,000[@hurriyetdailynews-219230]. " in (
        qasrak.summary_en
    )
    assert "فيما قدّرتهم وكالة فرانس برس بنحو ألف[@hurriyetdailynews-219230]" in qasrak.summary_ar
    # EN S1 (read 16): the Trump-administration clause is Al Jazeera's own sentence (its
    # 23 February page), and Shafaq's 12 February contradiction stands as its own sentence.
    assert "According to Al Jazeera, the Trump administration had been" in qasrak.summary_en
    assert "Shafaq News had reported on 12 February" in qasrak.summary_en
    assert "; the 21–23 February reports contradict that account." in qasrak.summary_en
    assert "وبحسب الجزيرة أيضًا، كانت إدارة ترامب تدرس" in qasrak.summary_ar
    assert "(AFP:" not in qasrak.summary_en
    # Read 15 AR nits 1, 8, 9: the Iran context is Shafaq's; plainer Arabic.
    assert "وجاءت الهجمات، بحسب شفق نيوز، غداة" in harir.summary_ar
    assert "تحدّد سجلات وزارة الدفاع الأميركية هذا اليوم تاريخًا لبدء" in aug8.summary_ar
    assert (
        "باشرت اللجنة أعمالها بثلاث مجموعات عمل" in events["2024-01-27-hmc-starts-work"].summary_ar
    )
    # EN nit 17 / AR nit 13 (read 15): dated from the URL only where it carries the full date.
    assert dataset.sources["aljazeera-net-2021-12-09"].published.iso == "2021-12-09"
    # EN nit 11 (read 15) / item 4: Parnell's "its" is verbatim (TRT World), so [sic].
    parnell = events["2025-09-30-pentagon-reduce-mission"]
    assert "Coalition partners will reduce its [sic] military mission in Iraq" in parnell.quote_en


def test_read_sixteen_data_nits(dataset) -> None:
    """Read 16 (EN nits 5–12, 15, 17; AR nits 2, 3, 9, 17): wording in events and commentary."""
    events = {e.id: e for e in dataset.events}
    assert events["2023-08-first-jscd"].summary_en.startswith(
        "The first Joint Security Cooperation Dialogue between Iraq and the United States was"
        " held in Washington, opening"
    )
    sept2 = events["2025-09-02-sudani-cooper-reaffirm-statement"]
    assert sept2.quote_en.startswith("following up on the implementation of the joint statement")
    mar4 = events["2026-03-04-drone-strikes-victoria-base"]
    assert "whether this centre is covered by the Higher Military Commission’s" in mar4.summary_en
    assert "لكن تقرير شفق نيوز لا يربط بينهما." in mar4.summary_ar
    for e in dataset.events:
        for text in (e.summary_ar, e.note_ar, e.title_ar):
            assert "مركز دعم لوجستي أميركي" not in (text or ""), e.id
    assert "مركزًا أميركيًا للدعم اللوجستي" in mar4.summary_ar
    nov3 = events["2025-11-03-sudani-reuters-interview"].summary_ar
    assert "؛ وذكرت رويترز أن 86 دولة شاركت في التحالف منذ 2014." in nov3
    commentary = DATA_DIR / "commentary"
    since_en = (commentary / "2026-02-23-troop-numbers-since.en.md").read_text(encoding="utf-8")
    since_ar = (commentary / "2026-02-23-troop-numbers-since.ar.md").read_text(encoding="utf-8")
    assert "All the figures above predate" in since_en and "four figures" not in since_en
    assert "تسبق الأرقام أعلاه كلها" in since_ar and "الأربعة" not in since_ar
    numbers_en = " ".join(
        (commentary / "2026-01-18-troop-numbers.en.md").read_text(encoding="utf-8").split()
    )
    numbers_ar = (commentary / "2026-01-18-troop-numbers.ar.md").read_text(encoding="utf-8")
    assert (
        "Apart from “most of them in Erbil” in reports of the Pentagon’s announcement, Rudaw’s"
        " total for the Kurdistan Region and al-Sudani’s figure for Ain al-Asad, no source breaks"
        " the numbers down by base." in numbers_en
    )
    assert "ولم يُدرَج بين الأرقام الإجمالية أعلاه" in numbers_ar and "نضعه" not in numbers_ar


def test_read_seventeen_data_nits(dataset) -> None:
    """Round 14 (final read 17): editors' nits and fact-check item 2, in the shipped data."""
    events = {e.id: e for e in dataset.events}
    assert events["2024-05-31-unsc-resolution-2732"].title_en == (
        "UN Security Council renews UNAMI for the last time"
    )
    unami = events["2025-12-14-unami-main-compound-handover"].summary_en
    assert "Foreign Ministry’s under-secretary" in unami and "undersecretary" not in unami
    mar2 = events["2026-03-02-drone-attack-victoria-base"].summary_en
    assert "had said that air defences had shot down a drone before" in mar2
    harir = events["2026-03-01-attacks-on-harir-air-base"]
    assert "was targeted twice that morning, shortly after 4 a.m." in harir.summary_en
    # FC 2: Shafaq [44] has Iran's responses aimed at US-linked targets "in the Gulf".
    # (read 18, EN: Erbil is not in the Gulf: the attacks near Erbil in a sentence of their own)
    assert "targets linked to US forces in the Gulf; some of the attacks were aimed at areas" in (
        harir.summary_en
    )
    assert "في الخليج، وامتدّ بعض تلك الهجمات إلى مناطق قرب أربيل" in harir.summary_ar
    nov3 = events["2025-11-03-sudani-reuters-interview"].summary_ar
    assert "وربط السوداني نزعَ سلاح الفصائل المسلحة بانسحاب التحالف." in nov3
    jan18 = events["2026-01-18-hmc-federal-bases-cleared"].summary_ar
    assert "، وقال في 31 كانون الأول إنه لم يبقَ" in jan18
    aug24 = events["2025-08-24-reported-pullout-ain-al-asad"].summary_ar
    assert "«مجمّع قاعدة فيكتوري» (Victory Base Complex)" in aug24
    for e in dataset.events:
        for text in (e.summary_ar, e.note_ar, e.title_ar):
            assert "حرييت" not in (text or ""), e.id
    for s in dataset.sources.values():
        assert "حرييت" not in (s.publisher_ar or ""), s.id
    assert dataset.sources["hurriyetdailynews-201006"].publisher_ar.startswith("حريّت ديلي نيوز")
    package = (DATA_DIR / "datapackage.json").read_text(encoding="utf-8")
    assert "يَفهم التقرير «الأسبوع المقبل»، أي موعد تسليم قاعدة عين الأسد المعلَن" in package
    assert "يفسّر التقرير" not in package
