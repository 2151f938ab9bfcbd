"""Replay a case's append-only action list into its derived state and clocks.

Status, current unit, pending opinions and clocks are never edited on their own: they are
what this replay produces, which is what lets two offices' histories merge entry by entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from disputectl.rules.amend import current_registration
from disputectl.rules.calendar import WorkCalendar
from disputectl.rules.config import Config
from disputectl.rules.workflow import TRANSITIONS

CLOCK_LABELS = {
    "route": "分类流转",
    "sign": "签收",
    "handle": "办理",
    "triage": "梳理",
    "opinion": "书面意见",
    "consolidate": "综合意见",
    "approval": "组长审批",
    "platform": "平台办理",
    "reply": "书面回复",
    "joint": "一般事项联办",
    "archive": "及时归档",
    "followup": "回访",
}
SATISFIED = ("满意", "基本满意")
# Clocks after the case is closed (及时归档, 回访): shown in due lists, kept apart from how late
# the matter itself was handled (是否超期, 超期工作日 in stats and the ledger).
AFTERCARE_CLOCKS = frozenset({"archive", "followup"})
# A clock stopped because the case left the stage (not because the stage was done): shown so.
LEFT_BY = {"refer": "已提请领导组办公室", "return": "已退回", "route_office": "已流转领导组办公室",
           "hand_over": "已移交", "withdraw": "已撤回", "reject": "组长未同意", "reopen": "已重新办理"}


def action_day(action: dict[str, Any]) -> date:
    """The day the action took effect: the day it was recorded, or for a 补录 (a paper form
    entered late, ``--occurred``) the day it really happened. Clocks count from it."""
    occurred = action.get("occurred")
    if occurred:
        return date.fromisoformat(occurred)
    return datetime.fromisoformat(action["at"]).date()


def clock_label(name: str, config: Config | None = None) -> str:
    base, _, unit = name.partition(":")
    label = CLOCK_LABELS.get(base, base)
    if unit:
        label += f"（{config.unit_label(unit) if config else unit}）"
    return label


@dataclass
class _Replay:
    config: Config
    calendar: WorkCalendar
    state: dict[str, Any]
    voided: frozenset[str] = frozenset()  # actions a settlement set aside
    acting: str = ""  # the action being replayed (what stopped a clock: state["clock_ends"])
    # status -> (how many moves before it, the action that last moved the case out of that status)
    left: dict[str, tuple[int, str]] = field(default_factory=dict)
    moves: int = 0

    def open_clock(self, name: str, start: date, days: int, *, calendar_days: bool = False) -> None:
        self.stop_clock(name, start)
        due = self.calendar.add_days(start, days) if calendar_days else self.calendar.add_workdays(start, days)
        self.state["clocks"].append({
            "name": name, "start": start.isoformat(), "days": days, "calendar_days": calendar_days,
            "due": due.isoformat(), "stopped": None, "late": None,
        })

    def stop_clock(self, name: str, when: date) -> None:
        for clock in self.state["clocks"]:
            if clock["name"] == name and clock["stopped"] is None:
                self._stop(clock, when)

    def stop_all(self, when: date) -> None:
        for clock in self.state["clocks"]:
            if clock["stopped"] is None:
                self._stop(clock, when)

    def _stop(self, clock: dict[str, Any], when: date) -> None:
        due = date.fromisoformat(clock["due"])
        clock["stopped"] = when.isoformat()
        # derived only (not in the case file): which action ended each clock, by its place in the list
        place = next(i for i, c in enumerate(self.state["clocks"]) if c is clock)
        self.state.setdefault("clock_ends", {})[str(place)] = self.acting
        if clock["calendar_days"]:
            clock["late"] = max(0, (when - due).days)
        else:
            clock["late"] = self.calendar.workdays_late(due, when)

    def open_clock_named(self, name: str, start: date) -> None:
        days = self.config.clocks[name.partition(":")[0]]
        self.open_clock(name, start, days, calendar_days=(name == "platform"))

    def open_later_clock(self, name: str, start: date) -> None:
        """A clock of ``LATER_CLOCKS``: only in a store whose config has it."""
        if name in self.config.clocks:
            self.open_clock_named(name, start)


def initial_state(unit: str) -> dict[str, Any]:
    return {
        "status": "registered",
        "unit": unit,
        "triage": None,
        "extended": False,
        "via_transfer": False,
        "transferred_at": None,
        "opinions": {},
        "earlier_opinions": [],
        "meetings": [],
        "decision": None,
        "platform": None,
        "reply": None,
        "objections": [],
        "followups": [],
        "reopened": [],
        "closure": None,
        "supervisions": [],
        "notes": [],
        "notices": [],
        "archive": None,
        "clocks": [],
    }


def derive_state(case: dict[str, Any], config: Config, calendar: WorkCalendar) -> dict[str, Any]:
    """The state after replaying every action of ``case`` in order."""
    reg = case["registration"]
    voided = frozenset(v for a in case["actions"] if a["action"] == "settle" for v in a.get("data", {}).get("void", []))
    replay = _Replay(config, calendar, initial_state(reg["first_unit"]), voided)
    for action in case["actions"]:
        apply_action(replay, action)
    return replay.state


def apply_action(replay: _Replay, action: dict[str, Any]) -> None:
    state = replay.state
    code = action["action"]
    data = action.get("data", {})
    day = action_day(action)
    office = replay.config.office_unit
    applied = True
    if code == "settle":
        # The office's decision on a contradiction: the actions it names (kept or set aside) are
        # settled; the ones set aside were skipped by this replay from the start.
        named = {data.get("keep"), *data.get("void", [])}
        for conflict in state.get("conflicts", []):
            if conflict["settled_by"] is None and (conflict["action"] in named or conflict.get("against") in named):
                conflict["settled_by"] = action["id"]
                conflict["kept"] = data.get("keep")
        applied = False
    elif action["id"] in replay.voided:
        state.setdefault("voided", []).append(action["id"])
        applied = False
    elif code != "register":
        transition = TRANSITIONS.get((state["status"], code))
        if transition is not None:
            if transition.next is not None and transition.next != state["status"]:
                replay.moves += 1
                replay.left[state["status"]] = (replay.moves, action["id"])
            state["status"] = transition.next_status()
        else:
            # Only a merge of two offices' histories puts an action where the workflow does not
            # allow it (both did a status-changing action from the same status): it stays in the
            # record, is not applied, and the case waits for the office to settle it (settle).
            applied = False
            state.setdefault("conflicts", []).append({
                "action": action["id"], "code": code, "actor": action["actor"], "unit": action["unit"],
                "at": action["at"], "status": state["status"], "against": _competitor(replay, code), "settled_by": None})
    handler = _EFFECTS.get(code)
    replay.acting = code
    if applied and handler is not None:
        handler(replay, action, data, day, office)
    for notice in action.get("notices", []):
        state["notices"].append({**notice, "action": action["id"], "date": day.isoformat()})
    state["last_action_at"] = action["at"]


def _competitor(replay: _Replay, code: str) -> str | None:
    """The applied action an out-of-place one contradicts: the one that most recently moved the
    case out of a status from which ``code`` would have been legal (both were done from there)."""
    from disputectl.rules.workflow import TABLE

    moves = [replay.left[t.status] for t in TABLE if t.action == code and t.status in replay.left]
    return max(moves)[1] if moves else None


def _register(r: _Replay, a: dict[str, Any], d: dict[str, Any], day: date, office: str) -> None:
    r.state["status"] = "registered"
    r.open_clock_named("route", day)


def _route_self(r: _Replay, a: dict[str, Any], d: dict[str, Any], day: date, office: str) -> None:
    r.stop_clock("route", day)
    r.open_clock_named("handle", day)


def _route_transfer(r: _Replay, a: dict[str, Any], d: dict[str, Any], day: date, office: str) -> None:
    r.stop_clock("route", day)
    r.state["unit"] = d["to_unit"]
    r.state["transferred_at"] = day.isoformat()
    r.open_clock_named("sign", day)


def _to_office(r: _Replay, a: dict[str, Any], d: dict[str, Any], day: date, office: str) -> None:
    r.stop_all(day)
    r.state["unit"] = office
    r.open_clock_named("triage", day)


def _sign(r: _Replay, a: dict[str, Any], d: dict[str, Any], day: date, office: str) -> None:
    r.stop_clock("sign", day)
    r.state["via_transfer"] = True
    r.open_clock_named("handle", day)


def _extend(r: _Replay, a: dict[str, Any], d: dict[str, Any], day: date, office: str) -> None:
    r.state["extended"] = True
    for clock in r.state["clocks"]:
        if clock["name"] == "handle" and clock["stopped"] is None:
            clock["due"] = r.calendar.add_workdays(date.fromisoformat(clock["due"]), int(d["days"])).isoformat()
            clock["days"] += int(d["days"])
            clock["extended_by"] = int(d["days"])


def _decide(r: _Replay, a: dict[str, Any], d: dict[str, Any], day: date, office: str) -> None:
    r.stop_all(day)
    if a["action"] in ("consolidate", "platform_result"):
        r.state["unit"] = office
    r.state["decision"] = {
        "facts": d["facts"], "basis": d["basis"], "decision": d["decision"],
        "unit": r.state["unit"], "officer": a["actor"], "date": day.isoformat(), "by": a["action"],
    }
    r.open_clock_named("reply", day)


def _triage_general(r: _Replay, a: dict[str, Any], d: dict[str, Any], day: date, office: str) -> None:
    r.stop_all(day)
    r.state["triage"] = "general"
    r.open_later_clock("joint", day)  # the 一般事项 as a whole, to its consolidation


def _triage_major(r: _Replay, a: dict[str, Any], d: dict[str, Any], day: date, office: str) -> None:
    r.stop_all(day)
    r.state["triage"] = "major"
    r.open_clock_named("approval", day)


def _convene(r: _Replay, a: dict[str, Any], d: dict[str, Any], day: date, office: str) -> None:
    r.state["meetings"].append({"date": d["date"], "place": d["place"], "units": list(d["units"]), "action": a["id"]})


def _request_opinions(r: _Replay, a: dict[str, Any], d: dict[str, Any], day: date, office: str) -> None:
    r.stop_clock("consolidate", day)
    for unit in d["units"]:
        earlier = r.state["opinions"].get(unit)
        if earlier and earlier["submitted"]:  # asked again: the earlier opinion stays on record
            r.state["earlier_opinions"].append({"unit": unit, **earlier})
        r.open_clock_named(f"opinion:{unit}", day)
        due = r.state["clocks"][-1]["due"]
        r.state["opinions"][unit] = {"requested": day.isoformat(), "due": due, "submitted": None,
                                     "officer": None, "action": None}


def _submit_opinion(r: _Replay, a: dict[str, Any], d: dict[str, Any], day: date, office: str) -> None:
    entry = r.state["opinions"].get(a["unit"])
    if entry is None:
        return
    entry.update({"submitted": day.isoformat(), "officer": a["actor"], "action": a["id"]})
    r.stop_clock(f"opinion:{a['unit']}", day)
    if not pending_opinions(r.state):
        r.open_clock_named("consolidate", day)


def _amend_opinion(r: _Replay, a: dict[str, Any], d: dict[str, Any], day: date, office: str) -> None:
    """The unit's amended opinion replaces the one it submitted; that one stays on record."""
    entry = r.state["opinions"].get(a["unit"])
    if entry is None or not entry["submitted"]:
        return
    r.state["earlier_opinions"].append({"unit": a["unit"], **entry, "amended_by": a["id"]})
    entry.update({"submitted": day.isoformat(), "officer": a["actor"], "action": a["id"]})


