"""The state machine as data: which action is legal from which status, for whom.

``TABLE`` is the single source the CLI, the docs (``disputectl actions``) and the tests read.
Each row says: from ``status``, ``action`` leads to ``next`` (None: stays), and may be done by
an officer holding one of the ``who`` roles whose unit satisfies the paired unit rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

STATUSES: dict[str, str] = {
    "registered": "已登记待流转",
    "transferred": "已转办待签收",
    "handling": "单位办理中",
    "coordinating": "领导组办公室梳理中",
    "joint": "一般事项联办中",
    "awaiting_approval": "重大疑难事项待组长审批",
    "at_platform": "一站式平台办理中",
    "concluded": "已办结待回复",
    "replied": "已书面回复",
    "handed_over": "已移交",
    "withdrawn": "已撤回",
    "archived": "已归档",
}
CLOSED_STATUSES = frozenset({"replied", "handed_over", "withdrawn", "archived"})

UNIT_RULES: dict[str, str] = {
    "any": "任意单位",
    "first_unit": "首问单位",
    "current_unit": "当前承办单位",
    "office": "领导组办公室",
    "opinion_unit": "被征求意见的单位",
    "holder_or_office": "当前承办单位或领导组办公室",
    "involved": "经手本案的单位",
    "opinion_given": "已提交书面意见的单位",
}

DELIVERY_METHODS = ("直接送达", "邮寄", "电子送达")
OBJECTION_CHANNELS = ("调解", "行政复议", "仲裁", "行政诉讼")
# what ends each kind of objection, and the channel it ends
OUTCOME_KINDS = {"调解结果": "调解", "复议决定": "行政复议", "仲裁裁决": "仲裁", "判决": "行政诉讼"}
# actions that record a document, which may come with its scan or file (--attach): a 书面意见, the
# meeting's sign-in sheet, the 送达回证, the platform's result, an objection, a hand-over, a note
ATTACHING_ACTIONS = ("submit_opinion", "amend_opinion", "convene", "reply", "platform_result", "object", "outcome", "hand_over", "note",
                     "followup", "conclude", "consolidate")
# recorded also after archiving, as 补充归档 entries (the archive gains a supplement)
SUPPLEMENT_ACTIONS = ("object", "outcome")
RETENTIONS = ("永久", "30年", "10年")
SUPERVISION_KINDS = ("督办", "催办")
FOLLOWUP_RESULTS = ("满意", "基本满意", "不满意")
FOLLOWUP_METHODS = ("电话", "面谈", "短信")


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text | date | time (HH:MM) | unit | units | int | choice | flag | record (a mapping, checked by a guard)
    required: bool = True
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class ActionSpec:
    code: str
    label: str
    fields: tuple[Field, ...] = ()
    notice: str | None = None  # the written notice this action produces


def _f(name: str, label: str, kind: str = "text", required: bool = True, choices: tuple[str, ...] = ()) -> Field:
    return Field(name, label, kind, required, choices)


# 首问到底: a colleague routes for an absent 首问责任人 (whose id this records), with the reason
ON_BEHALF = _f("on_behalf", "首问责任人不在岗，代为办理（须写明原因）", "flag", required=False)
ROUTING = ("route_self", "route_transfer", "route_office")

ACTIONS: dict[str, ActionSpec] = {
    spec.code: spec
    for spec in [
        ActionSpec("register", "受理登记", notice="receipt"),
        ActionSpec("route_self", "本单位办理", (_f("note", "说明", required=False), ON_BEHALF)),
        ActionSpec("route_transfer", "转办", (_f("to_unit", "转办单位", "unit"), _f("reason", "转办理由"), ON_BEHALF),
                   notice="transfer"),
        ActionSpec("route_office", "流转领导组办公室", (_f("reason", "流转理由", required=False), ON_BEHALF)),
        ActionSpec("sign", "签收"),
        ActionSpec("return", "退回", (_f("reason", "退回理由"),)),
        ActionSpec("extend", "延期", (_f("reason", "延期理由"), _f("days", "延长工作日数", "int")), notice="extension"),
        ActionSpec("conclude", "办结", (_f("facts", "查明事实"), _f("basis", "处理依据"), _f("decision", "处理意见"))),
        ActionSpec("refer", "提请领导组办公室", (_f("reason", "提请理由"),)),
        ActionSpec("triage_general", "梳理为一般事项", (_f("reason", "梳理意见"),)),
        ActionSpec("triage_major", "梳理为重大疑难事项并报请组长", (_f("reason", "报请理由"),), notice="approval_request"),
        # time and topic came later: a meeting recorded before has neither (its notice gives the date
        # only, and a 议题 worded from the matter)
        ActionSpec("convene", "召开联席会议", (_f("date", "会议日期", "date"), _f("time", "会议开始时间", "time", required=False),
                                              _f("place", "会议地点"), _f("units", "参会单位", "units"),
                                              _f("topic", "会议议题", required=False), _f("minutes", "会议纪要")),
                   notice="meeting"),
        ActionSpec("request_opinions", "征求书面意见", (_f("units", "联办单位", "units"), _f("question", "征求意见事项")),
                   notice="opinion_request"),
        ActionSpec("submit_opinion", "提交书面意见", (_f("body", "书面意见"),)),
        ActionSpec("amend_opinion", "修改书面意见", (_f("body", "修改后的书面意见"), _f("reason", "修改理由"))),
        ActionSpec("consolidate", "综合意见办结", (_f("facts", "查明事实"), _f("basis", "处理依据"), _f("decision", "处理意见"))),
        ActionSpec("approve", "组长同意纳入平台", (_f("sent_date", "移送平台日期", "date"), _f("platform_ref", "平台受理编号")),
                   notice="referral"),
        ActionSpec("reject", "组长不同意（转一般事项）", (_f("reason", "意见"),)),
        ActionSpec("platform_result", "记录平台处理结果", (_f("facts", "查明事实"), _f("basis", "处理依据"),
                                                  _f("decision", "处理结果"))),
        ActionSpec("reply", "书面回复缴费人", (_f("method", "送达方式", "choice", choices=DELIVERY_METHODS),
                                          _f("date", "送达日期", "date")), notice="result"),
        ActionSpec("object", "记录缴费人异议", (_f("channel", "救济途径", "choice", choices=OBJECTION_CHANNELS),
                                         _f("body", "受理机关"), _f("date", "提出日期", "date"))),
        ActionSpec("outcome", "记录异议处理结果", (_f("kind", "结果种类", "choice", choices=tuple(OUTCOME_KINDS)),
                                             _f("body", "结果内容"), _f("date", "作出日期", "date"))),
        ActionSpec("followup", "回访", (_f("result", "回访结果", "choice", choices=FOLLOWUP_RESULTS),
                                     _f("method", "回访方式", "choice", choices=FOLLOWUP_METHODS),
                                     _f("note", "回访情况", required=False))),
        ActionSpec("reopen", "重新办理（回访不满意）", (_f("reason", "重新办理的理由"),)),
        ActionSpec("hand_over", "移交", (_f("authority", "移交机关"), _f("reason", "移交理由"), ON_BEHALF),
                   notice="handover"),
        ActionSpec("withdraw", "缴费人撤回", (_f("reason", "撤回理由"), _f("date", "撤回日期", "date"))),
        ActionSpec("supervise", "督办/催办", (_f("kind", "类型", "choice", choices=SUPERVISION_KINDS), _f("body", "内容"))),
        ActionSpec("note", "备注", (_f("body", "内容"),)),
        # corrections to the registration: rules.amend (the registration itself is never rewritten)
        ActionSpec("amend", "更正登记信息", (_f("reason", "更正理由"), _f("fields", "更正内容", "record"),
                                          _f("before", "更正前的内容", "record"))),
        ActionSpec("issue_notice", "出具文书", (_f("kind", "文书种类"),)),
        # Outside the table: allowed in any status while two offices' actions contradict each other.
        ActionSpec("settle", "核处矛盾操作", (_f("keep", "保留的操作（操作编号）"), _f("reason", "核处理由"))),
        ActionSpec("archive", "案卷归档", (_f("retention", "保管期限", "choice", required=False, choices=RETENTIONS),
                                          _f("checked_by", "检查人的工号（另一位档案管理员或领导组办公室人员；"
                                                           "不写时备考表的检查人一栏留空待签）", required=False))),
    ]
}


@dataclass(frozen=True)
class Transition:
    status: str
    action: str
    next: str | None
    who: tuple[tuple[str, str], ...]
    guard: str | None = None

    def next_status(self) -> str:
        return self.next or self.status


REGISTRAR_FIRST = (("registrar", "first_unit"),)
HANDLER_HERE = (("handler", "current_unit"),)
OFFICE = (("office", "office"),)
HOLDER_OR_OFFICE = (("handler", "current_unit"), ("office", "office"))
NOTICE_ISSUERS = (("registrar", "current_unit"), ("handler", "current_unit"), ("office", "office"))
OPEN_FOR_NOTES = ("registered", "transferred", "handling", "coordinating", "joint", "awaiting_approval",
                  "at_platform", "concluded", "replied", "handed_over", "withdrawn")

_ROWS: list[Transition] = [
    Transition("registered", "route_self", "handling", REGISTRAR_FIRST, "self_handling"),
    Transition("registered", "route_transfer", "transferred", REGISTRAR_FIRST, "transfer_target"),
    Transition("registered", "route_office", "coordinating", REGISTRAR_FIRST),
    Transition("registered", "hand_over", "handed_over", REGISTRAR_FIRST + OFFICE),
    Transition("registered", "withdraw", "withdrawn", REGISTRAR_FIRST + OFFICE),
    Transition("transferred", "sign", "handling", HANDLER_HERE),
    Transition("transferred", "return", "coordinating", HANDLER_HERE, "return_window"),
    Transition("transferred", "withdraw", "withdrawn", REGISTRAR_FIRST + HOLDER_OR_OFFICE),
    Transition("handling", "extend", None, HANDLER_HERE, "not_extended"),
    Transition("handling", "conclude", "concluded", HANDLER_HERE),
    Transition("handling", "refer", "coordinating", HANDLER_HERE),
    Transition("handling", "return", "coordinating", HANDLER_HERE, "return_window"),
    Transition("handling", "hand_over", "handed_over", HOLDER_OR_OFFICE),
    Transition("handling", "withdraw", "withdrawn", HOLDER_OR_OFFICE),
    Transition("coordinating", "triage_general", "joint", OFFICE),
    Transition("coordinating", "triage_major", "awaiting_approval", OFFICE),
    Transition("coordinating", "hand_over", "handed_over", OFFICE),
    Transition("coordinating", "withdraw", "withdrawn", OFFICE),
    Transition("joint", "convene", None, OFFICE, "member_units"),
    Transition("joint", "request_opinions", None, OFFICE, "requestable"),
    Transition("joint", "submit_opinion", None, (("handler", "opinion_unit"),)),
    # a unit may amend its opinion until the office consolidates (the earlier one stays on record)
    Transition("joint", "amend_opinion", None, (("handler", "opinion_given"),)),
    Transition("joint", "consolidate", "concluded", OFFICE, "opinions_complete"),
    Transition("joint", "hand_over", "handed_over", OFFICE),
    Transition("joint", "withdraw", "withdrawn", OFFICE),
    Transition("awaiting_approval", "approve", "at_platform", (("leader", "any"),)),
    Transition("awaiting_approval", "reject", "joint", (("leader", "any"),)),
    Transition("awaiting_approval", "withdraw", "withdrawn", OFFICE),
    Transition("at_platform", "platform_result", "concluded", OFFICE),
    Transition("at_platform", "withdraw", "withdrawn", OFFICE),
    Transition("concluded", "reply", "replied", (("handler", "current_unit"), ("office", "current_unit"))),
    Transition("replied", "object", None, HOLDER_OR_OFFICE),
    Transition("replied", "outcome", None, HOLDER_OR_OFFICE, "objection_open"),
    # after archiving: 补充归档 (documents.archive.supplement_package); the archive stays as it was
    Transition("archived", "object", None, HOLDER_OR_OFFICE),
    Transition("archived", "outcome", None, HOLDER_OR_OFFICE, "objection_open"),
    Transition("replied", "followup", None, HOLDER_OR_OFFICE),
    # back to the unit that concluded, after a 不满意 回访; one the office concluded goes back to
    # its 梳理 (coordinating: derive._reopen)
    Transition("replied", "reopen", "handling", HOLDER_OR_OFFICE, "unsatisfied"),
    Transition("replied", "archive", "archived", (("archivist", "holder_or_office"),)),
    Transition("handed_over", "archive", "archived", (("archivist", "holder_or_office"),)),
    Transition("withdrawn", "archive", "archived", (("archivist", "holder_or_office"),)),
]
_ROWS += [Transition(s, "supervise", None, OFFICE) for s in OPEN_FOR_NOTES]
# notes: the office, and the units involved in the case (it took it in, held it, acted or was asked)
NOTE_TAKERS = OFFICE + (("handler", "involved"), ("registrar", "involved"))
_ROWS += [Transition(s, "note", None, NOTE_TAKERS) for s in OPEN_FOR_NOTES]
_ROWS += [Transition(s, "issue_notice", None, NOTICE_ISSUERS, "notice_kind") for s in OPEN_FOR_NOTES]
# 更正登记信息: the first unit's registrar (首问) or the office, until the case is archived
_ROWS += [Transition(s, "amend", None, REGISTRAR_FIRST + OFFICE, "amendment") for s in OPEN_FOR_NOTES]

TABLE: tuple[Transition, ...] = tuple(_ROWS)
TRANSITIONS: dict[tuple[str, str], Transition] = {(t.status, t.action): t for t in TABLE}
assert len(TRANSITIONS) == len(TABLE), "duplicate (status, action) row"
assert all(t.action in ACTIONS for t in TABLE) and all(t.status in STATUSES for t in TABLE)
# Actions with no row: registration starts a case; settling a contradiction is allowed in every
# status, to the office, while the case has one (authorize.check_settle).
OUTSIDE_TABLE = frozenset({"register", "settle"})
SETTLERS = OFFICE


def produced_notices(action: str, data: dict[str, Any]) -> list[tuple[str, str | None]]:
    """The notices an action issues by itself: its ActionSpec's kind, one 征求意见函 per unit asked."""
    produced = ACTIONS[action].notice
    if produced is None:
        return []
    if action == "request_opinions":
        return [(produced, unit) for unit in data["units"]]
    return [(produced, None)]


