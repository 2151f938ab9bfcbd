"""``--help`` in Chinese: the words typer and click print around the project's own help texts."""

import re
from typing import Any

from typer.core import TyperCommand, TyperGroup

# The words typer and its click print around our Chinese help texts (typer 0.28 writes "Usage: "
# and the help option's text itself, with no catalogue to translate them through).
# The arguments' names as a user reads them (help, and a message about a missing argument).
ARGUMENT_NAMES = {"case_id": "案件编号", "kind": "文书种类", "path": "路径", "url": "远端地址", "value": "值",
                  "file": "文件", "year": "年份", "clock": "时限", "officer_id": "工号"}


_HELP_WORDS = (
    (r"^Usage: (\S+(?: \S+)*?) \[OPTIONS\] COMMAND \[ARGS\]\.\.\.$", r"用法：\1 [选项] 命令 [参数]..."),
    (r"^Usage: (.*?) \[OPTIONS\]", r"用法：\1 [选项]"),
    (r"^Usage: ", "用法："),
    (r"^Options:$", "选项："),
    (r"^Arguments:$", "参数："),
    (r"^Commands:$", "命令："),
    (r"Show this message and exit\.", "显示本帮助并退出。"),
    (r"Install completion for the current shell\.", "为当前的命令行程序（bash、zsh 等）安装命令补全。"),
    (r"Show completion for the current shell, to copy it or\s+customize the installation\.",
     "显示当前命令行程序的命令补全脚本（可复制后自行安装）。"),
    # click joins what it adds after a help text into one bracket: [env var: X; default: Y; required]
    (r"\[env\s+var:(\s+)", lambda m: "[环境变量：" + _kept_break(m[1])),
    (r"(\[|;\s+)default:(\s+)", lambda m: ("[" if m[1] == "[" else "；") + "默认：" + _kept_break(m[2])),
    (r"(\[|;\s+)required\]", lambda m: ("[" if m[1] == "[" else "；") + "必填]"),
    (r"<(?:str|text)>", "<文字>"),
    (r"<path>", "<路径>"),
    (r"<(?:integer|int)>", "<整数>"),
    (r"<float>", "<数>"),
    (r"\{([a-z_]+)\}", lambda m: ARGUMENT_NAMES.get(m[1], m[1])),  # a required argument in the usage line
    (r"^(用法：.*) \[([a-z_]+)\]", lambda m: f"{m[1]} [{ARGUMENT_NAMES.get(m[2], m[2])}]"),  # an optional one
)



def chinese_help(text: str) -> str:
    """A help text with the framework's English words around it in Chinese."""
    for pattern, word in _HELP_WORDS:
        text = re.sub(pattern, word, text, flags=re.MULTILINE)
    return _arguments_in_chinese(text)


def _cells(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _arguments_in_chinese(text: str) -> str:
    """The 参数 section: each argument's name in Chinese, the descriptions lined up again (a
    Chinese character takes two columns)."""
    lines = text.split("\n")
    try:
        start = lines.index("参数：") + 1
    except ValueError:
        return text
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    rows = [re.match(r"^  ([a-z_]+)( +)(.*)$", line) for line in lines[start:end]]
    names = [ARGUMENT_NAMES.get(m[1], m[1]) for m in rows if m]
    if not names:
        return text
    old_column = next(2 + len(m[1]) + len(m[2]) for m in rows if m)
    column = 2 + max(_cells(n) for n in names) + 2
    for i, m in enumerate(rows, start):
        if m:
            label = ARGUMENT_NAMES.get(m[1], m[1])
            lines[i] = "  " + label + " " * (column - 2 - _cells(label)) + m[3]
        elif lines[i].startswith(" " * old_column):
            lines[i] = " " * column + lines[i][old_column:]
    return "\n".join(lines)


def _kept_break(space: str) -> str:
    """After a full-width colon: a line break click made there (with its indent) stays, a space goes."""
    return space if "\n" in space else ""


class ChineseHelp:
    """(Mixin.) ``--help`` that reads in Chinese throughout."""

    def get_help(self, ctx: Any) -> str:
        return chinese_help(super().get_help(ctx))  # type: ignore[misc]


class ChineseHelpCommand(ChineseHelp, TyperCommand):
    """Every command: its help in Chinese."""


class ChineseHelpGroup(ChineseHelp, TyperGroup):
    """A group of commands (``officer add`` …): its help in Chinese."""