def _approve(r: _Replay, a: dict[str, Any], d: dict[str, Any], day: date, office: str) -> None:
    r.stop_all(day)
    r.state["platform"] = {"sent_date": d["sent_date"], "ref": d["platform_ref"], "approved_by": a["actor"]}
    r.state["unit"] = r.config.platform_unit or office
    r.open_clock("platform", date.fromisoformat(d["sent_date"]), r.config.clocks["platform"], calendar_days=True)


def _reject(r: _Replay, a: dict[str, Any], d: dict[str, Any], day: date, office: str) -> None:
    r.stop_all(day)
    r.state["triage"] = "general"
    r.open_later_clock("joint", day)


def _reply(r: _Replay, a: dict[str, Any], d: dict[str, Any], day: date, office: str) -> None:
    r.stop_all(day)
    r.state["reply"] = {"method": d["method"], "date": d["date"], "officer": a["actor"], "unit": a["unit"]}
    delivered = date.fromisoformat(d["date"])  # counted from the delivery, not the day it was recorded
    r.open_later_clock("archive", delivered)
    r.open_later_clock("followup", delivered)


def _object(r: _Replay, a: dict[str, Any], d: dict[str, Any], day: date, office: str) -> None:
    r.state["objections"].append({"channel": d["channel"], "body": d["body"], "date": d["date"], "outcome": None})


