"""督办: what is due or overdue (by unit and officer), and how each date was counted (explain)."""

from __future__ import annotations

from datetime import date
from typing import Any

from disputectl.errors import NotFound
from disputectl.oversight.common import (
    URGENCY,
    Record,
    clock_unit,
    late_now,
    missing_years,
    officer_name,
    open_due_facts,
    remaining_workdays,
    responsible_officer,
)
from disputectl.record.session import Session, current_state, load_case
from disputectl.rules.calendar import format_day
from disputectl.rules.derive import clock_label, due_facts
from disputectl.rules.views import clock_view
from disputectl.rules.workflow import STATUSES


def due_list(s: Session, today: date, *, unit: str | None = None, officer: str | None = None,
             include_all: bool = False, records: list[Record] | None = None) -> dict[str, Any]:
    """Open clocks of open cases, most urgent first: 超期 (most late first), 临期 by date, 正常.

    ``unreadable``: the case files the index could not read (not in the list, whatever they hold).
    """
    rows: list[dict[str, Any]] = []
    used: list[dict[str, Any]] = []
    unreadable: list[tuple[str, str]] = []
    if records is None:
        items = open_due_facts(s, today, include_all)
        unreadable = s.index.unreadable()  # the index brought up to HEAD just now
    else:
        items = [due_facts(case, state, s.config) for case, state in records]
    stale: list[dict[str, Any]] = []
    for facts in items:
        for mark in facts.get("stated", []):
            now = next((c["due"] for c in reversed(facts["clocks"]) if c["name"] == mark["clock"]), None)
            if now is not None and now != mark["stated"] and (not unit or facts["unit"] == unit.upper()):
                stale.append({"case": facts["id"], **mark, "now": now})
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
                "category": facts["category"], "category_name": category_name(s, facts["category"]),
                "region": facts["region"], "region_name": s.config.regions.get(facts["region"], facts["region"]),
                "status": facts["status"], "status_label": STATUSES[facts["status"]],
                "unit": holder, "unit_name": s.config.unit_label(holder),
                "officer": who, "officer_name": officer_name(s, who),
                "clock": clock["name"], "clock_label": view["label"], "start": clock["start"],
                "days": clock["days"], "calendar_days": clock["calendar_days"], "due": clock["due"],
                "extended_by": clock.get("extended_by", 0),
                "state": view["state"], "state_label": view["state_label"],
                "late": late_now(s, clock, today), "remaining": remaining_workdays(s, clock, today),
            })
    rows.sort(key=lambda r: (URGENCY[r["state"]], -r["late"], r["due"], r["case"], r["clock"]))
    counts = {level: sum(r["state"] == level for r in rows) for level in URGENCY}
    return {"today": today.isoformat(), "rows": rows, "counts": counts, "missing_years": missing_years(s, used),
            "stale_notices": stale,
            "unreadable": [{"case": case_id, "path": path} for case_id, path in unreadable]}


def category_name(s: Session, code: int) -> str:
    category = s.config.categories.get(code)
    return category.name if category else str(code)



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
            have = "、".join(clock_label(c["name"], s.config) for c in state["clocks"]) or "无"
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
        lines.append(f"截至 {format_day(today)}：已超期 {late_now(s, clock, today)} {unit}")
    else:
        lines.append(f"截至 {format_day(today)}：{view['state_label']}，距届满还有 {remaining_workdays(s, clock, today)} {unit}")
    return {**view, "extended_by": extended, "counted_due": explanation.due.isoformat(),
            "skipped": [{"date": d.day.isoformat(), "reason": d.reason} for d in explanation.skipped],
            "makeup_days": [d.isoformat() for d in explanation.makeup_days],
            "missing_years": list(explanation.missing_years), "lines": lines}
