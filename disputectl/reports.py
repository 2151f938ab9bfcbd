"""Oversight (督办、统计): what is due, how each date was counted, statistics, the 工作台账, a report.

Reads the store through a ``Session`` and nothing else: ``today`` is always passed in, so every
list and figure can be reproduced for any day.
"""

from __future__ import annotations

import html
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from .calendar import format_day
from .derive import CLOSING_ACTIONS, action_day, case_facts, clock_label, due_facts
from .errors import NotFound, ValidationError
from .registration import payer_kind_label
from .services import Session, case_states, current_state, load_case
from .validation import mask_identifier, mask_phone
from .views import clock_view
from .workflow import ACTIONS, CLOSED_STATUSES, STATUSES

Record = tuple[dict[str, Any], dict[str, Any]]  # a case and its state replayed now

_URGENCY = {"overdue": 0, "due_soon": 1, "ok": 2}
_ROUTING = {"route_self": "本单位办理", "route_transfer": "转办", "route_office": "流转领导组办公室"}
_TRIAGE = {"general": "一般事项", "major": "重大疑难事项"}
GROUPINGS = {"category": "争议类别", "unit": "承办单位", "region": "属地"}


def load_records(s: Session) -> list[Record]:
    return case_states(s)


def _open_due_facts(s: Session, today: date, include_all: bool) -> list[dict[str, Any]]:
    """``derive.due_facts`` of the cases a due list can show: open ones, and unless ``--all``
    only those with a clock near its limit."""
    closed = ", ".join(f"'{status}'" for status in sorted(CLOSED_STATUSES))
    s.index.refresh()
    if include_all:
        return s.index.due_facts(f"status NOT IN ({closed})")
    horizon = s.calendar.add_workdays(today, s.config.clocks["warn_days"] + 1).isoformat()
    return s.index.due_facts(f"status NOT IN ({closed}) AND id IN "
                             "(SELECT case_id FROM clocks WHERE stopped IS NULL AND due <= ?)", (horizon,))


def registered_on(case: dict[str, Any]) -> date:
    return action_day(case["actions"][0])


def closed_on(case: dict[str, Any]) -> date | None:
    """The day of the action that closed the case (回复、移交、撤回), by the action's own date."""
    return next((action_day(a) for a in case["actions"] if a["action"] in CLOSING_ACTIONS), None)


def officer_name(s: Session, officer_id: str | None) -> str:
    if not officer_id:
        return "—"
    officer = s.config.officers.get(officer_id)
    return officer.name if officer else officer_id


def clock_unit(clock: dict[str, Any], state: dict[str, Any]) -> str:
    """The unit a clock waits on: an opinion clock's own unit, otherwise the holding unit."""
    _, _, unit = clock["name"].partition(":")
    return unit or state["unit"]


def responsible_officer(s: Session, facts: dict[str, Any], unit: str) -> str | None:
    """The 首问责任人 while registered; else whoever last acted for ``unit`` (``derive.due_facts``)."""
    if facts["status"] == "registered":
        return str(facts["first_officer"])
    known = s.config.units.get(unit)
    if known is not None and known.external:  # the platform is followed up by the office
        unit = s.config.office_unit
    acted: dict[str, str] = facts["acted"]
    return acted.get(unit)


def _late_now(s: Session, clock: dict[str, Any], today: date) -> int:
    due = date.fromisoformat(clock["due"])
    if clock["calendar_days"]:
        return max(0, (today - due).days)
    return s.calendar.workdays_late(due, today)


def _remaining(s: Session, clock: dict[str, Any], today: date) -> int:
    due = date.fromisoformat(clock["due"])
    if clock["calendar_days"]:
        return max(0, (due - today).days)
    return s.calendar.workdays_between(today, due)


def _missing_years(s: Session, clocks: Iterable[dict[str, Any]]) -> list[int]:
    years: set[int] = set()
    for clock in clocks:
        if not clock["calendar_days"]:
            years.update(s.calendar.missing_years(date.fromisoformat(clock["start"]),
                                                  date.fromisoformat(clock["due"])))
    return sorted(years)


# --------------------------------------------------------------------------- due lists


