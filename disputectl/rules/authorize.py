"""Is this action allowed now, by this officer, with this data? One answer, every problem named."""

from __future__ import annotations

from datetime import date
from typing import Any

from disputectl.errors import NotAllowed, PermissionDenied, ValidationError
from disputectl.rules.calendar import WorkCalendar
from disputectl.rules.config import CONSOLIDATE_RULES, ROLES, Config, Officer
from disputectl.rules.derive import action_day, pending_opinions
from disputectl.rules.validation import check_text, parse_clock_time, parse_date, parse_datetime
from disputectl.rules.workflow import (
    ACTIONS,
    ROUTING,
    SETTLERS,
    STATUSES,
    TRANSITIONS,
    Transition,
    describe_who,
    next_steps_text,
)


def unit_rule_holds(rule: str, officer: Officer, case: dict[str, Any], state: dict[str, Any], config: Config) -> bool:
    if rule == "any":
        return True
    if rule == "first_unit":
        return officer.unit == case["registration"]["first_unit"]
    if rule == "current_unit":
        return officer.unit == state["unit"]
    if rule == "office":
        return officer.unit == config.office_unit
    if rule == "opinion_unit":
        return officer.unit in pending_opinions(state)
    if rule == "holder_or_office":
        return officer.unit in (state["unit"], config.office_unit)
    if rule == "involved":
        return officer.unit in involved_units(case, state, config)
    if rule == "opinion_given":
        return bool(state["opinions"].get(officer.unit, {}).get("submitted"))
    raise ValueError(rule)


def involved_units(case: dict[str, Any], state: dict[str, Any], config: Config) -> set[str]:
    """The units a case has passed through: the one that took it in, each that held or acted on
    it, each asked for an opinion, and the office."""
    units = {case["registration"]["first_unit"], state["unit"], config.office_unit, *state["opinions"]}
    units |= {a["unit"] for a in case["actions"]}
    units |= {o["unit"] for o in state.get("earlier_opinions", [])}
    return units


def check_settle(officer: Officer, case: dict[str, Any], state: dict[str, Any], data: dict[str, Any],
                 config: Config) -> tuple[Transition, dict[str, Any]]:
    """The office settles a contradiction, in any status (an archived case too: a supplement that
    leaves the archive as it was), keeping one of the contradicting actions."""
    from disputectl.rules.derive import open_conflicts

    transition = Transition(state["status"], "settle", None, SETTLERS)
    check_officer(transition, officer, case, state, config)
    clean = clean_data("settle", data, config)
    conflicts = open_conflicts(state)
    if not conflicts:
        raise NotAllowed("本案没有待核处的矛盾操作。")
    keep = str(clean["keep"]).strip()
    group = [c for c in conflicts if keep in (c["action"], c.get("against"))]
    if not group:
        named = "、".join(sorted({i for c in conflicts for i in (c["action"], c.get("against")) if i}))
        raise ValidationError(f"操作“{keep[:40]}”不在待核处的矛盾操作中，可保留：{named}。")
    involved = {i for c in group for i in (c["action"], c.get("against")) if i}
    clean["keep"] = keep
    clean["void"] = sorted(involved - {keep})
    return transition, clean


def find_transition(state: dict[str, Any], action: str) -> Transition:
    if action not in ACTIONS:
        raise NotAllowed(f"没有“{action}”这项操作。")
    status = state["status"]
    transition = TRANSITIONS.get((status, action))
    if transition is None:
        raise NotAllowed(
            f"案件当前状态为“{STATUSES[status]}”，不能{ACTIONS[action].label}。{next_steps_text(status)}"
        )
    return transition


