"""Three offices, random offline actions, random sync orders, syncs killed with kill -9 in the
middle: for every seed the clones end identical, verified, with every action present once."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml
from conftest import EMPLOYER, git
from test_sync import Office, central, clone

START = datetime.fromisoformat("2026-11-26T10:30:00+08:00")  # after the store was made


def killed_sync(office: Office, now: str, delay: float) -> None:
    """``disputectl sync`` in a process group of its own, killed with SIGKILL after ``delay`` s."""
    env = {**os.environ, "DISPUTECTL_NOW": now}
    proc = subprocess.Popen([sys.executable, "-m", "disputectl", "sync", "--store", str(office.root)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(delay)
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def last_action_id(office: Office) -> str:
    return git(office.root, "log", "-1", "--format=%(trailers:key=Action-Id,valueonly)").strip()


def all_action_ids(office: Office) -> Counter[str]:
    found: Counter[str] = Counter()
    listing = git(office.root, "ls-tree", "-r", "--name-only", "HEAD", "--", "cases/")
    for path in listing.splitlines():
        if path.endswith(".yaml") and path.count("/") == 4:
            case = yaml.safe_load(git(office.root, "show", f"HEAD:{path}"))
            found.update(a["id"] for a in case["actions"])
    return found


@pytest.mark.timeout(600)
@pytest.mark.parametrize("seed", [1, 2])
def test_three_offices_with_killed_syncs_converge(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    bare, first = central(tmp_path)
    offices = [clone(bare, tmp_path / f"office{i}", f"处{i}") for i in range(3)]
    expected: set[str] = set()
    cases: list[str] = []
    clock = START
    for _ in range(24):
        clock += timedelta(minutes=7)
        now = clock.isoformat()
        office = rng.choice(offices)
        move = rng.choice(["register", "register", "note", "note", "sync", "kill"])
        if move == "register":
            result = office.run("register", *sum((["--" + k.replace("_", "-"), v] for k, v in EMPLOYER.items()), []),
                                "--no-input", as_="sw-registrar", now=now)
            assert result.exit_code == 0, result.output
            cases.append(result.stdout.split("案件编号")[1].split()[0])
            expected.add(last_action_id(office))
        elif move == "note":
            known = [c for c in cases if c in office.case_ids()]
            if not known:
                continue
            result = office.run("note", rng.choice(known), "--body", f"随机备注{rng.random():.3f}", as_="bgs-office", now=now)
            assert result.exit_code == 0, result.output
            expected.add(last_action_id(office))
        elif move == "sync":
            result = office.run("sync", now=now)
            assert result.exit_code == 0, result.output
        else:
            killed_sync(office, now, rng.uniform(0.05, 0.6))
    for _ in range(2):  # everyone meets everyone
        for office in offices:
            clock += timedelta(minutes=1)
            result = office.run("sync", now=clock.isoformat())
            assert result.exit_code == 0, result.output
    heads = {office.head() for office in offices}
    assert len(heads) == 1
    for office in offices:
        assert not (office.root / ".git" / "MERGE_HEAD").exists()
        assert office.run("verify").exit_code == 0, office.run("verify").output
        ids = all_action_ids(office)
        assert [i for i, n in ids.items() if n > 1] == []
        assert expected <= set(ids)
    assert sorted(offices[0].case_ids()) == sorted(set(cases))
