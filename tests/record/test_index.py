"""The derived SQLite index: it agrees with the case files after every kind of change, catches up
incrementally, rebuilds when damaged or when history is rewritten, and a commit that loses a
race is retried without losing either action."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW, check_out, git, head, invoke

from disputectl.record.gitstore import GitStore, iter_tree_files
from disputectl.record.index import index_file
from disputectl.record.session import Session, open_session
from disputectl.record.store_files import CASES_DIR, case_path, parse_case
from disputectl.rules.derive import derive_state, due_facts
from disputectl.services import perform


def session(store: Path) -> Session:
    return open_session(store, now=datetime.fromisoformat(NOW))


def refresh(store: Path) -> str:
    s = session(store)
    try:
        return str(s.index.refresh())
    finally:
        s.index.close()
        s.git.close()


def assert_index_agrees(store: Path) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Every case file at HEAD is in the index with the state the workflow rules derive from it,
    nothing else is, and each case's history is the commits carrying its trailers."""
    s = session(store)
    try:
        s.index.refresh()
        commit = s.git.head()
        expected: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
        for path, content in iter_tree_files(s.git, commit, f"{CASES_DIR}/", ".yaml"):
            if path.count("/") != 4:
                continue  # notices and archive packages live in the case's own folder
            case = parse_case(content, source=path)
            record = {k: v for k, v in case.items() if k != "state"}
            expected[case["id"]] = (record, derive_state(record, s.config, s.calendar))
        assert s.index.count() == len(expected)
        for case_id, (record, state) in expected.items():
            assert s.index.case_state(case_id) == (record, state), case_id
        due = s.index.due_facts("1")
        assert sorted(due, key=lambda f: f["id"]) == sorted(
            (due_facts(record, state, s.config) for record, state in expected.values()), key=lambda f: f["id"])
        trail: dict[str, list[str]] = {}
        for info in s.git.log():
            if "Case" in info.trailers:
                trail.setdefault(info.trailers["Case"], []).append(info.trailers["Action-Id"])
        for case_id in expected:
            assert [row["action_id"] for row in s.index.history(case_id)] == trail.get(case_id, []), case_id
        return expected
    finally:
        s.index.close()
        s.git.close()


def commit_all(store: Path, message: str) -> None:
    git(store, "-c", "user.name=管理员", "-c", "user.email=admin@example.invalid", "commit", "-q", "-a", "-m", message)


@pytest.fixture
def two_cases(register: Callable[..., str], store: Path) -> tuple[str, str]:
    a = register()
    b = register(as_="rs-registrar", payer_kind="individual", payer_name="李四", payer_id="11010519491231002X",
                 contact_person="", category="8", region="DQ")
    return a, b


def test_index_follows_every_action_through_archive(cli: Callable[..., Any], store: Path,
                                                    two_cases: tuple[str, str]) -> None:
    a, b = two_cases
    assert refresh(store) in ("current", "incremental")
    assert_index_agrees(store)
    steps = [
        (("route", a, "--self"), "sw-registrar"),
        (("route", b, "--to", "SW", "--reason", "涉及缴费基数，转税务部门办理"), "rs-registrar"),
        (("extend", a, "--reason", "需调取工资台账核对", "--days", "10"), "sw-handler"),
        (("sign", b), "sw-handler"),
        (("conclude", a, "--facts", "申报基数低于实际工资", "--basis", "《社会保险费征缴暂行条例》第十条",
          "--decision", "维持原核定结果"), "sw-handler"),
        (("note", b, "--body", "缴费人来电询问进度"), "bgs-office"),
        (("reply", a, "--method", "直接送达", "--date", "2026-11-26"), "sw-handler"),
        (("archive", a, "--retention", "30年"), "sw-archivist"),
    ]
    for args, officer in steps:
        result = cli(*args, as_=officer)
        assert result.exit_code == 0, result.output
        assert refresh(store) == "incremental", args
        cases = assert_index_agrees(store)
    assert cases[a][1]["status"] == "archived"
    assert cases[b][1]["status"] == "handling"


