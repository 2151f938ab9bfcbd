"""Out of space at each point an action writes: one Chinese message naming the cause, and the
truth about the action — not recorded (the store exactly as before) or recorded (with its number)."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import EMPLOYER, field_args, git, head, invoke

from disputectl.record.gitstore import GitStore


def full(*_: Any, **__: Any) -> Any:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("where", ["objects", "branch", "index", "read-only", "memory"])
def test_out_of_space_before_the_commit_records_nothing_and_says_why(
        cli: Callable[..., Any], store: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    before = head(store)
    cause = "磁盘空间已满"
    if where == "objects":
        monkeypatch.setattr(GitStore, "_write", full)
    elif where == "read-only":
        def read_only(*_: Any, **__: Any) -> Any:
            raise OSError(errno.EROFS, "Read-only file system")

        monkeypatch.setattr(GitStore, "_write", read_only)
        cause = "只读"
    elif where == "memory":
        def no_memory(*_: Any, **__: Any) -> Any:
            raise MemoryError

        monkeypatch.setattr(GitStore, "_write", no_memory)
        cause = "内存不足"
    elif where == "branch":  # git update-ref itself cannot write
        from disputectl.record import gitstore

        real = gitstore.run_git

        def refusing(root: Path, *args: str, **kwargs: Any) -> Any:
            if args[:1] == ("update-ref",):
                return subprocess.CompletedProcess(args, 128, b"", b"fatal: unable to create lock: No space left on device")
            return real(root, *args, **kwargs)

        monkeypatch.setattr(gitstore, "run_git", refusing)
    else:  # the derived index, asked for the next notice number
        from disputectl.record.index import CaseIndex

        def disk_full(self: Any) -> Any:
            raise sqlite3.OperationalError("database or disk is full")

        monkeypatch.setattr(CaseIndex, "refresh", disk_full)
    result = cli("register", *field_args(EMPLOYER), "--no-input", as_="sw-registrar")
    assert result.exit_code == 74, result.output
    assert "未记录" in result.stderr and cause in result.stderr
    assert "内部错误" not in result.output
    assert head(store) == before
    assert not (store / "cases").exists()


def test_out_of_space_after_the_commit_says_it_was_recorded_with_its_number(
        cli: Callable[..., Any], store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from disputectl.record import gitstore

    before = head(store)
    monkeypatch.setattr(gitstore, "atomic_write", full)  # the worktree copies
    result = cli("register", *field_args(EMPLOYER), "--no-input", as_="sw-registrar")
    assert result.exit_code == 0, result.output
    assert "案件编号 SW-20261126-001" in result.stdout
    assert "操作已记录" in result.stderr and "磁盘空间已满" in result.stderr and "disputectl doctor" in result.stderr
    assert head(store) != before
    monkeypatch.undo()
    assert cli("show", "SW-20261126-001").exit_code == 0


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 6 MB filesystem of its own (tmpfs), where the tests may mount one."""
    mount = tmp_path / "small"
    mount.mkdir()
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("mounting a small filesystem needs root and mount(8)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"this machine does not let tests mount a filesystem: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_real_full_disk_gives_the_truth_every_time(small_disk: Path) -> None:
    store = small_disk / "store"
    assert invoke("init", str(store), "--demo").exit_code == 0
    filler = small_disk / "filler"
    recorded: list[str] = []
    for size in (1 << 20, 1 << 19, 1 << 18, 1 << 16, 1 << 14, 1 << 12, 0):
        with open(filler, "ab") as fh:  # fill until nothing fits
            try:
                fh.write(b"\0" * (8 << 20))
            except OSError:
                pass
        os.truncate(filler, max(0, filler.stat().st_size - size))  # then leave a little room
        before = head(store)
        result = invoke("register", *field_args(EMPLOYER), "--no-input", "--store", str(store), "--as", "sw-registrar")
        assert result.exit_code in (0, 74), result.output
        assert "内部错误" not in result.output
        if result.exit_code == 74:
            assert "未记录" in result.stderr and head(store) == before
        else:
            number = result.stdout.split("案件编号")[1].split()[0]
            recorded.append(number)
            assert number in git(store, "log", "-1", "--format=%s")
    filler.unlink()
    listed = invoke("list", "--json", "--store", str(store), "--limit", "0")
    assert listed.exit_code == 0
    import json

    assert sorted(row["id"] for row in json.loads(listed.stdout)) == sorted(recorded)
