"""A cold rebuild on all cores gives exactly the rows a one-by-one rebuild gives."""

from __future__ import annotations

import errno
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import time
from datetime import datetime

import pytest

import disputectl.record.index as index_module
from disputectl.errors import StoreError
from disputectl.record.session import open_session

NOW = datetime.fromisoformat("2026-11-26T10:00:00+08:00")
TABLES = {  # every column, so that a copy of rows between files (INSERT ... SELECT *) is checked whole
    "cases": "SELECT * FROM cases ORDER BY id",
    "docs": "SELECT * FROM docs ORDER BY case_id",
    "clocks": "SELECT * FROM clocks ORDER BY case_id, name, start",
    "numbers": "SELECT * FROM numbers ORDER BY case_id, prefix, seq",
    "commits": "SELECT * FROM commits ORDER BY ord",
    "indexes": "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name",
}


@pytest.fixture
def parallel_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Two cores, whatever the machine has; the list grows by one on every parallel rebuild."""
    runs: list[int] = []
    load = index_module.CaseIndex._load_in_parallel

    def counted(self, *args, **kwargs):
        runs.append(1)
        return load(self, *args, **kwargs)

    monkeypatch.setattr(index_module, "_cores", lambda: 2)
    monkeypatch.setattr(index_module.CaseIndex, "_load_in_parallel", counted)
    return runs


def snapshot(path) -> dict[str, list[tuple]]:
    db = sqlite3.connect(path)
    try:
        return {name: db.execute(sql).fetchall() for name, sql in TABLES.items()}
    finally:
        db.close()


def test_parallel_cold_rebuild_matches_serial(cli, store, register, monkeypatch: pytest.MonkeyPatch,
                                              parallel_runs: list[int]) -> None:
    cases = [register(), register(category="6"), register(as_="rs-registrar", category="8")]
    assert cli("route", cases[0], "--self", as_="sw-registrar").exit_code == 0
    assert cli("route", cases[1], "--to", "RS", "--reason", "属人社核定", as_="sw-registrar").exit_code == 0
    now = datetime.fromisoformat("2026-11-26T10:00:00+08:00")

    monkeypatch.setattr(index_module, "PARALLEL_FROM", 10**9)
    serial = open_session(store, now=now)
    assert serial.index.refresh(force=True) == "rebuilt"
    expected = snapshot(serial.index.path)

    monkeypatch.setattr(index_module, "PARALLEL_FROM", 1)
    for chunk in (200, 1):  # one chunk; one chunk per case, merged in order
        monkeypatch.setattr(index_module, "PARALLEL_MIN_CHUNK", chunk)
        parallel = open_session(store, now=now)
        assert parallel.index.refresh(force=True) == "rebuilt"
        assert snapshot(parallel.index.path) == expected, chunk
        assert not list(store.glob(".git/*.part-*"))
    assert len(parallel_runs) == 2
    assert len(expected["cases"]) == 3
    assert {row[3] for row in expected["cases"]} == {"handling", "transferred", "registered"}  # status
    assert len(expected["commits"]) >= 6 and not list(store.glob(".git/*.history"))


@pytest.mark.parametrize("parallel", [False, True])
def test_a_failure_reading_the_history_is_reported_and_nothing_is_kept(
        cli, store, register, monkeypatch: pytest.MonkeyPatch, parallel: bool, parallel_runs: list[int]) -> None:
    register()
    now = datetime.fromisoformat("2026-11-26T10:00:00+08:00")
    assert open_session(store, now=now).index.refresh() in ("current", "incremental", "rebuilt")

    def broken(*args, **kwargs):
        raise StoreError("读取提交历史失败（测试）")
        yield

    files = sorted(p.name for p in store.glob(".git/disputectl-index*"))
    monkeypatch.setattr(index_module, "PARALLEL_FROM", 1 if parallel else 10**9)
    monkeypatch.setattr(index_module, "iter_log", broken)  # the worker is forked with it
    s = open_session(store, now=now)
    with pytest.raises(StoreError, match="读取提交历史失败"):
        s.index.refresh(force=True)
    s.index.close()
    assert not list(store.glob(".git/*.history"))
    assert sorted(p.name for p in store.glob(".git/disputectl-index*")) == files  # the new file removed
    assert len(parallel_runs) == int(parallel)
    monkeypatch.undo()
    again = open_session(store, now=now)
    assert again.index.meta("built_from")  # the new file was removed: the earlier index stands
    assert again.index.count() == 1


@pytest.mark.parametrize("mode", ["serial", "one chunk", "a chunk per file"])
@pytest.mark.parametrize("later_copy", ["readable", "damaged"])
def test_one_number_in_two_day_folders_does_not_stop_a_rebuild(cli, store, register, monkeypatch: pytest.MonkeyPatch,
                                                                mode: str, later_copy: str,
                                                                parallel_runs: list[int]) -> None:
    """A hand-made copy of a case file in a later day's folder: the last copy counts, as in a
    catch-up (a damaged one: the case is not indexed), whether the copies are read one by one,
    by one worker or by two workers and merged."""
    from conftest import git

    case = register()
    other = register()
    # a hand-made copy of the case file in another day's folder, committed with plain git
    blob = git(store, "rev-parse", f"HEAD:cases/2026/11/26/{case}.yaml").strip()
    if later_copy == "damaged":
        blob = subprocess.run(["git", "-C", str(store), "hash-object", "-w", "--stdin"], input="id: [unclosed\n",
                              capture_output=True, text=True, check=True).stdout.strip()
    environ = {"GIT_INDEX_FILE": str(store / ".git" / "copy-index")}

    def run(*args: str) -> str:
        return subprocess.run(["git", "-C", str(store), "-c", "user.name=测试", "-c", "user.email=t@invalid", *args],
                              check=True, capture_output=True, text=True, env={**os.environ, **environ}).stdout.strip()

    run("read-tree", "HEAD")
    run("update-index", "--add", "--cacheinfo", f"100644,{blob},cases/2026/11/27/{case}.yaml")
    tree = run("write-tree")
    commit = run("commit-tree", tree, "-p", "HEAD", "-m", "手工复制")
    git(store, "update-ref", "refs/heads/main", commit)
    monkeypatch.setattr(index_module, "PARALLEL_FROM", 10**9 if mode == "serial" else 1)
    monkeypatch.setattr(index_module, "PARALLEL_MIN_CHUNK", 1 if mode == "a chunk per file" else 200)
    s = open_session(store, now=datetime.fromisoformat("2026-11-26T10:00:00+08:00"))
    assert s.index.refresh(force=True) == "rebuilt"
    if later_copy == "readable":
        assert s.index.count() == 2
        assert s.index.case_state(case) is not None
        paths = dict(s.index._query("SELECT id, path FROM cases"))
        assert paths[case] == f"cases/2026/11/27/{case}.yaml"  # the later folder's copy
    else:
        assert s.index.count() == 1 and s.index.case_state(case) is None
    assert s.index.case_state(other) is not None
    assert not list(store.glob(".git/*.part-*"))
    assert len(parallel_runs) == (mode != "serial")


@pytest.fixture
def indexed(store, register) -> tuple[str, list[str]]:
    """A registered case and the index files in use for it (a rebuild that fails leaves them)."""
    case = register()
    assert open_session(store, now=NOW).index.refresh() in ("current", "incremental", "rebuilt")
    return case, sorted(p.name for p in store.glob(".git/disputectl-index*"))


def assert_index_as_it_was(store, case: str, files: list[str]) -> None:
    """No new index file, no chunks' files, and the index in use still answers, current."""
    assert sorted(p.name for p in store.glob(".git/disputectl-index*")) == files
    again = open_session(store, now=NOW)
    assert again.index.refresh() == "current" and again.index.case_state(case) is not None