def check_officer(transition: Transition, officer: Officer, case: dict[str, Any], state: dict[str, Any],
                  config: Config) -> None:
    for role, rule in transition.who:
        if officer.has_role(role) and unit_rule_holds(rule, officer, case, state, config):
            return
    submitted = state["opinions"].get(officer.unit, {}).get("submitted") if transition.action == "submit_opinion" else None
    if submitted and officer.has_role("handler"):
        raise NotAllowed(f"{config.unit_label(officer.unit)}已于 {submitted} 提交书面意见，不能重复提交；"
                         f"需要修改的，在领导组办公室综合意见办结前用 disputectl amend-opinion {case['id']} --body … --reason … "
                         "修改（原意见仍留在记录中）。")
    if transition.action == "amend_opinion" and officer.has_role("handler") and officer.unit in state["opinions"]:
        raise NotAllowed(f"{config.unit_label(officer.unit)}尚未提交书面意见，无可修改：请用 disputectl opinion "
                         f"{case['id']} --body … 提交。")
    roles = "、".join(ROLES[r] for r in sorted(officer.roles))
    raise PermissionDenied(
        f"{officer.name}（{config.unit_label(officer.unit)}，{roles}）无权{ACTIONS[transition.action].label}："
        f"此操作须由{describe_who(transition)}办理。"
        f"案件当前状态为“{STATUSES[state['status']]}”，承办单位为{config.unit_label(state['unit'])}；"
        f"{next_steps_text(state['status'])}"
    )


def clean_data(action: str, data: dict[str, Any], config: Config) -> dict[str, Any]:
    """Check the action's fields; returns normalised data or raises listing every problem."""
    spec = ACTIONS[action]
    problems: list[str] = []
    out: dict[str, Any] = {}
    known = {f.name for f in spec.fields}
    for key in data:
        if key not in known and data[key] not in (None, "", [], ()):
            problems.append(f"“{spec.label}”不需要填写“{key}”")
    for field in spec.fields:
        value = data.get(field.name)
        if value is None or value == "" or value == [] or value == ():
            if field.required:
                problems.append(f"请填写{field.label}")
            continue
        if field.kind == "flag":
            out[field.name] = value  # worked out where it applies (check_first_officer)
        elif field.kind == "record":
            if isinstance(value, dict):
                out[field.name] = value  # checked by the action's guard
            else:
                problems.append(f"{field.label}不完整")
        elif field.kind == "text":
            problem = check_text(field.label, value)
            if problem:
                problems.append(problem)
            else:
                out[field.name] = value.strip()
        elif field.kind == "date":
            parsed = parse_date(value)
            moment = parse_datetime(value) if parsed is None and "time" in known else None
            if moment is not None:  # "2026-12-03 09:30": the date, and the time unless given apart
                out[field.name] = moment.date().isoformat()
                if not data.get("time"):
                    out["time"] = f"{moment.hour:02d}:{moment.minute:02d}"
            elif parsed is None:
                problems.append(f"{field.label}“{str(value)[:20]}”不是有效日期（应如 2026-11-26）")
            else:
                out[field.name] = parsed.isoformat()
        elif field.kind == "time":
            clock = parse_clock_time(value)
            if clock is None:
                problems.append(f"{field.label}“{str(value)[:20]}”无效（应如 09:30）")
            else:
                out[field.name] = clock
        elif field.kind == "int":
            text = str(value).strip()
            number = int(text) if text.isascii() and text.isdigit() and len(text) <= 6 else 0
            if number <= 0:
                problems.append(f"{field.label}应为正整数")
            else:
                out[field.name] = number
        elif field.kind == "choice":
            if value not in field.choices:
                problems.append(f"{field.label}“{str(value)[:20]}”无效，可选：{'、'.join(field.choices)}")
            else:
                out[field.name] = value
        elif field.kind == "unit":
            if value not in config.units:
                problems.append(f"{field.label}“{str(value)[:20]}”不存在，可用：{'、'.join(config.units)}")
            else:
                out[field.name] = value
        elif field.kind == "units":
            values = [value] if isinstance(value, str) else list(value)
            codes: list[str] = []
            for item in values:
                for code in str(item).replace("，", ",").split(","):
                    code = code.strip().upper()
                    if not code:
                        continue
                    if code not in config.units:
                        problems.append(f"{field.label}中的“{code[:20]}”不存在，可用：{'、'.join(config.units)}")
                    elif code not in codes:
                        codes.append(code)
            if not codes and not any(field.label in p for p in problems):
                problems.append(f"请填写{field.label}")
            out[field.name] = codes
    if problems:
        raise ValidationError(f"“{spec.label}”的内容有误：", details=problems)
    return out


