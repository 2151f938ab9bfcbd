"""``--help`` in Chinese: the words typer and click print around the project's own help texts."""

import re
from typing import Any

from typer.core import TyperCommand, TyperGroup

# The words typer and its click print around our Chinese help texts (typer 0.28 writes "Usage: "
# and the help option's text itself, with no catalogue to translate them through).
_HELP_WORDS = (
    (r"^Usage: (\S+(?: \S+)*?) \[OPTIONS\] COMMAND \[ARGS\]\.\.\.$", r"用法：\1 [选项] 命令 [参数]..."),
    (r"^Usage: (.*?) \[OPTIONS\]", r"用法：\1 [选项]"),
    (r"^Usage: ", "用法："),
    (r"^Options:$", "选项："),
    (r"^Arguments:$", "参数："),
    (r"^Commands:$", "命令："),
    (r"Show this message and exit\.", "显示本帮助并退出。"),
    (r"\[env\s+var:(\s+)", lambda m: "[环境变量：" + _kept_break(m[1])),
    (r"\[default:(\s+)", lambda m: "[默认：" + _kept_break(m[1])),
    (r"\[required\]", "[必填]"),
)


def chinese_help(text: str) -> str:
    """A help text with the framework's English words around it in Chinese."""
    for pattern, word in _HELP_WORDS:
        text = re.sub(pattern, word, text, flags=re.MULTILINE)
    return text


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
