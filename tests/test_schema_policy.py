"""Issue 14 class 3: the schema is not the safety policy.

``datapackage.json`` comes with the data, so a user's copy may drop or widen any rule. The
rules the report's correctness and safety depend on (web addresses, the foreign keys,
the kind/status/confidence enums, id slugs, required columns, the date window) are
enforced by code whatever the descriptor says; the descriptor may add rules, never
remove them. A table the descriptor names but that is missing is an error, not a
silent loss; ``"primaryKey": "id"`` (a string) is read as the key it is.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from analysis.cli import main
from analysis.dataset import DataValidationError, load_dataset
from analysis.schema import POLICY, read_schema
from conftest import DATA_DIR, set_cell

Descriptor = dict[str, Any]


def descriptor_of(data: Path) -> Descriptor:
    return json.loads((data / "datapackage.json").read_text(encoding="utf-8"))


def save(data: Path, descriptor: Descriptor) -> None:
    (data / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")


def resource(descriptor: Descriptor, name: str) -> dict[str, Any]:
    return next(r for r in descriptor["resources"] if r["name"] == name)


def spec(descriptor: Descriptor, table: str, column: str) -> dict[str, Any]:
    return next(f for f in resource(descriptor, table)["schema"]["fields"] if f["name"] == column)


def drop_constraint(table: str, column: str, key: str) -> Callable[[Descriptor], None]:
    return lambda d: spec(d, table, column).setdefault("constraints", {}).pop(key, None)


def drop_foreign_key(column: str, table: str = "events") -> Callable[[Descriptor], None]:
    def apply(d: Descriptor) -> None:
        schema = resource(d, table)["schema"]
        schema["foreignKeys"] = [fk for fk in schema["foreignKeys"] if fk["fields"] != [column]]

    return apply


def drop_field(table: str, column: str) -> Callable[[Descriptor], None]:
    def apply(d: Descriptor) -> None:
        schema = resource(d, table)["schema"]
        schema["fields"] = [f for f in schema["fields"] if f["name"] != column]
        schema["foreignKeys"] = [
            fk for fk in schema.get("foreignKeys", []) if fk["fields"] != [column]
        ]

    return apply


def widen_enum(table: str, column: str, value: str) -> Callable[[Descriptor], None]:
    return lambda d: spec(d, table, column)["constraints"]["enum"].append(value)


def loosen_dates(d: Descriptor) -> None:
    spec(d, "events", "start")["partialDate"] = {"min": "0001", "max": "9999"}
    spec(d, "events", "start")["constraints"].pop("pattern")


def loosen_numbers(d: Descriptor) -> None:
    spec(d, "sites", "lat")["constraints"] = {}


# (what the descriptor loses, the cell that exploits it, the message the policy still gives)
WEAKENED: dict[str, tuple[Callable[[Descriptor], None], tuple[str, str, str, str], str]] = {
    "url pattern dropped, javascript: url": (
        drop_constraint("sources", "url", "pattern"),
        ("sources.csv", "src-a", "url", "javascript:alert(1)"),
        "is not a web address",
    ),
    "url pattern dropped, data: url": (
        drop_constraint("sources", "url", "pattern"),
        ("sources.csv", "src-a", "url", "data:text/html,<script>x</script>"),
        "is not a web address",
    ),
    "url pattern dropped, file: url": (
        drop_constraint("sources", "url", "pattern"),
        ("sources.csv", "src-b", "url", "file:///etc/passwd"),
        "is not a web address",
    ),
    "url pattern replaced by a looser one": (
        lambda d: spec(d, "sources", "url")["constraints"].update(pattern=".*"),
        ("sources.csv", "src-a", "url", "javascript:alert(1)"),
        "is not a web address",
    ),
    "site foreign key dropped": (
        drop_foreign_key("site"),
        ("events.csv", "statement-1", "site", "nowhere"),
        "refers to no row of sites.csv",
    ),
    "actor foreign key dropped": (
        drop_foreign_key("actor"),
        ("events.csv", "statement-1", "actor", "nobody"),
        "refers to no row of actors.csv",
    ),
    "source foreign key dropped": (
        drop_foreign_key("source_id"),
        ("events.csv", "statement-1", "source_id", "src-x"),
        "refers to no row of sources.csv",
    ),
    "phase foreign key dropped": (
        drop_foreign_key("phase"),
        ("events.csv", "deadline-alpha", "phase", "phase-x"),
        "refers to no row of events.csv",
    ),
    "revises foreign key dropped": (
        drop_foreign_key("revises"),
        ("events.csv", "deadline-alpha-2", "revises", "dl-x"),
        "refers to no row of events.csv",
    ),
    "event_sources foreign key dropped": (
        drop_foreign_key("source_id", "event_sources"),
        ("event_sources.csv", "statement-1", "source_id", "src-x"),
        "refers to no row of sources.csv",
    ),
    "kind enum widened with rumour": (
        widen_enum("events", "kind", "rumour"),
        ("events.csv", "statement-1", "kind", "rumour"),
        "is not one of the allowed values: agreement",
    ),
    "kind enum dropped": (
        drop_constraint("events", "kind", "enum"),
        ("events.csv", "statement-1", "kind", "rumour"),
        "is not one of the allowed values",
    ),
    "confidence enum dropped": (
        drop_constraint("events", "confidence", "enum"),
        ("events.csv", "statement-1", "confidence", "probably"),
        "is not one of the allowed values: confirmed, reported, unverified",
    ),
    "status enum widened": (
        widen_enum("events", "status", "rumoured"),
        ("events.csv", "statement-1", "status", "rumoured"),
        "is not one of the allowed values",
    ),
    "id pattern dropped": (
        drop_constraint("events", "id", "pattern"),
        ("events.csv", "statement-1", "id", "Statement <1>"),
        "is not a valid id",
    ),
    "id uniqueness dropped": (
        lambda d: (
            drop_constraint("sites", "id", "unique")(d),
            resource(d, "sites")["schema"].pop("primaryKey"),
        ),
        ("sites.csv", "beta", "id", "alpha"),
        "duplicate: already used on line 2",
    ),
    "required title dropped": (
        drop_constraint("events", "title_en", "required"),
        ("events.csv", "statement-1", "title_en", ""),
        "is required but empty",
    ),
    "whole status field dropped": (
        drop_field("events", "status"),
        ("events.csv", "statement-1", "status", "whatever"),
        "is not one of the allowed values",
    ),
    "whole site field and key dropped": (
        drop_field("events", "site"),
        ("events.csv", "statement-1", "site", "nowhere"),
        "refers to no row of sites.csv",
    ),
    "date window widened": (
        loosen_dates,
        ("events.csv", "statement-1", "start", "9999-12-31"),
        "is outside the supported years",
    ),
    "date checks dropped, not a date": (
        lambda d: (
            spec(d, "events", "start").pop("partialDate"),
            spec(d, "events", "start")["constraints"].pop("pattern"),
        ),
        ("events.csv", "statement-1", "start", "soon"),
        "is not a date",
    ),
    "latitude range dropped": (
        loosen_numbers,
        ("sites.csv", "alpha", "lat", "133.8"),
        "is above the maximum 90",
    ),
    "latitude type changed to string": (
        lambda d: spec(d, "sites", "lat").update(type="string"),
        ("sites.csv", "alpha", "lat", "north"),
        "must be 'number'",
    ),
}


@pytest.mark.parametrize("case", sorted(WEAKENED))
def test_a_weakened_descriptor_does_not_weaken_the_rules(
    case: str, minimal_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    weaken, (file, row, column, value), message = WEAKENED[case]
    descriptor = descriptor_of(minimal_data)
    weaken(descriptor)
    save(minimal_data, descriptor)
    key = "event_id" if file == "event_sources.csv" else "id"
    set_cell(minimal_data / file, row, column, value, key=key)
    with pytest.raises(DataValidationError) as caught:
        load_dataset(minimal_data)
    assert any(message in p.message for p in caught.value.problems), caught.value
    assert main(["validate", "--data", str(minimal_data)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_the_weakened_descriptor_alone_still_loads_good_data(minimal_data: Path) -> None:
    """Dropping rules is not itself an error: good data under a loose descriptor loads."""
    descriptor = descriptor_of(minimal_data)
    for weaken in (
        drop_constraint("sources", "url", "pattern"),
        drop_foreign_key("site"),
        drop_constraint("events", "kind", "enum"),
        drop_field("events", "status"),
    ):
        weaken(descriptor)
    save(minimal_data, descriptor)
    dataset = load_dataset(minimal_data)
    assert dataset.event("statement-1").status == "completed"


# --------------------------------------------------------------------------- adding


ADDED: dict[str, tuple[Callable[[Descriptor], None], tuple[str, str, str, str], str]] = {
    "narrower kind enum": (
        lambda d: spec(d, "events", "kind")["constraints"].update(
            enum=["statement", "deadline", "phase"]
        ),
        ("events.csv", "statement-1", "kind", "incident"),
        "is not one of the allowed values: statement, deadline, phase",
    ),
    "an extra pattern on a title": (
        lambda d: spec(d, "events", "title_en")["constraints"].update(pattern="[A-Z].*"),
        ("events.csv", "statement-1", "title_en", "lower case"),
        "does not match",
    ),
    "a shorter maxLength": (
        lambda d: spec(d, "actors", "name_en")["constraints"].update(maxLength=5),
        ("actors.csv", "spokesman", "name_en", "A Spokesman"),
        "over the maximum 5",
    ),
    "a narrower date window": (
        lambda d: spec(d, "events", "start").update(partialDate={"min": "2020", "max": "2030"}),
        ("events.csv", "statement-1", "start", "2019-05"),
        "is outside the supported years",
    ),
    "a url pattern for https only": (
        lambda d: spec(d, "sources", "url")["constraints"].update(pattern="^https://.+$"),
        ("sources.csv", "src-a", "url", "http://example.org/a"),
        "is not a web address",
    ),
}


@pytest.mark.parametrize("case", sorted(ADDED))
def test_a_descriptor_may_add_constraints(case: str, minimal_data: Path) -> None:
    tighten, (file, row, column, value), message = ADDED[case]
    descriptor = descriptor_of(minimal_data)
    tighten(descriptor)
    save(minimal_data, descriptor)
    set_cell(minimal_data / file, row, column, value)
    with pytest.raises(DataValidationError) as caught:
        load_dataset(minimal_data)
    assert any(message in p.message for p in caught.value.problems), caught.value


def test_a_required_column_missing_from_descriptor_and_file_is_reported(
    minimal_data: Path,
) -> None:
    descriptor = descriptor_of(minimal_data)
    drop_field("events", "title_ar")(descriptor)
    save(minimal_data, descriptor)
    lines = (minimal_data / "events.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    index = header.index("title_ar")
    import csv
    import io

    rows = list(csv.reader(io.StringIO("\n".join(lines))))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([r[:index] + r[index + 1 :] for r in rows])
    (minimal_data / "events.csv").write_text(out.getvalue(), encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load_dataset(minimal_data)
    assert any(
        p.column == "title_ar" and "required column is missing" in p.message
        for p in caught.value.problems
    )


# --------------------------------------------------------------------------- tables


def test_a_renamed_event_sources_file_is_an_error_not_a_loss(minimal_data: Path) -> None:
    """The issue's example: event_sources.csv renamed lost its source links silently."""
    (minimal_data / "event_sources.csv").rename(minimal_data / "event-sources.csv")
    with pytest.raises(DataValidationError) as caught:
        load_dataset(minimal_data)
    problem = caught.value.problems[0]
    assert problem.file == "event_sources.csv" and "declares the 'event_sources' table" in (
        problem.message
    )


