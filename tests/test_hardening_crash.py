"""Issue 8: an action killed at any point leaves the store exactly before or exactly after it.

The real command runs in a subprocess with ``DISPUTECTL_CRASH_AT`` (SIGKILL at that point).
Then: HEAD is where it was, or one commit further with the right trailers and a valid case
file — never in between; ``disputectl doctor`` says what it repaired; afterwards the working
tree is clean, ``git fsck`` finds nothing wrong, the next action works, and ``list``/``show``
agree with the case files. The four crash runs of one command go at once, each in its own copy
of a prepared store.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import EMPLOYER, INDIVIDUAL, NOW, field_args, git, head, invoke

from disputectl.record.faults import POINTS
from disputectl.record.session import open_session
from disputectl.record.store_files import case_path, parse_case
from disputectl.services import init_store, perform, register

NOW_DT = datetime.fromisoformat(NOW)
AFTER_POINTS = {"after_cas", "after_worktree_files"}  # the branch has moved
DECISION = {"facts": "经核查，该单位2026年度申报基数低于实际工资总额", "basis": "《社会保险费征缴暂行条例》第十条",
            "decision": "维持原核定结果"}
CASE = "SW-20261126-001"

# command → (state to prepare, argv after the command name, officer, action code in the trailers)
COMMANDS: dict[str, tuple[str, list[str], str, str]] = {
    "register": ("empty", ["register", *field_args(INDIVIDUAL), "--no-input"], "sw-registrar", "register"),
    "route": ("registered", ["route", CASE, "--to", "RS", "--reason", "属人社部门核定事项"], "sw-registrar",
              "route_transfer"),
    "conclude": ("handling", ["conclude", CASE, *field_args(DECISION)], "sw-handler", "conclude"),
    "reply": ("concluded", ["reply", CASE, "--method", "邮寄", "--date", "2026-11-26"], "sw-handler", "reply"),
    "archive": ("replied", ["archive", CASE, "--retention", "30年"], "sw-archivist", "archive"),
}


def prepare(root: Path, state: str) -> None:
    """A store with one case in ``state``, made in-process (fast)."""
    init_store(root, now=NOW_DT, demo=True)
    if state == "empty":
        register(open_session(root, now=NOW_DT, officer_id="sw-registrar"), EMPLOYER, receipt=False)
        return
    register(open_session(root, now=NOW_DT, officer_id="sw-registrar"), EMPLOYER, receipt=False)
    steps = {"registered": [],
             "handling": [("sw-registrar", "route_self", {})],
             "concluded": [("sw-registrar", "route_self", {}), ("sw-handler", "conclude", DECISION)],
             "replied": [("sw-registrar", "route_self", {}), ("sw-handler", "conclude", DECISION),
                         ("sw-handler", "reply", {"method": "直接送达", "date": "2026-11-26"})]}[state]
    for officer, action, data in steps:
        perform(open_session(root, now=NOW_DT, officer_id=officer), CASE, action, data)


def env_for(crash_at: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISPUTECTL_", "GIT_"))}
    env.update({"DISPUTECTL_NOW": NOW, "GIT_CONFIG_NOSYSTEM": "1", "HOME": os.environ["HOME"]})
    if crash_at:
        env["DISPUTECTL_CRASH_AT"] = crash_at
    return env


def trailers(store: Path, rev: str = "HEAD") -> dict[str, str]:
    text = git(store, "log", "-1", "--format=%(trailers:only,unfold)", rev)
    return dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)


def fsck_clean(store: Path) -> None:
    proc = subprocess.run(["git", "-C", str(store), "fsck", "--full", "--strict"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    problems = [line for line in (proc.stdout + proc.stderr).splitlines()
                if line.strip() and not line.startswith(("dangling ", "Checking", "notice:"))]
    assert not problems, problems


def case_files(store: Path) -> dict[str, dict[str, Any]]:
    """Every case file at HEAD, parsed and checked against the schema."""
    out = {}
    for path in git(store, "ls-tree", "-r", "--name-only", "HEAD", "--", "cases").splitlines():
        if re.fullmatch(r"cases/\d{4}/\d{2}/\d{2}/[A-Z]+-\d{8}-\d+\.yaml", path):
            data = subprocess.run(["git", "-C", str(store), "show", f"HEAD:{path}"], capture_output=True,
                                  check=True).stdout
            case = parse_case(data, source=path)
            out[case["id"]] = case
    return out


def assert_readers_agree(store: Path) -> None:
    files = case_files(store)
    for case_id in files:  # the worktree copy is the committed one
        assert (store / case_path(case_id)).read_bytes() == subprocess.run(
            ["git", "-C", str(store), "show", f"HEAD:{case_path(case_id)}"], capture_output=True).stdout
    listed = invoke("list", "--store", str(store), "--json", "--limit", "0")
    assert listed.exit_code == 0, listed.output
    rows = {r["id"]: r for r in json.loads(listed.stdout)}
    assert set(rows) == set(files)
    for case_id, case in files.items():
        assert (rows[case_id]["status"], rows[case_id]["unit"]) == (case["state"]["status"], case["state"]["unit"])
        shown = invoke("show", case_id, "--store", str(store), "--json")
        assert shown.exit_code == 0, shown.output
        view = json.loads(shown.stdout)
        assert view["status"] == case["state"]["status"]
        assert [t["id"] for t in view["timeline"]] == [a["id"] for a in case["actions"]]


def assert_one_valid_step(store: Path, before: str, action: str, officer: str) -> None:
    """HEAD is one commit past ``before``: right trailers, a valid case file, notices that match."""
    assert git(store, "rev-parse", "HEAD^").strip() == before
    t = trailers(store)
    assert t["Action"] == action and t["Actor"] == officer and t["Unit"] == officer[:2].upper()
    case = case_files(store)[t["Case"]]
    last = case["actions"][-1]
    assert (last["id"], last["action"], last["actor"]) == (t["Action-Id"], action, officer)
    for notice in last.get("notices", []):
        blob = subprocess.run(["git", "-C", str(store), "show", f"HEAD:{notice['path']}"], capture_output=True,
                              check=True).stdout
        assert hashlib.sha256(blob).hexdigest() == notice["sha256"]


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_killed_action_leaves_the_store_before_or_after(tmp_path, command):
    state, argv, officer, action = COMMANDS[command]
    base = tmp_path / "base"
    prepare(base, state)
    stores = {}
    for point in POINTS:
        stores[point] = tmp_path / point
        shutil.copytree(base, stores[point], symlinks=True)
    before = head(base)
    procs = {point: subprocess.Popen([sys.executable, "-m", "disputectl", *argv, "--store", str(stores[point]),
                                      "--as", officer], env=env_for(point), cwd=tmp_path,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for point in POINTS}
    outputs = {point: proc.communicate(timeout=120) for point, proc in procs.items()}

    for point, store in stores.items():
        proc = procs[point]
        assert proc.returncode == -9, (point, outputs[point])  # killed where we asked
        if point in AFTER_POINTS:
            assert_one_valid_step(store, before, action, officer)
        else:
            assert head(store) == before
            assert git(store, "status", "--porcelain") == "", point  # nothing to repair

        doctor = invoke("doctor", "--store", str(store))
        assert doctor.exit_code == 0, doctor.output
        assert "不在记录中" not in doctor.stdout, doctor.stdout  # no false alarm
        if point in AFTER_POINTS:
            assert "恢复了" in doctor.stdout, doctor.stdout  # the worktree was behind the branch
            t = trailers(store)
            assert case_path(t["Case"]) in doctor.stdout
        assert git(store, "status", "--porcelain") == "", (point, doctor.stdout)

        # the next action works and lands on top of whatever the crash left
        current = head(store)
        if command == "archive" and point in AFTER_POINTS:  # an archived case cannot change: a new case
            result = invoke("register", "--store", str(store), "--as", "rs-registrar", *field_args(EMPLOYER),
                            "--no-input", "--no-receipt")
        else:
            result = invoke("note", CASE, "--store", str(store), "--as", "bgs-office", "--body", "督促按期办理")
        assert result.exit_code == 0, result.output
        assert git(store, "rev-parse", "HEAD^").strip() == current
        if command == "register":  # the killed registration's number is taken only if it was committed
            numbers = sorted(case_files(store))
            assert numbers == (["SW-20261126-001", "SW-20261126-002"] if point in AFTER_POINTS
                               else ["SW-20261126-001"])
        assert git(store, "status", "--porcelain") == ""
        fsck_clean(store)
        assert_readers_agree(store)


def test_a_lock_left_by_an_interrupted_action_is_removed_by_the_next_action_at_once(tmp_path):
    """``refs/heads/main.lock`` left by a killed command: under the store's own lock no other
    disputectl is at work, so the next action removes it at once (whatever its age) and says so."""
    store = tmp_path / "store"
    prepare(store, "registered")
    lock = store / ".git" / "refs" / "heads" / "main.lock"
    lock.write_text("0" * 40 + "\n")
    before = head(store)
    result = invoke("note", CASE, "--store", str(store), "--as", "bgs-office", "--body", "督促按期办理")
    assert result.exit_code == 0, result.output
    assert "main.lock" in result.stderr and not lock.exists()
    assert git(store, "rev-parse", "HEAD^").strip() == before
    assert git(store, "status", "--porcelain") == ""
    fsck_clean(store)
    assert_readers_agree(store)


def test_doctor_removes_a_stale_index_lock_and_half_written_files(tmp_path):
    store = tmp_path / "store"
    prepare(store, "registered")
    index_lock = store / ".git" / "index.lock"
    index_lock.write_bytes(b"")
    old = time.time() - 10
    os.utime(index_lock, (old, old))
    index_lock2 = store / ".git" / "index.lock"
    repaired = invoke("doctor", "--store", str(store))  # doctor removes the lock at once
    assert repaired.exit_code == 0 and "index.lock" in repaired.stdout and not index_lock2.exists(), repaired.output
    index_lock.write_bytes(b"")
    result = invoke("note", CASE, "--store", str(store), "--as", "bgs-office", "--body", "督促按期办理")
    assert result.exit_code == 0, result.output  # and so does the next action
    assert "index.lock" in result.stderr and not index_lock.exists()
    leftover = store / "cases" / "2026" / "11" / "26" / f".{CASE}.yaml.4242.tmp"
    leftover.write_bytes(b"schema_version: 1\nid: SW-")
    repaired = invoke("doctor", "--store", str(store))
    assert repaired.exit_code == 0, repaired.output
    assert leftover.name in repaired.stdout
    assert not index_lock.exists() and not leftover.exists()
    assert git(store, "status", "--porcelain") == ""
    again = invoke("doctor", "--store", str(store))
    assert again.exit_code == 0 and "无需修复" in again.stdout, again.stdout
    fsck_clean(store)
    assert_readers_agree(store)
