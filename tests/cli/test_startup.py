"""Start-up: a run builds only the command it runs, and that changes nothing a user sees."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EMPLOYER, field_args
from typer.testing import CliRunner

from disputectl.cli.main import _app_for, app

NAMES = [c.name for c in app.registered_commands]


def test_every_command_is_registered_once() -> None:
    assert len(NAMES) == len(set(NAMES)) and {"register", "note", "due", "sync"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_a_command_alone_behaves_as_in_the_whole_app(name: str) -> None:
    single = _app_for([name, "--help"])
    assert single is not app and [c.name for c in single.registered_commands] == [name]
    runner = CliRunner()
    alone = runner.invoke(single, [name, "--help"], prog_name="disputectl")
    whole = runner.invoke(app, [name, "--help"], prog_name="disputectl")
    assert alone.exit_code == whole.exit_code == 0
    assert alone.output == whole.output
    bad = runner.invoke(single, [name, "--no-such-option"], prog_name="disputectl")
    assert bad.exit_code == 2 and "没有选项 --no-such-option" in bad.output


def test_no_command_or_an_unknown_one_gets_the_whole_app() -> None:
    assert _app_for([]) is app and _app_for(["--help"]) is app and _app_for(["nosuch"]) is app


def test_the_rest_of_the_commands_are_not_built() -> None:
    # the installed entry point: `note --help` must not turn the other commands into click commands
    code = ("import sys, typer.main as tm\n"
            "orig = tm.get_command_from_info\n"
            "def spy(command_info, **kw):\n"
            "    sys.stderr.write('BUILT ' + command_info.name + '\\n')\n"
            "    return orig(command_info, **kw)\n"
            "tm.get_command_from_info = spy\n"
            "from disputectl.cli.main import run\n"
            "sys.argv = ['disputectl', 'note', '--help']\n"
            "run()\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0 and "备注" in result.stdout
    assert [line for line in result.stderr.splitlines() if line.startswith("BUILT")] == ["BUILT note"]


def _entry(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    code = "import sys; from disputectl.cli.main import run; sys.argv = ['disputectl'] + sys.argv[1:]; run()"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env)


def test_the_entry_point_exits_with_the_commands_code_and_all_its_output(store: Path) -> None:
    # run() leaves with os._exit: the exit status and every line printed must still come out
    bad = _entry("nosuch")
    assert bad.returncode == 2 and "没有这个命令：nosuch" in bad.stderr and "Traceback" not in bad.stderr
    missing = _entry("show", "SW-20990101-001", "--store", str(store))
    assert missing.returncode != 0 and "没有找到案件 SW-20990101-001" in missing.stderr
    listed = _entry("officers", "--json", "--store", str(store))
    assert listed.returncode == 0
    officers = json.loads(listed.stdout)  # the whole document: nothing lost in a buffer at exit
    assert len(officers) > 10 and listed.stdout.endswith("]\n")


def test_the_index_is_closed_properly_before_the_quick_exit(store: Path) -> None:
    # a write-ahead log left behind is read again in full by every later command
    from disputectl.record.index import index_file

    for command in (["register", *field_args(EMPLOYER), "--no-input", "--as", "sw-registrar", "--store", str(store)],
                    ["list", "--store", str(store)], ["reindex", "--store", str(store)]):
        result = _entry(*command)
        assert result.returncode == 0, result.stderr
        index = index_file(store / ".git")
        assert index.is_file()
        wal = index.with_name(index.name + "-wal")
        assert not wal.exists() or wal.stat().st_size == 0, command


ENGLISH_HELP_WORDS = ("Usage:", "Options:", "Arguments:", "Commands:", "Show this message", "env var", "default:",
                      "[required]", "[OPTIONS]", "COMMAND [ARGS]", "<str>", "<path>", "<integer>", "<text>", "{case_id}",
                      "{kind}", "  case_id ")


GROUP_COMMANDS = sorted(f"{g.name} {c.name}" for g in app.registered_groups for c in g.typer_instance.registered_commands)


@pytest.mark.parametrize("command", [None, *sorted(c.name for c in app.registered_commands if c.name),
                                     *sorted(str(g.name) for g in app.registered_groups), *GROUP_COMMANDS])
def test_help_reads_in_chinese_throughout(command: str | None) -> None:
    """Not only our texts: the words the framework prints around them (usage, sections, the help
    option, environment variables, defaults, required arguments) are Chinese too."""
    argv = [*command.split(), "--help"] if command else ["--help"]
    result = CliRunner().invoke(_app_for(argv), argv, env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("用法：disputectl") and "选项：" in result.stdout
    assert "显示本帮助并退出。" in result.stdout
    assert [word for word in ENGLISH_HELP_WORDS if word in result.stdout] == []
