"""Issue 8: twenty processes at once on one store — each succeeds or fails cleanly, nothing is lost.

The swarm: registrations by several units, notes and 督办 by the office on one case, and
competing first routings of that same case (exactly one may win). Every process exits 0 or
with a documented code and one Chinese message — never 70, never a traceback. Afterwards the
repository is whole, the working tree clean, every successful action is in the history exactly
once and in the case file, and registrations got distinct numbers.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import EMPLOYER, INDIVIDUAL, NOW, field_args, git, invoke

from disputectl.record.session import open_session
from disputectl.record.store_files import case_path, parse_case
from disputectl.services import init_store, register

NOW_DT = datetime.fromisoformat(NOW)
CASE = "SW-20261126-001"
# refusals a losing process may give: 4 not allowed in the case's state now, 6 store busy
CLEAN_FAILURES = {4, 6}


def _jobs() -> list[tuple[str, list[str], str]]:
    """(kind, argv after the command name, officer) for the twenty processes."""
    jobs: list[tuple[str, list[str], str]] = []
    for officer in ("sw-registrar", "rs-registrar", "yb-registrar", "bgs-registrar", "sw-registrar", "rs-registrar"):
        fields = INDIVIDUAL if officer.startswith("rs") else EMPLOYER
        receipt = "--receipt" if len(jobs) % 2 else "--no-receipt"
        jobs.append(("register", ["register", *field_args(fields), "--no-input", receipt], officer))
    for i in range(5):
        jobs.append(("note", ["note", CASE, "--body", f"第{i + 1}次备注：请按期分类流转"], "bgs-office"))
    for i in range(4):
        jobs.append(("supervise", ["supervise", CASE, "--kind", "督办" if i % 2 else "催办",
                                   "--body", f"第{i + 1}次督办"], "bgs-office"))
    routes = [["--self"], ["--to", "RS", "--reason", "属人社部门核定事项"], ["--office", "--reason", "职责不清"],
              ["--to", "YB", "--reason", "属医保部门核定事项"], ["--self"]]
    for extra in routes:
        jobs.append(("route", ["route", CASE, *extra], "sw-registrar"))
    assert len(jobs) == 20
    return jobs


@pytest.fixture(scope="module")
def swarm(tmp_path_factory: pytest.TempPathFactory, officer_keys: Path) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("swarm")
    home = base / "home"
    home.mkdir()
    store = base / "store"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CONFIG_HOME", str(officer_keys))
        init_store(store, now=NOW_DT, demo=True)
        register(open_session(store, now=NOW_DT, officer_id="sw-registrar"), EMPLOYER, receipt=False)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISPUTECTL_", "GIT_", "XDG_"))}
    env.update({"HOME": str(home), "DISPUTECTL_NOW": NOW, "GIT_CONFIG_NOSYSTEM": "1", "XDG_CONFIG_HOME": str(officer_keys)})
    jobs = _jobs()
    # every process waits for the same moment so that they really overlap
    go = base / "go"
    starter = ("import os, sys, time\n"
               "from disputectl.cli.main import run\n"
               f"while not os.path.exists({str(go)!r}): time.sleep(0.005)\n"
               "sys.argv = ['disputectl', *sys.argv[1:]]\n"
               "run()\n")
    procs = [subprocess.Popen([sys.executable, "-c", starter, *argv, "--store", str(store), "--as", officer],
                              env=env, cwd=base, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _, argv, officer in jobs]
    time.sleep(1.0)  # let the interpreters start and import
    go.write_text("go")
    results = []
    for (kind, argv, officer), proc in zip(jobs, procs, strict=True):
        out, err = proc.communicate(timeout=240)
        results.append({"kind": kind, "argv": argv, "officer": officer, "code": proc.returncode, "out": out,
                        "err": err})
    return {"store": store, "home": home, "results": results}


def _trailer_rows(store: Path) -> list[dict[str, str]]:
    text = git(store, "log", "--format=%H%x1f%(trailers:only,unfold)%x1e", "main")
    rows = []
    for record in text.split("\x1e"):
        if not record.strip():
            continue
        sha, _, trailers = record.strip("\n").partition("\x1f")
        row = dict(line.split(": ", 1) for line in trailers.splitlines() if ": " in line)
        row["sha"] = sha
        rows.append(row)
    return rows


def _case_files(store: Path) -> dict[str, dict[str, Any]]:
    out = {}
    for path in git(store, "ls-tree", "-r", "--name-only", "HEAD", "--", "cases").splitlines():
        if re.fullmatch(r"cases/\d{4}/\d{2}/\d{2}/[A-Z]+-\d{8}-\d+\.yaml", path):
            case = parse_case((store / path).read_bytes(), source=path)
            out[case["id"]] = case
    return out


def test_every_process_succeeds_or_fails_cleanly(swarm):
    for r in swarm["results"]:
        assert r["code"] == 0 or r["code"] in CLEAN_FAILURES, r
        assert "Traceback" not in r["out"] + r["err"], r
        if r["code"]:
            assert r["err"].startswith("错误："), r
            assert re.search(r"[\u4e00-\u9fff]", r["err"]), r
    assert not (swarm["home"] / ".local" / "state" / "disputectl" / "error.log").exists()
    codes = Counter((r["kind"], r["code"]) for r in swarm["results"])
    assert codes[("route", 0)] == 1, codes  # exactly one first routing wins
    losers = [r for r in swarm["results"] if r["kind"] == "route" and r["code"]]
    assert all(r["code"] == 6 or (r["code"] == 4 and "不能" in r["err"]) for r in losers), losers
    # nothing else had a reason to fail but a busy store
    assert all(r["code"] in (0, 6) for r in swarm["results"] if r["kind"] != "route")


def test_the_store_is_whole_and_clean(swarm):
    store = swarm["store"]
    proc = subprocess.run(["git", "-C", str(store), "fsck", "--full", "--strict"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert not [line for line in (proc.stdout + proc.stderr).splitlines()
                if line.strip() and not line.startswith(("dangling ", "Checking", "notice:"))]
    assert git(store, "status", "--porcelain") == ""
    assert git(store, "rev-list", "--merges", "--count", "HEAD").strip() == "0"  # one straight line


def test_every_successful_action_is_in_history_once_and_in_the_case_file(swarm):
    store, results = swarm["store"], swarm["results"]
    rows = _trailer_rows(store)
    ids = Counter(r["Action-Id"] for r in rows if "Action-Id" in r)
    assert all(n == 1 for n in ids.values()), ids
    files = _case_files(store)
    in_files = {a["id"]: (case_id, a) for case_id, case in files.items() for a in case["actions"]}
    case_commits = {r["Action-Id"]: r for r in rows if r.get("Action") not in (None, "init", "reveal")}
    assert set(case_commits) == set(in_files)
    for action_id, row in case_commits.items():
        case_id, action = in_files[action_id]
        assert (row["Case"], row["Action"], row["Actor"], row["Unit"]) == (
            case_id, action["action"], action["actor"], action["unit"])
    # as many actions of each kind on the shared case as processes that reported success
    shared = Counter(a["action"].split("_")[0] for a in files[CASE]["actions"])
    wins = Counter(r["kind"] for r in results if r["code"] == 0)
    assert shared["note"] == wins["note"] and shared["supervise"] == wins["supervise"]
    assert shared["route"] == wins["route"] == 1
    assert shared["register"] == 1


def test_registrations_got_distinct_numbers(swarm):
    store, results = swarm["store"], swarm["results"]
    numbers = []
    for r in results:
        if r["kind"] == "register" and r["code"] == 0:
            numbers.append(re.search(r"案件编号\s*(\S+)", r["out"]).group(1))
    assert len(numbers) == len(set(numbers))
    files = _case_files(store)
    assert set(numbers) | {CASE} == set(files)
    for number in numbers:
        case = files[number]
        officer = next(r["officer"] for r in results if r["kind"] == "register" and number in r["out"])
        assert number.startswith(officer[:officer.index("-")].upper() + "-20261126-")
        assert case["actions"][0]["actor"] == officer
    per_unit = Counter(n.split("-")[0] for n in files)
    for unit, count in per_unit.items():  # numbers follow on without gaps, per unit
        assert sorted(int(n.rsplit("-", 1)[1]) for n in files if n.startswith(unit + "-")) == list(
            range(1, count + 1))


def test_readers_agree_with_the_case_files(swarm):
    store = swarm["store"]
    files = _case_files(store)
    listed = invoke("list", "--store", str(store), "--json", "--limit", "0")
    assert listed.exit_code == 0, listed.output
    rows = {r["id"]: r for r in json.loads(listed.stdout)}
    assert set(rows) == set(files)
    for case_id, case in files.items():
        assert rows[case_id]["status"] == case["state"]["status"]
        assert (store / case_path(case_id)).is_file()
    view = json.loads(invoke("show", CASE, "--store", str(store), "--json").stdout)
    assert [t["id"] for t in view["timeline"]] == [a["id"] for a in files[CASE]["actions"]]


def test_verify_passes_after_the_swarm(swarm):
    from typer.main import get_command

    from disputectl.cli.main import app

    if "verify" not in get_command(app).commands:  # type: ignore[attr-defined]
        pytest.skip("`disputectl verify` does not exist yet (another engineer is adding it)")
    result = invoke("verify", "--store", str(swarm["store"]))
    assert result.exit_code == 0, result.output
