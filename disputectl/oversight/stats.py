"""统计: cases received, closed, on time, late and objected to in a period, by category, unit and
region, and the overdue trend."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from disputectl.errors import ValidationError
from disputectl.oversight.common import GROUPINGS, Record
from disputectl.oversight.due import category_name
from disputectl.record.session import Session
from disputectl.rules.derive import case_facts
from disputectl.rules.views import clock_view
from disputectl.rules.workflow import CLOSED_STATUSES

_COUNTS = ("received", "closed", "closed_on_time", "closed_late", "open", "overdue_now", "objections", "replied",
           "followed_up", "satisfied", "local")
_Cell = tuple[int, str, str, str]  # category, unit (that handled it), region, intake unit (that took it in)


def _group_key(s: Session, by: str, cell: _Cell) -> tuple[str, str]:
    category, unit, region, intake = cell
    if by == "category":
        return str(category), f"{category} {category_name(s, category)}"
    if by == "unit":
        return unit, s.config.unit_label(unit)
    if by == "intake":
        return intake, s.config.unit_label(intake)
    return region, s.config.regions.get(region, region)


def _blank() -> dict[str, Any]:
    return {**dict.fromkeys(_COUNTS, 0), "_reply_days": []}


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    days = row.pop("_reply_days")
    import statistics  # only the statistics pay for importing it

    row["avg_reply_workdays"] = round(statistics.fmean(days), 1) if days else None
    row["median_reply_workdays"] = statistics.median(days) if days else None
    row["on_time_rate"] = _rate(row["closed_on_time"], row["closed"])
    row["followup_rate"] = _rate(row["followed_up"], row["replied"])  # 回访率: of the replies in the period
    row["satisfaction_rate"] = _rate(row["satisfied"], row["followed_up"])  # 满意率: 满意 or 基本满意
    row["local_rate"] = _rate(row["local"], row["replied"])  # 就地解决率: of the matters answered in writing
    return row


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def fact_counts(facts: dict[str, Any], start: date, end: date, cutoff: date, overdue: set[str]) -> dict[str, Any]:
    """How one case counts in ``start``..``end`` (the rule ``CaseIndex.stats_cells`` sums in SQL)."""
    registered, closed, reply = facts["registered"], facts["closed"], facts["reply"]
    in_period = closed is not None and start <= closed <= end
    late = facts["late"]
    reply_days = facts["reply_days"] if reply and start <= reply <= end else None
    followed = facts["followed"] is not None and start <= facts["followed"] <= end
    return {
        "received": int(start <= registered),
        "closed": int(in_period),
        "closed_on_time": int(in_period and not late),
        "closed_late": int(in_period and late),
        "open": int(registered <= cutoff and (closed is None or closed > cutoff)),
        "overdue_now": int(facts["id"] in overdue),
        "objections": sum(start <= day <= end for day in facts["objections"]),
        "replied": int(reply_days is not None),
        "followed_up": int(followed),
        "satisfied": int(followed and bool(facts["satisfied"])),
        "local": int(reply_days is not None and facts["local"]),
        "_reply_days": [] if reply_days is None else [reply_days],
    }


def period_stats(s: Session, start: date, end: date, today: date, *, by: Iterable[str] = tuple(GROUPINGS),
                 records: list[Record] | None = None) -> dict[str, Any]:
    """Figures for cases received or closed in ``start``..``end``; "now" figures as of ``today``.

    received: registered in the period · closed: 回复/移交/撤回 in the period (action date) ·
    closed_on_time: of those, no clock was stopped late · open: registered by the period's end
    (or today, if earlier) and not closed by then · overdue_now: open today with a clock past due ·
    reply workdays: registration to reply, for replies in the period · objections: recorded in the period ·
    followed_up: 回访 in the period (the last one of each case), satisfied: of those 满意 or 基本满意 ·
    local: replied in the period, concluded by the unit that took the case in without the office (就地解决).
    Grouped by category, the unit that handled it, region and the unit that took it in (多点受理).

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
                _add(cells.setdefault((facts["category"], facts["unit"], facts["region"], facts["first_unit"]), _blank()),
                     fact_counts(facts, start, end, cutoff, overdue))
    else:
        s.index.refresh()
        for row in s.index.stats_cells(start.isoformat(), end.isoformat(), cutoff.isoformat(), today.isoformat()):
            counts = dict(zip(_COUNTS, [*row[4:10], 0, *row[10:14]], strict=True))
            counts["_reply_days"] = [int(d) for d in row[14].split(",")] if row[14] else []
            counts["objections"] = sum(start.isoformat() <= d <= end.isoformat() for d in (row[15] or "").split(",") if d)
            _add(cells.setdefault((row[0], row[1], row[2], row[3]), _blank()), counts)
    total = _blank()
    groups: dict[str, dict[str, dict[str, Any]]] = {key: {} for key in by}
    for cell, counts in cells.items():
        if not any(counts[name] for name in _COUNTS):
            continue  # nothing in the period: no empty group rows for old cases
        _add(total, counts)
        for key in by:
            code, name = _group_key(s, key, cell)
            _add(groups[key].setdefault(code, {"code": code, "name": name, **_blank()}), counts)
    lists = [state["objections"] for _, state in records] if records is not None else s.index.objection_lists()
    return {
        "from": start.isoformat(), "to": end.isoformat(), "today": today.isoformat(),
        "totals": _finish(total),
        "objections_by": _objections_by(lists, start, end),
        "groups": {key: [_finish(row) for _, row in sorted(groups[key].items(), key=lambda kv: _sort_code(kv[0]))]
                   for key in by},
    }


def _objections_by(lists: Iterable[list[dict[str, Any]]], start: date, end: date) -> dict[str, dict[str, int]]:
    """Objections raised in the period by channel (调解、行政复议…), and outcomes made in it by kind."""
    first, last = start.isoformat(), end.isoformat()
    channels: dict[str, int] = {}
    outcomes: dict[str, int] = {}
    for objections in lists:
        for o in objections:
            if first <= o["date"] <= last:
                channels[o["channel"]] = channels.get(o["channel"], 0) + 1
            result = o.get("outcome")
            if result and first <= result["date"] <= last:
                outcomes[result["kind"]] = outcomes.get(result["kind"], 0) + 1
    return {"channel": dict(sorted(channels.items())), "outcome": dict(sorted(outcomes.items()))}


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