def test_a_commit_made_outside_the_tool_is_picked_up(store: Path, two_cases: tuple[str, str]) -> None:
    a, _ = two_cases
    refresh(store)
    path = check_out(store, case_path(a))
    path.write_text(path.read_text(encoding="utf-8").replace("对2026年度缴费基数核定有异议", "对2025年度缴费基数核定有异议"),
                    encoding="utf-8")
    commit_all(store, "更正登记事项")
    assert refresh(store) == "incremental"
    cases = assert_index_agrees(store)
    assert cases[a][0]["registration"]["matter"] == "对2025年度缴费基数核定有异议"


def test_a_deleted_case_file_leaves_the_index(store: Path, two_cases: tuple[str, str]) -> None:
    a, b = two_cases
    refresh(store)
    check_out(store, case_path(b))
    git(store, "rm", "-q", case_path(b))
    commit_all(store, "删除案件")
    assert refresh(store) == "incremental"
    cases = assert_index_agrees(store)
    assert set(cases) == {a}


def test_a_changed_config_derives_every_case_again(store: Path, two_cases: tuple[str, str]) -> None:
    a, _ = two_cases
    before = assert_index_agrees(store)[a][1]["clocks"][0]
    assert (before["name"], before["due"]) == ("route", "2026-11-27")
    config = store / "disputectl.yaml"
    text = config.read_text(encoding="utf-8")
    assert "  route: 1\n" in text
    config.write_text(text.replace("  route: 1\n", "  route: 3\n"), encoding="utf-8")
    commit_all(store, "分类流转时限改为3个工作日")
    assert refresh(store) == "incremental"
    after = assert_index_agrees(store)[a][1]["clocks"][0]
    assert after["due"] == "2026-12-01"


def test_a_changed_calendar_derives_every_case_again(store: Path, two_cases: tuple[str, str]) -> None:
    a, _ = two_cases
    assert assert_index_agrees(store)[a][1]["clocks"][0]["due"] == "2026-11-27"
    (store / "calendar" / "2026.yaml").write_text(
        "year: 2026\nholidays:\n- date: 2026-11-27\n  name: 临时放假\n", encoding="utf-8")
    git(store, "add", "calendar/2026.yaml")
    commit_all(store, "补充2026年放假安排")
    assert refresh(store) == "incremental"
    assert assert_index_agrees(store)[a][1]["clocks"][0]["due"] == "2026-11-30"


def test_a_stale_index_catches_up_incrementally(cli: Callable[..., Any], register: Callable[..., str],
                                                store: Path) -> None:
    a = register()
    assert refresh(store) in ("current", "incremental")
    assert refresh(store) == "current"
    c = register()
    assert cli("route", c, "--office", "--reason", "涉及多个部门", as_="sw-registrar").exit_code == 0
    assert cli("route", a, "--self", as_="sw-registrar").exit_code == 0
    assert refresh(store) == "incremental"
    assert refresh(store) == "current"
    cases = assert_index_agrees(store)
    assert (cases[a][1]["status"], cases[c][1]["status"]) == ("handling", "coordinating")


def test_a_damaged_index_file_is_rebuilt(store: Path, two_cases: tuple[str, str]) -> None:
    refresh(store)
    index = index_file(store / ".git")
    for suffix in ("-wal", "-shm"):
        Path(str(index) + suffix).unlink(missing_ok=True)
    index.write_bytes(b"\x00garbage, not SQLite\xff" * 512)
    assert refresh(store) == "rebuilt"
    assert set(assert_index_agrees(store)) == set(two_cases)


def test_a_damaged_index_is_rebuilt_by_a_command(cli: Callable[..., Any], store: Path,
                                                 two_cases: tuple[str, str]) -> None:
    refresh(store)
    (index_file(store / ".git")).write_bytes(b"SQLite format 3\x00" + b"\xde\xad" * 4096)
    result = cli("show", two_cases[0])
    assert result.exit_code == 0, result.output
    assert two_cases[0] in result.output
    assert refresh(store) == "current"
    assert_index_agrees(store)


