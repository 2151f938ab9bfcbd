"""Issue 18, finding 5: a committed case file that cannot be read never silently drops out.

A case file committed around the tool (an alias bomb, a ``!!python`` tag, nesting too deep,
30 MB, binary, a file holding another case's record, ...) cannot be indexed. Every command that
reads many cases says so on stderr, in Chinese: how many, which case numbers, and what to do
(``disputectl verify``, the 领导组办公室). ``list``, ``due`` and ``reindex`` still show what they
could read; ``stats``, ``export`` and ``report``, whose figures would be wrong, refuse and write
nothing. The index remembers the files it could not read (the report costs no reading of case
files), through a catch-up, a rebuild on one core or on several, and a change of config; a file
mended in a later commit reappears.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW, commit_by_hand, git, head

import disputectl.record.index as index_module
from disputectl.record.session import open_session
from disputectl.record.store_files import case_path

WIDE = {"COLUMNS": "250"}  # tables not cut: case numbers whole
CHINESE = re.compile(r"[\u4e00-\u9fff]")
ALIAS_BOMB = "\n".join(["a: &a [x, x, x, x, x, x, x, x, x]"]
                       + [f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
                       + ["payer_name: *i", ""]).encode()


def _damage(kind: str, good_text: str, other_text: str) -> bytes:
    """The bytes a case file is replaced with; ``good_text`` is the file as the tool wrote it."""
    if kind == "alias bomb":
        return ALIAS_BOMB
    if kind == "python tag":
        return good_text.replace("schema_version: 1\n",
                                 "schema_version: !!python/object/apply:os.system ['true']\n", 1).encode()
    if kind == "nesting too deep":
        return b"payer_name: " + b"[" * 20000 + b"]" * 20000 + b"\n"
    if kind == "30 MB":
        return good_text.encode() + b"# " + b"x" * 30_000_000 + b"\n"
    if kind == "binary":
        return bytes(range(256)) * 64
    if kind == "id of another case":
        return other_text.encode()  # a whole, valid record: of the other case
    if kind == "duplicate key":
        return good_text.replace("schema_version: 1\n", "schema_version: 1\nschema_version: 1\n", 1).encode()
    if kind == "not a case":
        return b"- a list\n- not a case\n"
    if kind == "cannot be replayed":
        return good_text.replace("actions:", "actionz:", 1).encode()
    raise AssertionError(kind)


DAMAGES = ["alias bomb", "python tag", "nesting too deep", "30 MB", "binary", "id of another case", "duplicate key",
           "not a case", "cannot be replayed"]


def _read(store: Path, case: str) -> str:
    return git(store, "show", f"HEAD:{case_path(case)}")


def damage(store: Path, case: str, kind: str, other: str) -> bytes:
    """Commit ``case``'s file damaged by hand; returns its bytes as they were."""
    good = _read(store, case)
    commit_by_hand(store, {case_path(case): _damage(kind, good, _read(store, other))}, "手工改坏案件文件")
    return good.encode()


def assert_reported(err: str, cases: list[str]) -> None:
    """The message names how many files, every case number, and what to do, in Chinese."""
    assert CHINESE.search(err), err
    assert f"{len(cases)} 件" in err, err
    for case in cases:
        assert case in err, err
    assert "disputectl verify" in err and "领导组办公室" in err, err
    assert "Traceback" not in err


def assert_refused(result: Any, cases: list[str]) -> None:
    assert result.exit_code not in (0, 70), (result.exit_code, result.output)
    assert result.stdout == "", result.stdout  # no figures that leave cases out
    assert result.stderr.startswith("错误："), result.stderr
    assert_reported(result.stderr, cases)


def unread(store: Path) -> list[tuple[str, str]]:
    s = open_session(store, now=datetime.fromisoformat(NOW))
    try:
        s.index.refresh()
        return list(s.index.unreadable())
    finally:
        s.index.close()
        s.git.close()


@pytest.fixture
def cases(register: Callable[..., str], cli: Callable[..., Any]) -> tuple[str, str]:
    """Two registered cases, indexed (the damage below is then caught up with incrementally)."""
    good, bad = register(), register(payer_name="示例贸易有限公司")
    assert cli("list").exit_code == 0
    return good, bad


# -- every command that reads many cases, for every kind of damage --------------------------------