def _outcome(r: _Replay, a: dict[str, Any], d: dict[str, Any], day: date, office: str) -> None:
    from disputectl.rules.workflow import OUTCOME_KINDS

    open_ones = [o for o in r.state["objections"] if o["channel"] == OUTCOME_KINDS[d["kind"]] and not o.get("outcome")]
    if open_ones:
        open_ones[-1]["outcome"] = {"kind": d["kind"], "body": d["body"], "date": d["date"]}


def _followup(r: _Replay, a: dict[str, Any], d: dict[str, Any], day: date, office: str) -> None:
    r.stop_clock("followup", day)
    r.state["followups"].append({"result": d["result"], "method": d["method"], "note": d.get("note", ""),
                                 "date": day.isoformat(), "officer": a["actor"], "unit": a["unit"]})


def _reopen(r: _Replay, a: dict[str, Any], d: dict[str, Any], day: date, office: str) -> None:
    """Handled again after a 不满意 回访: by the unit that concluded, or the office's 梳理 anew."""
    r.stop_all(day)
    r.state["reopened"].append({"date": day.isoformat(), "reason": d["reason"], "decision": r.state["decision"],
                                "reply": r.state["reply"]})
    r.state["decision"], r.state["reply"] = None, None
    # a new round: its 联席会议 and 书面意见 are its own (the earlier ones stay on record)
    r.state.setdefault("earlier_meetings", []).extend(r.state["meetings"])
    r.state["meetings"] = []
    r.state["earlier_opinions"] += [{"unit": u, **o} for u, o in r.state["opinions"].items() if o["submitted"]]
    r.state["opinions"] = {}
    if r.config.units[r.state["unit"]].kind in ("office", "platform"):
        r.state["unit"] = office
        r.state["status"] = "coordinating"
        r.open_clock_named("triage", day)
    else:
        r.state["status"] = "handling"
        r.open_clock_named("handle", day)