def check_first_officer(action: str, officer: Officer, case: dict[str, Any], data: dict[str, Any],
                        config: Config) -> None:
    """首问到底: the officer who registered the case routes it. A colleague of the same unit may,
    while the first officer is away, only saying so (``--on-behalf``) and why; it is recorded."""
    first = case["registration"]["first_officer"]
    if officer.unit != case["registration"]["first_unit"]:
        data.pop("on_behalf", None)
        return  # the office handing a matter over: not a colleague standing in (the table says who may)
    first_name = config.officers[first].name if first in config.officers else first
    reason = data.get("note" if action == "route_self" else "reason")  # hand_over: its own reason
    if officer.id == first:
        if data.get("on_behalf"):
            raise ValidationError("您就是本案的首问责任人，不需要 --on-behalf。")
        data.pop("on_behalf", None)
        return
    if not data.get("on_behalf"):
        if config.policy["first_officer_routes"]:
            raise PermissionDenied(f"首问到底：本案由首问责任人 {first_name}（{first}）分类流转；其不在岗时，"
                                   "同单位受理人员可加 --on-behalf --reason 原因 代为办理（记入案件）。")
        data.pop("on_behalf", None)
        return
    if not reason:
        raise ValidationError("代首问责任人办理须用 --reason 说明原因（如首问责任人休假、外出）。")
    data["on_behalf"] = first


