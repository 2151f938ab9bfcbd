"""Start-up: a run builds only the command it runs, and that changes nothing a user sees."""

from __future__ import annotations

import subprocess
import sys

import pytest
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
            "built = []\n"
            "orig = tm.get_command_from_info\n"
            "tm.get_command_from_info = lambda command_info, **kw: (built.append(command_info.name), orig(command_info, **kw))[1]\n"
            "from disputectl.cli.main import run\n"
            "sys.argv = ['disputectl', 'note', '--help']\n"
            "try:\n    run()\nexcept SystemExit:\n    pass\n"
            "print('BUILT', built, file=sys.stderr)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "备注" in result.stdout
    assert "BUILT ['note']" in result.stderr
