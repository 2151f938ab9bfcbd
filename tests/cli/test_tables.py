"""Tables are printed with their columns' natural widths given up front (quicker to draw): the
output is exactly what rich draws when it measures every cell itself, at any screen width."""

from __future__ import annotations

import io
from typing import Any

import pytest
from rich.console import Console
from rich.table import Table
from rich.text import Text

from disputectl.cli.common import print_table


def _tables() -> list[Table]:
    due = Table(title="督办清单（截至 2026-12-01）：超期 3 项，临期 1 项")
    for header in ("状态", "案件编号", "缴费人", "时限", "承办单位", "责任人", "届满日", "超期/剩余"):
        due.add_column(header, no_wrap=header in ("状态", "案件编号", "届满日"))
    for i in range(12):
        due.add_row("[red]超期[/red]" if i % 2 else "[yellow]临期[/yellow]", f"SW-20261118-{i:03d}",
                    Text("示例[新材料]科技有限公司" * (1 + i % 3)), "办理时限", "国家税务总局示例市税务局",
                    "张三（sw-officer-1）" if i % 4 else "—", "2026-11-20", f"超期 {i * 7} 个工作日")
    stats = Table("类别", "受理", "办结", "按期率", "平均工作日", title="争议类别")
    stats.add_row("1 缴费基数核定", "1,204", "1,100", "97.5%", "6.2")
    stats.add_row("", "", "", "", "")
    stats.add_row("合计", "12", "9", "—", "—", style="bold")
    show = Table("时间", "事项", "人员", "单位", "内容", title="经过")
    show.add_row("2026-11-26 09:30", "登记", "王敏", "SW", "对缴费基数有异议\n请求重新核定")
    show.add_row("2026-11-27 10:00", "备注", "李四", "BGS", Text("缴费人来电询问进度，称“尚未收到回复”", style="dim"))
    empty = Table("编号", "缴费人")
    bare = Table.grid()  # no header, no edge padding
    bare.add_row("甲", "乙丙")
    narrow = Table("类别", "说明", min_width=40, title="定宽")
    narrow.add_column("备注", max_width=6)
    narrow.add_row("1", "缴费基数核定", "一二三四五六七八")
    headless = Table("a", show_header=False)
    return [due, stats, show, empty, bare, narrow, headless]


@pytest.mark.parametrize("width", [200, 120, 100, 80, 60, 30])
def test_printed_tables_match_what_rich_measures_itself(width: int) -> None:
    def draw(printer: Any) -> list[str]:
        outputs = []
        for grid in _tables():
            console = Console(file=io.StringIO(), width=width, highlight=False, soft_wrap=True, emoji=False,
                              color_system="truecolor", force_terminal=True)
            printer(grid, console)
            outputs.append(console.file.getvalue())
        return outputs

    ours = draw(lambda grid, console: print_table(grid, console))
    theirs = draw(lambda grid, console: console.print(grid))
    assert ours == theirs
    assert width < 100 or any("SW-20261118-011" in text for text in ours)


def test_natural_widths_are_given_when_the_table_fits() -> None:
    grid = _tables()[1]
    console = Console(file=io.StringIO(), width=120)
    print_table(grid, console)
    assert [c.width for c in grid.columns] == [14, 5, 5, 6, 10]
    narrow = _tables()[0]
    print_table(narrow, Console(file=io.StringIO(), width=60))
    assert all(c.width is None for c in narrow.columns)  # too wide: rich squeezes and wraps it


def test_tables_printed_into_a_pipe_keep_their_width(cli: Any, register: Any) -> None:
    """Into a pipe or a file (no terminal, no COLUMNS) a table is not cut to 80 columns: case
    numbers and times stay whole for a script or a saved listing; COLUMNS still limits it."""
    case = register(payer_name="示例市某某新材料科技股份有限公司第一分公司")
    piped = cli("list", env={"COLUMNS": None})
    assert piped.exit_code == 0, piped.output
    row = next(line for line in piped.stdout.splitlines() if case in line)
    assert "2026-11-26 10:00" in row and "示例市某某新材料科技股份有限公司第一分公司" in row and "…" not in row
    narrow = cli("list", env={"COLUMNS": "80"})
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 80