@pytest.mark.parametrize("kind", DAMAGES)
def test_every_command_reading_many_cases_reports_an_unreadable_case_file(cli, store, cases, tmp_path, kind):
    good, bad = cases
    original = damage(store, bad, kind, other=good)

    listed = cli("list", env=WIDE)
    assert listed.exit_code == 0, listed.output
    assert good in listed.stdout and bad not in listed.stdout
    assert_reported(listed.stderr, [bad])
    as_json = cli("list", "--json")
    assert as_json.exit_code == 0 and [row["id"] for row in json.loads(as_json.stdout)] == [good]
    assert_reported(as_json.stderr, [bad])

    due = cli("due", "--all", env=WIDE)
    assert due.exit_code == 0 and good in due.stdout, due.output
    assert_reported(due.stderr, [bad])

    assert_refused(cli("stats"), [bad])
    assert_refused(cli("stats", "--json"), [bad])
    for name in ("台账.xlsx", "台账.csv"):
        assert_refused(cli("export", "-o", str(tmp_path / name)), [bad])
        assert not (tmp_path / name).exists()
    assert_refused(cli("report", "--html", str(tmp_path / "报告.html")), [bad])
    assert not (tmp_path / "报告.html").exists()
    assert not list(tmp_path.glob(".*.tmp"))

    rebuilt = cli("reindex")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "已重建索引：1 件案件" in rebuilt.stdout
    assert_reported(rebuilt.stderr, [bad])
    assert unread(store) == [(bad, case_path(bad))]

    # mended in a later commit: back everywhere, and nothing more is said
    commit_by_hand(store, {case_path(bad): original}, "恢复案件文件")
    listed = cli("list", env=WIDE)
    assert listed.exit_code == 0 and good in listed.stdout and bad in listed.stdout and listed.stderr == ""
    exported = cli("export", "-o", str(tmp_path / "台账.csv"))
    assert exported.exit_code == 0 and "已导出工作台账 2 件" in exported.stdout and exported.stderr == ""
    assert cli("stats").exit_code == 0
    assert unread(store) == []


def _list(cli: Any, tmp_path: Path, good: str, bad: str) -> None:
    result = cli("list", env=WIDE)
    assert result.exit_code == 0 and good in result.stdout, result.output
    assert_reported(result.stderr, [bad])


def _due(cli: Any, tmp_path: Path, good: str, bad: str) -> None:
    result = cli("due", "--all", env=WIDE)
    assert result.exit_code == 0 and good in result.stdout, result.output
    assert_reported(result.stderr, [bad])


def _reindex(cli: Any, tmp_path: Path, good: str, bad: str) -> None:
    result = cli("reindex")
    assert result.exit_code == 0 and "已重建索引：1 件案件" in result.stdout, result.output
    assert_reported(result.stderr, [bad])


def _stats(cli: Any, tmp_path: Path, good: str, bad: str) -> None:
    assert_refused(cli("stats"), [bad])


def _export(cli: Any, tmp_path: Path, good: str, bad: str) -> None:
    assert_refused(cli("export", "-o", str(tmp_path / "台账.xlsx")), [bad])
    assert not (tmp_path / "台账.xlsx").exists()


def _report(cli: Any, tmp_path: Path, good: str, bad: str) -> None:
    assert_refused(cli("report", "--html", str(tmp_path / "报告.html")), [bad])
    assert not (tmp_path / "报告.html").exists()


COMMANDS = {"list": _list, "due": _due, "reindex": _reindex, "stats": _stats, "export": _export, "report": _report}