def due_list(s: Session, today: date, *, unit: str | None = None, officer: str | None = None,
             include_all: bool = False, records: list[Record] | None = None) -> dict[str, Any]:
    """Open clocks of open cases, most urgent first: 超期 (most late first), 临期 by date, 正常."""
    rows: list[dict[str, Any]] = []
    used: list[dict[str, Any]] = []
    if records is None:
        items = _open_due_facts(s, today, include_all)
    else:
        items = [due_facts(case, state, s.config) for case, state in records]
    for facts in items:
        if facts["status"] in CLOSED_STATUSES:
            continue
        for clock in facts["clocks"]:
            view = clock_view(clock, s.config, s.calendar, today)
            holder = clock_unit(clock, facts)
            who = responsible_officer(s, facts, holder)
            if unit and holder != unit.upper() or officer and who != officer:
                continue
            if not include_all and view["state"] == "ok":
                continue
            used.append(clock)
            rows.append({
                "case": facts["id"], "payer": facts["payer"],
                "category": facts["category"], "category_name": _category_name(s, facts["category"]),
                "region": facts["region"], "region_name": s.config.regions.get(facts["region"], facts["region"]),
                "status": facts["status"], "status_label": STATUSES[facts["status"]],
                "unit": holder, "unit_name": s.config.unit_label(holder),
                "officer": who, "officer_name": officer_name(s, who),
                "clock": clock["name"], "clock_label": view["label"], "start": clock["start"],
                "days": clock["days"], "calendar_days": clock["calendar_days"], "due": clock["due"],
                "extended_by": clock.get("extended_by", 0),
                "state": view["state"], "state_label": view["state_label"],
                "late": _late_now(s, clock, today), "remaining": _remaining(s, clock, today),
            })
    rows.sort(key=lambda r: (_URGENCY[r["state"]], -r["late"], r["due"], r["case"], r["clock"]))
    counts = {level: sum(r["state"] == level for r in rows) for level in _URGENCY}
    return {"today": today.isoformat(), "rows": rows, "counts": counts, "missing_years": _missing_years(s, used)}


def _category_name(s: Session, code: int) -> str:
    category = s.config.categories.get(code)
    return category.name if category else str(code)


# --------------------------------------------------------------------------- explanations


def explain_case(s: Session, case_id: str, today: date, clock: str | None = None) -> dict[str, Any]:
    """How every clock of a case (or the named one) was counted, and where it stands on ``today``."""
    case = load_case(s, case_id)
    state = current_state(s, case)
    clocks = state["clocks"]
    if clock:
        wanted = clock.strip()
        clocks = [c for c in clocks if wanted in (c["name"], c["name"].partition(":")[0],
                                                  clock_label(c["name"], s.config))]
        if not clocks:
            have = "、".join(f"{c['name']}（{clock_label(c['name'], s.config)}）" for c in state["clocks"]) or "无"
            raise NotFound(f"案件 {case['id']} 没有时限“{wanted[:30]}”。本案的时限：{have}")
    explained = [_explain_clock(s, c, today) for c in clocks]
    return {"case": case["id"], "status": state["status"], "status_label": STATUSES[state["status"]],
            "today": today.isoformat(), "clocks": explained,
            "missing_years": sorted({y for c in explained for y in c["missing_years"]})}


def _explain_clock(s: Session, clock: dict[str, Any], today: date) -> dict[str, Any]:
    start = date.fromisoformat(clock["start"])
    explanation = s.calendar.explain(start, clock["days"], calendar_days=clock["calendar_days"])
    view = clock_view(clock, s.config, s.calendar, today)
    unit = "日" if clock["calendar_days"] else "个工作日"
    lines = explanation.lines()
    extended = int(clock.get("extended_by") or 0)
    if extended:
        original = s.calendar.add_workdays(start, clock["days"] - extended)
        lines.insert(2, f"其中延期 {extended} 个工作日：原届满日 {format_day(original)}，"
                        f"延期后届满日 {format_day(explanation.due)}")
    if clock["stopped"]:
        stopped = date.fromisoformat(clock["stopped"])
        lines.append(f"办结：{format_day(stopped)}，" +
                     (f"超期 {clock['late']} {unit}" if clock["late"] else "按期办结"))
    elif view["state"] == "overdue":
        lines.append(f"截至 {format_day(today)}：已超期 {_late_now(s, clock, today)} {unit}")
    else:
        lines.append(f"截至 {format_day(today)}：{view['state_label']}，距届满还有 {_remaining(s, clock, today)} {unit}")
    return {**view, "extended_by": extended, "counted_due": explanation.due.isoformat(),
            "skipped": [{"date": d.day.isoformat(), "reason": d.reason} for d in explanation.skipped],
            "makeup_days": [d.isoformat() for d in explanation.makeup_days],
            "missing_years": list(explanation.missing_years), "lines": lines}


