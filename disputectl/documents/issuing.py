"""Which written notice each action issues, the context it is filled with, and its number.

Pure glue between a case and ``notices``: given the case after the action, it returns the
.docx files to commit beside the case and the entries recorded on the action.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from disputectl.documents.notices import (
    KINDS,
    PARTLY_HIDDEN,
    clause,
    format_date_cn,
    format_doc_number,
    remedy_paragraphs,
    render_docx,
)
from disputectl.errors import ValidationError
from disputectl.record.store_files import case_files_dir
from disputectl.rules.amend import current_registration
from disputectl.rules.calendar import WorkCalendar
from disputectl.rules.config import Config
from disputectl.rules.personal import mask_address
from disputectl.rules.registration import payer_kind_label
from disputectl.rules.validation import mask_identifier, mask_phone
from disputectl.rules.workflow import ACTIONS

NOTICES_FOLDER = "文书"

# How a receipt says the matter came in (after 你/你单位, before 社会保险费征缴争议事项)
_RECEIVED = {"来访": "于{t}来访反映的", "来电": "于{t}来电反映的", "来信": "于{t}来信反映的",
             "网上": "于{t}通过网上渠道反映的", "其他部门转来": "反映、于{t}由其他部门转来的"}
_WEEKDAYS = "一二三四五六日"


def received_clause(channel: str, visit_time: str) -> str:
    return _RECEIVED.get(channel, "于{t}以" + channel + "方式反映的").format(t=visit_time)


def meeting_time_cn(day: date, time: str | None) -> str:
    """``2026年12月3日（星期四）上午9时30分``; the date alone for a meeting recorded without a time."""
    text = f"{format_date_cn(day)}（星期{_WEEKDAYS[day.weekday()]}）"
    if not time:
        return text
    hour, minute = (int(part) for part in time.split(":"))
    noon = "上午" if hour < 12 else "中午" if hour == 12 else "下午" if hour < 18 else "晚上"
    shown = hour if hour <= 12 else hour - 12
    return f"{text}{noon}{shown}时" + (f"{minute}分" if minute else "")


@dataclass(frozen=True)
class Issued:
    kind: str
    number: str | None
    path: str
    content: bytes
    # the deadlines the notice states (clock name -> date), and the years they were counted
    # through without holiday data (Monday to Friday assumed): show and due compare them later
    states: tuple[tuple[str, str], ...] = ()
    assumed_years: tuple[int, ...] = ()

    @property
    def entry(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "number": self.number, "path": self.path,
                               "sha256": hashlib.sha256(self.content).hexdigest()}
        if self.states:
            out["states"] = dict(self.states)
        if self.assumed_years:
            out["assumed_years"] = list(self.assumed_years)
        return out


def personal_values(reg: dict[str, Any], full: dict[str, Any] | None) -> dict[str, str]:
    """The payer's identifier and address masked, and in full where the officer could open them
    (``full``: the registration in clear; otherwise masked too, and marked as such)."""
    payer = reg["payer"]
    individual = payer["kind"] == "individual"
    out = {"payer_id": mask_identifier(payer["id_number"]),
           "payer_address": mask_address(payer["address"]) if individual and "*" not in payer["address"]
           else payer["address"]}
    if full is not None:
        clear = full["payer"]
        return {**out, "payer_id_full": clear["id_number"], "payer_phone_full": full["phone"],
                "payer_address_full": clear["address"]}
    return {**out, "payer_id_full": out["payer_id"] + PARTLY_HIDDEN,
            "payer_phone_full": mask_phone(reg["phone"]) + PARTLY_HIDDEN,
            "payer_address_full": out["payer_address"] + (PARTLY_HIDDEN if individual else "")}


class NoticeContext:
    """Builds template contexts from a case (after the action has been applied)."""

    def __init__(self, case: dict[str, Any], state: dict[str, Any], config: Config, calendar: WorkCalendar,
                 issued_on: date, issuer_unit: str, full: dict[str, Any] | None = None) -> None:
        self.case, self.state, self.config, self.calendar = case, state, config, calendar
        self.issued_on, self.issuer_unit = issued_on, issuer_unit
        self.registration = current_registration(case)  # as corrected (rules.amend)
        self.full = full  # the registration in clear, for a template that asks for it (see asks_for_full)
        self.stated: dict[str, dict[str, Any]] = {}  # the clocks whose deadline the notice being built states
        self.replaces: dict[tuple[str, str | None], str] = {}  # (kind, unit) -> the number a correction replaces

    def personal(self) -> dict[str, str]:
        return personal_values(self.registration, self.full)

    def common(self, number: str | None) -> dict[str, Any]:
        reg = self.registration
        return {
            **self.personal(),
            "doc_number": number or "",
            "issue_date": format_date_cn(self.issued_on),
            "issuer_name": self.config.units[self.issuer_unit].name,
            "case_id": self.case["id"],
            "payer_name": reg["payer"]["name"],
            "payer_kind": payer_kind_label(reg["payer"]["kind"]),
            "matter": reg["matter"],
            "category_name": self.config.categories[reg["category"]].name,
        }

    def _last(self, action: str) -> dict[str, Any]:
        for entry in reversed(self.case["actions"]):
            if entry["action"] == action:
                return entry
        label = ACTIONS[action].label if action in ACTIONS else action
        raise ValidationError(f"本案尚无“{label}”记录，不能出具该文书。")

    def _clock(self, name: str) -> dict[str, Any]:
        for clock in reversed(self.state["clocks"]):
            if clock["name"] == name:
                self.stated[name] = clock
                return clock
        raise ValidationError("本案尚无相应时限记录，不能出具该文书。")

    def _routing(self) -> str:
        """A receipt issued (or corrected) after the case was routed says so, not that routing
        is still to come by a day now past (and states no deadline)."""
        route = self._clock("route")
        if route["stopped"]:
            self.stated.pop("route", None)
            return f"本机关已于{self._cn(route['stopped'])}完成审核分流"
        return f"本机关将于{self._cn(route['due'])}前完成审核分流"

    def _cn(self, iso: str) -> str:
        return format_date_cn(date.fromisoformat(iso[:10]))

    def specific(self, kind: str, unit: str | None = None) -> dict[str, Any]:
        reg = self.registration
        if kind == "receipt":
            visit = datetime.fromisoformat(reg["visit_time"])
            officer = self.config.officers.get(reg["first_officer"])
            visit_time = f"{format_date_cn(visit.date())}{visit.hour}时{visit.minute}分" if visit.minute \
                else f"{format_date_cn(visit.date())}{visit.hour}时"
            return {
                "visit_time": visit_time, "received": received_clause(reg["channel"], visit_time),
                "channel": reg["channel"], "request": reg["request"],
                "first_officer": officer.name if officer else reg["first_officer"],
                "phone": mask_phone(reg["phone"]), "route_due": self._cn(self._clock("route")["due"]),
                "routing": self._routing(),
            }
        if kind == "transfer":
            data = self._last("route_transfer")["data"]
            return {"to_unit_name": self.config.units[data["to_unit"]].name, "reason": data["reason"],
                    "sign_due": self._cn(self._clock("sign")["due"])}
        if kind == "meeting":
            data = self._last("convene")["data"]
            # a meeting recorded before the 议题 had a field of its own: worded from the matter (its
            # minutes record what was decided, not what is to be discussed)
            agenda = data.get("topic") or f"研究提出{reg['payer']['name']}反映“{clause(reg['matter'])}”一事的处理意见"
            return {"meeting_date": meeting_time_cn(date.fromisoformat(data["date"]), data.get("time")),
                    "meeting_place": data["place"],
                    "units": [self.config.units[u].name for u in data["units"]], "agenda": agenda}
        if kind == "opinion_request":
            if unit is None or unit not in self.state["opinions"]:
                raise ValidationError("征求意见函须指明已征求意见的单位（--unit）。")
            data = self._last("request_opinions")["data"]
            return {"to_unit_name": self.config.units[unit].name,
                    "opinion_due": self._cn(self._clock(f"opinion:{unit}")["due"]), "question": data["question"]}
        if kind == "approval_request":
            data = self._last("triage_major")["data"]
            return {"reason": data["reason"], "office_opinion": "建议报请领导组组长同意后，纳入政法委“一站式”矛盾纠纷调处平台处理。"}
        if kind == "referral":
            data = self._last("approve")["data"]
            reason = self._last("triage_major")["data"]["reason"]
            platform = self.config.platform_unit
            return {"platform_name": self.config.units[platform].name if platform else "“一站式”矛盾纠纷调处平台",
                    "sent_date": self._cn(data["sent_date"]), "reason": reason}
        if kind == "extension":
            data = self._last("extend")["data"]
            clock = self._clock("handle")
            original = self.calendar.add_workdays(date.fromisoformat(clock["start"]), clock["days"] - data["days"])
            return {"original_due": format_date_cn(original), "new_due": self._cn(clock["due"]), "reason": data["reason"]}
        if kind == "result":
            decision = self.state["decision"]
            if not decision:
                raise ValidationError("本案尚无处理意见，不能出具处理结果告知书。")
            unit_code = decision["unit"]
            return {"facts": decision["facts"], "basis": decision["basis"], "decision": decision["decision"],
                    "remedy": self._remedy(unit_code),
                    "concluding_unit_name": self.config.units[unit_code].name,
                    "handled": self._handled(decision)}
        if kind == "handover":
            data = self._last("hand_over")["data"]
            return {"authority": data["authority"], "reason": data["reason"], **self._arbitration(data["authority"])}
        raise ValidationError(f"“{KINDS[kind].title}”随归档生成，不能单独出具。")

    def _you(self) -> str:
        return "你单位" if self.registration["payer"]["kind"] == "employer" else "你"

    def _remedy(self, unit_code: str) -> list[str]:
        """救济途径 naming the bodies configured for the concluding unit (and, for the office or
        the platform, the tax unit's 复议机关 beside the people's government)."""
        unit = self.config.units[unit_code]
        kind = unit.kind if unit.kind in ("tax", "hrss", "medical", "office", "platform") else "office"
        tax = next((u for u in self.config.units.values() if u.kind == "tax"), None)
        hrss = next((u for u in self.config.units.values() if u.kind == "hrss"), None)
        signer = self.config.units.get(self.issuer_unit, unit)  # the office signs for the platform
        return remedy_paragraphs(
            kind, self.config.government_name, you=self._you(),
            tax_review_body=unit.review_body if kind == "tax" else (tax.review_body if tax else ""),
            review_body=unit.review_body if kind in ("hrss", "medical") else (hrss.review_body if hrss else ""),
            court=unit.court or signer.court, arbitration_body=unit.arbitration_body or signer.arbitration_body)

    def _handled(self, decision: dict[str, Any]) -> str:
        """How the decision was reached, as the notice's signer says it (本机关 for itself)."""
        if decision.get("by") == "platform_result":
            platform = self.config.platform_unit
            name = self.config.units[platform].name if platform else "政法委“一站式”矛盾纠纷调处平台"
            return f"经{name}协调处理"
        if decision["unit"] != self.issuer_unit:
            return f"经{self.config.units[decision['unit']].name}调查核实"
        if decision.get("by") == "consolidate":
            return "经本机关会同有关单位调查核实"
        return "经本机关调查核实"

    def _arbitration(self, authority: str) -> dict[str, Any]:
        """A hand-over to labour arbitration: the payer applies there (the body cannot be handed the
        matter), so the notice says where — the configured body and address when it is the one meant."""
        if "仲裁" not in authority:
            return {"arbitration": False, "authority_address": ""}
        unit = self.config.units[self.issuer_unit]
        generic = {"劳动人事争议仲裁委员会", "劳动争议仲裁委员会", "仲裁委员会", "劳动仲裁", "劳动人事争议仲裁"}
        if unit.arbitration_body and authority.strip() in generic | {unit.arbitration_body}:
            return {"arbitration": True, "authority": unit.arbitration_body,
                    "authority_address": unit.arbitration_address}
        return {"arbitration": True, "authority_address": ""}

    def build(self, kind: str, number: str | None, unit: str | None = None) -> dict[str, Any]:
        self.stated = {}
        return {**self.common(number), **self.specific(kind, unit), "replaces": self.replaces.get((kind, unit), "")}

    def stated_dates(self) -> tuple[tuple[tuple[str, str], ...], tuple[int, ...]]:
        """After ``build``: the deadlines the notice states, and the years counted without holiday data."""
        states = tuple(sorted((name, clock["due"]) for name, clock in self.stated.items()))
        years: set[int] = set()
        for clock in self.stated.values():
            if not clock["calendar_days"]:
                years.update(self.calendar.missing_years(date.fromisoformat(clock["start"]),
                                                         date.fromisoformat(clock["due"])))
        return states, tuple(sorted(years))