def check_guard(transition: Transition, officer: Officer, case: dict[str, Any], state: dict[str, Any],
                data: dict[str, Any], config: Config, calendar: WorkCalendar, today: date) -> None:
    guard = transition.guard
    if guard is None:
        return
    if guard == "self_handling":
        if config.units[case["registration"]["first_unit"]].kind == "office":
            raise NotAllowed("领导组办公室受理的事项不能由本单位办理：明确属其他单位职责的请转办（--to 单位），"
                             "需多部门办理或职责不清的请流转领导组办公室梳理（--office）。")
    elif guard == "transfer_target":
        target = config.units[data["to_unit"]]
        if target.code == case["registration"]["first_unit"]:
            raise ValidationError("不能转办给本单位：本单位职责范围内的事项请用“本单位办理”（--self）。")
        if target.kind in ("office", "platform"):
            raise ValidationError("需多部门办理或职责不清的事项请流转领导组办公室（--office），不用转办。")
    elif guard == "not_extended":
        due = next((c["due"] for c in state["clocks"] if c["name"] == "handle" and c["stopped"] is None), None)
        if state["extended"]:
            raise NotAllowed("本案已延期过一次，不能再次延期：请在延期后的办理期限" + (f"（{due}）" if due else "")
                             + "内办结，需多部门办理的可提请领导组办公室。")
        if due and today > date.fromisoformat(due):
            raise NotAllowed(f"办理期限已于 {due} 届满，不能再申请延期（延期须在期限届满前提出）；"
                             "请尽快办结，需多部门办理的可提请领导组办公室。")
        cap = config.clocks["extension_max"]
        if data["days"] > cap:
            raise ValidationError(f"延期最多 {cap} 个工作日，申请了 {data['days']} 个工作日。")
    elif guard == "return_window":
        # A transfer may be returned before or after signing, but only within the window counted
        # from the transfer: a unit cannot escape the limit by leaving the transfer unsigned.
        if not state["transferred_at"] or not (state["via_transfer"] or state["status"] == "transferred"):
            raise NotAllowed("只有转办来的事项才能退回；本单位事项需要多部门办理的，请用“提请领导组办公室”。")
        limit = calendar.add_workdays(date.fromisoformat(state["transferred_at"]), config.clocks["return"])
        if today > limit:
            then = "请签收后办理" if state["status"] == "transferred" else "请继续办理"
            raise NotAllowed(f"退回须在转办后 {config.clocks['return']} 个工作日内（截至 {limit.isoformat()}），已过期限；"
                             f"{then}，需多部门办理的可提请领导组办公室。")
    elif guard == "member_units":
        _check_member_units(data["units"], config, minimum=2, what="参会单位")
    elif guard == "requestable":
        _check_member_units(data["units"], config, minimum=1, what="联办单位")
        asked = set(state["opinions"]) | set(data["units"])
        wanted = config.policy["general_min_units"]
        if len(asked) < wanted:
            raise ValidationError(f"一般事项须由多个职能部门联合办理：按本案件库配置，联办单位至少 {wanted} 个"
                                  f"（本案已征求 {len(state['opinions'])} 个，本次 {len(data['units'])} 个）。")
        again = [u for u in data["units"] if u in pending_opinions(state)]
        if again:
            raise ValidationError(f"已向{'、'.join(config.unit_label(u) for u in again)}征求意见，尚未提交，不能重复征求。")
    elif guard == "opinions_complete":
        pending = pending_opinions(state)
        if pending:
            raise NotAllowed(f"案件当前状态为“{STATUSES[state['status']]}”，还有书面意见未提交："
                             + "、".join(config.unit_label(u) for u in pending)
                             + "，不能综合办结；待以上单位提交书面意见后再综合意见办结。")
        rule = config.policy["consolidate_requires"]
        # held by today, of this round (a reopened case starts a new one: derive._reopen)
        met = any(m["date"] <= today.isoformat() for m in state["meetings"])
        opinions = sum(1 for o in state["opinions"].values() if o["submitted"]) >= 2
        enough = {"meeting_or_opinions": met or opinions, "opinions": opinions, "meeting": met,
                  "meeting_and_opinions": met and opinions}[rule]
        if not enough:
            hint = "召开联席会议并征求书面意见" if rule == "meeting_and_opinions" else "召开联席会议或征求书面意见"
            raise NotAllowed(f"案件当前状态为“{STATUSES[state['status']]}”：综合意见办结须{CONSOLIDATE_RULES[rule]}"
                             f"（按本案件库配置 policy.consolidate_requires）；请先{hint}。")
    elif guard == "objection_open":
        from disputectl.rules.workflow import OUTCOME_KINDS

        channel = OUTCOME_KINDS[data["kind"]]
        if not any(o["channel"] == channel and not o.get("outcome") for o in state["objections"]):
            raise NotAllowed(f"本案没有尚无结果的“{channel}”异议：请先用 disputectl object 记录缴费人的异议，再记录其{data['kind']}。")
    elif guard == "unsatisfied":
        last = state["followups"][-1] if state["followups"] else None
        if last is None or last["result"] != "不满意":
            raise NotAllowed("只有回访结果为“不满意”的案件才能重新办理：请先用 disputectl followup 记录回访。")
    elif guard == "notice_kind":
        pass  # checked where notices are issued
    elif guard == "amendment":
        from disputectl.rules.amend import amendment_problems

        problems = amendment_problems(case, data)
        if problems:
            raise ValidationError("更正登记信息有误：", details=problems)
    else:  # pragma: no cover - a table row naming an unknown guard is a programming error
        raise ValueError(guard)