# --------------------------------------------------------------------------- statistics


_COUNTS = ("received", "closed", "closed_on_time", "closed_late", "open", "overdue_now", "objections", "replied")
_Cell = tuple[int, str, str]  # category, unit, region


def _group_key(s: Session, by: str, cell: _Cell) -> tuple[str, str]:
    category, unit, region = cell
    if by == "category":
        return str(category), f"{category} {_category_name(s, category)}"
    if by == "unit":
        return unit, s.config.unit_label(unit)
    return region, s.config.regions.get(region, region)


def _blank() -> dict[str, Any]:
    return {**dict.fromkeys(_COUNTS, 0), "_reply_days": []}


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    days = row.pop("_reply_days")
    import statistics  # only the statistics pay for importing it

    row["avg_reply_workdays"] = round(statistics.fmean(days), 1) if days else None
    row["median_reply_workdays"] = statistics.median(days) if days else None
    row["on_time_rate"] = round(row["closed_on_time"] / row["closed"], 4) if row["closed"] else None
    return row


def fact_counts(facts: dict[str, Any], start: date, end: date, cutoff: date, overdue: set[str]) -> dict[str, Any]:
    """How one case counts in ``start``..``end`` (the rule ``CaseIndex.stats_cells`` sums in SQL)."""
    registered, closed, reply = facts["registered"], facts["closed"], facts["reply"]
    in_period = closed is not None and start <= closed <= end
    late = facts["late"]
    reply_days = facts["reply_days"] if reply and start <= reply <= end else None
    return {
        "received": int(start <= registered),
        "closed": int(in_period),
        "closed_on_time": int(in_period and not late),
        "closed_late": int(in_period and late),
        "open": int(registered <= cutoff and (closed is None or closed > cutoff)),
        "overdue_now": int(facts["id"] in overdue),
        "objections": sum(start <= day <= end for day in facts["objections"]),
        "replied": int(reply_days is not None),
        "_reply_days": [] if reply_days is None else [reply_days],
    }


def period_stats(s: Session, start: date, end: date, today: date, *, by: Iterable[str] = tuple(GROUPINGS),
                 records: list[Record] | None = None) -> dict[str, Any]:
    """Figures for cases received or closed in ``start``..``end``; "now" figures as of ``today``.

    received: registered in the period · closed: 回复/移交/撤回 in the period (action date) ·
    closed_on_time: of those, no clock was stopped late · open: registered by the period's end
    (or today, if earlier) and not closed by then · overdue_now: open today with a clock past due ·
    reply workdays: registration to reply, for replies in the period · objections: recorded in the period.

    From the index the figures are summed in SQL per (category, unit, region) cell; given
    ``records`` (replayed cases) they are counted case by case with ``fact_counts``.
    """
    if start > end:
        raise ValidationError(f"统计起始日 {start} 晚于截止日 {end}。")
    by = list(by)
    for key in by:
        if key not in GROUPINGS:
            raise ValidationError(f"不能按“{key[:20]}”分组，可用：" + "、".join(f"{k}（{v}）" for k, v in GROUPINGS.items()))
    cutoff = min(end, today)
    cells: dict[_Cell, dict[str, Any]] = {}
    if records is not None:
        overdue = {case["id"] for case, state in records if state["status"] not in CLOSED_STATUSES and any(
            clock_view(c, s.config, s.calendar, today)["state"] == "overdue"
            for c in state["clocks"] if c["stopped"] is None)}
        for case, state in records:
            facts = case_facts(case, state, s.calendar)
            if facts["registered"] <= end:
                _add(cells.setdefault((facts["category"], facts["unit"], facts["region"]), _blank()),
                     fact_counts(facts, start, end, cutoff, overdue))
    else:
        s.index.refresh()
        for row in s.index.stats_cells(start.isoformat(), end.isoformat(), cutoff.isoformat(), today.isoformat()):
            counts = dict(zip(_COUNTS, [*row[3:9], 0, row[9]], strict=True))
            counts["_reply_days"] = [int(d) for d in row[10].split(",")] if row[10] else []
            counts["objections"] = sum(start.isoformat() <= d <= end.isoformat() for d in (row[11] or "").split(",") if d)
            _add(cells.setdefault((row[0], row[1], row[2]), _blank()), counts)
    total = _blank()
    groups: dict[str, dict[str, dict[str, Any]]] = {key: {} for key in by}
    for cell, counts in cells.items():
        if not any(counts[name] for name in _COUNTS):
            continue  # nothing in the period: no empty group rows for old cases
        _add(total, counts)
        for key in by:
            code, name = _group_key(s, key, cell)
            _add(groups[key].setdefault(code, {"code": code, "name": name, **_blank()}), counts)
    return {
        "from": start.isoformat(), "to": end.isoformat(), "today": today.isoformat(),
        "totals": _finish(total),
        "groups": {key: [_finish(row) for _, row in sorted(groups[key].items(), key=lambda kv: _sort_code(kv[0]))]
                   for key in by},
    }


