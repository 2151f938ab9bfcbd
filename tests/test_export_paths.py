"""Issue 18: the ledger or the report written where it cannot be: one message naming the cause, no file left."""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path
from typing import Any

import pytest

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def one_message(result: Any) -> str:
    """A clean refusal: not internal (70), one ``错误：`` line in Chinese, no traceback; the line."""
    assert result.exit_code not in (0, 70), (result.exit_code, result.output)
    assert "Traceback" not in result.output and "内部错误" not in result.output, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("提示：")]
    assert len(lines) == 1 and lines[0].startswith("错误：") and CHINESE.search(lines[0]), result.stderr
    return lines[0]


def error_log(home: Path) -> Path:
    return home / ".local" / "state" / "disputectl" / "error.log"


# -- export and report to a place that cannot be written -------------------------------------

@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    path = tmp_path / "out"
    path.mkdir()
    return path


@pytest.mark.parametrize("command", [("export", "-o"), ("report", "--html")])
def test_a_folder_that_takes_no_files_is_refused_with_its_cause(cli, register, isolated_env, command):
    register()
    name = "nope.xlsx" if command[0] == "export" else "nope.html"
    result = cli(*command, f"/proc/{name}")
    message = one_message(result)
    assert "/proc" in message and "不能" in message, message
    assert not Path("/proc", name).exists()
    assert not error_log(isolated_env).exists()


@pytest.mark.parametrize("command", [("export", "-o"), ("report", "--html")])
def test_a_file_where_a_folder_should_be_is_refused(cli, out_dir, command):
    (out_dir / "plain.txt").write_text("x")
    target = out_dir / "plain.txt" / ("a.csv" if command[0] == "export" else "a.html")
    message = one_message(cli(*command, str(target)))
    assert "不是文件夹" in message, message
    assert (out_dir / "plain.txt").read_text() == "x"


@pytest.mark.parametrize("command", [("export", "-o"), ("report", "--html")])
def test_a_missing_folder_and_a_folder_as_target_are_refused(cli, out_dir, command):
    name = "a.csv" if command[0] == "export" else "a.html"
    assert "不存在" in one_message(cli(*command, str(out_dir / "missing" / name)))
    (out_dir / name).mkdir()
    assert "是文件夹" in one_message(cli(*command, str(out_dir / name)))
    assert sorted(p.name for p in out_dir.iterdir()) == [name]


WRITE_ERRORS = [
    (errno.EACCES, "没有权限"),
    (errno.EPERM, "没有权限"),
    (errno.EROFS, "只读"),
    (errno.ENOSPC, "空间不足"),
    (errno.EDQUOT, "空间不足"),
    (errno.ENAMETOOLONG, "过长"),
    (errno.EIO, "读写出错"),
    (errno.EBUSY, "无法写入"),  # any other cause: still one message, naming the system's reason
]


@pytest.mark.parametrize(("code", "words"), WRITE_ERRORS, ids=[errno.errorcode[c] for c, _ in WRITE_ERRORS])
def test_a_failed_write_is_one_message_naming_the_cause_and_leaves_no_file(cli, register, monkeypatch, out_dir,
                                                                           isolated_env, code, words):
    register()
    from disputectl.oversight import ledger

    def half_written(rows: Any, path: Path) -> None:
        path.write_text("案件编号,受理日期\n", encoding="utf-8")  # part of the file, then the disk says no
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(ledger, "_write_csv", half_written)
    target = out_dir / "台账.csv"
    message = one_message(cli("export", "-o", str(target)))
    assert words in message, message
    assert target.name in message
    assert list(out_dir.iterdir()) == []  # neither the file nor its temporary twin
    assert not error_log(isolated_env).exists()


def test_a_failed_write_keeps_the_file_that_was_there(cli, register, monkeypatch, out_dir):
    register()
    from disputectl.oversight import ledger

    target = out_dir / "台账.csv"
    target.write_text("上次的台账", encoding="utf-8")

    def no_space(rows: Any, path: Path) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(ledger, "_write_csv", no_space)
    assert "空间不足" in one_message(cli("export", "-o", str(target)))
    assert target.read_text(encoding="utf-8") == "上次的台账"
    assert [p.name for p in out_dir.iterdir()] == ["台账.csv"]


def test_an_os_error_reading_something_else_is_not_blamed_on_the_output(out_dir):
    """Only a failure of the output file is explained as one; another file's error stays what it is."""
    from disputectl.oversight import ledger

    def elsewhere(tmp: Path) -> None:
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", str(out_dir.parent / "cases" / "x.yaml"))

    with pytest.raises(FileNotFoundError):
        ledger._atomic_write(out_dir / "r.html", elsewhere)
    assert list(out_dir.iterdir()) == []
    ledger.write_text(out_dir / "r.html", "<p>好</p>")
    assert (out_dir / "r.html").read_text(encoding="utf-8") == "<p>好</p>"


