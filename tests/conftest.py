"""Shared fixtures: an isolated HOME and git config, real stores in temporary folders, a CLI runner."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from disputectl.cli.main import app

NOW = "2026-11-26T10:00:00+08:00"

EMPLOYER = {
    "payer_kind": "employer",
    "payer_name": "示例科技有限公司",
    "payer_id": "91110000600037341L",
    "contact_person": "张三",
    "address": "示例市人民路1号",
    "phone": "13812345678",
    "matter": "对2026年度缴费基数核定有异议",
    "request": "请求重新核定缴费基数",
    "category": "3",
    "region": "SBJ",
}
INDIVIDUAL = {
    "payer_kind": "individual",
    "payer_name": "李四",
    "payer_id": "11010519491231002X",
    "address": "示例市解放路8号",
    "phone": "0571-88886666",
    "matter": "退休待遇核定金额有误",
    "request": "请求重新核定",
    "category": "8",
    "region": "DQ",
}


@pytest.fixture(scope="session")
def officer_keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the sample officers' signing keys live (``XDG_CONFIG_HOME``): made once per test
    process and shared, as one clerk's machine keeps them across demo stores."""
    return tmp_path_factory.mktemp("config")


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, officer_keys: Path) -> Path:
    return isolate(monkeypatch, tmp_path, officer_keys)


def isolate(monkeypatch: pytest.MonkeyPatch, folder: Path, officer_keys: Path) -> Path:
    """Run in ``folder`` with a HOME of its own there, no git or disputectl settings from outside, the
    sample officers' keys and the clock fixed; the HOME. (Also for fixtures wider than a test.)"""
    home = folder / "home"
    home.mkdir()
    for key in list(os.environ):
        if key.startswith(("DISPUTECTL_", "GIT_", "XDG_", "SSH_AUTH_SOCK")):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(officer_keys))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("DISPUTECTL_NOW", NOW)
    monkeypatch.chdir(folder)
    return home


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "store"
    result = invoke("init", str(path), "--demo")
    assert result.exit_code == 0, result.output
    return path


def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Any:
    from disputectl.cli import common

    common.out._console = common.err._console = None  # made afresh, as in a new process (COLUMNS read)
    runner = CliRunner()
    return runner.invoke(app, list(args), input=input, env=env, catch_exceptions=False)


def head(store: Path) -> str:
    return subprocess.run(["git", "-C", str(store), "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=True).stdout.strip()


def check_out(store: Path, rel: str) -> Path:
    """Check a file's folder out of the sparse store, as someone editing it by hand would; its path."""
    git(store, "sparse-checkout", "add", rel.rsplit("/", 1)[0])
    return store / rel


def commit_by_hand(store: Path, files: dict[str, bytes | None], message: str = "手工改动", *,
                   author: str = "t <t@t>") -> str:
    """Commit ``files`` with plain git, bypassing the tool (as someone with push access could)."""
    for rel, content in files.items():
        if content is None:
            git(store, "rm", "-q", "--sparse", "--", rel)
            continue
        target = check_out(store, rel) if rel.startswith("cases/") else store / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        git(store, "add", "--sparse", "--", rel)
    name, email = author[:-1].split(" <")
    git(store, "-c", f"user.name={name}", "-c", f"user.email={email}", "commit", "-q", "--no-verify", "-m", message)
    return head(store)


def git(store: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(store), *args], capture_output=True, text=True, check=True).stdout


def field_args(fields: dict[str, str]) -> list[str]:
    args: list[str] = []
    for key, value in fields.items():
        args += [f"--{key.replace('_', '-')}", value]
    return args


@pytest.fixture
def cli(store: Path) -> Callable[..., Any]:
    """Run a command against ``store`` as an officer: ``cli("show", case, as_="sw-handler")``."""

    def run(*args: str, as_: str | None = None, input: str | None = None, env: dict[str, str] | None = None) -> Any:
        extra = ["--store", str(store)]
        if as_:
            extra += ["--as", as_]
        return invoke(*args, *extra, input=input, env=env)

    return run


@pytest.fixture
def register(cli: Callable[..., Any]) -> Callable[..., str]:
    """Register a case through the CLI and return its number."""

    def run(as_: str = "sw-registrar", now: str | None = None, **overrides: str) -> str:
        fields = {**EMPLOYER, **overrides}
        env = {"DISPUTECTL_NOW": now} if now else None
        result = cli("register", *field_args(fields), "--no-input", as_=as_, env=env)
        assert result.exit_code == 0, result.output
        line = next(line for line in result.output.splitlines() if "案件编号" in line)
        return line.split("案件编号")[-1].strip()

    return run


def store_contents(store: Path) -> dict[str, bytes | None]:
    """Every file (with its content) and folder (None) of the store outside ``.git``."""
    return {str(p.relative_to(store)): p.read_bytes() if p.is_file() else None for p in sorted(store.rglob("*"))
            if ".git" not in p.relative_to(store).parts}


def refused_untouched(cli: Callable[..., Any], store: Path, *args: str, as_: str = "sw-registrar") -> str:
    """The command fails with one validation message (exit 2), and neither the branch nor any
    file of the store moved; returns its stderr."""
    from disputectl.errors import ValidationError

    before, contents = head(store), store_contents(store)
    result = cli(*args, as_=as_)
    assert result.exit_code == ValidationError.exit_code, result.output
    assert "Traceback" not in result.output
    assert head(store) == before
    assert store_contents(store) == contents
    return str(result.stderr)
