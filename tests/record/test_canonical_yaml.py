"""The quick reader of canonical YAML gives exactly what the strict loader gives, or gives up.

It is tried first on every file read: on the files the tool writes it must not give up (that is
its purpose), and on anything else it must either agree with the strict loader or leave the file
to it, so that a hand-edited or damaged file gets the strict loader's result or message."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import git

from disputectl.errors import ValidationError
from disputectl.record import store_files as store_module
from disputectl.record.canonical_yaml import GIVE_UP, Reader
from disputectl.record.store_files import dump_yaml, load_yaml


@pytest.fixture(scope="module")
def reader() -> Reader:
    load_yaml(b"a: 1\n", source="x")  # builds the strict loader
    return Reader(lambda text: yaml.load(text, Loader=store_module._LOADER))  # noqa: S506 - strict safe loader


def strict(data: bytes) -> Any:
    """The strict loader alone (or the ValidationError it raises)."""
    try:
        return yaml.load(data, Loader=store_module._LOADER)  # noqa: S506
    except ValidationError as exc:
        return exc
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        return exc


def agrees(reader: Reader, data: bytes) -> bool:
    """The quick reader gave up, or gave what the strict loader gives (which must not be an error)."""
    quick = reader.load(data)
    if quick is GIVE_UP:
        return False
    expected = strict(data)
    assert not isinstance(expected, Exception), (data, expected)
    assert quick == expected and _types(quick) == _types(expected), data
    return True


def _types(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _types(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_types(v) for v in value]
    return type(value).__name__


def test_case_files_the_tool_writes_are_read_quickly_and_alike(cli, register, store: Path, reader: Reader) -> None:
    case = register()
    assert cli("route", case, "--self", as_="sw-registrar").exit_code == 0
    assert cli("note", case, "--body", "缴费人来电：'询问'进度 #2，称“尚未收到”: 请尽快", as_="bgs-office").exit_code == 0
    other = register(payer_name="示例 yes 公司", matter="true", request="2026-11-26")
    versions = git(store, "log", "--format=%H", "--", "cases").split()
    assert len(versions) >= 4
    for commit in versions:
        for path in git(store, "ls-tree", "-r", "--name-only", commit, "cases").split():
            if path.endswith(".yaml"):
                data = git(store, "show", f"{commit}:{path}").encode()
                assert agrees(reader, data), path
    assert other


# -- records the writer might be given -------------------------------------------------------

TRICKY = ["", " ", "yes", "No", "on", "off", "y", "n", "null", "~", "Null", "true", "FALSE", "0", "-1", "+1", "1_000",
          "0x1F", "0o17", "017", "1:20", "1.5", ".5", "1e3", "1.0e+3", ".inf", "-.Inf", ".NaN", "2026-11-26",
          "2026-11-26T09:30:00+08:00", "2026-11-26 09:30", "=", "<<", "- a", "-a", "? x", "?x", ": x", "a: b", "a:b",
          "a:", "a #b", "a#b", "#a", "'a'", '"a"', "it's", "[a]", "{a: 1}", "a, b", "&a", "*a", "!a", "|", ">", "%a",
          "@a", "`a", "a\nb", "a\n", "\na", "a  b", " a", "a ", "\ta", "a\tb", "é", "缴费人“王敏”：请求", "a\\b",
          "\u2028", "\x85", "\ufeff", "\x7f", "...", "---", "--- a", "... a", "a" * 150, "甲 " * 60, "x" * 99 + " y",
          "SW-20261126-001", "社争受〔2026〕1号", "cases/2026/11/26/SW-20261126-001/文书/a b.docx"]


def _random_scalar(rng: random.Random) -> Any:
    kind = rng.random()
    if kind < 0.55:
        return rng.choice(TRICKY) if rng.random() < 0.6 else "".join(
            rng.choice("ab甲乙 :#-'\"\n?,[]{}&*!|>%@`~.0123456789") for _ in range(rng.randint(0, 12)))
    if kind < 0.7:
        return rng.choice([0, 1, -5, 123456789, 2**70, 1.5, -0.25, 1e30])
    if kind < 0.8:
        return rng.choice([True, False, None])
    if kind < 0.9:
        return date(2020, 1, 1) + timedelta(days=rng.randint(0, 3000))
    return datetime(2026, 11, 26, 9, 30, tzinfo=timezone(timedelta(hours=8)))


def _random_value(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if depth < 4 and roll < 0.25:
        return {rng.choice(["id", "at", "data", "on", "yes", "null", "a-b", "_k", "甲", "1", "x y", "k:"]):
                _random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))}
    if depth < 4 and roll < 0.4:
        return [_random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return _random_scalar(rng)


def test_any_record_the_writer_writes_is_read_alike(reader: Reader) -> None:
    rng = random.Random(20261127)
    quick = 0
    for _ in range(3000):
        record = {"id": "SW-20261126-001", "data": _random_value(rng), "list": [_random_value(rng) for _ in range(3)]}
        data = dump_yaml(record)
        assert strict(data) == record  # the writer round-trips (else the comparison means little)
        quick += agrees(reader, data)
    assert quick > 300  # the comparison was made often (tricky keys and texts make many give up)


# -- hand-written and damaged files ------------------------------------------------------------

HAND_WRITTEN = {
    "comment line": "a: 1\n# note\nb: 2\n",
    "comment after value": "a: 1 # one\n",
    "blank line": "a: 1\n\nb: 2\n",
    "no final line break": "a: 1",
    "document marker": "---\na: 1\n",
    "end marker": "a: 1\n...\n",
    "tab indent": "a:\n\tb: 1\n",
    "crlf": "a: 1\r\nb: 2\r\n",
    "bom": "\ufeffa: 1\n",
    "double quoted": 'a: "x\\ty"\n',
    "flow mapping": "a: {b: 1}\n",
    "flow sequence": "a: [1, 2]\n",
    "anchor and alias": "a: &x 1\nb: *x\n",
    "tag": "a: !thing 1\n",
    "standard tag": "a: !!str 1\n",
    "merge key": "a: {}\n<<: {}\n",
    "duplicate key": "a: 1\na: 2\n",
    "duplicate spelled differently": "yes: 1\ntrue: 2\n",
    "literal block": "a: |\n  x\n  y\n",
    "folded plain": "a: x\n  y\n",
    "folded single quoted": "a: 'x\n  y'\n",
    "empty value is null": "a:\nb: 1\n",
    "indentless sequence": "a:\n- 1\n- b: 2\n  c: 3\nd: 4\n",
    "indented sequence": "a:\n  - 1\n  - 2\n",
    "nested sequence": "a:\n- - 1\n",
    "bare dash": "a:\n-\n- 1\n",
    "sequence item with a block": "a:\n- b:\n  - 1\n  c: 2\n",
    "uneven indent": "a:\n    b: 1\n  c: 2\n",
    "dash after entries": "a:\n  b: 1\n  - 2\n",
    "top-level list": "- 1\n- 2\n",
    "top-level scalar": "hello\n",
    "indented start": "  a: 1\n",
    "trailing spaces": "a: 1  \n",
    "control character": "a: x\x07y\n",
    "timestamp": "a: 2026-11-26\nb: 2026-11-26 09:30:00+08:00\n",
    "bad timestamp": "a: 2026-02-30\n",
    "sexagesimal": "a: 1:30\n",
    "quoted key": "'a': 1\n",
    "number key": "1: a\n",
    "long key": "a" * 200 + ": 1\n",
    "key over libyaml's limit": "a" * 1025 + ": 1\n",
    "key over libyaml's limit in a list": "x:\n- " + "k" * 1100 + ": v\n",
    "colon in value": "a: b: c\n",
    "plain with quote": "a: it's\n",
    "unicode separators": "a: x\u2028y\n",
    "nel": "a: x\x85y\n",
    "empty document": "",
    "only newline": "\n",
}


@pytest.mark.parametrize("name", sorted(HAND_WRITTEN))
def test_hand_written_files_are_read_alike_or_left_to_the_strict_loader(reader: Reader, name: str) -> None:
    data = HAND_WRITTEN[name].encode("utf-8")
    quick = reader.load(data)
    if quick is not GIVE_UP:
        assert quick == strict(data)


def test_the_quick_reader_takes_the_plain_shapes_and_refuses_errors(reader: Reader) -> None:
    for name in ("indentless sequence", "indented sequence", "empty value is null", "timestamp", "plain with quote",
                 "sequence item with a block", "sexagesimal"):
        assert reader.load(HAND_WRITTEN[name].encode()) is not GIVE_UP, name
    for name in ("duplicate key", "duplicate spelled differently", "anchor and alias", "tag", "merge key",
                 "bad timestamp", "colon in value", "control character", "dash after entries", "uneven indent",
                 "key over libyaml's limit", "key over libyaml's limit in a list"):
        assert reader.load(HAND_WRITTEN[name].encode()) is GIVE_UP, name
        with pytest.raises(ValidationError):
            load_yaml(HAND_WRITTEN[name].encode(), source="x")


def test_damaged_case_files_are_read_alike_or_left_to_the_strict_loader(reader: Reader) -> None:
    rng = random.Random(7)
    base = dump_yaml({"schema_version": 1, "id": "SW-20261126-001", "registration": {
        "payer": {"name": "示例科技有限公司", "kind": "employer"}, "matter": "对缴费基数有异议", "category": 3},
        "actions": [{"action": "register", "at": "2026-11-26T09:30:00+08:00", "data": {}, "notices": [
            {"kind": "receipt", "number": "社争受〔2026〕1号"}], "unit": "SW"},
            {"action": "note", "data": {"body": "来电"}, "unit": "BGS"}],
        "state": {"clocks": [{"days": 1, "due": "2026-11-27", "late": 0, "stopped": None}], "extended": False}},
        case=True).decode()
    pieces = [" ", "  ", "\n", ":", ": ", "-", "- ", "#", " #", "'", '"', "&a ", "*a", "!", "|", ">", "[", "]", "{", "}",
              ",", "?", "~", "null", "1", "yes", "\t", "\r", "甲", "\x00", "\x85", "...", "---", "<<: "]
    taken = 0
    for _ in range(4000):
        text = base
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text) + 1)
            if rng.random() < 0.3:
                text = text[:at] + text[at + rng.randint(1, 4):]
            else:
                text = text[:at] + rng.choice(pieces) + text[at:]
        data = text.encode("utf-8")
        quick = reader.load(data)
        if quick is GIVE_UP:
            continue
        expected = strict(data)
        assert not isinstance(expected, Exception), (text, expected)
        assert quick == expected and _types(quick) == _types(expected), text
        taken += 1
    assert taken > 200  # the comparison was made often, not only on refusals