def _add(row: dict[str, Any], counts: dict[str, Any]) -> None:
    for name in _COUNTS:
        row[name] += counts[name]
    row["_reply_days"] += counts["_reply_days"]


def _sort_code(code: str) -> tuple[int, str]:
    return (int(code), "") if code.isdigit() else (10**6, code)


def overdue_trend(s: Session, start: date, end: date, today: date,
                  records: list[Record] | None = None) -> list[dict[str, Any]]:
    """Overdue open clocks at the end of each week of the period (up to ``today``)."""
    last = min(end, today)
    points: list[date] = []
    day = start + timedelta(days=6)
    while day < last:
        points.append(day)
        day += timedelta(days=7)
    if last >= start:
        points.append(last)
    if records is not None:
        spans = [(c["start"], c["due"], c["stopped"]) for _, state in records for c in state["clocks"]]
    else:
        s.index.refresh()
        spans = s.index.clock_spans(start.isoformat(), last.isoformat())
    clocks = [(date.fromisoformat(a), date.fromisoformat(d), date.fromisoformat(x) if x else None) for a, d, x in spans]
    out = []
    for point in points:
        count = sum(1 for begun, due, stopped in clocks
                    if begun <= point and (stopped is None or stopped > point) and point > due)
        out.append({"date": point.isoformat(), "overdue": count})
    return out


# --------------------------------------------------------------------------- 工作台账

# (header, column width in characters); the dates are date values, shown as yyyy-mm-dd
LEDGER_COLUMNS: tuple[tuple[str, int], ...] = (
    ("案件编号", 18), ("受理日期", 12), ("来访方式", 10), ("缴费人类型", 10),
    ("缴费人", 28), ("证件号码", 22), ("联系电话", 16), ("争议类别", 24),
    ("属地", 10), ("首问单位", 12), ("首问责任人", 16), ("反映事项", 40),
    ("诉求", 40), ("流转方式", 18), ("当前状态", 16), ("当前承办单位", 14),
    ("梳理类型", 12), ("办结日期", 12), ("处理意见", 40), ("回复日期", 12),
    ("送达方式", 10), ("是否超期", 8), ("超期工作日", 10), ("异议", 30),
    ("归档日期", 12), ("档号", 30),
)
LEDGER_HEADERS = tuple(header for header, _ in LEDGER_COLUMNS)


def ledger_rows(s: Session, today: date, *, start: date | None = None, end: date | None = None,
                reveal: bool = False, records: list[Record] | None = None) -> Iterator[dict[str, Any]]:
    """One row per case registered in ``start``..``end`` (all when omitted), oldest first.

    Rows are produced one at a time straight from the index, so a ledger of 100,000 cases
    never sits in memory whole.
    """
    if records is None:
        s.index.refresh()
        source: Iterable[Record] = s.index.iter_case_states(
            "registered_on BETWEEN ? AND ?", ((start or date.min).isoformat(), (end or date.max).isoformat()),
            order="registered_on, id")
    else:
        source = sorted(records, key=lambda r: (registered_on(r[0]), r[0]["id"]))
    for case, state in source:
        registered = registered_on(case)
        if start and registered < start or end and registered > end:
            continue
        yield _ledger_row(s, case, state, today, registered, reveal)


