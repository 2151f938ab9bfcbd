"""The generated case-file check (fastjsonschema) is the schema: it is in step with the schema
file, and it accepts and refuses exactly what jsonschema accepts and refuses."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import INDIVIDUAL, git
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from disputectl.record.store_files import case_path, parse_case
from disputectl.rules.schema import case_errors, generate_case_check, schema_errors

ROOT = Path(__file__).resolve().parents[2]


def test_the_generated_check_is_in_step_with_the_schema() -> None:
    # the stamp, not the text: another fastjsonschema release may word the same check differently
    schema = (ROOT / "schemas" / "case.schema.json").read_bytes()
    header = (ROOT / "disputectl" / "rules" / "case_check.py").read_text(encoding="utf-8").split("\n", 5)[:5]
    assert f"# schema sha256: {hashlib.sha256(schema).hexdigest()}" in header, \
        "schemas/case.schema.json changed: run `python -m disputectl.rules.schema`"
    assert generate_case_check().split("\n", 5)[:5] == header


@pytest.fixture
def records(cli: Callable[..., Any], register: Callable[..., str], store: Path) -> list[dict[str, Any]]:
    """Real case records: registered; transferred with a notice; an individual's case with a note."""
    first = register()
    second = register(**{k: v for k, v in INDIVIDUAL.items()})
    assert cli("route", first, "--to", "RS", "--reason", "属人社职责", as_="sw-registrar").exit_code == 0
    assert cli("note", second, "--body", "缴费人来电", as_="bgs-office").exit_code == 0
    out = []
    for case_id in (first, second):
        path = case_path(case_id)
        out.append(parse_case(git(store, "show", f"main:{path}").encode(), source=path))
    return out


def test_real_records_pass_both(records: list[dict[str, Any]]) -> None:
    for record in records:
        assert case_errors(record) == [] and schema_errors("case", record) == []


ODD_VALUES = st.sampled_from([
    None, 0, -1, 1, 11, 1.5, 2.0, True, False, "", "x", "x" * 20001, "SW-20261126-001", "SW-20261126-001\n",
    "2026-11-26", "2026-11-26T09:30:00+08:00", "0" * 64, "A" * 18, [], [{}], {}, {"name": "a", "sha256": "0" * 64},
    "employer", "来访", "handling", "注：", ["SW"],
])


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


def _mutate(record: dict[str, Any], path: tuple[Any, ...], how: str, value: Any) -> dict[str, Any]:
    record = copy.deepcopy(record)
    if not path:
        return record if how != "replace" else value
    parent = record
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if how == "delete":
        del parent[last]
    elif how == "add" and isinstance(parent[last], dict):
        parent[last]["unexpected"] = value
    elif how == "add" and isinstance(parent[last], list):
        parent[last].append(value)
    else:
        parent[last] = value
    return record


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_both_validators_agree_on_damaged_records(records: list[dict[str, Any]], data: st.DataObject) -> None:
    record = data.draw(st.sampled_from(records))
    for _ in range(data.draw(st.integers(1, 2))):
        if not isinstance(record, dict):
            break
        path = data.draw(st.sampled_from(_paths(record)))
        record = _mutate(record, path, data.draw(st.sampled_from(["replace", "delete", "add"])), data.draw(ODD_VALUES))
    fast = case_errors(record)
    slow = schema_errors("case", record)
    if slow:
        assert fast == slow  # refused by both, worded by jsonschema
    elif fast:
        # the one place the generated check is stricter: a pattern's `$` before a final line break
        assert any(isinstance(v, str) and v.endswith("\n") for v in _leaves(record)), fast
        assert len(fast) == 1 and "格式不对" in fast[0]
    else:
        assert fast == slow == []


def _leaves(node: Any) -> list[Any]:
    if isinstance(node, dict):
        return [leaf for value in node.values() for leaf in _leaves(value)]
    if isinstance(node, list):
        return [leaf for value in node for leaf in _leaves(value)]
    return [node]
