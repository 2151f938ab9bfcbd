"""The benchmark's generated stores are real stores: every commit passes `verify`, every file
version is what the tool itself would write, and the notices each action issues are recorded."""

from __future__ import annotations

import importlib.util
import json
import sys
from datetime import datetime
from pathlib import Path
from types import ModuleType

import pytest
from conftest import git, invoke

from disputectl.record.store_files import case_path, parse_case

BENCH = Path(__file__).resolve().parent.parent / "bench" / "generate.py"


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def test_a_generated_store_verifies_and_matches_the_tool(generator: ModuleType, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISPUTECTL_NOW", "2026-12-01T10:00:00+08:00")
    store = tmp_path / "bench-store"
    # verify_every=1: every version of every case file is compared byte for byte with serialize_case
    meta = generator.generate(60, store, verify_every=1, quiet=True)
    assert meta["cases"] == 60
    # every case-file version (one per commit but init, config and the start of signing) was either written by the tool
    # itself (a fallback) or written by the generator and found equal to what the tool writes
    assert meta["versions_verified"] + meta["fallbacks"] == meta["commits"] - 3  # init, config, start of signing

    result = invoke("verify", "--store", str(store), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["ok"] and report["violations"] == [] and report["checked"] >= meta["commits"] - 2

    listed = json.loads(invoke("list", "--store", str(store), "--json", "--limit", "0").output)
    assert len(listed) == 60
    transferred = 0
    for row in listed:
        path = case_path(row["id"])
        case = parse_case(git(store, "show", f"main:{path}").encode(), source=path)
        actions = case["actions"]
        assert actions[0]["notices"][0]["kind"] == "receipt"
        for action in actions:
            if action["action"] == "route_transfer":
                transferred += 1
                assert [n["kind"] for n in action["notices"]] == ["transfer"]
    assert transferred > 0

    # commits the bench adds later are a second apart, as an office's are (git stops its walk of a
    # range by commit dates: commits of one and the same second made every catch-up walk them all)
    touched = generator.append_commits(store, 3, now="2026-12-01T10:00:05+08:00", seed=3)
    assert len(touched) == 3
    assert git(store, "log", "-3", "--format=%cI").split() == [
        "2026-12-01T10:00:07+08:00", "2026-12-01T10:00:06+08:00", "2026-12-01T10:00:05+08:00"]
    # fast-import cannot sign: the appended notes are legal actions in every way but their signatures
    report = json.loads(invoke("verify", "--store", str(store), "--json").output)
    assert sorted(v["reason"] for v in report["violations"]) == ["提交没有签名（不是用 disputectl 办理的，可能是手工 git commit）"] * 3


def test_an_encrypted_store_of_the_same_history_verifies_with_no_clear_identifier(generator: ModuleType,
                                                                                 tmp_path: Path) -> None:
    """``--cipher``: the generated history, then ``migrate encrypt`` (one admin commit) sealing
    every current case file; the payers' identifiers and phones in clear stay only in history."""
    import re

    store = tmp_path / "bench-store"
    meta = generator.generate(40, store, verify_every=0, quiet=True, cipher="sm4-gcm")
    assert meta["cases"] == 40 and meta["cipher"] == "sm4-gcm"
    assert git(store, "log", "-1", "--format=%(trailers:key=Change,valueonly)").strip() == "encrypt"
    report = json.loads(invoke("verify", "--store", str(store), "--json").output)
    assert report["ok"] and report["violations"] == [], report

    paths = [p for p in git(store, "ls-tree", "-r", "--name-only", "HEAD", "--", "cases").split() if p.endswith(".yaml")]
    assert len(paths) == 40
    before = [parse_case(git(store, "show", f"HEAD~1:{p}").encode(), source=p)["registration"] for p in paths]
    clear = {r["payer"]["id_number"] for r in before} | {r["phone"] for r in before}
    assert meta["payer_id"] in clear
    identifier = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9X](?![0-9A-Za-z])")
    assert any(identifier.search(git(store, "show", f"HEAD~1:{p}")) for p in paths)  # in clear before
    for path in paths:
        text = git(store, "show", f"HEAD:{path}")
        assert not identifier.search(text), path
        assert not [value for value in clear if value in text], path

    # the payer is still found, by keyed hash
    found = json.loads(invoke("list", "--store", str(store), "--payer-id", meta["payer_id"], "--as", "bgs-office",
                              "--json").output)
    assert found and len(found) < 40


def test_index_figures_agree_with_a_replay_over_years_of_cases(generator: ModuleType, tmp_path: Path) -> None:
    """stats, the overdue trend and due lists from the index match replaying every case, on a
    store whose cases span three years (most registered, closed and replied before the period)."""
    from datetime import date, datetime

    from disputectl.oversight.common import load_records
    from disputectl.oversight.due import due_list
    from disputectl.oversight.stats import overdue_trend, period_stats
    from disputectl.record.session import open_session

    store = tmp_path / "bench-store"
    generator.generate(150, store, verify_every=0, quiet=True)
    s = open_session(store, now=datetime.fromisoformat("2026-12-01T10:00:00+08:00"))
    records = load_records(s)
    today = date(2026, 12, 1)
    periods = [(date(2024, 3, 1), date(2024, 3, 31)), (date(2025, 1, 1), date(2025, 12, 31)),
               (date(2026, 1, 1), date(2026, 12, 1)), (date(2026, 11, 1), date(2026, 11, 30)),
               (date(2026, 12, 1), date(2027, 1, 31))]
    for start, end in periods:
        from_index = period_stats(s, start, end, today)
        assert from_index == period_stats(s, start, end, today, records=records), (start, end)
        assert overdue_trend(s, start, end, today) == overdue_trend(s, start, end, today, records=records)
    assert period_stats(s, *periods[1], today)["totals"]["closed"] > 0
    assert period_stats(s, *periods[2], today)["totals"]["overdue_now"] > 0
    for include_all in (False, True):
        assert due_list(s, today, include_all=include_all) == due_list(s, today, include_all=include_all,
                                                                       records=records)


def test_the_bench_clock_moves_a_second_per_command_and_per_commit() -> None:
    spec = importlib.util.spec_from_file_location("bench_run", BENCH.with_name("run.py"))
    assert spec and spec.loader
    run = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = run
    spec.loader.exec_module(run)
    bench = run.Bench.__new__(run.Bench)  # the clock alone: no store
    bench.env = {}
    bench.clock = datetime.fromisoformat("2026-12-01T10:00:00+08:00")
    assert bench.tick(0) == "2026-12-01T10:00:00+08:00"
    assert bench.tick() == "2026-12-01T10:00:01+08:00"  # a command
    assert bench.env == {"DISPUTECTL_NOW": "2026-12-01T10:00:01+08:00", "GIT_AUTHOR_DATE": "2026-12-01T10:00:01+08:00",
                         "GIT_COMMITTER_DATE": "2026-12-01T10:00:01+08:00"}
    assert bench.tick(200) == "2026-12-01T10:00:02+08:00"  # 200 commits: the first at :02, the last at 10:03:21
    assert bench.env["DISPUTECTL_NOW"] == "2026-12-01T10:03:21+08:00"
    assert bench.tick() == "2026-12-01T10:03:22+08:00"  # the next command after them