def _ledger_row(s: Session, case: dict[str, Any], state: dict[str, Any], today: date, registered: date,
                reveal: bool) -> dict[str, Any]:
    reg, payer = case["registration"], case["registration"]["payer"]
    routing = next((a for a in case["actions"] if a["action"] in _ROUTING), None)
    route = ""
    if routing is not None:
        route = _ROUTING[routing["action"]]
        if routing["action"] == "route_transfer":
            route += f"（{s.config.unit_label(routing['data'].get('to_unit'))}）"
    decision, reply, closure, archive = state["decision"], state["reply"], state["closure"], state["archive"]
    late = _case_late_workdays(s, state, today)
    return {
        "案件编号": case["id"], "受理日期": registered, "来访方式": reg["channel"],
        "缴费人类型": payer_kind_label(payer["kind"]), "缴费人": payer["name"],
        "证件号码": payer["id_number"] if reveal else mask_identifier(payer["id_number"]),
        "联系电话": reg["phone"] if reveal else mask_phone(reg["phone"]),
        "争议类别": f"{reg['category']} {_category_name(s, reg['category'])}",
        "属地": s.config.regions.get(reg["region"], reg["region"]),
        "首问单位": s.config.unit_label(reg["first_unit"]), "首问责任人": officer_name(s, reg["first_officer"]),
        "反映事项": reg["matter"], "诉求": reg["request"], "流转方式": route,
        "当前状态": STATUSES[state["status"]], "当前承办单位": s.config.unit_label(state["unit"]),
        "梳理类型": _TRIAGE.get(state["triage"] or "", ""),
        "办结日期": _date(decision["date"] if decision else closure["date"] if closure else None),
        "处理意见": decision["decision"] if decision else
        f"{ACTIONS[closure['action']].label}：{closure['reason']}" if closure else "",
        "回复日期": _date(reply["date"] if reply else None), "送达方式": reply["method"] if reply else "",
        "是否超期": "是" if late else "否", "超期工作日": late,
        "异议": "；".join(f"{o['date']} {o['channel']}（{o['body']}）" for o in state["objections"]),
        "归档日期": _date(archive["date"] if archive else None), "档号": (archive or {}).get("code", ""),
    }


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _case_late_workdays(s: Session, state: dict[str, Any], today: date) -> int:
    """Days beyond the limits over the case's stages; parallel 书面意见 count once (the longest)."""
    total, opinions = 0, 0
    for clock in state["clocks"]:
        late = int(clock["late"] or 0) if clock["stopped"] else _late_now(s, clock, today)
        if clock["name"].startswith("opinion:"):
            opinions = max(opinions, late)
        else:
            total += late
    return total + opinions


def write_ledger(rows: Iterable[dict[str, Any]], path: Path, fmt: str, *, title: str = "工作台账") -> int:
    """Write the ledger; returns the number of rows written."""
    written = [0]

    def counted() -> Iterator[dict[str, Any]]:
        for row in rows:
            written[0] += 1
            yield row

    if fmt == "xlsx":
        _atomic_write(path, lambda tmp: _write_xlsx(counted(), tmp, title))
    elif fmt == "csv":
        _atomic_write(path, lambda tmp: _write_csv(counted(), tmp))
    else:
        raise ValidationError(f"导出格式“{fmt[:10]}”无效，可用：xlsx、csv。")
    return written[0]


def _write_xlsx(rows: Iterable[dict[str, Any]], path: Path, title: str) -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
    from openpyxl.cell.cell import ERROR_CODES  # type: ignore[import-untyped]
    from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    book = Workbook(write_only=True)  # streams rows to the file instead of keeping every cell
    sheet = book.create_sheet(title[:31])
    for index, (_, width) in enumerate(LEDGER_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold, centred = Font(bold=True), Alignment(horizontal="center", vertical="center")
    header = []
    for name in LEDGER_HEADERS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font, cell.alignment = bold, centred
        header.append(cell)
    sheet.append(header)
    count = 1
    # Plain values let openpyxl reuse one cell object for a whole row (a cell object per value
    # was most of the time of a ledger of 100,000 cases); dates get "yyyy-mm-dd" from openpyxl.
    # Text that Excel would read as a formula or an error value gets a cell of its own, as text.
    for row in rows:
        values: list[Any] = []
        for header_name in LEDGER_HEADERS:
            value = row[header_name]
            if isinstance(value, str) and (value[:1] == "=" or value[:1] == "#" and value in ERROR_CODES):
                value = WriteOnlyCell(sheet, value=value)
                value.data_type = "s"  # text a payer typed is never a formula
            values.append(value)
        sheet.append(values)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(LEDGER_COLUMNS))}{count}"
    book.save(path)