def _in_worker(name: str, body):
    """``body`` in place of the worker function ``name``: sent to the worker by name, as it is."""
    body.__qualname__ = body.__name__ = name
    body.__module__ = index_module.__name__
    return body


@pytest.mark.timeout(60)  # a Ctrl-C that waited for the history worker would wait 10 minutes
def test_a_parallel_rebuild_interrupted_says_so_and_leaves_the_index_as_it_was(
        cli, store, indexed, monkeypatch: pytest.MonkeyPatch, parallel_runs: list[int]) -> None:
    case, files = indexed

    def interrupted(self, path):
        raise KeyboardInterrupt  # Ctrl-C while a chunk's rows are merged

    def slow_history(*args):  # as a history of 500,000 commits takes its time
        time.sleep(600)

    monkeypatch.setattr(index_module, "PARALLEL_FROM", 1)
    monkeypatch.setattr(index_module.CaseIndex, "_merge_part", interrupted)
    monkeypatch.setattr(index_module, "_write_history", _in_worker("_write_history", slow_history))
    children = set(multiprocessing.active_children())
    result = cli("reindex")
    assert result.exit_code == 130 and "已取消" in result.output
    assert parallel_runs
    assert set(multiprocessing.active_children()) <= children  # the workers stopped, not left to finish
    monkeypatch.undo()
    assert_index_as_it_was(store, case, files)


