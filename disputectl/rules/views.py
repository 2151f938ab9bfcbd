"""Cases as plain values for display: stable field names, personal data masked by default."""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

from disputectl.rules.amend import (
    amendments,
    current_registration,
    describe_amendment,
    issued_before,
)
from disputectl.rules.calendar import CLOCK_STATE_LABELS, WorkCalendar
from disputectl.rules.config import Config
from disputectl.rules.derive import (
    LEFT_BY,
    clock_label,
    notice_date_problems,
    pending_opinions,
    waiting_for,
)
from disputectl.rules.registration import payer_kind_label
from disputectl.rules.validation import mask_identifier, mask_phone
from disputectl.rules.workflow import ACTIONS, STATUSES


def clock_view(clock: dict[str, Any], config: Config, calendar: WorkCalendar, today: date,
               ended_by: str | None = None) -> dict[str, Any]:
    """``ended_by``: the action that stopped the clock (``state["clock_ends"]``): a stage the case
    left (提请, 退回, 移交…) is shown as left, not as done."""
    due = date.fromisoformat(clock["due"])
    stopped = date.fromisoformat(clock["stopped"]) if clock["stopped"] else None
    state = calendar.clock_state(due, today, warn_days=config.clocks["warn_days"], stopped=stopped)
    label = CLOCK_STATE_LABELS[state]
    if state == "done" and ended_by in LEFT_BY:
        label = LEFT_BY[ended_by]
    elif clock["name"] == "followup" and ended_by == "archive":
        label = "归档前未回访"
    return {
        "name": clock["name"],
        "label": clock_label(clock["name"], config),
        "start": clock["start"],
        "days": clock["days"],
        "calendar_days": clock["calendar_days"],
        "due": clock["due"],
        "stopped": clock["stopped"],
        "late": clock["late"],
        "state": state,
        "state_label": label,
    }


def payer_view(case: dict[str, Any], *, reveal: bool) -> dict[str, Any]:
    payer = current_registration(case)["payer"]
    return {
        "kind": payer["kind"],
        "kind_label": payer_kind_label(payer["kind"]),
        "name": payer["name"],
        "id_number": payer["id_number"] if reveal else mask_identifier(payer["id_number"]),
        "contact_person": payer.get("contact_person"),
        "address": payer["address"],
    }


def summary_view(case: dict[str, Any], state: dict[str, Any], config: Config, calendar: WorkCalendar,
                 today: date, *, reveal: bool = False) -> dict[str, Any]:
    reg = current_registration(case)
    ends = state.get("clock_ends", {})
    clocks = [clock_view(c, config, calendar, today, ends.get(str(i))) for i, c in enumerate(state["clocks"])]
    open_clocks = [c for c in clocks if c["stopped"] is None]
    return {
        "id": case["id"],
        "status": state["status"],
        "status_label": STATUSES[state["status"]],
        "unit": state["unit"],
        "unit_name": config.unit_label(state["unit"]),
        "category": reg["category"],
        "category_name": config.categories[reg["category"]].name if reg["category"] in config.categories else "",
        "region": reg["region"],
        "region_name": config.regions.get(reg["region"], reg["region"]),
        "payer": payer_view(case, reveal=reveal),
        "phone": reg["phone"] if reveal else mask_phone(reg["phone"]),
        "visit_time": reg["visit_time"],
        "registered_at": case["actions"][0]["at"],
        "first_officer": reg["first_officer"],
        "first_unit": reg["first_unit"],
        "matter": reg["matter"],
        "waiting_for": waiting_for(state, config),
        "clocks": {c["name"]: c["due"] for c in clocks},
        "open_clocks": open_clocks,
        "urgency": _urgency(open_clocks),
    }


def _urgency(open_clocks: list[dict[str, Any]]) -> str:
    states = {c["state"] for c in open_clocks}
    for level in ("overdue", "due_soon", "ok"):
        if level in states:
            return level
    return "none"


