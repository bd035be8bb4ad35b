"""Issue 14 class 4: a malformed descriptor is a message, not a traceback.

Every shape of ``datapackage.json`` the loader cannot use is exit 2 with the file and the
JSON path of the problem. Also in this class: required text that is only spaces or
invisible characters is empty, and rows in an impossible order (public before they
happened, a revision before its original) are errors.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.cli import main
from analysis.dataset import DataValidationError, load_dataset
from conftest import set_cell

Descriptor = Any


def events(d: Descriptor) -> dict[str, Any]:
    return d["resources"][0]


def field(d: Descriptor, index: int = 0) -> dict[str, Any]:
    return events(d)["schema"]["fields"][index]


def field_list(d: Descriptor) -> list[Any]:
    return events(d)["schema"]["fields"]


def setter(update: Callable[[Descriptor], Any]) -> Callable[[Descriptor], Descriptor]:
    def apply(d: Descriptor) -> Descriptor:
        update(d)
        return d

    return apply


# name -> (how the descriptor is broken, the JSON path the message must name)
MALFORMED: dict[str, tuple[Callable[[Descriptor], Any], str]] = {
    # The shapes the issue names.
    "deeply nested JSON": (lambda d: "[" * 50_000 + "]" * 50_000, "nested too deeply"),
    "deeply nested title": (
        lambda d: '{"title": ' + "[" * 50_000 + "]" * 50_000 + ', "resources": []}',
        "nested too deeply",
    ),
    "schema: []": (setter(lambda d: events(d).update(schema=[])), "resources[0].schema"),
    "field without a name": (
        setter(lambda d: events(d)["schema"]["fields"].append({"type": "string"})),
        "resources[0].schema.fields[N].name",
    ),
    "invalid pattern regex": (
        setter(lambda d: field(d)["constraints"].update(pattern="[a-")),
        "resources[0].schema.fields[0].constraints.pattern",
    ),
    "maxLength as a string": (
        setter(lambda d: field(d)["constraints"].update(maxLength="70")),
        "resources[0].schema.fields[0].constraints.maxLength",
    ),
    "foreignKeys: [{}]": (
        setter(lambda d: events(d)["schema"].update(foreignKeys=[{}])),
        "resources[0].schema.foreignKeys[0].fields",
    ),
    "fields as a string": (
        setter(lambda d: events(d)["schema"].update(fields="id,kind")),
        "resources[0].schema.fields",
    ),
    "constraints: null": (
        setter(lambda d: field(d).update(constraints=None)),
        "resources[0].schema.fields[0].constraints",
    ),
    "a non-object resource": (setter(lambda d: d["resources"].append(3)), "resources[5]"),
    # Other shapes.
    "the descriptor is a list": (lambda d: [d], "$"),
    "the descriptor is null": (lambda d: None, "$"),
    "no resources": (setter(lambda d: d.pop("resources")), "resources"),
    "resources as an object": (setter(lambda d: d.update(resources={})), "resources"),
    "title as an object": (setter(lambda d: d.update(title={"en": "x"})), "title"),
    "resource without a name": (setter(lambda d: events(d).pop("name")), "resources[0].name"),
    "resource declared twice": (
        setter(lambda d: d["resources"].append(dict(events(d)))),
        "resources[5].name",
    ),
    "schema as a path": (
        setter(lambda d: events(d).update(schema="schema.json")),
        "resources[0].schema",
    ),
    "field as a string": (
        setter(lambda d: events(d)["schema"]["fields"].append("x")),
        "resources[0].schema.fields[N]",
    ),
    "field name empty": (
        setter(lambda d: field(d).update(name="  ")),
        "resources[0].schema.fields[0].name",
    ),
    "field declared twice": (
        setter(lambda d: events(d)["schema"]["fields"].append({"name": "kind"})),
        "resources[0].schema.fields[N].name",
    ),
    "unsupported type": (
        setter(lambda d: field(d).update(type="geopoint")),
        "resources[0].schema.fields[0].type",
    ),
    "required as a string": (
        setter(lambda d: field(d)["constraints"].update(required="yes")),
        "resources[0].schema.fields[0].constraints.required",
    ),
    "enum as a string": (
        setter(lambda d: field(d, 1)["constraints"].update(enum="phase")),
        "resources[0].schema.fields[1].constraints.enum",
    ),
    "maxLength negative": (
        setter(lambda d: field(d)["constraints"].update(maxLength=-1)),
        "resources[0].schema.fields[0].constraints.maxLength",
    ),
    "maxLength true": (
        setter(lambda d: field(d)["constraints"].update(maxLength=True)),
        "resources[0].schema.fields[0].constraints.maxLength",
    ),
    "minimum NaN": (
        lambda d: json.dumps(d).replace('"minimum": -90', '"minimum": NaN'),
        "resources[1].schema.fields[4].constraints.minimum",
    ),
    "a huge integer": (
        lambda d: json.dumps(d).replace('"maxLength": 80', '"maxLength": ' + "9" * 5000, 1),
        "is not valid JSON",
    ),
    "unknown constraint": (
        setter(lambda d: field(d)["constraints"].update(maxLenght=5)),
        "resources[0].schema.fields[0].constraints.maxLenght",
    ),
    "partialDate bounds not dates": (
        setter(lambda d: field(d, 4).update(partialDate={"min": "long ago"})),
        "resources[0].schema.fields[4].partialDate.min",
    ),
    "primaryKey a number": (
        setter(lambda d: events(d)["schema"].update(primaryKey=1)),
        "resources[0].schema.primaryKey",
    ),
    "primaryKey names no field": (
        setter(lambda d: events(d)["schema"].update(primaryKey="uid")),
        "resources[0].schema.primaryKey",
    ),
    "foreignKeys an object": (
        setter(lambda d: events(d)["schema"].update(foreignKeys={})),
        "resources[0].schema.foreignKeys",
    ),
    "foreign key without reference": (
        setter(lambda d: events(d)["schema"]["foreignKeys"][0].pop("reference")),
        "resources[0].schema.foreignKeys[0].reference",
    ),
    "foreign key to an unknown table": (
        setter(
            lambda d: events(d)["schema"]["foreignKeys"][0]["reference"].update(resource="places")
        ),
        "resources[0].schema.foreignKeys[0].reference.resource",
    ),
    "foreign key to an unknown field": (
        setter(lambda d: events(d)["schema"]["foreignKeys"][0]["reference"].update(fields=["uid"])),
        "resources[0].schema.foreignKeys[0].reference.resource",
    ),
    "multi-column foreign key": (
        setter(lambda d: events(d)["schema"]["foreignKeys"][0].update(fields=["site", "actor"])),
        "resources[0].schema.foreignKeys[0].fields",
    ),
    "encoding not UTF-8": (
        setter(lambda d: events(d).update(encoding="windows-1256")),
        "resources[0].encoding",
    ),
    "inline data": (setter(lambda d: events(d).update(data=[["a"]])), "resources[0].data"),
    "an enum disjoint from the policy's": (
        setter(lambda d: field(d, 1)["constraints"].update(enum=["rumour", "leak"])),
        "resources[0].schema.fields (kind).constraints.enum",
    ),
}


def write(data: Path, broken: Any) -> None:
    text = broken if isinstance(broken, str) else json.dumps(broken)
    (data / "datapackage.json").write_text(text, encoding="utf-8")


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_descriptor_is_a_message_with_its_json_path(
    case: str, minimal_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    breaker, path = MALFORMED[case]
    descriptor = json.loads((minimal_data / "datapackage.json").read_text(encoding="utf-8"))
    path = path.replace("[N]", f"[{len(field_list(descriptor))}]")  # the field appended
    write(minimal_data, breaker(descriptor))
    with pytest.raises(DataValidationError) as caught:
        load_dataset(minimal_data)
    problems = caught.value.problems
    assert all(p.file == "datapackage.json" for p in problems)
    assert any(p.message.startswith(f"{path}:") or path in p.message for p in problems), "\n".join(
        map(str, problems)
    )
    assert main(["validate", "--data", str(minimal_data)]) == 2
    err = capsys.readouterr().err
    assert "datapackage.json" in err and path in err and "Traceback" not in err


@pytest.mark.parametrize("case", ["schema: []", "deeply nested JSON", "foreignKeys: [{}]"])
def test_a_malformed_descriptor_stops_the_build_before_anything_runs(
    case: str, minimal_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    breaker, path = MALFORMED[case]
    descriptor = json.loads((minimal_data / "datapackage.json").read_text(encoding="utf-8"))
    write(minimal_data, breaker(descriptor))
    out = tmp_path / "reports"
    code = main(["build", "--data", str(minimal_data), "--out", str(out), "--as-of", "2025-10-15"])
    err = capsys.readouterr().err
    assert code == 2 and "nothing was built" in err and path in err and "Traceback" not in err
    assert not out.exists()


# --------------------------------------------------------------------------- blank text


@pytest.mark.parametrize(
    "value",
    [
        "   ",  # the whitespace-only title
        "\u200b",  # the zero-width-only title
        "\u200b\u200c\u200d\u2060\ufeff",
        "\u00a0\u3000",  # no-break and ideographic spaces
        "\u200f \u200e",  # direction marks alone
        "\u2067\u2069",  # an empty isolate
        "\t",
    ],
    ids=["spaces", "zero-width-space", "zero-widths", "wide-spaces", "marks", "isolate", "tab"],
)
@pytest.mark.parametrize(
    ("file", "row", "column"),
    [
        ("events.csv", "statement-1", "title_en"),
        ("events.csv", "phase-alpha", "title_ar"),
        ("sites.csv", "alpha", "name_ar"),
    ],
)
def test_required_text_of_only_invisible_characters_is_empty(
    value: str, file: str, row: str, column: str, minimal_data: Path
) -> None:
    set_cell(minimal_data / file, row, column, value)
    with pytest.raises(DataValidationError) as caught:
        load_dataset(minimal_data)
    assert any(
        p.column == column and "is required but blank" in p.message for p in caught.value.problems
    ), caught.value


def test_visible_text_with_marks_is_not_blank(minimal_data: Path) -> None:
    set_cell(minimal_data / "events.csv", "statement-1", "title_ar", "\u200fتصريح\u200f")
    set_cell(minimal_data / "events.csv", "statement-1", "title_en", " A statement ")
    assert load_dataset(minimal_data).event("statement-1").title_ar == "\u200fتصريح\u200f"


# --------------------------------------------------------------------------- impossible orders


ORDERS: dict[str, tuple[list[tuple[str, str, str]], str, int, str]] = {
    "a statement announced before it was made": (
        [("statement-1", "announced", "2025-08-01")],
        "announced",
        5,
        "is before the start 2025-08-18: a statement is public only once it has happened",
    ),
    "a month-precision statement announced the month before": (
        [("statement-1", "start", "2025-08"), ("statement-1", "announced", "2025-07-31")],
        "announced",
        5,
        "is before the start 2025-08",
    ),
    "a revision announced before its original": (
        [("deadline-alpha-2", "announced", "2024-01-01")],
        "announced",
        4,
        "is before the deadline it revises (deadline-alpha) was announced (2024-09-27)",
    ),
    "a withdrawal before the phase it ends": (
        [
            ("statement-1", "kind", "withdrawal"),
            ("statement-1", "site", "alpha"),
            ("statement-1", "phase", "phase-alpha"),
            ("statement-1", "start", "2023-05-01"),
        ],
        "start",
        5,
        "is before the phase it ends (phase-alpha) starts (2024-09-27)",
    ),
}


@pytest.mark.parametrize("case", sorted(ORDERS))
def test_an_impossible_order_is_an_error(case: str, minimal_data: Path) -> None:
    edits, column, line, message = ORDERS[case]
    for row, col, value in edits:
        set_cell(minimal_data / "events.csv", row, col, value)
    with pytest.raises(DataValidationError) as caught:
        load_dataset(minimal_data)
    assert any(
        p.column == column and p.line == line and message in p.message
        for p in caught.value.problems
    ), "\n".join(map(str, caught.value.problems))


def test_deadlines_and_phases_may_be_announced_ahead(minimal_data: Path) -> None:
    """A deadline is announced before it falls due; a planned phase before it starts."""
    set_cell(minimal_data / "events.csv", "phase-alpha", "announced", "2024-01-01")
    set_cell(minimal_data / "events.csv", "statement-1", "announced", "2025-08")  # overlaps
    dataset = load_dataset(minimal_data)
    deadline = dataset.event("deadline-alpha")
    assert deadline.announced.last_day() < deadline.start.first_day()
    assert dataset.event("phase-alpha").announced.iso == "2024-01-01"


# --------------------------------------------------------------------------- any shape


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON document (object keys and list indexes), depth first."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


_JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-3, 10**6),
        st.floats(allow_nan=True),
        st.sampled_from(
            [
                "",
                " ",
                "x",
                "id",
                "events",
                "[a-",
                "(a",
                "../x",
                "/etc/passwd",
                "string",
                "number",
                "2100",
                "a/b",
            ]
        ),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["name", "fields", "x", "path"]), inner, max_size=3),
    ),
    max_leaves=6,
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_value_anywhere_in_the_descriptor_is_a_dataset_or_the_validation_error(
    minimal_data: Path, data: st.DataObject
) -> None:
    """Replace (or delete) one value anywhere in datapackage.json: never a traceback."""
    descriptor = json.loads((minimal_data / "datapackage.json").read_text(encoding="utf-8"))
    original = json.dumps(descriptor)
    places = _paths(descriptor)
    try:
        for _ in range(data.draw(st.integers(1, 3))):
            where = data.draw(st.sampled_from(places))
            parent: Any = descriptor
            for step in where[:-1]:
                parent = parent[step]
            value = data.draw(_JSON_VALUES)
            if not where:
                descriptor = value
            elif data.draw(st.booleans()) and isinstance(parent, dict):
                parent.pop(where[-1], None)
            else:
                parent[where[-1]] = value
            places = _paths(descriptor)
    except (KeyError, IndexError, TypeError):
        pass  # an earlier replacement removed the place: keep what was changed
    write(minimal_data, descriptor)
    try:
        load_dataset(minimal_data)
    except DataValidationError as exc:
        assert exc.problems and all(p.file and p.message for p in exc.problems)
    finally:
        (minimal_data / "datapackage.json").write_text(original, encoding="utf-8")