def _write_csv(rows: Iterable[dict[str, Any]], path: Path) -> None:
    import csv

    # UTF-8 with BOM so Excel opens the Chinese text; text that Excel would run as a formula is quoted.
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(LEDGER_HEADERS)
        for row in rows:
            writer.writerow([_csv_cell(row[h]) for h in LEDGER_HEADERS])


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    """Write to a temporary file beside ``path`` and swap it in: a reader never sees half a file."""
    path = path.expanduser()
    if path.is_dir():
        raise ValidationError(f"“{path}”是文件夹，请给出文件名。")
    if not path.parent.is_dir():
        raise ValidationError(f"文件夹“{path.parent}”不存在。")
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    _atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


# --------------------------------------------------------------------------- HTML report


def report_data(s: Session, start: date, end: date, today: date,
                records: list[Record] | None = None) -> dict[str, Any]:
    return {
        "city": s.config.city,
        "stats": period_stats(s, start, end, today, records=records),
        "trend": overdue_trend(s, start, end, today, records=records),
        "overdue": [r for r in due_list(s, today, records=records)["rows"] if r["state"] == "overdue"],
    }


def render_html(data: dict[str, Any]) -> str:
    """One self-contained page: inline CSS and SVG, no scripts, no links; all user text escaped."""
    e = html.escape
    st = data["stats"]
    t = st["totals"]
    period = f"{_cn_date(st['from'])}至{_cn_date(st['to'])}"
    cards = [("受理", t["received"]), ("办结", t["closed"]), ("按期办结", t["closed_on_time"]),
             ("按期办结率", _pct(t["on_time_rate"])), ("期末未办结", t["open"]), ("当前超期", t["overdue_now"]),
             ("平均办理工作日", _num(t["avg_reply_workdays"])), ("办理工作日中位数", _num(t["median_reply_workdays"])),
             ("异议", t["objections"])]
    parts = [
        "<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{e(data['city'])}社会保险费征缴争议处置情况报告</title>", f"<style>{_CSS}</style></head><body>",
        f"<h1>{e(data['city'])}社会保险费征缴争议处置情况报告</h1>",
        f"<p class=meta>统计期间：{e(period)}　数据截至：{e(_cn_date(st['today']))}</p>",
        '<div class="cards">' + "".join(f'<div class="card"><div class="v">{e(str(v))}</div>'
                                        f'<div class="k">{e(k)}</div></div>' for k, v in cards) + "</div>",
        "<h2>按期办结率</h2>", _meter_svg(t["on_time_rate"]),
        "<h2>各争议类别受理件数</h2>", _bar_svg([(r["name"], r["received"]) for r in st["groups"]["category"]]),
        "<h2>各承办单位案件数</h2>", _bar_svg([(r["name"], r["received"]) for r in st["groups"]["unit"]]),
        "<h2>超期时限数（每周）</h2>", _trend_svg(data["trend"]),
    ]
    for key, label in GROUPINGS.items():
        parts.append(f"<h2>按{e(label)}统计</h2>" + _stats_table(label, st["groups"][key], t))
    parts.append("<h2>当前超期事项</h2>")
    if data["overdue"]:
        head = "".join(f"<th>{h}</th>" for h in ("案件编号", "争议类别", "承办单位", "责任人", "时限", "届满日", "超期"))
        body = "".join(
            f"<tr><td>{e(r['case'])}</td><td>{e(r['category_name'])}</td><td>{e(r['unit_name'])}</td>"
            f"<td>{e(r['officer_name'])}</td><td>{e(r['clock_label'])}</td><td>{e(r['due'])}</td>"
            f"<td class=n>{r['late']}{'日' if r['calendar_days'] else '个工作日'}</td></tr>" for r in data["overdue"])
        parts.append(f"<table><tr>{head}</tr>{body}</table>")
    else:
        parts.append("<p>无。</p>")
    parts.append("<p class=meta>口径：受理＝期间内登记；办结＝期间内书面回复、移交或撤回（以操作日期计）；"
                 "按期办结＝各环节均未超期；期末未办结＝截至期末（或数据截止日）尚未办结；办理工作日＝登记至书面回复。</p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


_CSS = ("body{font-family:'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;margin:2em auto;"
        "max-width:960px;color:#222}h1{font-size:1.6em}h2{font-size:1.15em;margin-top:1.6em;"
        "border-left:4px solid #b22;padding-left:.5em}.meta{color:#666}.cards{display:flex;flex-wrap:wrap;gap:.6em}"
        ".card{border:1px solid #ddd;border-radius:6px;padding:.6em 1em;min-width:7em}.card .v{font-size:1.5em;"
        "font-weight:bold}.card .k{color:#666}table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;"
        "padding:.3em .5em}th{background:#f3f3f3}td.n{text-align:right}svg text{font-size:12px}")


def _cn_date(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _stats_table(label: str, rows: list[dict[str, Any]], total: dict[str, Any]) -> str:
    e = html.escape
    cols = (("received", "受理"), ("closed", "办结"), ("closed_on_time", "按期办结"), ("on_time_rate", "按期率"),
            ("open", "未办结"), ("overdue_now", "当前超期"), ("avg_reply_workdays", "平均工作日"),
            ("median_reply_workdays", "中位数"), ("objections", "异议"))

    def cell(row: dict[str, Any], key: str) -> str:
        value = row[key]
        text = _pct(value) if key == "on_time_rate" else _num(value) if "workdays" in key else str(value)
        return f"<td class=n>{e(text)}</td>"

    head = f"<tr><th>{e(label)}</th>" + "".join(f"<th>{h}</th>" for _, h in cols) + "</tr>"
    body = "".join(f"<tr><td>{e(r['name'])}</td>" + "".join(cell(r, k) for k, _ in cols) + "</tr>"
                   for r in [*rows, {"name": "合计", **total}])
    return f"<table>{head}{body}</table>"


def _bar_svg(items: list[tuple[str, int]]) -> str:
    if not items:
        return "<p>无数据。</p>"
    e = html.escape
    label_w, bar_w, row_h = 220, 480, 24
    top = max(max(v for _, v in items), 1)
    height = row_h * len(items) + 10
    bars = []
    for i, (label, value) in enumerate(items):
        y = 5 + i * row_h
        w = round(bar_w * value / top)
        bars.append(f'<text x="{label_w - 6}" y="{y + 16}" text-anchor="end">{e(label[:18])}</text>'
                    f'<rect x="{label_w}" y="{y + 3}" width="{w}" height="{row_h - 8}" fill="#c0392b"/>'
                    f'<text x="{label_w + w + 4}" y="{y + 16}">{value}</text>')
    return (f'<svg role="img" width="{label_w + bar_w + 60}" '
            f'height="{height}">{"".join(bars)}</svg>')


def _meter_svg(rate: float | None) -> str:
    width = 480
    filled = round(width * (rate or 0))
    return (f'<svg role="img" width="{width + 80}" height="30">'
            f'<rect x="0" y="5" width="{width}" height="20" fill="#eee"/>'
            f'<rect x="0" y="5" width="{filled}" height="20" fill="#27ae60"/>'
            f'<text x="{width + 6}" y="20">{html.escape(_pct(rate))}</text></svg>')


def _trend_svg(points: list[dict[str, Any]]) -> str:
    if not points:
        return "<p>无数据。</p>"
    left, width, height, bottom = 40, 640, 180, 40
    top = max(max(p["overdue"] for p in points), 1)
    step = width / max(len(points) - 1, 1)
    xy = [(left + i * step, 10 + height - height * p["overdue"] / top) for i, p in enumerate(points)]
    marks = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#c0392b"/>'
        f'<text x="{x:.1f}" y="{y - 6:.1f}" text-anchor="middle">{p["overdue"]}</text>'
        f'<text x="{x:.1f}" y="{height + 28}" text-anchor="middle">{p["date"][5:]}</text>'
        for (x, y), p in zip(xy, points, strict=True))
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    return (f'<svg role="img" width="{left + width + 30}" '
            f'height="{height + bottom}"><line x1="{left}" y1="{height + 10}" x2="{left + width}" '
            f'y2="{height + 10}" stroke="#999"/><polyline points="{line}" fill="none" stroke="#c0392b" '
            f'stroke-width="2"/>{marks}</svg>')