def _index_files(store: Path) -> list[str]:
    return sorted(p.name for p in (store / ".git").glob("disputectl-index*") if not p.name.endswith(".lock"))


def test_a_rebuild_switches_to_a_new_file_while_a_reader_of_the_old_one_reads_on(
        register: Callable[..., str], store: Path, two_cases: tuple[str, str]) -> None:
    import subprocess
    import sys

    refresh(store)
    reader = session(store)
    try:
        assert reader.index.count() == 2
        old = reader.index.path
        register()
        # another process rebuilds (the disputectl command, as an officer would run it)
        code = "import sys; from disputectl.cli.main import run; sys.argv = ['disputectl'] + sys.argv[1:]; run()"
        rebuilt = subprocess.run([sys.executable, "-c", code, "reindex", "--store", str(store)],
                                 capture_output=True, text=True)
        assert rebuilt.returncode == 0, rebuilt.stderr
        new = index_file(store / ".git")
        assert new != old
        # only the new file is left (its log folded in and removed), and the pointer naming it
        assert _index_files(store) == sorted([new.name, "disputectl-index.current"])
        assert reader.index.count() == 2  # the old file, opened before, is read to its end
        assert reader.index.refresh() == "current"  # built by the other process: opened anew
        assert reader.index.path == new and reader.index.count() == 3
    finally:
        reader.index.close()
        reader.git.close()
    assert_index_agrees(store)


