"""``due``, ``explain``, ``stats``, ``export``, ``report``: oversight lists, statistics and the 工作台账."""


from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from disputectl.cli.common import (
    DEFAULT_STORE,
    AsOpt,
    CaseArg,
    JsonOpt,
    StoreOpt,
    now,
    ok,
    out,
    parse_day,
    plain,
    print_json,
    print_table,
    session,
    table,
    warn,
)
from disputectl.errors import ValidationError

TodayOpt = Annotated[str | None, typer.Option("--today", help="按哪一天计算（如 2026-11-26，默认今天），便于复核。")]
FromOpt = Annotated[str | None, typer.Option("--from", help="起始日期（含），如 2026-01-01。")]
ToOpt = Annotated[str | None, typer.Option("--to", help="截止日期（含），如 2026-12-31。")]

_STYLE = {"overdue": "red", "due_soon": "yellow", "ok": "green"}


def _today(value: str | None) -> date:
    return parse_day(value, "--today") or now().date()


def _period(start: str | None, end: str | None) -> tuple[date | None, date | None]:
    first, last = parse_day(start, "--from"), parse_day(end, "--to")
    if first and last and first > last:
        raise ValidationError(f"--from {first} 晚于 --to {last}。")
    return first, last


def _full_period(start: str | None, end: str | None, today: date) -> tuple[date, date]:
    """A statistics period: by default from 1 January of ``today``'s year to ``today``."""
    first, last = _period(start, end)
    first, last = first or date(today.year, 1, 1), last or today
    if first > last:
        raise ValidationError(f"统计起始日 {first} 晚于截止日 {last}。")
    return first, last


def _warn_years(years: list[int]) -> None:
    if years:
        from disputectl.rules.calendar import missing_schedule_warning

        warn(missing_schedule_warning(years))