def test_a_renamed_event_sources_resource_is_an_error(minimal_data: Path) -> None:
    descriptor = descriptor_of(minimal_data)
    resource(descriptor, "event_sources")["name"] = "event-sources"
    save(minimal_data, descriptor)
    with pytest.raises(DataValidationError) as caught:
        load_dataset(minimal_data)
    assert "did you mean 'event_sources'?" in str(caught.value)


def test_an_undeclared_event_sources_file_is_an_error(minimal_data: Path) -> None:
    descriptor = descriptor_of(minimal_data)
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "event_sources"]
    save(minimal_data, descriptor)
    with pytest.raises(DataValidationError) as caught:
        load_dataset(minimal_data)
    assert "declares no 'event_sources' resource, but event_sources.csv" in str(caught.value)
    (minimal_data / "event_sources.csv").unlink()  # no file, no resource: nothing is lost
    assert load_dataset(minimal_data).event("statement-1").source_ids == ("src-b",)


def test_a_string_primary_key_is_read_as_the_key(minimal_data: Path) -> None:
    descriptor = descriptor_of(minimal_data)
    schema = resource(descriptor, "sites")["schema"]
    schema["primaryKey"] = "id"
    spec(descriptor, "sites", "id")["constraints"].pop("unique")
    save(minimal_data, descriptor)
    assert set(load_dataset(minimal_data).sites) == {"alpha", "beta"}
    set_cell(minimal_data / "sites.csv", "beta", "id", "alpha")
    with pytest.raises(DataValidationError) as caught:
        load_dataset(minimal_data)
    assert any("duplicate" in p.message and p.value == "alpha" for p in caught.value.problems)