def test_a_rebuild_that_fails_leaves_the_index_in_use_as_it_was(
        store: Path, two_cases: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    import disputectl.record.index as index_module

    refresh(store)
    before = _index_files(store)

    def full(*args: Any, **kwargs: Any) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(index_module, "_insert_rows", full)
    result = invoke("reindex", "--store", str(store))
    assert result.exit_code != 0
    assert "重建索引失败" in result.output and "原索引未改动" in result.output and "Traceback" not in result.output
    monkeypatch.undo()
    assert _index_files(store) == before  # neither discarded as damaged nor half replaced
    assert refresh(store) == "current"
    assert set(assert_index_agrees(store)) == set(two_cases)


def test_a_file_left_by_a_rebuild_cut_short_is_replaced(store: Path, two_cases: tuple[str, str]) -> None:
    import re

    refresh(store)
    current = index_file(store / ".git")
    number = int(re.fullmatch(r"disputectl-index\.(\d+)\.sqlite", current.name)[1])
    left = current.with_name(f"disputectl-index.{number + 1}.sqlite")
    left.write_bytes(b"half a rebuild")
    Path(f"{left}-journal").write_bytes(b"x")
    for name in ("disputectl-index.sqlite.part-3", "disputectl-index.sqlite.history", "disputectl-index.current.new",
                 "disputectl-index.sqlite", "disputectl-index.sqlite-wal"):
        (store / ".git" / name).write_bytes(b"left over")  # by a rebuild cut short, an earlier version
    assert invoke("reindex", "--store", str(store)).exit_code == 0
    now_in_use = index_file(store / ".git")
    assert now_in_use.name == f"disputectl-index.{number + 2}.sqlite"  # numbered above every file there
    assert _index_files(store) == sorted([now_in_use.name, "disputectl-index.current"])
    # the pointer lost: the next file is still numbered above the highest, never a name used before
    (store / ".git" / "disputectl-index.current").unlink()
    assert refresh(store) == "rebuilt"
    assert index_file(store / ".git").name == f"disputectl-index.{number + 3}.sqlite"
    assert refresh(store) == "current"
    assert set(assert_index_agrees(store)) == set(two_cases)


def test_a_rebuild_interrupted_says_so_and_leaves_the_index_as_it_was(
        store: Path, two_cases: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    import disputectl.record.index as index_module

    refresh(store)
    before = _index_files(store)

    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(index_module, "case_rows", interrupted)  # Ctrl-C while the cases are read
    result = invoke("reindex", "--store", str(store))
    assert result.exit_code == 130
    assert "已取消" in result.output and "Traceback" not in result.output
    monkeypatch.undo()
    assert _index_files(store) == before  # the new file removed, the old one still in use
    assert refresh(store) == "current"
    assert set(assert_index_agrees(store)) == set(two_cases)


def test_an_index_of_an_earlier_layout_is_rebuilt(store: Path, two_cases: tuple[str, str]) -> None:
    import sqlite3

    from disputectl.record.index import INDEX_VERSION

    refresh(store)
    with sqlite3.connect(index_file(store / ".git")) as db:  # as the version before this one left it
        db.execute("UPDATE meta SET value = ? WHERE key = 'version'", (str(int(INDEX_VERSION) - 1),))
        db.execute("DROP INDEX commits_sha")
    db.close()
    s = session(store)
    try:
        s.index._connect().close()  # opened: the new layout's indexes are not built on a file to be discarded
    finally:
        s.git.close()
    assert "commits_sha" not in _index_names(store)
    assert refresh(store) == "rebuilt"
    assert refresh(store) == "current"
    assert "commits_sha" in _index_names(store)
    assert set(assert_index_agrees(store)) == set(two_cases)


def test_actions_let_git_pack_the_loose_objects_they_write(register: Callable[..., str], store: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import hashlib
    import subprocess

    from disputectl.record import gitstore

    def loose_objects() -> int:
        counts = dict(line.split(": ") for line in git(store, "count-objects", "-v").splitlines())
        return int(counts["count"])

    # git gc --auto estimates the loose objects from objects/17/: put two there, and let one be "too many"
    found = 0
    for n in range(100_000):
        data = f"filler {n}\n".encode()
        if hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest().startswith("17"):  # noqa: S324
            subprocess.run(["git", "-C", str(store), "hash-object", "-w", "--stdin"], input=data, check=True,
                           capture_output=True)
            found += 1
            if found == 2:
                break
    git(store, "config", "gc.auto", "1")
    git(store, "config", "gc.autoDetach", "false")  # packed before the action returns, for the test
    monkeypatch.setattr(gitstore, "HOUSEKEEPING_EVERY", 0)
    register()
    assert loose_objects() > found  # never asked
    monkeypatch.setattr(gitstore, "HOUSEKEEPING_EVERY", 1)
    case = register()
    assert loose_objects() == found  # all packed but the two fillers (unreachable: left for git's prune)
    assert refresh(store) in ("incremental", "current") and case in assert_index_agrees(store)


def test_an_object_written_again_is_kept_fresh_for_gits_prune(store: Path) -> None:
    import os
    import time

    s = session(store)
    try:
        name = s.git._write(b"blob", b"written by an attempt that lost its race\n").hex()
        loose = store / ".git" / "objects" / name[:2] / name[2:]
        month_ago = time.time() - 30 * 86400
        os.utime(loose, (month_ago, month_ago))  # old and unreachable: git gc --auto would prune it
        assert s.git._write(b"blob", b"written by an attempt that lost its race\n").hex() == name
    finally:
        s.git.close()
    assert loose.stat().st_mtime > time.time() - 3600


def test_a_command_that_must_first_rebuild_a_large_stores_index_says_so(
        cli: Callable[..., Any], store: Path, two_cases: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    import disputectl.cli.common as common
    import disputectl.cli.index_cmds as index_cmds
    import disputectl.record.index as index_module

    notice = "正在重建查询索引"
    refresh(store)
    index_file(store / ".git").write_bytes(b"garbage")
    small = cli("list")
    assert small.exit_code == 0 and notice not in small.output  # a small store: rebuilt at once, nothing to say
    monkeypatch.setattr(index_module, "PARALLEL_FROM", 0)  # as large as it takes
    assert notice not in cli("list").output  # the index is current: nothing to rebuild
    index_file(store / ".git").write_bytes(b"garbage")
    shown: list[tuple[str, int, int]] = []

    @contextmanager
    def recorded(label: str):  # the bar (drawn on a terminal only): what it is given
        yield lambda done, total: shown.append((label, done, total))

    monkeypatch.setattr(common, "progress_bar", recorded)
    monkeypatch.setattr(index_cmds, "progress_bar", recorded)
    large = cli("list", "--json")
    assert large.exit_code == 0 and notice in large.stderr and notice not in large.stdout
    assert len(json.loads(large.stdout)) == 2  # what the command prints is as it was
    assert shown and shown[-1] == ("重建索引", 2, 2)  # and its progress shown as it goes
    shown.clear()
    # damage found once the index is open (SQLite fails on a page further in) is rebuilt from
    # within, forced, though nobody asked for it: said and shown too
    forced: list[bool] = []
    own_refresh = index_module.CaseIndex._refresh

    def damaged_once(self, head, *, force, progress):
        forced.append(force)
        if len(forced) == 1:
            raise sqlite3.DatabaseError("database disk image is malformed")
        return own_refresh(self, head, force=force, progress=progress)

    monkeypatch.setattr(index_module.CaseIndex, "_refresh", damaged_once)
    damaged = cli("show", two_cases[0])
    assert damaged.exit_code == 0 and notice in damaged.stderr and two_cases[0] in damaged.stdout
    assert forced == [False, True] and shown and shown[-1] == ("重建索引", 2, 2)
    monkeypatch.setattr(index_module.CaseIndex, "_refresh", own_refresh)
    shown.clear()
    reindex = cli("reindex")  # reindex shows its own progress bar instead
    assert reindex.exit_code == 0 and notice not in reindex.output
    assert shown and shown[-1] == ("重建索引", 2, 2)


def test_a_history_rewrite_rebuilds_the_index(register: Callable[..., str], store: Path,
                                              two_cases: tuple[str, str]) -> None:
    older = head(store)
    c = register()
    assert c in assert_index_agrees(store)
    git(store, "reset", "-q", "--hard", older)
    assert refresh(store) == "rebuilt"
    assert set(assert_index_agrees(store)) == set(two_cases)


def test_reindex_rebuilds_with_a_progress_report(store: Path, two_cases: tuple[str, str]) -> None:
    (index_file(store / ".git")).write_bytes(b"garbage")
    result = invoke("reindex", "--store", str(store))
    assert result.exit_code == 0, result.output
    assert "已重建索引：2 件案件" in result.output
    assert refresh(store) == "current"
    assert_index_agrees(store)


def test_history_keeps_its_order_across_a_rebuild_and_later_commits(cli: Callable[..., Any], store: Path,
                                                                    two_cases: tuple[str, str]) -> None:
    # a rebuild numbers the whole history newest first, down from -1; later commits count up
    a, b = two_cases
    assert cli("route", a, "--self", as_="sw-registrar").exit_code == 0
    assert invoke("reindex", "--store", str(store)).exit_code == 0
    for body in ("第一次来电", "第二次来电"):
        assert cli("note", a, "--body", body, as_="bgs-office").exit_code == 0
    assert cli("route", b, "--office", as_="rs-registrar").exit_code == 0
    assert refresh(store) == "incremental"  # the later commits are caught up with, not rebuilt
    assert_index_agrees(store)  # each case's history is its commits, newest first
    log = json.loads(cli("log", a, "--json").output)
    assert [row["action"] for row in log] == ["note", "note", "route_self", "register"]


def test_reindex_of_an_empty_store(store: Path) -> None:
    result = invoke("reindex", "--store", str(store))
    assert result.exit_code == 0, result.output
    assert "已重建索引：0 件案件" in result.output


def test_a_commit_racing_another_is_retried_and_both_actions_survive(
        cli: Callable[..., Any], store: Path, two_cases: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    a, _ = two_cases
    refresh(store)
    real_swap = GitStore.compare_and_swap
    calls: list[str] = []
    # The writers' lock is per clone; the race here is with a writer it does not cover
    # (another clone's push, a merge), so only the compare-and-swap can catch it.
    monkeypatch.setattr(GitStore, "lock", lambda self, timeout=30.0: _no_lock())

    def racing_swap(self: GitStore, new: str, old: str | None) -> bool:
        calls.append(new)
        if len(calls) == 1:
            other = session(store)
            other.officer_id = "bgs-office"
            perform(other, a, "note", {"body": "同时记录的备注"})
            other.git.close()
        return real_swap(self, new, old)

    monkeypatch.setattr(GitStore, "compare_and_swap", racing_swap)
    result = cli("route", a, "--self", as_="sw-registrar")
    assert result.exit_code == 0, result.output
    assert len(calls) == 3  # ours (lost), the other's, ours again on top of it

    case = parse_case((store / case_path(a)).read_bytes(), source=a)
    assert [x["action"] for x in case["actions"]] == ["register", "note", "route_self"]
    assert case["state"]["status"] == "handling"
    subjects = git(store, "log", "--format=%(trailers:key=Action,valueonly)", "-3").split()
    assert subjects[:2] == ["route_self", "note"]
    assert not git(store, "status", "--porcelain")
    cases = assert_index_agrees(store)
    assert [x["action"] for x in cases[a][0]["actions"]] == ["register", "note", "route_self"]


class _no_lock:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def test_a_changed_role_changes_who_answers_for_a_clock(cli: Callable[..., Any], store: Path,
                                                        two_cases: tuple[str, str]) -> None:
    # the due list's 责任人 is read from the index (derive.due_facts), which depends on the roles
    a, _ = two_cases
    assert cli("route", a, "--self", as_="sw-registrar").exit_code == 0
    facts = {f["id"]: f for f in session_due(store)}
    assert facts[a]["acted"] == {"SW": "sw-registrar"}
    config = store / "disputectl.yaml"
    text = config.read_text(encoding="utf-8")
    old = "- id: sw-registrar\n  name: 税务局受理员（样例）\n  unit: SW\n  roles:\n  - registrar\n"
    assert old in text
    config.write_text(text.replace(old, old.replace("  - registrar\n", "  - archivist\n")), encoding="utf-8")
    commit_all(store, "税务局受理员改任档案员")
    assert refresh(store) == "incremental"
    assert_index_agrees(store)
    assert {f["id"]: f for f in session_due(store)}[a]["acted"] == {}
    due = cli("due", "--json", "--today", "2026-12-31")
    rows = [r for r in json.loads(due.output)["rows"] if r["case"] == a]
    assert rows and all(r["officer"] is None for r in rows)


def session_due(store: Path) -> list[dict[str, Any]]:
    s = session(store)
    try:
        s.index.refresh()
        return s.index.due_facts("1")
    finally:
        s.index.close()
        s.git.close()


def test_a_dropped_session_closes_its_index(store: Path, two_cases: tuple[str, str]) -> None:
    # closed at exit or when dropped: a long-running process does not pile connections up
    import gc

    s = session(store)
    s.index.refresh()
    closer = s.index._closer
    assert closer is not None and closer.alive
    s.git.close()
    del s
    gc.collect()
    assert not closer.alive


def test_a_tree_git_cannot_list_is_an_error_not_an_empty_store(store: Path) -> None:
    from disputectl.errors import StoreError
    from disputectl.record.githistory import History

    with pytest.raises(StoreError, match="git ls-tree 失败"):
        History(store.resolve()).files_at_depth("0" * 40, "cases", 3)


def test_listing_a_level_finds_the_files_there_as_a_recursive_listing_would(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Case files are listed one folder level at a time (not ``ls-tree -r`` through every notice
    folder): the same files as the recursive listing at that depth, folder names taken literally
    (``*``, ``[ab]``, ``:!01``, spaces: ls-tree takes no patterns), across more folders than one ``ls-tree`` is given."""
    import subprocess

    from disputectl.record import githistory
    from disputectl.record.githistory import History

    repo = tmp_path / "repo"
    git(tmp_path, "init", "-q", str(repo))
    days = [f"{n:02d}" for n in range(1, 8)] + ["*", "[ab]", "a b", "日", ":!01", ":(glob)x"]
    for month in ("01", "02"):
        for day in days:
            folder = repo / "cases" / "2026" / month / day
            (folder / "BGS-1").mkdir(parents=True)
            (folder / "BGS-1.yaml").write_text(f"{month}{day}\n")
            (folder / "BGS-1" / "notice.docx").write_text("n\n")  # one level deeper: not listed
    (repo / "cases" / "2026" / "stray.yaml").write_text("x\n")  # shallower: not listed
    (repo / "cases" / "2026" / "01" / "ab").mkdir()
    (repo / "cases" / "2026" / "01" / "ab" / "only-if-[ab]-were-a-pattern.yaml").write_text("y\n")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "files")
    monkeypatch.setattr(githistory, "_PATHSPECS", 3)  # several ls-tree calls per level
    found = History(repo).files_at_depth("HEAD", "cases", 3)
    out = subprocess.run(["git", "-C", str(repo), "ls-tree", "-r", "-z", "HEAD", "--", "cases/"],
                         capture_output=True, check=True).stdout
    expected = []
    for record in out.split(b"\0"):
        if record:
            meta, _, path = record.partition(b"\t")
            if path.count(b"/") == 4:
                expected.append((path.decode(), meta.split()[2].decode()))
    assert sorted(found) == sorted(expected)
    assert len(found) == 2 * len(days) + 1
    assert ("cases/2026/01/[ab]/BGS-1.yaml" in dict(found)) and ("cases/2026/02/*/BGS-1.yaml" in dict(found))
    assert History(repo).files_at_depth("HEAD", "nothing-here", 3) == []


def _index_names(store: Path) -> set[str]:
    import sqlite3

    with sqlite3.connect(index_file(store / ".git")) as db:
        return {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}


def test_a_rebuild_builds_every_secondary_index_again(store: Path, two_cases: tuple[str, str]) -> None:
    # a rebuild loads the rows into a new file and builds the secondary indexes once, at the end
    from disputectl.record.index import _INDEXES

    expected = {statement.split(" ON ")[0].split()[-1] for statement in _INDEXES}
    assert invoke("reindex", "--store", str(store)).exit_code == 0
    assert _index_names(store) == expected
    assert_index_agrees(store)


def test_an_index_made_before_gets_the_number_index_and_loses_the_old_one(store: Path,
                                                                           two_cases: tuple[str, str]) -> None:
    import sqlite3

    refresh(store)
    path = index_file(store / ".git")
    with sqlite3.connect(path) as db:  # as an earlier version left it
        db.execute("DROP INDEX numbers_seq")
        db.execute("CREATE INDEX numbers_key ON numbers(prefix, year)")
    db.close()
    s = session(store)
    try:
        assert s.index.max_number("税社争受", int(NOW[:4])) >= 1
        plan = s.index._query("EXPLAIN QUERY PLAN SELECT max(seq) FROM numbers WHERE prefix = ? AND year = ? "
                              "AND seq BETWEEN ? AND ?", ("税社争受", 2026, 1, 9999))
    finally:
        s.index.close()
        s.git.close()
    assert "numbers_key" not in _index_names(store) and "numbers_seq" in _index_names(store)
    assert any("numbers_seq" in row[-1] for row in plan), plan


def test_a_history_git_cannot_read_is_an_error_not_a_short_one(store: Path, two_cases: tuple[str, str]) -> None:
    from disputectl.errors import StoreError
    from disputectl.record.githistory import iter_log

    assert len(list(iter_log(store, "HEAD"))) >= 2
    with pytest.raises(StoreError, match="git log"):
        list(iter_log(store, "refs/heads/no-such-branch"))
