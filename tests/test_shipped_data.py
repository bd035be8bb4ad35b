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
    name = dataset.event("2025-09-07-peregraf-adviser-name")
    assert name.confidence == "unverified" and "Farhad" in name.title_en + (name.summary_en or "")
    troop_text = " ".join((e.summary_en or "") for e in dataset.events)
    for figure in ("2,000", "2,500", "500", "1,500"):
        assert figure in troop_text


def test_every_row_cites_a_web_source(dataset) -> None:
    for event in dataset.events:
        for source_id in event.source_ids:
            assert dataset.sources[source_id].url.startswith(("http://", "https://"))
    assert all(e.title_ar and e.title_en for e in dataset.events)


def test_timeline_covers_2014_to_2026(dataset) -> None:
    first, last = dataset.date_range()
    assert first.iso == "2014-08-08"
    assert last.year == 2026