def allowed_from(status: str) -> list[Transition]:
    return [t for t in TABLE if t.status == status]


def describe_who(transition: Transition) -> str:
    from disputectl.rules.config import ROLES

    def one(role: str, rule: str) -> str:
        if rule == "any" or (rule == "office" and role == "office"):
            return ROLES[role]
        return UNIT_RULES[rule] + ROLES[role]

    return "或".join(one(role, rule) for role, rule in transition.who)


def next_steps_text(status: str) -> str:
    rows = [t for t in allowed_from(status) if t.action not in ("note", "supervise", "issue_notice")]
    if not rows:
        return "该状态下不能再办理任何事项。" if status == "archived" else "只能添加备注、督办或出具文书。"
    return "当前可以：" + "；".join(f"{ACTIONS[t.action].label}（{describe_who(t)}）" for t in rows) + "。"


def table_rows() -> list[dict[str, Any]]:
    """The table in plain values, for docs and ``disputectl actions --json``."""
    return [
        {
            "status": t.status,
            "status_label": STATUSES[t.status],
            "action": t.action,
            "action_label": ACTIONS[t.action].label,
            "next": t.next_status(),
            "next_label": STATUSES[t.next_status()],
            "who": [{"role": r, "unit_rule": u} for r, u in t.who],
            "guard": t.guard,
        }
        for t in TABLE
    ]
