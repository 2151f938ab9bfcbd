"""A case brought in from an office's 台账 (``disputectl import``): the stage it had reached.

The import is one ``register`` action whose ``occurred`` is the original visit date (补录) and
whose data records where the row came from and how far the case had got::

    data:
      imported: {source: 台账.xlsx, row: 12, key: <32 hex>, ref: 原编号, stage: handling,
                 unit: RS, since: 2026-08-03, concluded: …, reply_method: …, reply_date: …}
      facts: …   basis: …   decision: …   # 已办结待回复 / 已书面回复: free text, sealed like any action's

``derive`` replays the stage from it; ``stage_problems`` is the one check of such a record, run
by the import before it commits and by ``verify`` on every imported case in the history.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Mapping
from datetime import date
from typing import Any

from disputectl.rules.config import Config
from disputectl.rules.personal import mask_personal_data
from disputectl.rules.validation import check_text, mask_identifier, parse_date
from disputectl.rules.workflow import DELIVERY_METHODS, STATUSES

# the stages a 台账 row can put a case in, in the order of the workflow
IMPORT_STAGES = ("registered", "transferred", "handling", "coordinating", "concluded", "replied")
# the fields of each stage (besides ``stage``), and which of them must be filled
_STAGE_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "registered": ((), ()),
    "transferred": (("unit", "since"), ("unit", "since")),
    "handling": (("unit", "since"), ("unit", "since")),
    "coordinating": (("unit", "since"), ("since",)),
    "concluded": (("unit", "since", "concluded", "facts", "basis", "decision"),
                  ("unit", "concluded", "facts", "basis", "decision")),
    "replied": (("unit", "since", "concluded", "facts", "basis", "decision", "reply_method", "reply_date"),
                ("unit", "concluded", "decision", "reply_method", "reply_date")),
}
STAGE_FIELD_LABELS = {
    "stage": "当前环节",
    "unit": "承办单位",
    "since": "承办起始日期",
    "concluded": "办结日期",
    "facts": "查明事实",
    "basis": "处理依据",
    "decision": "处理意见",
    "reply_method": "送达方式",
    "reply_date": "送达日期",
}
DECISION_FIELDS = ("facts", "basis", "decision")
IMPORT_YEARS = 3  # how far back a 台账 may reach: visit dates within the last three years
KEY_VERSION = "v1"


def stage_label(stage: str) -> str:
    return STATUSES.get(stage, stage)


def imported_record(case: Mapping[str, Any]) -> dict[str, Any] | None:
    """The import record of a case brought in from a 台账, or None."""
    actions = case.get("actions") or []
    if not actions or actions[0].get("action") != "register":
        return None
    record = (actions[0].get("data") or {}).get("imported")
    return record if isinstance(record, dict) else None


def _norm(value: Any) -> str:
    text = unicodedata.normalize("NFKC", str(value or ""))
    return mask_personal_data(" ".join(text.split()))


def import_key(registration: Mapping[str, Any]) -> str:
    """What makes a 台账 row the same case on a second import: the payer (kind, name, masked
    identifier), the visit time, the category and the matter, normalized (full-width folded,
    spaces collapsed, numbers in the text masked). Computed on what the case file keeps in clear,
    so ``verify`` can compute it again without any key, and it reveals nothing the file does not."""
    payer = registration["payer"]
    parts = [KEY_VERSION, payer["kind"], _norm(payer["name"]), mask_identifier(_norm(payer["id_number"]).upper()),
             str(registration["visit_time"])[:16], str(registration["category"]), _norm(registration["matter"])]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()[:32]


def stage_problems(record: Mapping[str, Any], data: Mapping[str, Any], *, first_unit: str, visit_day: date,
                   entry_day: date, config: Config) -> list[tuple[str, str]]:
    """Every problem of an import's stage as (field, message): the fields it needs filled, no
    field it does not use, units that exist and may hold such a case, dates in their order
    (visit ≤ since ≤ concluded ≤ delivery ≤ the day of the import)."""
    problems: list[tuple[str, str]] = []
    stage = record.get("stage")
    if stage not in IMPORT_STAGES:
        labels = "、".join(stage_label(s) for s in IMPORT_STAGES)
        return [("stage", f"当前环节“{str(stage or '')[:20]}”无效，可用：{labels}")]
    allowed, required = _STAGE_FIELDS[stage]
    values = {**{k: record.get(k) for k in STAGE_FIELD_LABELS if k != "stage"},
              **{k: data.get(k) for k in DECISION_FIELDS}}
    for name, value in values.items():
        label = STAGE_FIELD_LABELS[name]
        if value in (None, ""):
            if name in required:
                problems.append((name, f"当前环节为“{stage_label(stage)}”，须填写{label}"))
        elif name not in allowed:
            problems.append((name, f"当前环节为“{stage_label(stage)}”，不应填写{label}（请核对当前环节）"))
    unit = record.get("unit")
    if unit not in (None, "") and "unit" in allowed:
        problems += [("unit", p) for p in _unit_problems(str(unit), stage, first_unit, config)]
    method = record.get("reply_method")
    if method not in (None, "") and "reply_method" in allowed and method not in DELIVERY_METHODS:
        problems.append(("reply_method", f"送达方式“{str(method)[:20]}”无效，可选：{'、'.join(DELIVERY_METHODS)}"))
    for name in DECISION_FIELDS:
        if data.get(name) not in (None, "") and name in allowed:
            problem = check_text(STAGE_FIELD_LABELS[name], data.get(name), max_length=5000)
            if problem:
                problems.append((name, problem))
    problems += _date_problems(record, allowed, visit_day, entry_day)
    return problems


def _unit_problems(unit: str, stage: str, first_unit: str, config: Config) -> list[str]:
    known = config.units.get(unit)
    if known is None:
        return [f"承办单位“{unit[:20]}”不存在，可用：" + "、".join(f"{u.code}（{u.short}）" for u in config.units.values())]
    if stage == "coordinating":
        return [] if unit == config.office_unit else [f"领导组办公室梳理中的事项，承办单位应为{config.unit_label(config.office_unit)}"]
    if known.kind == "platform" or (known.kind == "office" and stage in ("transferred", "handling")):
        return [f"{config.unit_label(unit)}不能作为“{stage_label(stage)}”的承办单位"]
    if stage == "transferred" and unit == first_unit:
        return ["不能转办给导入人员所在的单位：本单位办理的事项请用“单位办理中”"]
    return []


def _date_problems(record: Mapping[str, Any], allowed: tuple[str, ...], visit_day: date,
                   entry_day: date) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    previous, previous_label = visit_day, "来访日期"
    for name in ("since", "concluded", "reply_date"):
        value = record.get(name)
        if value in (None, "") or name not in allowed:
            continue
        label = STAGE_FIELD_LABELS[name]
        day = parse_date(value)
        if day is None:
            problems.append((name, f"{label}“{str(value)[:20]}”不是有效日期（应如 2026-08-01）"))
            continue
        if day > entry_day:
            problems.append((name, f"{label} {day} 晚于导入之日（{entry_day}）"))
        elif day < previous:
            problems.append((name, f"{label} {day} 早于{previous_label}（{previous}）"))
        previous, previous_label = max(day, previous), label
    return problems


def replay_imported_stage(r: Any, a: dict[str, Any], d: dict[str, Any], imported: dict[str, Any], office: str) -> None:
    """A case brought in from a 台账 (rules.imported): in the stage its row says, with the clock of
    that stage counted from the row's own dates. Routing is known to have ended on the day the
    stage began (``since``); what happened between is not known, so no other clock is made up."""
    stage, unit = imported["stage"], imported.get("unit")
    if stage == "registered":
        return
    since = date.fromisoformat(imported["since"]) if imported.get("since") else None
    if since is not None:
        r.stop_clock("route", since)
    state = r.state
    state["status"] = stage
    if stage in ("transferred", "handling"):
        state["unit"] = unit
        if unit != a["unit"]:  # another unit than the one importing: it came by a 转办
            state["transferred_at"] = imported["since"]
            state["via_transfer"] = stage == "handling"
        r.open_clock_named("sign" if stage == "transferred" else "handle", since)  # type: ignore[arg-type]
        return
    if stage == "coordinating":
        state["unit"] = office
        r.open_clock_named("triage", since)  # type: ignore[arg-type]
        return
    concluded = date.fromisoformat(imported["concluded"])
    state["unit"] = unit
    state["decision"] = {
        "facts": d.get("facts", ""), "basis": d.get("basis", ""), "decision": d["decision"], "unit": unit,
        "officer": a["actor"], "date": concluded.isoformat(), "by": "consolidate" if unit == office else "conclude",
    }
    r.open_clock_named("reply", concluded)
    if stage == "replied":
        delivered = date.fromisoformat(imported["reply_date"])
        r.stop_clock("reply", delivered)
        state["reply"] = {"method": imported["reply_method"], "date": imported["reply_date"], "officer": a["actor"],
                          "unit": unit}
        r.open_later_clock("archive", delivered)
        r.open_later_clock("followup", delivered)


def import_reasons(case: Mapping[str, Any], entry: Mapping[str, Any], config: Config) -> list[str]:
    """What ``verify`` finds wrong with a case's register action as an import (none for a plain
    registration): its stage (``stage_problems``, the import's day being the action's), its
    visit date as the action's ``occurred``, and its key as the registration gives it."""
    data = entry.get("data") or {}
    record = data.get("imported")
    if record is None:
        extra = sorted(set(data))
        return [f"受理登记的操作记录了不属于它的内容（{'、'.join(extra)}）"] if extra else []
    reg = case["registration"]
    visit = str(reg["visit_time"])[:10]
    reasons = []
    if entry.get("occurred") != visit:
        reasons.append(f"导入的案件应按来访日期 {visit} 补录，操作记载的发生日期却是 {entry.get('occurred') or '（无）'}")
    texts = {k: data[k] for k in DECISION_FIELDS if k in data}
    problems = stage_problems(record, texts, first_unit=reg["first_unit"], visit_day=date.fromisoformat(visit),
                              entry_day=date.fromisoformat(str(entry["at"])[:10]), config=config)
    reasons += [f"导入的办理情况不成立：{message}" for _, message in problems]
    if record.get("key") != import_key(reg):
        reasons.append("导入标识与登记内容不符（导入标识由缴费人、来访时间、类别和反映事项算出）")
    return reasons