@pytest.mark.timeout(60)  # the failure this guards against is a rebuild waiting for ever
@pytest.mark.parametrize("victim", ["chunk", "history"])
def test_a_worker_killed_fails_the_rebuild_instead_of_hanging(
        cli, store, indexed, monkeypatch: pytest.MonkeyPatch, parallel_runs: list[int], victim: str) -> None:
    """The system's out-of-memory killer (here SIGKILL from the worker itself) ends a worker: the
    rebuild stops with a message, the index in use stays, and no worker is left behind."""
    case, files = indexed
    name = "_worker_part" if victim == "chunk" else "_write_history"
    original = getattr(index_module, name)

    def killed(*args):
        os.kill(os.getpid(), signal.SIGKILL)
        return original(*args)

    monkeypatch.setattr(index_module, name, _in_worker(name, killed))
    monkeypatch.setattr(index_module, "PARALLEL_FROM", 1)
    children = set(multiprocessing.active_children())
    result = cli("reindex")
    assert result.exit_code != 0
    assert "子进程意外退出" in result.output and "原索引未改动" in result.output
    assert "Traceback" not in result.output
    assert parallel_runs
    assert set(multiprocessing.active_children()) <= children  # the other worker is gone too
    monkeypatch.undo()
    assert_index_as_it_was(store, case, files)


def test_no_process_to_fork_fails_the_rebuild_with_a_message(
        cli, store, indexed, monkeypatch: pytest.MonkeyPatch, parallel_runs: list[int]) -> None:
    """Short of memory or of processes, fork() itself fails: a message, and the index stays."""
    case, files = indexed

    fork = os.fork
    forked: list[int] = []

    def one_fork_only():  # the first worker starts, the second cannot
        if forked:
            raise OSError(errno.EAGAIN, "Resource temporarily unavailable")
        forked.append(1)
        return fork()

    monkeypatch.setattr(index_module, "PARALLEL_FROM", 1)
    monkeypatch.setattr(os, "fork", one_fork_only)
    children = set(multiprocessing.active_children())
    result = cli("reindex")
    assert result.exit_code != 0
    assert "无法启动子进程" in result.output and "原索引未改动" in result.output
    assert "Traceback" not in result.output
    assert parallel_runs and forked
    assert set(multiprocessing.active_children()) <= children  # the worker that did start is stopped
    monkeypatch.undo()
    assert_index_as_it_was(store, case, files)
