"""``make bench``: time every kind of command on generated stores of 10,000 and 100,000 cases.

Each command runs as its own process, the way an officer runs it (``.venv/bin/disputectl …``),
with ``DISPUTECTL_NOW`` on the day after the generated history, a second later for each command
and each commit the bench adds (``Bench.tick``). The median of ``--runs``
runs is reported (fewer runs for a command whose first run takes more than 5 s), with the peak
resident memory of the process tree (``wait4``: the largest single process, git included).

    python bench/run.py                          # both sizes, 5 runs
    python bench/run.py --sizes 2000 --runs 3    # a quick check
    python bench/run.py --sizes 100000 --only show,list
    python bench/run.py --sizes 2000 --cipher none,sm4-gcm   # the store in clear, then encrypted

Results go to the terminal and to ``bench/RESULTS.md`` (one section per size; sections of sizes
not measured this time are kept).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402

import disputectl  # noqa: E402
from disputectl.record.index import INDEX_NAME, index_file  # noqa: E402

# The checkout whose code is measured: this one, or another named by PYTHONPATH (a fixed commit
# while others edit this one).
CODE = Path(disputectl.__file__).resolve().parent.parent

BIN = Path(sys.executable).parent
DISPUTECTL = str(BIN / "disputectl")
RESULTS = ROOT / "bench" / "RESULTS.md"
SLOW = 5.0  # a command slower than this on its first run is run at most 3 times
VERY_SLOW = 30.0  # … and at most once above this

# Targets of issue 7, for 100,000 cases on 2 cores (seconds; None: no time target).
ACTION_TARGET = 0.3
READ_TARGET = 0.5
MEMORY_TARGET_MB = 300

INCREMENTAL = """\
import os, sys, time
from datetime import datetime
from pathlib import Path
from disputectl.record.session import open_session
s = open_session(Path(sys.argv[1]), now=datetime.fromisoformat(os.environ["DISPUTECTL_NOW"]))
t = time.perf_counter()
outcome = s.index.refresh()
print(outcome, f"{time.perf_counter() - t:.3f}")
"""


@dataclass
class Result:
    key: str
    name: str
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    target: float | None = None
    note: str = ""
    yardstick: bool = False  # must also be no slower than the bare git add + commit
    timed_out: bool = False  # killed at the time limit: the time is a lower bound

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")

    @property
    def peak_mb(self) -> float:
        return max(self.rss_kb) / 1024 if self.rss_kb else float("nan")


ORDER = ["reindex", "help", "show", "list", "due", "stats", "reveal", "payer", "export", "yardstick", "register",
         "register_plain", "route", "note", "incremental", "sync"]


def load_saved(path: Path) -> list[Result]:
    data = json.loads(path.read_text())
    return [Result(**r) for r in (data["results"] if isinstance(data, dict) else data)]


class Failed(Exception):
    """The command exited with an error."""


class TimedOut(Exception):
    def __init__(self, elapsed: float, cpu: float, rss_kb: int) -> None:
        super().__init__(f"killed after {elapsed:.0f} s")
        self.elapsed, self.cpu, self.rss_kb = elapsed, cpu, rss_kb


TIME = shutil.which("time", path="/usr/bin:/bin")


def run_once(argv: list[str], *, env: dict[str, str], cwd: Path | None = None,
             timeout: float = 3600) -> tuple[float, float, int, str]:
    """Wall time, CPU time (user + system, children included), peak RSS (KB, largest process of
    the tree) and stdout of one run.

    A child's ``ru_maxrss`` starts at its parent's high-water mark (Linux keeps it across fork
    and exec), and this process grows while it prepares stores; so the command runs under
    ``/usr/bin/time``, a small process whose child starts clean, and its figure is the one kept.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as errf, \
            tempfile.NamedTemporaryFile(suffix=".rss") as rss_file:
        wrapped = [TIME, "-q", "-f", "%M", "-o", rss_file.name, *argv] if TIME else argv
        started = time.perf_counter()
        proc = subprocess.Popen(wrapped, env=env, cwd=cwd, stdout=out, stderr=errf, start_new_session=True)
        deadline = started + timeout
        killed = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline and not killed:
                os.killpg(proc.pid, signal.SIGKILL)  # the group this run started, nothing else
                killed = True
            time.sleep(0.002)
        elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        rss = usage.ru_maxrss
        if TIME:
            text = Path(rss_file.name).read_text().strip().splitlines()
            rss = int(text[-1]) if text and text[-1].isdigit() else rss
        if killed:
            raise TimedOut(elapsed, usage.ru_utime + usage.ru_stime, rss)
        out.seek(0)
        errf.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        if proc.returncode != 0:
            raise Failed(f"failed ({proc.returncode}): {' '.join(argv)}\n{stdout[-2000:]}\n"
                         f"{errf.read().decode('utf-8', 'replace')[-2000:]}")
        return elapsed, usage.ru_utime + usage.ru_stime, rss, stdout