@pytest.mark.parametrize("kind", ["alias bomb", "id of another case", "binary"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_each_command_on_its_own_reports_an_unreadable_case_file(cli, store, cases, tmp_path, command, kind):
    """Each command, first after the damage (it is the one to catch the index up)."""
    good, bad = cases
    damage(store, bad, kind, other=good)
    COMMANDS[command](cli, tmp_path, good, bad)


def test_due_as_json_lists_the_unreadable_cases(cli, store, cases):
    good, bad = cases
    damage(store, bad, "python tag", other=good)
    result = cli("due", "--all", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [r["case"] for r in data["rows"]] == [good]
    assert data["unreadable"] == [{"case": bad, "path": case_path(bad)}]
    assert_reported(result.stderr, [bad])


def test_filters_do_not_hide_an_unreadable_case(cli, store, cases, tmp_path):
    """Whether the damaged case would pass a filter or fall in a period cannot be told: it is
    reported whatever is asked for."""
    good, bad = cases
    damage(store, bad, "binary", other=good)
    listed = cli("list", "--status", "registered", "--text", "示例", env=WIDE)
    assert listed.exit_code == 0 and good in listed.stdout
    assert_reported(listed.stderr, [bad])
    assert_reported(cli("due", "--unit", "SW").stderr, [bad])
    assert_refused(cli("export", "-o", str(tmp_path / "x.csv"), "--from", "2026-01-01", "--to", "2026-06-30"), [bad])
    assert_refused(cli("stats", "--from", "2026-11-26", "--by", "unit"), [bad])


def test_a_case_that_never_was_readable_is_reported_too(cli, store, cases):
    """A file committed by hand under a number the tool never gave out: still a case file."""
    good, _ = cases
    stray = good[:-3] + "999"
    commit_by_hand(store, {case_path(stray): b"payer_name: !evil x\n"})
    listed = cli("list", env=WIDE)
    assert listed.exit_code == 0
    assert_reported(listed.stderr, [stray])


def test_many_unreadable_cases_are_counted_and_the_list_is_cut_short(cli, store, cases):
    good, _ = cases
    strays = [good[:-3] + f"{900 + n}" for n in range(40)]
    commit_by_hand(store, {case_path(case): b"\x00\xff" for case in strays})
    err = cli("list").stderr
    assert "40 件" in err and strays[0] in err and "disputectl verify" in err
    assert len(err) < 1500, err  # a few case numbers, not forty
    assert not all(case in err for case in strays)
    refused = cli("stats")
    assert refused.exit_code not in (0, 70) and "40 件" in refused.stderr


# -- the index remembers, through every way it is brought up to date ------------------------------

def test_the_report_reads_no_case_file_once_the_index_is_current(cli, store, cases, monkeypatch):
    good, bad = cases
    damage(store, bad, "alias bomb", other=good)
    assert unread(store) == [(bad, case_path(bad))]

    def no_reading(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a case file was read again")

    monkeypatch.setattr(index_module, "case_rows", no_reading)
    monkeypatch.setattr(index_module, "parse_case", no_reading)
    for args in (("list",), ("due",)):
        result = cli(*args)
        assert result.exit_code == 0, result.output
        assert_reported(result.stderr, [bad])
    assert_refused(cli("stats"), [bad])


def test_a_catch_up_adds_mends_and_forgets_unreadable_files(cli, store, cases):
    good, bad = cases
    original = damage(store, bad, "duplicate key", other=good)
    assert unread(store) == [(bad, case_path(bad))]
    commit_by_hand(store, {case_path(bad): original})
    assert unread(store) == []
    damage(store, good, "python tag", other=bad)
    damage(store, bad, "binary", other=good)
    assert unread(store) == sorted([(bad, case_path(bad)), (good, case_path(good))])
    commit_by_hand(store, {case_path(bad): None}, "删除案件文件")  # gone: no longer a case to report
    assert unread(store) == [(good, case_path(good))]
    assert cli("list", env=WIDE).stdout.count("SW-") == 0


@pytest.mark.parametrize("copy", ["damaged", "readable"])
def test_removing_a_hand_made_copy_in_another_folder_brings_the_case_back(cli, store, cases, copy):
    """A copy of a case file in another day's folder counts (the later folder's), so a damaged
    one hides the case; removed, the case's own file counts again (it used to drop out)."""
    good, bad = cases
    elsewhere = case_path(bad).replace("/26/", "/27/")
    content = b"\x00binary" if copy == "damaged" else _read(store, bad).encode()
    commit_by_hand(store, {elsewhere: content}, "手工复制案件文件")
    if copy == "damaged":
        assert unread(store) == [(bad, elsewhere)]
        err = cli("list").stderr
        assert_reported(err, [bad])
        assert elsewhere in err  # the file to look at, not where its number puts it
    else:
        assert unread(store) == []
    commit_by_hand(store, {elsewhere: None}, "删除复制的文件")
    assert unread(store) == []
    listed = cli("list", env=WIDE)
    assert bad in listed.stdout and good in listed.stdout and listed.stderr == ""


def test_removing_a_copy_that_did_not_count_leaves_the_case_as_it_is(cli, store, cases):
    good, bad = cases
    earlier = case_path(bad).replace("/26/", "/25/")  # an earlier folder's copy: the own file counts
    commit_by_hand(store, {earlier: b"\x00binary"}, "手工复制案件文件")
    assert cli("reindex").exit_code == 0
    assert unread(store) == []
    commit_by_hand(store, {earlier: None}, "删除复制的文件")
    assert unread(store) == []
    assert bad in cli("list", env=WIDE).stdout


def test_a_changed_calendar_keeps_the_unreadable_files(cli, store, cases):
    """A changed config or calendar derives every case again: the unreadable ones stay reported
    (and are read again: their damage may have been a unit the config no longer had)."""
    good, bad = cases
    damage(store, bad, "nesting too deep", other=good)
    assert unread(store) == [(bad, case_path(bad))]
    commit_by_hand(store, {"calendar/2027.yaml": b"year: 2027\nholidays: []\n"})
    assert unread(store) == [(bad, case_path(bad))]
    listed = cli("list", env=WIDE)
    assert good in listed.stdout
    assert_reported(listed.stderr, [bad])


TABLES = ("SELECT * FROM cases ORDER BY id", "SELECT * FROM docs ORDER BY case_id",
          "SELECT * FROM clocks ORDER BY case_id, name, start", "SELECT * FROM numbers ORDER BY case_id, seq",
          "SELECT * FROM unread ORDER BY case_id")


def _rows(path: Path) -> list[list[tuple[Any, ...]]]:
    db = sqlite3.connect(path)
    try:
        return [db.execute(sql).fetchall() for sql in TABLES]
    finally:
        db.close()


def test_a_rebuild_on_one_core_or_several_remembers_the_same_unreadable_files(cli, store, register, monkeypatch):
    cases = [register() for _ in range(5)]
    damage(store, cases[1], "alias bomb", other=cases[0])
    damage(store, cases[3], "id of another case", other=cases[0])
    # a damaged copy of a readable case in a later day's folder (it counts: the last copy) and a
    # readable copy of a damaged one (the last copy: the case is back)
    later = case_path(cases[4]).replace("/26/", "/27/")
    commit_by_hand(store, {later: b"\x00binary", case_path(cases[1]).replace("/26/", "/27/"):
                           _read(store, cases[0]).replace(cases[0], cases[1]).encode()})
    now = datetime.fromisoformat(NOW)
    monkeypatch.setattr(index_module, "_cores", lambda: 2)
    monkeypatch.setattr(index_module, "PARALLEL_FROM", 10**9)
    serial = open_session(store, now=now)
    assert serial.index.refresh(force=True) == "rebuilt"
    expected = _rows(serial.index.path)
    assert expected[-1] == sorted([(cases[3], case_path(cases[3])), (cases[4], later)])
    assert [row[0] for row in expected[0]] == sorted([cases[0], cases[1], cases[2]])
    monkeypatch.setattr(index_module, "PARALLEL_FROM", 1)
    for chunk in (200, 1):
        monkeypatch.setattr(index_module, "PARALLEL_MIN_CHUNK", chunk)
        parallel = open_session(store, now=now)
        assert parallel.index.refresh(force=True) == "rebuilt"
        assert _rows(parallel.index.path) == expected, chunk
    listed = cli("list", env=WIDE)
    assert_reported(listed.stderr, [cases[3], cases[4]])
    assert later in listed.stderr  # not where its number says: where it is, too


def test_an_index_made_before_unreadable_files_were_remembered_is_rebuilt(cli, store, cases):
    good, bad = cases
    damage(store, bad, "binary", other=good)
    assert unread(store) == [(bad, case_path(bad))]
    from disputectl.record.index import index_file

    db = sqlite3.connect(index_file(store / ".git"))
    db.execute("UPDATE meta SET value = '9' WHERE key = 'version'")
    db.execute("DROP TABLE unread")
    db.commit()
    db.close()
    assert_reported(cli("list").stderr, [bad])


def test_doctor_names_unreadable_case_files_and_leaves_them_alone(cli, store, cases):
    good, bad = cases
    damage(store, bad, "alias bomb", good)
    before = head(store)
    result = cli("doctor")
    assert result.exit_code == 0, result.output
    assert_reported(result.stdout, [bad])
    assert "doctor 无法修复" in result.stdout
    assert head(store) == before


def test_a_machine_failure_outside_any_action_names_the_cause_not_an_internal_error(cli, store, monkeypatch):
    """doctor on a full disk (or any command reaching an OSError the code did not expect)."""
    import errno

    from disputectl.record import doctor

    def full(*_: Any, **__: Any) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(doctor, "recover_interrupted", full)
    result = cli("doctor")
    assert result.exit_code == 74, result.output
    assert "磁盘空间已满" in result.stderr and "内部错误" not in result.output
