"""Options every command shares, the clock read at the edge, and output helpers."""


import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from disputectl.errors import ValidationError

TZ = ZoneInfo("Asia/Shanghai")
DEFAULT_STORE = Path("cases")

StoreOpt = Annotated[
    Path, typer.Option("--store", envvar="DISPUTECTL_STORE", help="案件库位置（默认 ./cases，或环境变量 DISPUTECTL_STORE）。",
                       show_default=False)
]
AsOpt = Annotated[
    str | None, typer.Option("--as", envvar="DISPUTECTL_OFFICER", help="以哪位工作人员身份操作（工号，或环境变量 DISPUTECTL_OFFICER）。")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="以 JSON 输出（字段名稳定，供其他程序读取）。")]
OccurredOpt = Annotated[str | None, typer.Option(
    "--occurred", help="补录：纸质材料记载的实际办理日期（如 2026-11-20）；时限从该日起算，记录中标明补录。")]


def parse_day(value: str | None, option: str, default: date | None = None) -> date | None:
    """A date option as typed (``--today``, ``--from``, ``--occurred`` …), or ``default``."""
    from disputectl.rules.validation import parse_date

    if value is None:
        return default
    parsed = parse_date(value)
    if parsed is None:
        raise ValidationError(f"{option} 的值“{value[:20]}”不是有效日期（应如 2026-11-26）。")
    return parsed


def parse_occurred(value: str | None) -> date | None:
    return parse_day(value, "--occurred（补录日期）")


CaseArg = Annotated[str, typer.Argument(help="案件编号，如 SW-20261126-001。", show_default=False)]

_UNBOUNDED_WIDTH = 1000  # columns of a table printed where no screen limits it


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # a stream without a file, or closed
        return False


class _Console:
    """rich's Console, imported on first use: ``--help`` and quiet paths never load rich."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Any = None

    def get(self) -> Any:
        """The Console itself (for rich objects that take one, like a progress bar).

        Printed into a pipe or a file (no terminal, no ``COLUMNS``), tables keep their natural
        width: rich would otherwise cut them to 80 columns, case numbers and dates shortened
        with "…" where a script or a saved listing needs them whole.
        """
        if self._console is None:
            from rich.console import Console

            options = dict(self._options)
            stream = sys.stderr if options.get("stderr") else sys.stdout
            if "COLUMNS" not in os.environ and not _is_terminal(stream):
                options["width"] = _UNBOUNDED_WIDTH
            self._console = Console(**options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.get(), name)


# emoji off: a payer named ":smile:" is shown as typed
out: Any = _Console(highlight=False, soft_wrap=True, emoji=False)
err: Any = _Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


def table(*columns: str, **options: Any) -> Any:
    """A rich Table (imported here, when a command has rows to show)."""
    from rich.table import Table

    return Table(*columns, **options)


def print_table(grid: Any, console: Any = None) -> None:
    """Print a rich Table, giving each column its natural width first when the table fits.

    The natural width is what rich would measure (the widest line of any cell, header included);
    given it, rich draws the cells without measuring each of them first, a third of the time of
    a 50-row list. A table too wide for the screen is left to rich to squeeze and wrap, and so is
    a cell that is not text.
    """
    from rich.cells import cell_len
    from rich.text import Text

    console = console or out.get()
    if (grid.show_footer or grid.width is not None or grid.expand or not grid.pad_edge or grid.collapse_padding
            or not grid.show_header and not grid.row_count
            or any(c.width is not None or c.min_width is not None or c.max_width is not None for c in grid.columns)):
        console.print(grid)  # layouts this shortcut does not add up: rich's own
        return
    widths: list[int] = []
    for column in grid.columns:
        width = 0
        for cell in (column.header, *column.cells) if grid.show_header else column.cells:
            text = console.render_str(cell) if isinstance(cell, str) else cell
            if not isinstance(text, Text) or "\t" in text.plain:
                console.print(grid)
                return
            width = max(width, *(cell_len(line) for line in text.plain.splitlines() or [""]))
        widths.append(width)
    # the table's width as rich adds it up: cells, their padding, the borders (tests compare the
    # output with rich's own at many screen widths, should these private helpers ever change)
    total = sum(widths) + sum(grid._get_padding_width(i) for i in range(len(widths))) + grid._extra_width
    if total <= console.options.max_width:
        for column, width in zip(grid.columns, widths, strict=True):
            column.width = width
    console.print(grid)


def plain(value: str) -> Any:
    """Plain text for a table cell: square brackets in it are not read as markup."""
    from rich.text import Text

    return Text(value)


def clock_fixed() -> bool:
    """Whether the clock is fixed from outside (``DISPUTECTL_NOW``): demo stores only."""
    return bool(os.environ.get("DISPUTECTL_NOW"))


def now() -> datetime:
    """The one place that reads the clock. ``DISPUTECTL_NOW`` fixes it for training and tests."""
    fixed = os.environ.get("DISPUTECTL_NOW")
    if fixed:
        try:
            value = datetime.fromisoformat(fixed)
        except ValueError:
            raise ValidationError(f"环境变量 DISPUTECTL_NOW 的值“{fixed[:30]}”不是有效时间（应如 2026-11-26T09:30:00）。") from None
        return value if value.tzinfo else value.replace(tzinfo=TZ)
    return datetime.now(TZ).replace(microsecond=0)


def session(store: Path, officer: str | None = None, *, check_rules: bool = True):  # type: ignore[no-untyped-def]
    from disputectl.record.session import open_session

    s = open_session(store, now=now(), officer_id=officer, fixed_clock=clock_fixed(), check_rules=check_rules)
    s.rebuilding = _rebuilding
    _open_sessions.append(s)
    return s


_open_sessions: list[Any] = []


def close_sessions() -> None:
    """End the git readers the command's sessions started: with the command, not the process
    (a process that runs many commands, as the tests do, would keep a pipe pair per command)."""
    while _open_sessions:
        _open_sessions.pop().git.close()


@contextmanager
def _rebuilding() -> Iterator[Callable[[int, int], None]]:
    """Around a rebuild a command has to make first (not ``reindex``): a minute or more at
    100,000 cases, said before it and shown as it goes."""
    err.print("正在重建查询索引（首次使用、升级后或索引需要重建时），案件较多，需要一些时间，请稍候……")
    with progress_bar("重建索引") as progress:
        yield progress


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar of case files on stderr (gone when done); yields ``progress(done, total)``."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TextColumn("件"), TimeElapsedColumn())
    with Progress(*columns, console=err.get(), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield progress


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


def say(message: str, *, mark: str = "", color: str = "", stderr: bool = False) -> None:
    """One line of plain text, written as it is (no markup: brackets in case data print as typed).

    Actions print a few such lines; rich (~50 ms to import) is kept for tables and progress bars.
    ``mark`` is coloured on a terminal unless NO_COLOR is set.
    """
    stream = sys.stderr if stderr else sys.stdout
    if mark and color and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb" and stream.isatty():
        mark = f"\x1b[{color}m{mark}\x1b[0m"
    stream.write(f"{mark}{message}\n")
    stream.flush()


def ok(message: str) -> None:
    say(message, mark="✔ ", color="32")


def warn(message: str) -> None:
    say(message, mark="提示：", color="33", stderr=True)


def interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()