def test_a_string_compound_key_of_event_sources_is_still_checked(minimal_data: Path) -> None:
    descriptor = descriptor_of(minimal_data)
    resource(descriptor, "event_sources")["schema"]["primaryKey"] = "event_id"
    save(minimal_data, descriptor)
    path = minimal_data / "event_sources.csv"
    path.write_text(path.read_text(encoding="utf-8") + "statement-1,src-a\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load_dataset(minimal_data)
    messages = [p.message for p in caught.value.problems]
    assert any("duplicate (event_id, source_id)" in m for m in messages)  # the policy's key
    assert any("duplicate: already used" in m for m in messages)  # the descriptor's key


def test_the_policy_matches_the_shipped_descriptor() -> None:
    """Every rule of the policy is also in the shipped descriptor, so the two agree."""
    tables, problems = read_schema(json.loads((DATA_DIR / "datapackage.json").read_text()))
    assert problems == []
    for name, policy in POLICY.items():
        for rule in policy.fields:
            merged = tables[name].field(rule.name)
            assert merged is not None
            if rule.enum is not None:
                assert merged.enum == rule.enum, (name, rule.name)
        assert set(policy.foreign_keys) <= set(tables[name].foreign_keys)


# --------------------------------------------------------------------------- date ranges


def test_date_ranges_are_where_the_contract_allows_them(minimal_data: Path) -> None:
    """start/end/announced may be ``A/B``; a descriptor cannot open other columns to them."""
    set_cell(minimal_data / "events.csv", "statement-1", "start", "2025-08-10/2025-08-18")
    assert load_dataset(minimal_data).event("statement-1").start.iso == "2025-08-10/2025-08-18"
    descriptor = descriptor_of(minimal_data)
    spec(descriptor, "sources", "published")["partialDate"] = {"interval": True}
    spec(descriptor, "sources", "published")["constraints"].pop("pattern")
    save(minimal_data, descriptor)
    set_cell(minimal_data / "sources.csv", "src-a", "published", "2025-01/2025-03")
    with pytest.raises(DataValidationError) as caught:
        load_dataset(minimal_data)
    [problem] = caught.value.problems
    assert problem.column == "published" and "does not accept" in problem.message


def test_a_descriptor_may_refuse_ranges_but_dropping_the_date_rule_keeps_them(
    minimal_data: Path,
) -> None:
    set_cell(minimal_data / "events.csv", "statement-1", "start", "2025-08-10/2025-08-18")
    descriptor = descriptor_of(minimal_data)
    spec(descriptor, "events", "start")["partialDate"].pop("interval")  # tighter: no ranges
    save(minimal_data, descriptor)
    with pytest.raises(DataValidationError, match="does not accept"):
        load_dataset(minimal_data)
    spec(descriptor, "events", "start").pop("partialDate")  # no rule: the policy's stands
    spec(descriptor, "events", "start")["constraints"].pop("pattern")
    save(minimal_data, descriptor)
    assert load_dataset(minimal_data).event("statement-1").start.precision == "range"