EXTRA_TITLES = {"history": "案件经过", "case_record": "案件记录", "manifest": "校验清单", "supplement_note": "补充归档说明",
                "supplement_manifest": "补充归档校验清单"}


def notice_title(kind: str) -> str:
    return KINDS[kind].title if kind in KINDS else EXTRA_TITLES.get(kind, kind)


def notice_file_name(kind: str, number: str | None, unit: str | None, config: Config) -> str:
    title = KINDS[kind].title
    suffix = f"（{config.unit_label(unit)}）" if unit else ""
    return f"{number} {title}{suffix}.docx" if number else f"{title}{suffix}.docx"


def issue(ctx: NoticeContext, wanted: list[tuple[str, str | None]], *, store_root: Path | None,
          taken: Callable[[str, int], list[int]], prefixes: dict[str, str]) -> list[Issued]:
    """Render each wanted notice with the next free number of its kind and year."""
    issued: list[Issued] = []
    year = ctx.issued_on.year
    local: dict[str, int] = {}
    for kind, unit in wanted:
        prefix = prefixes.get(kind) or KINDS[kind].prefix
        number = None
        if prefix:
            if prefix not in local:
                local[prefix] = max(taken(prefix, year), default=0)
            local[prefix] += 1
            number = format_doc_number(prefix, year, local[prefix])
        content = render_docx(kind, ctx.build(kind, number, unit), store_root)
        path = f"{case_files_dir(ctx.case['id'])}/{NOTICES_FOLDER}/{notice_file_name(kind, number, unit, ctx.config)}"
        issued.append(Issued(kind, number, path, content, *ctx.stated_dates()))
    return issued