def check_dates(action: str, case: dict[str, Any], state: dict[str, Any], data: dict[str, Any],
                today: date) -> None:
    """A delivery, objection or withdrawal is recorded after it happened, and not before what it follows."""
    if action not in ("reply", "object", "withdraw", "outcome", "convene") or "date" not in data:
        return
    label = next(f.label for f in ACTIONS[action].fields if f.name == "date")
    value = date.fromisoformat(data["date"])
    if value > today and action != "convene":  # a 联席会议 is convened ahead (its notice invites the units)
        raise ValidationError(f"{label} {value.isoformat()} 晚于今天（{today.isoformat()}）：请在事后按实际日期登记。")
    if action == "reply":
        floor, what = (state.get("decision") or {}).get("date"), "作出处理意见的日期"
    elif action == "object":
        floor, what = (state.get("reply") or {}).get("date"), "书面回复送达日期"
    elif action == "convene":
        triaged = [a for a in case["actions"] if a["action"] in ("triage_general", "reject")]
        floor, what = (action_day(triaged[-1]).isoformat() if triaged else None), "梳理为一般事项的日期"
    elif action == "outcome":
        from disputectl.rules.workflow import OUTCOME_KINDS

        dates = [o["date"] for o in state["objections"] if o["channel"] == OUTCOME_KINDS[data["kind"]]]
        floor, what = (dates[-1] if dates else None), "提出异议的日期"
    else:
        floor, what = case["actions"][0]["at"][:10], "受理登记日期"
    if floor and value < date.fromisoformat(floor):
        raise ValidationError(f"{label} {value.isoformat()} 早于{what}（{floor}）。")


def _check_member_units(units: list[str], config: Config, *, minimum: int, what: str) -> None:
    bad = [u for u in units if config.units[u].kind in ("office", "platform")]
    if bad:
        raise ValidationError(f"{what}应为成员单位，不能是：{'、'.join(config.unit_label(u) for u in bad)}")
    if len(units) < minimum:
        raise ValidationError(f"{what}至少 {minimum} 个。")


def authorize(action: str, officer: Officer, case: dict[str, Any], state: dict[str, Any], data: dict[str, Any],
              config: Config, calendar: WorkCalendar, today: date) -> tuple[Transition, dict[str, Any]]:
    """All checks in the order an officer would want to hear them; returns the clean data."""
    if action == "settle":
        return check_settle(officer, case, state, data, config)
    transition = find_transition(state, action)
    if action == "archive":
        from disputectl.rules.derive import open_conflicts

        if open_conflicts(state):
            raise NotAllowed("本案有尚未核处的矛盾操作，不能归档：请领导组办公室先用 disputectl settle 核处。")
    check_officer(transition, officer, case, state, config)
    clean = clean_data(action, data, config)
    if action in ROUTING or (action == "hand_over" and state["status"] == "registered"):
        check_first_officer(action, officer, case, clean, config)
    check_dates(action, case, state, clean, today)
    check_guard(transition, officer, case, state, clean, config, calendar, today)
    if action == "archive":
        check_archive_checker(officer, clean, config)
    return transition, clean


def check_archive_checker(archivist: Officer, data: dict[str, Any], config: Config) -> None:
    """检查人 (备考表): another officer who may check a volume — an archivist of the 立卷人's unit
    or of the office, or an officer of the office; never the 立卷人 themself."""
    checker_id = data.get("checked_by")
    if not checker_id:
        return
    checker = config.officers.get(checker_id)
    if checker is None or checker.disabled:
        raise ValidationError(f"没有工号为“{checker_id[:30]}”的在岗人员，不能作为检查人。")
    if checker.id == archivist.id:
        raise NotAllowed(f"检查人不能是立卷人本人（{archivist.name}）：请另一位档案管理员或领导组办公室人员检查案卷后，"
                         "用 --checked-by 写其工号；尚未检查的，不写 --checked-by，备考表的检查人一栏留空待签。")
    if not ((checker.has_role("archivist") and checker.unit in (archivist.unit, config.office_unit))
            or (checker.has_role("office") and checker.unit == config.office_unit)):
        raise NotAllowed(f"{checker.name}（{config.unit_label(checker.unit)}）不能作为检查人：检查人须为"
                         f"{config.unit_label(archivist.unit)}或领导组办公室的档案管理员，或领导组办公室工作人员。")
