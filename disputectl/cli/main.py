"""The ``disputectl`` command: parses arguments and maps errors to one Chinese message."""


import atexit
import os
import re
import sys
import traceback
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from disputectl.cli.chinese_help import ChineseHelp, ChineseHelpCommand
from disputectl.cli.common import err
from disputectl.errors import DisputeError

INTERNAL_ERROR_EXIT = 70


class ChineseErrorsGroup(ChineseHelp, TyperGroup):
    """Every failure ends as one message on stderr and a non-zero exit, never a traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:  # typer would turn it into a bare exit 130, saying nothing
            raise typer.Abort() from None

    def _main(self, *args: Any, **kwargs: Any) -> Any:
        from disputectl.cli.common import close_sessions

        try:
            return super().main(*args, **kwargs)
        finally:
            close_sessions()

    def main(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs["standalone_mode"] = False
        argv = kwargs.get("args") if "args" in kwargs else (args[0] if args else None)
        words = [str(a) for a in (sys.argv[1:] if argv is None else argv)]
        if any(_SURROGATE.search(a) for a in words):
            # bytes that are not UTF-8 (a GBK terminal, a damaged script) cannot be stored or searched
            err.print("[red]命令用法有误：[/red]参数中有无法识别的字符（不是 UTF-8 编码的文字），请改用 UTF-8 输入。")
            sys.exit(2)
        try:
            rv = self._main(*args, **kwargs)
        except DisputeError as exc:
            from disputectl.rules.personal import mask_valid_personal_data

            # a valid identifier or mobile (typed into the wrong field) is quoted masked; a mistyped
            # one as typed, so the officer sees the mistake
            err.print(f"[red]错误：[/red]{_printable(mask_valid_personal_data(str(exc)))}", markup=True)
            sys.exit(exc.exit_code)
        except typer.Exit as exc:
            sys.exit(exc.exit_code)
        except typer.Abort:
            err.print("已取消。")
            sys.exit(130)
        except typer.TyperException as exc:
            err.print(f"[red]命令用法有误：[/red]{_printable(_usage_message(exc))}（用 --help 查看用法）")
            sys.exit(2)
        except KeyboardInterrupt:
            err.print("已取消。")
            sys.exit(130)
        except (OSError, MemoryError) as exc:  # the machine, not the program: say what it is
            from disputectl.errors import os_error_cause

            err.print(f"[red]错误：[/red]{os_error_cause(exc)}，命令没有完成。涉及办理的，请用 disputectl log 核对操作是否已记录；"
                      "排除后可运行 disputectl doctor 检查。", markup=True)
            sys.exit(74)
        except Exception:  # noqa: BLE001 - the last line of defence
            log = _log_internal_error(words)
            err.print(f"[red]内部错误：[/red]程序出现意外问题，详细信息已记入 {log}。请用 disputectl log 核对操作是否已记录，并联系系统管理员。")
            sys.exit(INTERNAL_ERROR_EXIT)
        sys.exit(rv if isinstance(rv, int) else 0)


_SURROGATE = re.compile(r"[\ud800-\udfff]")
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")


def _printable(text: str) -> str:
    """A message safe for the terminal: no markup, no escape sequences, no invisible reordering.

    Messages quote what the officer typed; a ``[/x]`` must not be read as markup and an
    ``ESC`` must not reach the terminal, so both are shown as written (``\\x1b``).
    """
    from rich.markup import escape

    return escape(_UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape", "backslashreplace").decode("ascii"), text))


def _usage_message(exc: Exception) -> str:
    name = type(exc).__name__
    option = getattr(exc, "option_name", None)
    hint = getattr(exc, "param_hint", None)
    if isinstance(hint, list | tuple):
        hint = " / ".join(hint)
    if name == "NoSuchOption":
        return f"没有选项 {option}"
    if name == "MissingParameter":
        label = _param_label(exc, hint)
        return f"缺少选项 {label}" if label.startswith("-") else f"缺少{label}"
    if name == "BadParameter":
        # click's reason is English ("'abc' is not a valid int."): only the value is kept from it
        from disputectl.rules.personal import mask_personal_data

        given = re.match(r"'(.*)' is not a valid (\w+)", str(getattr(exc, "message", "")))
        if given:
            kind = {"int": "整数", "integer": "整数", "float": "数"}.get(given[2], "值")
            return f"{_spaced(_param_label(exc, hint))}的值“{mask_personal_data(given[1][:20])}”不是有效的{kind}"
        return f"{_spaced(_param_label(exc, hint))}的值无效"
    if name == "NoArgsIsHelpError":
        return "缺少子命令"
    message = getattr(exc, "message", str(exc))
    needs = re.match(r"Option '([^']+)' requires (?:an argument|\d+ arguments)", message)
    if needs:
        return f"选项 {needs[1]} 后面需要给出一个值"
    if message.startswith("No such command"):
        return "没有这个命令：" + message.split("'")[1] if "'" in message else message
    if message.startswith("Got unexpected extra argument"):
        return "多余的参数：" + message.split("(")[-1].rstrip(")")
    return message


def _param_label(exc: Exception, hint: str | None) -> str:
    """The parameter a usage error is about, as the user knows it: ``--limit``, 案件编号."""
    from disputectl.cli.chinese_help import ARGUMENT_NAMES

    param = getattr(exc, "param", None)
    label = ARGUMENT_NAMES.get(getattr(param, "name", "") or "", None) if param is not None else None
    opts = getattr(param, "opts", None) if param is not None and getattr(param, "param_type_name", "") == "option" else None
    return label or (opts[0] if opts else "") or (hint.strip("'\"") if hint and hint != "None" else "参数")


def _spaced(label: str) -> str:
    return label + " " if label[-1:].isascii() else label


def _log_internal_error(argv: list[str]) -> Path:
    """Append the traceback to the error log, for the system administrator.

    The log keeps no personal data: of the command line only the command and the names of
    its options (never their values, never positional arguments such as a case number), and
    any 身份证号码, 统一社会信用代码 or telephone number in the traceback is masked.
    """
    base = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / "disputectl"
    path = base / "error.log"
    from disputectl.rules.personal import mask_personal_data

    try:
        entry = mask_personal_data(f"--- {datetime.now().isoformat()} {_command_outline(argv)}\n{traceback.format_exc()}\n")
        base.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with open(fd, "a", encoding="utf-8", errors="backslashreplace") as fh:
            os.fchmod(fd, 0o600)  # a log written by an earlier version may be readable by others
            fh.write(entry)
    except Exception:  # noqa: BLE001 - logging must never hide the message to the officer
        pass
    return path


_OPTION_NAME = re.compile(r"--?[A-Za-z][A-Za-z0-9-]{0,40}")
_COMMAND_NAME = re.compile(r"[a-z][a-z-]{0,30}")


def _command_outline(argv: list[str]) -> str:
    """``disputectl register --payer-id=… --no-input``: the command and its option names, no values."""
    words = ["disputectl"]
    takes_value: dict[str, bool] = {}
    command: Any = None
    rest = list(argv)
    try:
        command = typer.main.get_command(_app_for(argv))
        while rest and rest[0] in (getattr(command, "commands", None) or {}):  # a group: its command
            words.append(rest[0])
            command = command.commands[rest.pop(0)]
        for param in getattr(command, "params", []):
            if getattr(param, "param_type_name", "") == "option":
                for name in param.opts:
                    takes_value[name] = not (param.is_flag or param.count)
                for name in param.secondary_opts:
                    takes_value[name] = False
    except Exception:  # noqa: BLE001 - then the option names alone, each as if it took no value
        takes_value.clear()
    if len(words) == 1 and rest and _COMMAND_NAME.fullmatch(rest[0]):
        words.append(rest.pop(0))
    i = 0
    while i < len(rest):
        word = rest[i]
        i += 1
        if word == "--":  # everything after it is positional
            break
        name, given, _ = word.partition("=") if word.startswith("--") else (word[:2], "", "")
        if not word.startswith("-") or not _OPTION_NAME.fullmatch(name):
            continue  # a positional argument (a case number, a file, a value): never logged
        if word.startswith("--") or len(word) == 2:
            if given or (takes_value.get(name) and i < len(rest)):
                words.append(f"{name}=…")
                i += 0 if given else 1
            else:
                words.append(name)
        elif takes_value.get(name):  # -ofile: the value joined to a short option
            words.append(f"{name}=…")
        elif _OPTION_NAME.fullmatch(word):  # -qv: short flags together
            words.append(word)
    return " ".join(words)


def _new_app() -> typer.Typer:
    return typer.Typer(
        cls=ChineseErrorsGroup,
        name="disputectl",
        help="社会保险费征缴争议联合处置：受理登记、分类流转、事项办理、回复反馈、案卷归档。",
        no_args_is_help=True,
        add_completion=True,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
    )


app = _new_app()


def _register_commands() -> None:
    from disputectl.cli import (
        admin_cmds,
        cases,
        import_cmds,
        index_cmds,
        report_cmds,
        store_cmds,
        sync_cmds,
        workflow_cmds,
    )

    store_cmds.register(app)
    admin_cmds.register(app)
    cases.register(app)
    import_cmds.register(app)
    workflow_cmds.register(app)
    report_cmds.register(app)
    sync_cmds.register(app)
    index_cmds.register(app)
    for command in app.registered_commands:  # typer's own class, unless a command asked for another
        if command.cls in (None, TyperCommand):
            command.cls = ChineseHelpCommand


_register_commands()


def _app_for(argv: list[str]) -> typer.Typer:
    """The app to run for these arguments: when they name a command, an app holding only it.

    typer turns every registered command into a click command (signature, options, types) on
    each run; for the one command being run, the other forty are wasted start-up time.
    """
    chosen = [c for c in app.registered_commands if argv and c.name == argv[0]]
    groups = [g for g in app.registered_groups if argv and g.name == argv[0]]
    if not chosen and not groups:
        return app
    single = _new_app()
    single.registered_commands = chosen
    single.registered_groups = groups
    # with a callback the app stays a group of commands (`disputectl note …`), as with all of them
    single.callback()(_group)
    return single


def _show_version(value: bool) -> None:
    if value:
        from disputectl import __version__

        sys.stdout.write(f"disputectl {__version__}\n")
        raise typer.Exit(0)


def _group(
    version: Annotated[bool, typer.Option("--version", help="显示版本并退出。", is_eager=True,
                                          callback=_show_version)] = False,
) -> None:
    """社会保险费征缴争议联合处置：受理登记、分类流转、事项办理、回复反馈、案卷归档。"""


app.callback()(_group)


def run() -> None:
    """The installed command: run, write out what was printed, and leave at once.

    Tearing the interpreter down (clearing every module, collecting every object) took 50–80 ms
    after each command. Nothing else is left for it to do: commits are complete, files are
    closed by their ``with`` blocks, locks and pipes are released by the system; what must be
    closed properly (the derived index) registered itself with ``atexit``, run here.
    """
    try:
        _app_for(sys.argv[1:])()
        code = 0
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:
            sys.stderr.write(f"{exc.code}\n")
            code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that went away (`| head`), a closed stream
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