def _close(r: _Replay, a: dict[str, Any], d: dict[str, Any], day: date, office: str) -> None:
    r.stop_all(day)
    r.open_later_clock("archive", day)
    r.state["closure"] = {"action": a["action"], "date": d.get("date", day.isoformat()), "reason": d["reason"],
                          "authority": d.get("authority"), "unit": a["unit"]}


def _supervise(r: _Replay, a: dict[str, Any], d: dict[str, Any], day: date, office: str) -> None:
    r.state["supervisions"].append({"kind": d["kind"], "body": d["body"], "date": day.isoformat()})


def _note(r: _Replay, a: dict[str, Any], d: dict[str, Any], day: date, office: str) -> None:
    r.state["notes"].append({"body": d["body"], "date": day.isoformat(), "officer": a["actor"]})


def _archive(r: _Replay, a: dict[str, Any], d: dict[str, Any], day: date, office: str) -> None:
    r.stop_all(day)  # a 回访 not made by then shows as such (views.clock_view)
    r.state["archive"] = {"date": day.isoformat(), "archivist": a["actor"], **{k: v for k, v in d.items()}}


_EFFECTS = {
    "register": _register,
    "followup": _followup,
    "reopen": _reopen,
    "route_self": _route_self,
    "route_transfer": _route_transfer,
    "route_office": _to_office,
    "return": _to_office,
    "refer": _to_office,
    "sign": _sign,
    "extend": _extend,
    "conclude": _decide,
    "consolidate": _decide,
    "platform_result": _decide,
    "triage_general": _triage_general,
    "triage_major": _triage_major,
    "convene": _convene,
    "request_opinions": _request_opinions,
    "submit_opinion": _submit_opinion,
    "amend_opinion": _amend_opinion,
    "approve": _approve,
    "reject": _reject,
    "reply": _reply,
    "object": _object,
    "outcome": _outcome,
    "hand_over": _close,
    "withdraw": _close,
    "supervise": _supervise,
    "note": _note,
    "archive": _archive,
}


