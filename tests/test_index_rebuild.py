"""A cold rebuild on all cores gives exactly the rows a one-by-one rebuild gives."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest

import disputectl.index as index_module
from disputectl.errors import StoreError
from disputectl.services import open_session

TABLES = {
    "cases": "SELECT id, status, unit, registered_on, closed_on, late, reply_days FROM cases ORDER BY id",
    "docs": "SELECT case_id, case_json, state_json FROM docs ORDER BY case_id",
    "clocks": "SELECT case_id, name, start, due, stopped, late FROM clocks ORDER BY case_id, name, start",
    "numbers": "SELECT case_id, prefix, year, seq FROM numbers ORDER BY case_id, prefix, seq",
    "commits": "SELECT * FROM commits ORDER BY ord",
    "indexes": "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name",
}


def snapshot(path) -> dict[str, list[tuple]]:
    db = sqlite3.connect(path)
    try:
        return {name: db.execute(sql).fetchall() for name, sql in TABLES.items()}
    finally:
        db.close()


def test_parallel_cold_rebuild_matches_serial(cli, store, register, monkeypatch: pytest.MonkeyPatch) -> None:
    cases = [register(), register(category="6"), register(as_="rs-registrar", category="8")]
    assert cli("route", cases[0], "--self", as_="sw-registrar").exit_code == 0
    assert cli("route", cases[1], "--to", "RS", "--reason", "属人社核定", as_="sw-registrar").exit_code == 0
    now = datetime.fromisoformat("2026-11-26T10:00:00+08:00")

    monkeypatch.setattr(index_module, "PARALLEL_FROM", 10**9)
    serial = open_session(store, now=now)
    assert serial.index.refresh(force=True) == "rebuilt"
    expected = snapshot(serial.index.path)

    monkeypatch.setattr(index_module, "PARALLEL_FROM", 1)
    parallel = open_session(store, now=now)
    assert parallel.index.refresh(force=True) == "rebuilt"
    assert snapshot(parallel.index.path) == expected
    assert len(expected["cases"]) == 3
    assert {row[1] for row in expected["cases"]} == {"handling", "transferred", "registered"}
    assert len(expected["commits"]) >= 6 and not list(store.glob(".git/*.history"))


def test_a_failure_reading_the_history_in_a_worker_is_reported_and_nothing_is_kept(
        cli, store, register, monkeypatch: pytest.MonkeyPatch) -> None:
    register()
    now = datetime.fromisoformat("2026-11-26T10:00:00+08:00")
    assert open_session(store, now=now).index.refresh() in ("current", "incremental", "rebuilt")

    def broken(*args, **kwargs):
        raise StoreError("读取提交历史失败（测试）")
        yield

    monkeypatch.setattr(index_module, "PARALLEL_FROM", 1)
    monkeypatch.setattr(index_module, "iter_log", broken)  # the worker is forked with it
    s = open_session(store, now=now)
    with pytest.raises(StoreError, match="读取提交历史失败"):
        s.index.refresh(force=True)
    s.index.close()
    assert not list(store.glob(".git/*.history"))
    monkeypatch.undo()
    again = open_session(store, now=now)
    assert again.index.meta("built_from")  # the rebuild was rolled back: the earlier index stands
    assert again.index.count() == 1
