"""The checked config is kept as JSON beside the repository, keyed by the file's bytes: a changed
or broken config file is read and checked again, a damaged copy is never used."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import commit_by_hand

import disputectl
from disputectl import __version__

CACHE = Path(".git") / "disputectl-config.json"


def _names(cli: Callable[..., Any]) -> dict[str, str]:
    result = cli("officers", "--json")
    assert result.exit_code == 0, result.output
    return {row["id"]: row["name"] for row in json.loads(result.output)}


def test_the_checked_config_is_kept_with_the_sha256_of_the_file(cli: Callable[..., Any], store: Path) -> None:
    _names(cli)
    saved = json.loads((store / CACHE).read_text(encoding="utf-8"))
    schema = (Path(__file__).resolve().parents[2] / "schemas" / "config.schema.json").read_bytes()
    keyed = b"\0".join([(store / "disputectl.yaml").read_bytes(), schema, f"{__version__}/1".encode()])
    assert saved["sha256"] == hashlib.sha256(keyed).hexdigest()
    assert any(o["id"] == "sw-registrar" for o in saved["config"]["officers"])


def test_a_copy_kept_by_another_version_is_not_trusted(cli: Callable[..., Any], store: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    _names(cli)
    saved = json.loads((store / CACHE).read_text(encoding="utf-8"))
    saved["config"]["officers"][0]["name"] = "只在旧副本里"
    (store / CACHE).write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")
    assert "只在旧副本里" in _names(cli).values()  # same key: the copy is used
    monkeypatch.setattr(disputectl, "__version__", "9.9.9")
    assert "只在旧副本里" not in _names(cli).values()  # another version: read from the file again


def test_an_edited_config_is_read_again(cli: Callable[..., Any], store: Path) -> None:
    assert _names(cli)["sw-registrar"] == "税务局受理员（样例）"
    assert cli("officer", "edit", "sw-registrar", "--name", "王受理", as_="bgs-admin").exit_code == 0
    assert _names(cli)["sw-registrar"] == "王受理"


def test_a_broken_config_is_refused_although_a_good_one_was_kept(cli: Callable[..., Any], store: Path) -> None:
    _names(cli)
    config = store / "disputectl.yaml"  # a config arriving broken (committed around the tool)
    commit_by_hand(store, {"disputectl.yaml": config.read_text(encoding="utf-8").replace("unit: RS\n", "unit: NOPE\n", 1).encode()})
    result = cli("officers")
    assert result.exit_code == 2 and "单位“NOPE”不存在" in result.output
    commit_by_hand(store, {"disputectl.yaml": config.read_text(encoding="utf-8").replace("officers:", "officers: [", 1).encode()})
    result = cli("officers")
    assert result.exit_code != 0 and "不是有效的 YAML" in result.output


def test_a_damaged_copy_is_ignored_and_replaced(cli: Callable[..., Any], store: Path) -> None:
    expected = _names(cli)
    for damage in (b"{not json", b'{"sha256": "' + b"0" * 64 + b'", "config": {}}', b"[]"):
        (store / CACHE).write_bytes(damage)
        assert _names(cli) == expected
        assert json.loads((store / CACHE).read_text(encoding="utf-8"))["config"]["officers"]


def test_reading_commands_then_need_no_yaml(cli: Callable[..., Any], store: Path) -> None:
    _names(cli)
    code = ("import sys\n"
            "from disputectl.cli.main import _app_for\n"
            "args = ['list', '--store', sys.argv[1]]\n"
            "try:\n    _app_for(args)(args=args, prog_name='disputectl')\nexcept SystemExit as exc:\n"
            "    print('EXIT', exc.code)\n"
            "print('YAML', 'yaml' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code, str(store)], capture_output=True, text=True)
    assert "EXIT 0" in result.stdout and "没有符合条件的案件" in result.stdout, result.stdout + result.stderr
    assert "YAML False" in result.stdout, result.stdout + result.stderr