CLOSING_ACTIONS = ("reply", "hand_over", "withdraw", "archive")


CASEWORK_ROLES = frozenset({"registrar", "handler", "office"})
_NOT_CASEWORK = frozenset({"supervise", "note", "issue_notice", "amend"})


def due_facts(case: dict[str, Any], state: dict[str, Any], config: Config) -> dict[str, Any]:
    """All a due list needs of a case (the derived index keeps these apart: a list of two
    thousand open clocks then reads ~500 bytes a case, not the record and its whole state).

    The payer, the status, the holding unit and the open clocks; ``acted``: for each unit, the
    last officer of a casework role who acted for it on the case (supervising, notes and
    reissued notices aside), the 责任人 of a clock that waits on that unit.
    """
    reg = current_registration(case)
    acted: dict[str, str] = {}
    for action in case["actions"]:
        actor = config.officers.get(action["actor"])
        if actor is not None and actor.roles & CASEWORK_ROLES and action["action"] not in _NOT_CASEWORK:
            acted[action["unit"]] = actor.id
    open_clocks = [clock for clock in state["clocks"] if clock["stopped"] is None]
    # the deadlines stated by notices in force, for the clocks still running (due marks those the
    # calendar now puts elsewhere; the comparison is made with the calendar of the day)
    stated = [{"number": n.get("number"), "kind": n["kind"], "clock": name, "stated": date_}
              for n in _latest_notices(state) for name, date_ in (n.get("states") or {}).items()
              if any(c["name"] == name and c["start"] <= n["date"] for c in open_clocks)]
    return {"id": case["id"], "payer": reg["payer"]["name"], "category": reg["category"], "region": reg["region"],
            "first_officer": reg["first_officer"], "acted": acted, "status": state["status"], "unit": state["unit"],
            "clocks": open_clocks, "stated": stated}


def notice_slot(notice: dict[str, Any]) -> str:
    """What a later notice replaces: one of the same kind (for 征求意见函, to the same unit)."""
    unit = notice["path"].rsplit("（", 1)[-1] if notice["kind"] == "opinion_request" else ""
    return f"{notice['kind']}|{unit}"


def _latest_notices(state: dict[str, Any]) -> list[dict[str, Any]]:
    """The notice in force of each kind (and, for 征求意见函, of each unit asked): the last one."""
    return list({notice_slot(notice): notice for notice in state["notices"]}.values())


def case_facts(case: dict[str, Any], state: dict[str, Any], calendar: WorkCalendar) -> dict[str, Any]:
    """The few per-case figures statistics need, so they can be kept as index columns."""
    registered = action_day(case["actions"][0])
    # the last closing and the last reply: a case reopened after a 不满意 回访 is open until replied again
    closing = [action_day(a) for a in case["actions"] if a["action"] in CLOSING_ACTIONS]
    replies = [action_day(a) for a in case["actions"] if a["action"] == "reply"]
    reopened = state["status"] not in ("replied", "handed_over", "withdrawn", "archived")
    closed = closing[-1] if closing and not reopened else None
    reply = replies[-1] if replies and not reopened else None
    reg = current_registration(case)
    followups = [a for a in case["actions"] if a["action"] == "followup"]
    decision = state.get("decision") or {}
    return {
        "id": case["id"],
        "registered": registered,
        "closed": closed,
        "reply": reply,
        # 回访: the day of the last one and whether it found the payer satisfied (满意 or 基本满意)
        "followed": action_day(followups[-1]) if followups else None,
        "satisfied": followups[-1]["data"].get("result") in SATISFIED if followups else None,
        # 就地解决: concluded by the unit that took the case in, the office never involved
        "local": decision.get("by") == "conclude" and decision.get("unit") == reg["first_unit"] and not state["triage"],
        "first_unit": reg["first_unit"],
        "late": any(c["late"] for c in state["clocks"] if c["stopped"] and c["name"] not in AFTERCARE_CLOCKS),
        "reply_days": calendar.workdays_between(registered, reply) if reply else None,
        "objections": [action_day(a) for a in case["actions"] if a["action"] == "object"],
        "status": state["status"],
        "unit": state["unit"],
        "category": reg["category"],
        "region": reg["region"],
    }