def due(
    store: StoreOpt = DEFAULT_STORE,
    officer: AsOpt = None,
    unit: Annotated[str | None, typer.Option(help="只看该单位（时限所等待的单位；代码、全称或简称）。")] = None,
    officer_filter: Annotated[str | None, typer.Option("--officer", help="只看该责任人（工号或姓名）。")] = None,
    today: TodayOpt = None,
    show_all: Annotated[bool, typer.Option("--all", help="列出全部未届满时限（默认只列超期和临期）。")] = False,
    limit: Annotated[int, typer.Option(help="最多显示条数（0 表示全部；--json 总是全部）。")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """督办清单：未办结案件的超期、临期时限，按单位和责任人，最紧急的在前。"""
    from disputectl.oversight.due import due_list

    day = _today(today)
    s = session(store, officer)
    from disputectl.rules import filters

    unit = filters.unit_code(unit, s.config) if unit else None
    officer_filter = filters.officer_id(officer_filter, s.config) if officer_filter else None
    result = due_list(s, day, unit=unit, officer=officer_filter, include_all=show_all)
    _warn_years(result["missing_years"])
    _print_due(result, day, show_all, limit, as_json)
    if not as_json:
        from disputectl.documents.issuing import notice_title

        for n in result["stale_notices"]:
            warn(f"{n['case']} 的{notice_title(n['kind'])}{n['number'] or ''}所载期限 {n['stated']} 与现行日历不符"
                 f"（现为 {n['now']}）：请用 disputectl notice {n['case']} {n['kind']} --corrected 更正。")
    _warn_unreadable(result["unreadable"])


def _warn_unreadable(files: list[dict[str, str]]) -> None:
    """After the due list: the cases it lacks, whatever the filters (what they hold cannot be told)."""
    if files:
        from disputectl.record.index import unreadable_message

        warn(unreadable_message([(f["case"], f["path"]) for f in files], "未列入督办清单（其中可能有超期、临期的时限）"))


def _print_due(result: dict[str, Any], day: date, show_all: bool, limit: int, as_json: bool) -> None:
    if as_json:
        print_json(result)
        return
    counts = result["counts"]
    summary = f"超期 {counts['overdue']} 项，临期 {counts['due_soon']} 项" + (f"，正常 {counts['ok']} 项" if show_all else "")
    if not result["rows"]:
        out.print(f"截至 {day}：没有{'未届满的时限' if show_all else '超期或临期的时限'}。")
        return
    grid = table(title=f"督办清单（截至 {day}）：{summary}")
    for header in ("状态", "案件编号", "缴费人", "时限", "承办单位", "责任人", "届满日", "超期/剩余"):
        grid.add_column(header, no_wrap=header in ("状态", "案件编号", "届满日"))
    shown = result["rows"][:limit] if limit > 0 else result["rows"]
    for r in shown:
        unit_word = "日" if r["calendar_days"] else "个工作日"
        when = f"超期 {r['late']} {unit_word}" if r["state"] == "overdue" else f"剩 {r['remaining']} {unit_word}"
        style = _STYLE[r["state"]]
        grid.add_row(f"[{style}]{r['state_label']}[/{style}]", r["case"], plain(r["payer"]), r["clock_label"],
                      r["unit_name"], r["officer_name"], r["due"], when)
    print_table(grid)
    if len(shown) < len(result["rows"]):
        out.print(f"只显示最紧急的 {len(shown)} 项（共 {len(result['rows'])} 项）；用 --unit、--officer 筛选，或 --limit 0 显示全部。")


def explain(
    case_id: CaseArg,
    clock: Annotated[str | None, typer.Argument(help="只看一个时限：如 handle、reply、opinion:RS 或 办理。",
                                                show_default=False)] = None,
    store: StoreOpt = DEFAULT_STORE,
    officer: AsOpt = None,
    today: TodayOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """时限怎么算的：起算日、跳过的休息日和节假日、调休上班日、延期、是否超期。"""
    from disputectl.oversight.due import explain_case

    day = _today(today)
    s = session(store, officer)
    result = explain_case(s, case_id, day, clock)
    _warn_years(result["missing_years"])
    if as_json:
        print_json(result)
        return
    out.print(f"[bold]案件 {result['case']}[/bold]  {result['status_label']}")
    for c in result["clocks"]:
        style = {"overdue": "red", "due_soon": "yellow"}.get(c["state"], "")
        label = f"[{style}]{c['state_label']}[/{style}]" if style else c["state_label"]
        out.print(f"\n[bold]{c['label']}[/bold] 届满日 {c['due']}  {label}")
        for line in c["lines"]:
            out.print(f"  {line}", markup=False)


def stats(
    store: StoreOpt = DEFAULT_STORE,
    officer: AsOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    by: Annotated[list[str] | None, typer.Option("--by", help="分组：category（类别）、unit（承办单位）、region（属地）、"
                                                        "intake（受理单位），可多次使用；默认都列。")] = None,
    today: TodayOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """统计：受理、办结、按期办结、未办结、当前超期、平均/中位办理工作日、异议、回访率、满意率、就地解决率（默认本年初至今）。"""
    from disputectl.oversight.common import GROUPINGS, refuse_unreadable
    from disputectl.oversight.stats import period_stats

    day = _today(today)
    first, last = _full_period(start, end, day)
    s = session(store, officer)
    refuse_unreadable(s, "统计数字会漏掉它们，因此未统计")
    result = period_stats(s, first, last, day, by=[b.strip().lower() for b in by] if by else tuple(GROUPINGS))
    if as_json:
        print_json(result)
        return
    out.print(f"[bold]统计期间 {result['from']} 至 {result['to']}[/bold]（当前数字截至 {result['today']}）")
    for key, rows in result["groups"].items():
        for grid in _stats_table(GROUPINGS[key], rows, result["totals"]):
            print_table(grid)
    if not result["groups"]:
        for grid in _stats_table("合计", [], result["totals"]):
            print_table(grid)
    objections: dict[str, dict[str, int]] = result["objections_by"]
    if objections["channel"] or objections["outcome"]:
        out.print("异议（按救济途径）：" + ("、".join(f"{k} {v} 件" for k, v in objections["channel"].items()) or "无")
                  + "；处理结果（按种类）：" + ("、".join(f"{k} {v} 件" for k, v in objections["outcome"].items()) or "无"),
                  markup=False)


def _stats_table(label: str, rows: list[dict[str, Any]], totals: dict[str, Any]) -> tuple[Any, Any]:
    """Two tables: how the cases were handled, and how the payers took it."""
    grid = table(label, "受理", "办结", "按期办结", "按期率", "未办结", "当前超期", "平均工作日", "中位工作日", "异议",
                 title=f"按{label}")
    care = table(label, "办结", "书面回复", "回访", "回访率", "满意率", "就地解决", "就地解决率", title=f"按{label}：回访与就地解决")
    for r in [*rows, {"name": "合计", **totals}]:
        avg = "—" if r["avg_reply_workdays"] is None else f"{r['avg_reply_workdays']:g}"
        median = "—" if r["median_reply_workdays"] is None else f"{r['median_reply_workdays']:g}"
        grid.add_row(r["name"], str(r["received"]), str(r["closed"]), str(r["closed_on_time"]), _pct(r["on_time_rate"]),
                     str(r["open"]), str(r["overdue_now"]), avg, median, str(r["objections"]))
        care.add_row(r["name"], str(r["closed"]), str(r["replied"]), str(r["followed_up"]), _pct(r["followup_rate"]),
                     _pct(r["satisfaction_rate"]), str(r["local"]), _pct(r["local_rate"]))
    return grid, care


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="输出文件，如 台账.xlsx。", show_default=False)],
    store: StoreOpt = DEFAULT_STORE,
    officer: AsOpt = None,
    fmt: Annotated[str | None, typer.Option("--format", help="xlsx 或 csv（默认按文件扩展名）。")] = None,
    start: FromOpt = None,
    end: ToOpt = None,
    today: TodayOpt = None,
    reveal: Annotated[bool, typer.Option("--reveal", help="导出完整证件号码和电话（仅限配置允许的角色）。")] = False,
) -> None:
    """导出工作台账（每案一行）：Excel（.xlsx）或 CSV（UTF-8，Excel 可直接打开）。"""
    from disputectl.oversight.common import refuse_unreadable
    from disputectl.oversight.ledger import ledger_rows, write_ledger
    from disputectl.services import revealer

    kind = (fmt or output.suffix.lstrip(".")).lower()
    if kind not in ("xlsx", "csv"):
        raise ValidationError("请用 --format xlsx 或 --format csv（或使用 .xlsx / .csv 扩展名）。")
    day = _today(today)
    first, last = _period(start, end)
    s = session(store, officer)
    refuse_unreadable(s, "工作台账会漏掉它们，因此未导出")  # before a reveal is put on the record
    rows = ledger_rows(s, day, start=first, end=last, unseal=revealer(s, reveal, purpose="导出工作台账"))
    count = write_ledger(rows, output, kind)
    ok(f"已导出工作台账 {count} 件：{output}")


def report(
    html_file: Annotated[Path, typer.Option("--html", help="输出的 HTML 文件。", show_default=False)],
    store: StoreOpt = DEFAULT_STORE,
    officer: AsOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    today: TodayOpt = None,
) -> None:
    """生成统计报告（单个 HTML 文件，含图表，离线可看，默认本年初至今）。"""
    from disputectl.oversight.common import refuse_unreadable
    from disputectl.oversight.html_report import render_html, report_data
    from disputectl.oversight.ledger import write_text

    day = _today(today)
    first, last = _full_period(start, end, day)
    s = session(store, officer)
    refuse_unreadable(s, "统计报告会漏掉它们，因此未生成")
    data = report_data(s, first, last, day)
    write_text(html_file, render_html(data))
    ok(f"已生成统计报告：{html_file}（{first} 至 {last}）")


def register(app: typer.Typer) -> None:
    app.command("due")(due)
    app.command("explain")(explain)
    app.command("stats")(stats)
    app.command("export")(export)
    app.command("report")(report)