class Bench:
    def __init__(self, size: int, runs: int, only: set[str] | None, regenerate: bool, limit: float,
                 cipher: str | None = None) -> None:
        self.size = size
        self.cipher = cipher  # None: personal data kept in clear; else the encrypted store of the same history
        self.limit = limit
        self.runs = runs
        self.only = only
        self.store, self.meta = generate.ensure_store(size, regenerate=regenerate, cipher=cipher)
        self.folder = generate.store_dir(size, cipher)
        self.work = self.folder / "work"
        # Deleting a clone of 690,000 files takes minutes (this disk discards every block): the
        # last run's work folder is set aside now and removed after the measurements.
        self.trash = self.folder / "work.old"
        if self.work.exists():
            if self.trash.exists():
                shutil.rmtree(self.trash)
            self.work.rename(self.trash)
        self.work.mkdir(parents=True)
        home = self.work / "home"
        home.mkdir()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "DISPUTECTL_"))}
        self.env.update({"HOME": str(home), "DISPUTECTL_NOW": self.meta["now"], "COLUMNS": "120",
                         "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C.UTF-8",
                         "XDG_CONFIG_HOME": str(generate.keys_home(size, cipher))})
        self.results: list[Result] = []
        self.counter = 0
        self.adopt_repository_config()
        # The bench's clock: it starts at the store's ``now`` (or after its last commit) and every
        # command and every commit added is a second later than the one before, as in an office.
        # (With one fixed time, the commits the bench adds all had the same date; git's walk of a
        # range stops by commit dates, so each catch-up of the index walked all of them.)
        start = datetime.fromisoformat(self.meta["now"])
        last = datetime.fromisoformat(self.git("log", "-1", "--format=%cI", "main")).astimezone(start.tzinfo)
        self.clock = max(start, last)  # in the store's time zone, whatever the last commit's
        self.started = self.tick(0)

    def tick(self, seconds: int = 1) -> str:
        """Move the clock on by ``seconds``; the time of the first of them (for commits made one
        a second from then). Commands run at the clock's time (``DISPUTECTL_NOW``), and so do
        the bench's own git commits (the yardstick)."""
        first = self.clock + timedelta(seconds=min(seconds, 1))
        self.clock += timedelta(seconds=seconds)
        stamp = self.clock.isoformat()
        self.env.update({"DISPUTECTL_NOW": stamp, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp})
        return first.isoformat()

    def adopt_repository_config(self) -> None:
        """Give a cached store the git settings a store made by today's ``init`` has."""
        from disputectl.record.gitcmd import init_repository

        with tempfile.TemporaryDirectory() as tmp:
            init_repository(Path(tmp))
            fresh = self.git("config", "--local", "--list", repo=Path(tmp)).splitlines()
        from disputectl.record.gitcmd import is_sparse, make_sparse

        if not is_sparse(self.store):
            print("  (store: cases/ taken out of the checkout, as `init` makes stores now; once, a few minutes)")
            make_sparse(self.store)
        have = set(self.git("config", "--local", "--list").splitlines())
        for line in fresh:
            key, _, value = line.partition("=")
            if line not in have and not key.startswith(("core.bare", "core.repositoryformatversion", "extensions.")):
                self.git("config", key, value)
                print(f"  (store config: {key}={value}, as `init` sets it now)")
        # Installed code is compiled to bytecode (pip does it); an editable checkout is not until
        # first run, and with PYTHONDONTWRITEBYTECODE never: every command would compile it again.
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(CODE / "disputectl")], check=True)

    # -- helpers -------------------------------------------------------------------------------
    def merge_saved(self) -> None:
        """Keep the earlier results of commands not measured this time (``--only``), then save all."""
        saved = self.folder / "results.json"
        if self.only is not None and saved.is_file():
            fresh = {r.key for r in self.results}
            self.results += [r for r in load_saved(saved) if r.key not in fresh]
        self.results.sort(key=lambda r: ORDER.index(r.key) if r.key in ORDER else len(ORDER))
        saved.write_text(json.dumps([r.__dict__ for r in self.results], ensure_ascii=False, indent=1))

    def wanted(self, name: str) -> bool:
        return self.only is None or name in self.only

    def cli(self, *args: str, officer: str | None = None) -> list[str]:
        return [DISPUTECTL, *args, "--store", str(self.store)] + (["--as", officer] if officer else [])

    def sample(self, result: Result, argv: list[str], cwd: Path | None = None,
               check: Callable[[str], None] | None = None, timeout: float = 3600) -> float:
        self.tick()
        try:
            elapsed, cpu, rss, stdout = run_once(argv, env=self.env, cwd=cwd, timeout=timeout)
        except TimedOut as exc:
            result.timed_out = True
            result.times.append(exc.elapsed)
            result.cpu.append(exc.cpu)
            result.rss_kb.append(exc.rss_kb)
            result.note = (result.note + " " if result.note else "") + f"Killed after {exc.elapsed:.0f} s (time limit)."
            return exc.elapsed
        if check:
            check(stdout)
        result.times.append(elapsed)
        result.cpu.append(cpu)
        result.rss_kb.append(rss)
        return elapsed

    def done(self, result: Result) -> None:
        self.results.append(result)
        print(f"  {result.name:<44} median {result.median:8.3f} s  cpu {statistics.median(result.cpu):7.3f} s  "
              f"({len(result.times)} runs)  peak {result.peak_mb:5.0f} MB", flush=True)

    def measure(self, key: str, name: str, make: Callable[[int], list[str]], *, target: float | None = None,
                before: Callable[[int], None] | None = None, note: str = "",
                check: Callable[[str], None] | None = None, cwd: Path | None = None, timeout: float = 3600) -> None:
        if not self.wanted(key):
            return
        result = Result(key, name, target=target, note=note)
        runs = self.runs
        i = 0
        while i < runs:
            if before:
                before(i)
            elapsed = self.sample(result, make(i), cwd, check, timeout)
            if i == 0 and (elapsed > VERY_SLOW or result.timed_out):
                runs = 1
            elif i == 0 and elapsed > SLOW:
                runs = min(runs, 3)
            i += 1
        self.done(result)

    def git(self, *args: str, repo: Path | None = None) -> str:
        proc = subprocess.run(["git", "-C", str(repo or self.store), *args], env=self.env, capture_output=True,
                              text=True, check=True)
        return proc.stdout.strip()

    def list_json(self, *args: str) -> list[dict[str, Any]]:
        _, _, _, stdout = run_once(self.cli("list", "--json", *args), env=self.env)
        return json.loads(stdout)

    # -- the benchmark ---------------------------------------------------------------------------
    def run(self) -> None:
        size = self.size
        print(f"\n== {size} cases ({self.meta['commits']} commits, {self.cipher or 'in clear'}) in {self.store}", flush=True)
        self.measure("reindex", "cold reindex (`reindex`)", lambda i: self.cli("reindex"), target=60.0)
        if not index_file(self.store / ".git").exists():
            run_once(self.cli("reindex"), env=self.env)  # every other command reads the index
        self.measure("help", "`--help`", lambda i: [DISPUTECTL, "--help"], target=0.2)
        shown = self.list_json("--status", "archived", "--limit", "20")
        show_id = shown[len(shown) // 2]["id"]
        self.measure("show", f"`show` (archived case {show_id})", lambda i: self.cli("show", show_id),
                     target=ACTION_TARGET)
        self.measure("list", "`list --status handling`", lambda i: self.cli("list", "--status", "handling"),
                     target=READ_TARGET)
        self.measure("due", "`due`", lambda i: self.cli("due"), target=READ_TARGET)
        self.measure("stats", "`stats`", lambda i: self.cli("stats"), target=READ_TARGET)
        self.measure("reveal", "`show --reveal` (the same case)",
                     lambda i: self.cli("show", show_id, "--reveal", officer="bgs-office"), target=ACTION_TARGET,
                     note="as an officer allowed to reveal: the payer's sealed values opened with the officer's key "
                          "(in clear: nothing to open); the look is recorded, one commit")
        if self.meta.get("payer_id"):  # stores generated before it was kept have none
            self.measure("payer", "`list --payer-id`",
                         lambda i: self.cli("list", "--payer-id", self.meta["payer_id"], officer="bgs-office"),
                         target=READ_TARGET, note="a generated payer's cases (about three): by keyed hash in an "
                                                  "encrypted store, by the value itself in one kept in clear")
        ledger = self.work / "台账.xlsx"
        self.measure("export", "`export` to .xlsx (all cases)", lambda i: self.cli("export", "-o", str(ledger)),
                     timeout=self.limit)
        self.writes()
        self.incremental()
        self.sync()

    def writes(self) -> None:
        """register, route --self, note and the bare git add + commit, interleaved run by run."""
        registered = [c for c in self.list_json("--status", "registered", "--limit", "0") if not c["id"].startswith("BGS-")]
        open_cases = self.list_json("--status", "handling", "--limit", "50")
        if not registered or not open_cases:
            raise SystemExit(f"not enough registered ({len(registered)}) or open cases in the store")
        stick = self.store / "bench-yardstick.txt"
        fields = ["--payer-kind", "employer", "--payer-name", "示例新材料科技有限公司", "--payer-id", "91110000600037341L",
                  "--contact-person", "王敏", "--address", "示例市高新区创业路18号", "--phone", "13912345678",
                  "--channel", "来访", "--category", "3", "--region", "SBJ",
                  "--matter", "对2026年度社会保险费缴费基数申报核定结果有异议", "--request", "请求按实际工资总额重新核定缴费基数"]
        yard = Result("yardstick", "bare `git add` + `git commit` (yardstick)",
                      note="`git add` + `git commit` of one small file in the same store (a sparse store: git's index holds config, calendar and templates, `cases/` as one entry)")
        register = Result("register", "`register` (with 受理回执)", target=ACTION_TARGET, yardstick=True)
        plain = Result("register_plain", "`register --no-receipt`", target=ACTION_TARGET, yardstick=True,
                       note="the same registration without the 受理回执 (no .docx rendered, python-docx and docxtpl "
                            "not imported): the difference from `register` is the receipt's")
        route = Result("route", "`route --self`", target=ACTION_TARGET, yardstick=True)
        note = Result("note", "`note`", target=ACTION_TARGET, yardstick=True)
        sign = Result("sign", "signing one commit (`ssh-keygen -Y sign`)", target=0.020,
                      note="what signing adds to every action: the commit (here 700 bytes) signed by the "
                           "officer's key with ssh-keygen, as the tool does; the actions above include it")
        key = generate.keys_home(self.size, self.cipher) / "disputectl" / "keys" / "bgs-office"
        signing = ["sh", "-c", f"head -c 700 /dev/zero | ssh-keygen -q -Y sign -n git -f '{key}' > /dev/null"]
        receipt: list[str] = []
        commit = ["sh", "-c", "git add bench-yardstick.txt && "
                  "git -c user.name=bench -c user.email=bench@invalid commit -q -m yardstick"]
        # One run of each in turn, so that all see the same store and the same machine load.
        for i in range(self.runs):
            if self.wanted("yardstick"):
                stick.write_text(f"{time.time()} {i}\n")
                self.sample(yard, commit, cwd=self.store)
            if self.wanted("register"):
                try:
                    self.sample(register, self.cli("register", *fields, *receipt, "--no-input", officer="sw-registrar"))
                except Failed as exc:
                    if receipt or "已用完" not in str(exc):
                        raise
                    # The per-clone block of notice numbers (1–9999 a year) is used up: measure
                    # the registration without the 受理回执 rather than nothing.
                    receipt.append("--no-receipt")
                    register.name = "`register --no-receipt`"
                    register.note = ("with 受理回执 it fails at this size: " + str(exc).strip().splitlines()[-1][:160])
                    self.sample(register, self.cli("register", *fields, *receipt, "--no-input", officer="sw-registrar"))
            if self.wanted("register_plain"):
                self.sample(plain, self.cli("register", *fields, "--no-receipt", "--no-input", officer="sw-registrar"))
            if self.wanted("route") and i < len(registered):
                case_id = registered[i]["id"]
                self.sample(route, self.cli("route", case_id, "--self", officer=f"{case_id.split('-')[0].lower()}-registrar"))
            if self.wanted("note"):
                self.sample(note, self.cli("note", open_cases[i % len(open_cases)]["id"], "--body", f"缴费人来电询问进度{i}",
                                           officer="bgs-office"))
            if self.wanted("sign"):
                self.sample(sign, signing)
        for result in (yard, register, plain, route, note, sign):
            if result.times:
                self.done(result)

    def incremental(self) -> None:
        name = "incremental reindex after 200 commits"
        outcome: list[str] = []

        def check(stdout: str) -> None:
            kind, seconds = stdout.split()
            outcome.append(f"{kind} in {seconds} s")
            if kind != "incremental":
                raise SystemExit(f"expected an incremental refresh, got {kind}")

        def before(i: int) -> None:
            self.counter += 1
            generate.append_commits(self.store, 200, now=self.tick(200), seed=1000 + self.counter)

        self.measure("incremental", name,
                     lambda i: [str(BIN / "python"), "-c", INCREMENTAL, str(self.store)],
                     target=1.0, before=before, check=check)
        if outcome:
            self.results[-1].note = ("process start + `open_session` + `index.refresh()` after 200 备注 on open cases "
                                     "(added by git fast-import); refresh() alone: " + "; ".join(outcome))

    def sync(self) -> None:
        name = "sync of 100 new commits"
        if not self.wanted("sync"):
            return
        folder = self.work / "sync"
        hub = folder / "hub.git"
        clone = folder / "office-b"
        folder.mkdir()
        self.git("clone", "--quiet", "--bare", str(self.store), str(hub), repo=folder)
        # the hub as `disputectl verify --install-hook` leaves one (without the hook itself, which
        # would time verifying each push too): git's pack memory limited
        from disputectl.record.gitcmd import limit_pack_memory

        limit_pack_memory(hub)
        has_sync = subprocess.run([DISPUTECTL, "sync", "--help"], env=self.env, capture_output=True).returncode == 0
        real = False
        if has_sync:
            self.tick()  # clone commits (the new station's number)
            proc = subprocess.run([DISPUTECTL, "clone", str(hub), str(clone), "--name", "office-b", "--as", "bgs-office"],
                                  env=self.env, capture_output=True, text=True)
            real = proc.returncode == 0
            if not real:
                print(f"  (disputectl clone failed, measuring git fetch + merge instead: {proc.stderr.strip()[:200]})")
                shutil.rmtree(clone, ignore_errors=True)
        if not real:
            self.git("clone", "--quiet", str(hub), str(clone), repo=folder)
        # The clone starts from the index of the store it came from (same commit), not a cold build.
        if real and index_file(self.store / ".git").exists():
            run_once(self.cli("list", "--limit", "1"), env=self.env)
            if self.git("rev-parse", "main") == self.git("rev-parse", "main", repo=clone):
                # under the plain name: a store with no pointer file opens that one
                shutil.copy2(index_file(self.store / ".git"), clone / ".git" / INDEX_NAME)
        local_ids: list[str] = []

        def before(i: int) -> None:
            self.counter += 1
            local_ids[:] = generate.append_commits(clone, 1, now=self.tick(1), seed=5000 + self.counter)
            generate.append_commits(hub, 100, now=self.tick(100), seed=7000 + self.counter,
                                    exclude=frozenset(local_ids), update_worktree=False)

        if real:
            make = lambda i: [DISPUTECTL, "sync", "--store", str(clone), "--as", "bgs-office"]  # noqa: E731
            note = "`disputectl sync`: fetch 100 commits from a bare hub, merge with 1 local commit, push"
        else:
            make = lambda i: ["sh", "-c", f"git -C '{clone}' fetch -q origin && "  # noqa: E731
                              f"git -C '{clone}' -c user.name=bench -c user.email=bench@invalid merge -q --no-edit origin/main"]
            note = "STAND-IN (`disputectl sync` not available): `git fetch` + `git merge` of 100 commits with 1 local commit"
        self.measure("sync", name + ("" if real else " (stand-in)"), make, before=before, note=note)


# ----------------------------------------------------------------------------- reporting

def verdict(r: Result, yardstick: float | None, at_target_size: bool) -> str:
    problems = ["did not finish"] if r.timed_out else []
    if r.target is not None and r.median > r.target:
        problems.append(f"> {r.target:g} s")
    if r.yardstick and yardstick is not None and r.median > yardstick:
        problems.append("slower than git add+commit")
    if r.peak_mb > MEMORY_TARGET_MB:
        problems.append(f"> {MEMORY_TARGET_MB} MB")
    if not problems:
        return "ok" if at_target_size else "(ok)"
    return ("MISS: " if at_target_size else "(would miss: ") + "; ".join(problems) + ("" if at_target_size else ")")


def table(bench: Bench) -> str:
    yard = next((r.median for r in bench.results if "yardstick" in r.name), None)
    at_target = bench.size >= 100_000
    lines = ["| command | median s | runs | min–max s | CPU s | peak RSS MB | target | verdict |",
             "|---|---:|---:|---|---:|---:|---|---|"]
    for r in bench.results:
        target = []
        if r.target is not None:
            target.append(f"< {r.target:g} s")
        if r.yardstick:
            target.append("≤ git add+commit")
        target.append(f"< {MEMORY_TARGET_MB} MB")
        median = f"> {r.median:.0f}" if r.timed_out else f"{r.median:.3f}"
        lines.append(f"| {r.name} | {median} | {len(r.times)} | {min(r.times):.3f}–{max(r.times):.3f} | "
                     f"{statistics.median(r.cpu):.3f} | {r.peak_mb:.0f} | {', '.join(target)} | {verdict(r, yard, at_target)} |")
    notes = [f"- {r.name}: {r.note}" for r in bench.results if r.note]
    return "\n".join(lines) + ("\n\n" + "\n".join(notes) if notes else "")


def section(bench: Bench, load: tuple[float, float]) -> str:
    m = bench.meta
    disk = subprocess.run(["du", "-sh", str(bench.store / ".git")], capture_output=True, text=True).stdout.split()[0]
    code = subprocess.run(["git", "-C", str(CODE), "log", "-1", "--format=%h %s"], capture_output=True,
                          text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(CODE), "status", "--porcelain", "--untracked-files=no", "--", "disputectl"],
                           capture_output=True, text=True).stdout.strip()
    head = [
        f"## {bench.size:,} cases" + (f", personal data encrypted ({bench.cipher})" if bench.cipher else ""),
        "",
        f"Measured {datetime.now():%Y-%m-%d %H:%M} on {os.cpu_count()} cores ({platform.machine()}, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{subprocess.run(['git', '--version'], capture_output=True, text=True).stdout.strip()}); "
        f"load average {load[0]:.1f} before, {load[1]:.1f} after (other jobs share the machine).",
        f"Code: `{code[:90]}`" + (" with uncommitted changes in disputectl/" if dirty else "") + ".",
        f"Store: {m['cases']:,} cases, {m['commits']:,} commits at generation, .git {disk}; generated in "
        f"{m['generate_seconds']} s + checkout {m['checkout_seconds']} s"
        + (f" + `migrate encrypt` (one commit) {m['encrypt_seconds']} s" if m.get("cipher") else "")
        + f"; `DISPUTECTL_NOW` from {bench.started} "
        f"(the store's now: {m['now']}).",
        "",
        "",
    ]
    return "\n".join(head) + table(bench) + "\n"