STORED_STATE_KEYS = ("status", "unit", "triage", "extended", "clocks")


def notice_date_problems(state: dict[str, Any], calendar: WorkCalendar) -> list[dict[str, Any]]:
    """The notices in force (the last of each kind and unit) whose stated deadlines are not the
    ones the calendar gives now (holiday data added or changed since), and those still counted
    through a year without holiday data."""
    out = []
    for notice in _latest_notices(state):
        for name, stated in (notice.get("states") or {}).items():
            started = [c for c in state["clocks"] if c["name"] == name and c["start"] <= notice["date"]]
            if started and started[-1]["due"] != stated:
                out.append({"number": notice.get("number"), "kind": notice["kind"], "clock": name, "stated": stated,
                            "now": started[-1]["due"]})
        missing = [y for y in notice.get("assumed_years") or () if not calendar.has_schedule(y)]
        if missing:
            out.append({"number": notice.get("number"), "kind": notice["kind"], "assumed_years": missing})
    return out


def stored_state(state: dict[str, Any]) -> dict[str, Any]:
    """The part of the derived state written into the case file for readers of the YAML.

    Everything else (decision, reply, meetings …) is in the actions themselves and is derived
    again on reading; the file stays small and quick to parse.
    """
    out = {key: state[key] for key in STORED_STATE_KEYS}
    out["pending_opinions"] = pending_opinions(state)
    if state.get("archive"):
        out["archive_code"] = state["archive"].get("code")
    return out


def pending_opinions(state: dict[str, Any]) -> list[str]:
    return [unit for unit, o in state["opinions"].items() if o["submitted"] is None]


def open_clocks(state: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in state["clocks"] if c["stopped"] is None]


def open_conflicts(state: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in state.get("conflicts", []) if c["settled_by"] is None]


def waiting_for(state: dict[str, Any], config: Config) -> str:
    status = state["status"]
    conflicts = open_conflicts(state)
    if conflicts:
        from disputectl.rules.workflow import ACTIONS

        listed = "；".join(
            f"{config.unit_label(c['unit'])}{o.name if (o := config.officers.get(c['actor'])) else c['actor']}"
            f" {c['at'][:16].replace('T', ' ')}“{ACTIONS[c['code']].label if c['code'] in ACTIONS else c['code']}”"
            for c in conflicts)
        return (f"两处同时办理、操作相互矛盾，等待领导组办公室核处：{listed}与在先的操作"
                f"（{'、'.join(str(c.get('against') or '—') for c in conflicts)}）冲突，已保留在记录中但未生效；"
                f"核处：disputectl settle 案件编号 --keep 保留的操作编号 --reason 理由")
    unit = config.unit_label(state["unit"])
    if status == "joint":
        pending = pending_opinions(state)
        if pending:
            return "等待书面意见：" + "、".join(config.unit_label(u) for u in pending)
        if not state["opinions"]:
            return "等待领导组办公室召开联席会议、征求联办单位书面意见"
        return "书面意见已齐，等待领导组办公室综合意见"
    return {
        "registered": "等待首问责任人分类流转",
        "transferred": f"等待{unit}签收或退回",
        "handling": f"{unit}办理中",
        "coordinating": "等待领导组办公室梳理（一般事项或重大疑难事项）",
        "awaiting_approval": "等待领导组组长审批",
        "at_platform": "等待一站式平台办结，由领导组办公室记录结果",
        "concluded": f"等待{unit}书面告知缴费人",
        "replied": "等待案卷归档",
        "handed_over": "等待案卷归档",
        "withdrawn": "等待案卷归档",
        "archived": "已归档（此后只能补充归档缴费人的异议及其结果）",
    }[status]
