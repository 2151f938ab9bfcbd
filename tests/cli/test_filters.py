"""Filters take the code or the Chinese name; an unknown value is an error listing the valid ones;
the store is found from any folder inside it; --version."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import INDIVIDUAL, invoke


def ids(cli: Callable[..., Any], *args: str) -> list[str]:
    result = cli("list", "--json", *args)
    assert result.exit_code == 0, result.output
    return sorted(row["id"] for row in json.loads(result.stdout))


@pytest.fixture
def two(cli: Callable[..., Any], register: Callable[..., str]) -> tuple[str, str]:
    employer = register()
    person = register(**INDIVIDUAL)
    assert cli("route", employer, "--self", as_="sw-registrar").exit_code == 0
    return employer, person


def test_every_filter_takes_the_code_or_the_chinese_name(cli: Callable[..., Any], two: tuple[str, str]) -> None:
    employer, person = two
    for args in (["--unit", "SW"], ["--unit", "sw"], ["--unit", "税务局"], ["--unit", "国家税务总局示例市税务局"]):
        assert ids(cli, *args) == [employer, person], args
    assert ids(cli, "--region", "东区") == ids(cli, "--region", "DQ") == [person]
    assert ids(cli, "--category", "缴费基数申报") == ids(cli, "--category", "3") == [employer]
    assert ids(cli, "--status", "单位办理中") == ids(cli, "--status", "handling") == [employer]
    assert ids(cli, "--status", "已登记待流转") == [person]


@pytest.mark.parametrize(("args", "listed"), [
    (["list", "--unit", "税务"], "SW（税务局）"), (["list", "--region", "北区"], "DQ（东区）"),
    (["list", "--category", "99"], "3（缴费基数申报）"), (["list", "--status", "done"], "archived（已归档）"),
    (["due", "--unit", "XX"], "RS（人社局）"), (["due", "--officer", "nobody"], "sw-handler（税务局承办员（样例））"),
])
def test_an_unknown_filter_value_is_an_error_listing_the_valid_ones(cli: Callable[..., Any], store: Path,
                                                                    args: list[str], listed: str) -> None:
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert "无效，可用：" in result.stderr and listed in result.stderr


def test_due_takes_an_officers_name(cli: Callable[..., Any], two: tuple[str, str]) -> None:
    by_id = cli("due", "--all", "--json", "--officer", "sw-handler")
    by_name = cli("due", "--all", "--json", "--officer", "税务局承办员（样例）")
    assert by_id.exit_code == by_name.exit_code == 0
    assert json.loads(by_id.stdout) == json.loads(by_name.stdout)


def test_the_store_is_found_from_any_folder_inside_it(store: Path, two: tuple[str, str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(store / "calendar")
    result = invoke("list", "--json")
    assert result.exit_code == 0, result.output
    assert sorted(row["id"] for row in json.loads(result.stdout)) == sorted(two)
    monkeypatch.chdir(store.parent)
    assert invoke("list").exit_code != 0  # outside any store: the default ./cases is not there


def test_version() -> None:
    from disputectl import __version__

    result = invoke("--version")
    assert result.exit_code == 0 and result.stdout == f"disputectl {__version__}\n"


@pytest.mark.parametrize(("args", "message"), [
    (["show"], "缺少案件编号"), (["notice", "SW-20261126-001"], "缺少文书种类"),
    (["extend", "SW-20261126-001", "--days"], "选项 --days 后面需要给出一个值"),
])
def test_usage_mistakes_are_named_in_chinese(store: Path, args: list[str], message: str) -> None:
    result = invoke(*args, "--store", str(store)) if args[-1] != "--days" else invoke(args[0], args[1], "--store", str(store), "--days")
    assert result.exit_code == 2
    assert message in result.stderr and "None" not in result.stderr and "requires" not in result.stderr


def test_yaml_mistakes_are_described_in_chinese(store: Path, tmp_path: Path) -> None:
    form = tmp_path / "登记.yaml"
    form.write_text("payer_name: [\n", encoding="utf-8")
    result = invoke("register", "--from-file", str(form), "--no-input", "--store", str(store), "--as", "sw-registrar")
    assert result.exit_code == 2
    assert "不是有效的 YAML" in result.stderr and "第 " in result.stderr
    assert not any(word in result.stderr for word in ("expected", "found", "while"))


def test_shell_completion() -> None:
    import os
    import subprocess
    import sys

    command = [sys.executable, "-c", "import sys; sys.argv[0] = 'disputectl'; from disputectl.cli.main import run; run()"]
    env = {**os.environ, "_DISPUTECTL_COMPLETE": "complete_bash", "COMP_WORDS": "disputectl offi", "COMP_CWORD": "1"}
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    assert done.returncode == 0 and sorted(done.stdout.split()) == ["officer", "officers"], done.stdout + done.stderr
    shown = subprocess.run(command + ["--show-completion", "bash"], capture_output=True, text=True)  # named: no shell to detect under a test runner
    assert shown.returncode == 0 and "_disputectl_completion" in shown.stdout, shown.stdout + shown.stderr