def write_results(sections: dict[str, str]) -> None:
    """``sections`` by store folder name (``2000``, ``2000-sm4-gcm``): by size, each clear before encrypted."""
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    kept = dict(re.findall(r"<!-- size:([\w-]+) -->\n(.*?)<!-- /size -->\n", old, re.S))
    kept.update(sections)
    intro = ("# Benchmark results\n\nWritten by `make bench` (`bench/run.py`); see `bench/README.md` for what each line "
             "measures. Medians of several runs, each command a fresh process; CPU is user + system time of the "
             "command and its children (less sensitive to other load on the machine than wall time); peak RSS is "
             "the largest process of the command's tree. Targets (issue 7) apply to 100,000 cases; smaller stores show where a size "
             "would stand.\n\n")
    body = "".join(f"<!-- size:{name} -->\n{text}<!-- /size -->\n\n"
                   for name, text in sorted(kept.items(), key=lambda kv: (int(kv[0].split("-")[0]), kv[0])))
    RESULTS.write_text(intro + body, encoding="utf-8")


def rerender(size: int, cipher: str | None) -> None:
    """Render the table of ``size`` again from its saved results, keeping the section's header."""
    old = RESULTS.read_text(encoding="utf-8")
    name = generate.store_dir(size, cipher).name
    found = re.search(rf"<!-- size:{name} -->\n(.*?)\| command \|", old, re.S)
    if found is None:
        raise SystemExit(f"no section for {name} in {RESULTS}")
    results = load_saved(generate.store_dir(size, cipher) / "results.json")
    results.sort(key=lambda r: ORDER.index(r.key) if r.key in ORDER else len(ORDER))
    bench = Bench.__new__(Bench)
    bench.size, bench.results = size, results
    write_results({name: found.group(1) + table(bench) + "\n"})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated store sizes (default 10000,100000)")
    parser.add_argument("--runs", type=int, default=5, help="runs per command (default 5)")
    parser.add_argument("--only", help="comma-separated command names to measure (e.g. show,list,register)")
    parser.add_argument("--regenerate", action="store_true", help="generate the stores again")
    parser.add_argument("--limit", type=float, default=900,
                        help="kill a read-only command (export) after this many seconds (default 900)")
    parser.add_argument("--report-only", action="store_true",
                        help="measure nothing: render RESULTS.md again from the saved results")
    parser.add_argument("--cipher", default="none",
                        help="comma-separated: none (personal data in clear, the default), "
                             f"{', '.join(generate.CIPHERS)} (the same history encrypted: bench/stores/<size>-<cipher>)")
    args = parser.parse_args(argv)
    ciphers = [None if c.strip() == "none" else c.strip() for c in args.cipher.split(",")]
    if unknown := [c for c in ciphers if c is not None and c not in generate.CIPHERS]:
        parser.error(f"--cipher: unknown {', '.join(unknown)}")
    if args.report_only:
        for size in (int(s) for s in args.sizes.split(",")):
            for cipher in ciphers:
                rerender(size, cipher)
        return 0
    only = {s.strip() for s in args.only.split(",")} if args.only else None
    sections: dict[str, str] = {}
    for size in (int(s) for s in args.sizes.split(",")):
        for cipher in ciphers:
            load_before = os.getloadavg()[0]
            bench = Bench(size, args.runs, only, args.regenerate, args.limit, cipher)
            bench.run()
            bench.merge_saved()
            shutil.rmtree(bench.trash, ignore_errors=True)
            text = section(bench, (load_before, os.getloadavg()[0]))
            print("\n" + text, flush=True)
            sections[bench.folder.name] = text
            write_results(sections)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