def case_view(case: dict[str, Any], state: dict[str, Any], config: Config, calendar: WorkCalendar,
              today: date, *, reveal: bool = False) -> dict[str, Any]:
    view = summary_view(case, state, config, calendar, today, reveal=reveal)
    reg = current_registration(case)
    view.update({
        "channel": reg["channel"],
        "request": reg["request"],
        "first_officer_name": _officer_name(config, reg["first_officer"]),
        "first_unit_name": config.unit_label(reg["first_unit"]),
        "attachments": reg["attachments"],
        "triage": state["triage"],
        "extended": state["extended"],
        "opinions": [
            {"unit": unit, "unit_name": config.unit_label(unit), **o} for unit, o in state["opinions"].items()
        ],
        "pending_opinions": pending_opinions(state),
        "earlier_opinions": state.get("earlier_opinions", []),
        "conflicts": state.get("conflicts", []),
        "meetings": state["meetings"],
        "decision": state["decision"],
        "platform": state["platform"],
        "reply": state["reply"],
        "objections": state["objections"],
        "followups": state.get("followups", []),
        "reopened": state.get("reopened", []),
        "closure": state["closure"],
        "supervisions": state["supervisions"],
        "notes": state["notes"],
        "notices": state["notices"],
        "notice_date_problems": notice_date_problems(state, calendar),
        "archive": state["archive"],
        "clock_details": [clock_view(c, config, calendar, today, state.get("clock_ends", {}).get(str(i)))
                          for i, c in enumerate(state["clocks"])],
        "timeline": [timeline_entry(a, config) for a in case["actions"]],
        # the registration as first recorded was corrected: these notices keep the earlier text
        "amended": [a["id"] for a in amendments(case)],
        "issued_before_amendment": [n.get("number") or n["path"] for n in issued_before(case)],
    })
    return view


def _officer_name(config: Config, officer_id: str) -> str:
    officer = config.officers.get(officer_id)
    return officer.name if officer else officer_id


def timeline_entry(action: dict[str, Any], config: Config) -> dict[str, Any]:
    spec = ACTIONS.get(action["action"])
    imported = action["action"] == "register" and isinstance(action.get("data", {}).get("imported"), dict)
    return {
        "id": action["id"],
        "at": action["at"],
        "occurred": action.get("occurred"),
        "action": action["action"],
        "action_label": "导入（补录）" if imported else spec.label if spec else action["action"],
        "actor": action["actor"],
        "actor_name": _officer_name(config, action["actor"]),
        "unit": action["unit"],
        "unit_name": config.unit_label(action["unit"]),
        "data": action["data"],
        "summary": describe_data(action["data"], config, action["action"]),
        "notices": [n["number"] or n["kind"] for n in action.get("notices", [])],
        "attachments": action.get("attachments", []),
    }


class UnitLabels(Protocol):
    def unit_label(self, code: str) -> str: ...


def describe_import(record: dict[str, Any], config: UnitLabels) -> str:
    """``来源 台账.xlsx 第 12 行（原编号 A-1）；导入时单位办理中：人社局，自 2026-08-03``."""
    text = f"来源 {record.get('source')} 第 {record.get('row')} 行" + (f"（原编号 {record['ref']}）" if record.get("ref") else "")
    text += f"；导入时{STATUSES.get(record.get('stage', ''), record.get('stage'))}"
    if record.get("unit"):
        text += f"：{config.unit_label(record['unit'])}"
    dates = [f"{label} {record[name]}" for name, label in (("since", "自"), ("concluded", "办结于"), ("reply_date", "送达于"))
             if record.get(name)]
    if record.get("reply_method"):
        dates[-1:] = [f"{dates[-1]}（{record['reply_method']}）"] if dates else []
    return text + ("，" + "，".join(dates) if dates else "")


def describe_data(data: dict[str, Any], config: UnitLabels, action: str = "") -> str:
    """One line for a timeline: the action's fields as an officer would read them."""
    if isinstance(data.get("fields"), dict) and isinstance(data.get("before"), dict):
        return describe_amendment(data, config)
    parts = []
    if isinstance(data.get("imported"), dict):  # a case from a 台账: where from, then its decision's texts in order
        parts.append(describe_import(data["imported"], config))
        data = {k: data[k] for k in ("facts", "basis", "decision") if k in data}
    spec = ACTIONS.get(action)
    if spec is not None:  # in the order the action asks for them (facts, basis, decision), not as stored
        order = [f.name for f in spec.fields]
        data = dict(sorted(data.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order)))
    for key, value in data.items():
        if action == "issue_notice" and key == "kind":
            continue  # the notice it issued is named beside, by its title and number
        if key in ("to_unit",):
            value = config.unit_label(value)
        elif key == "units":
            value = "、".join(config.unit_label(u) for u in value)
        elif key == "on_behalf":
            officer = getattr(config, "officers", {}).get(value)
            value = f"代首问责任人 {officer.name if officer else value}（{value}）办理"
        text = str(value).replace("\n", " ")
        parts.append(text if len(text) <= 60 else text[:60] + "…")
    return "；".join(parts)
