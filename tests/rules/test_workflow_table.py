"""The state machine table, pair by pair, on a real store.

For every status a case is brought there through the CLI once (module fixture). Then every
(status, action) pair is attempted on a copy of that store, by an officer and with data that
would satisfy the role, the unit rule and the guard were the pair in the table: it must succeed
exactly when ``(status, action)`` is in ``workflow.TRANSITIONS``, and a refusal leaves HEAD
where it was. Every ``who`` pair of every row is tried too, with the right officer, with an
officer of the right role in an uninvolved unit, and with an officer of the right unit who
lacks the role.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import EMPLOYER, NOW, field_args, invoke

from disputectl.errors import NotAllowed, PermissionDenied
from disputectl.record.gitstore import GitStore
from disputectl.record.session import Session, current_state, load_case
from disputectl.record.store_files import load_calendar, load_config_file
from disputectl.rules.calendar import WorkCalendar
from disputectl.rules.config import Config
from disputectl.rules.derive import pending_opinions
from disputectl.rules.workflow import (
    ACTIONS,
    OUTSIDE_TABLE,
    STATUSES,
    SUPPLEMENT_ACTIONS,
    TABLE,
    TRANSITIONS,
    Transition,
    next_steps_text,
)
from disputectl.services import perform

NOW_DT = datetime.fromisoformat(NOW)
DECISION = {"facts": "查明事实", "basis": "处理依据", "decision": "处理意见"}
DECISION_ARGS = ["--facts", "查明事实", "--basis", "处理依据", "--decision", "处理意见"]
UNINVOLVED = "XF"  # never holds, registers or is asked about any case below

# Data that satisfies each action's fields and guard on the cases built below.
DATA: dict[str, dict[str, Any]] = {
    "route_self": {"note": "属本单位职责"},
    "route_transfer": {"to_unit": "RS", "reason": "属人社部门职责"},
    "route_office": {"reason": "需多部门办理"},
    "sign": {},
    "return": {"reason": "非本单位职责"},
    "extend": {"reason": "需进一步调查", "days": "10"},
    "conclude": DECISION,
    "refer": {"reason": "需多部门办理"},
    "triage_general": {"reason": "一般事项"},
    "triage_major": {"reason": "重大疑难"},
    "convene": {"date": "2026-11-26", "place": "市政府会议室", "units": ["RS", "YB"], "minutes": "会议纪要"},
    "request_opinions": {"units": ["SF", "SP"], "question": "请提出书面意见"},
    "submit_opinion": {"body": "书面意见"},
    "amend_opinion": {"body": "修改后的书面意见", "reason": "补充核实"},
    "amend": {"reason": "缴费人来电更正", "fields": {"phone": "13987654321"}},
    "consolidate": DECISION,
    "approve": {"sent_date": "2026-11-26", "platform_ref": "YZS-2026-0001"},
    "reject": {"reason": "按一般事项办理"},
    "platform_result": DECISION,
    "reply": {"method": "直接送达", "date": "2026-11-26"},
    "object": {"channel": "行政复议", "body": "示例市人民政府", "date": "2026-11-26"},
    "hand_over": {"authority": "示例市劳动人事争议仲裁委员会", "reason": "不属本机制受理范围"},
    "withdraw": {"reason": "缴费人申请撤回", "date": "2026-11-26"},
    "supervise": {"kind": "督办", "body": "请按期办结"},
    "note": {"body": "备注"},
    "issue_notice": {"kind": "receipt"},
    "archive": {"retention": "30年"},
    "followup": {"result": "满意", "method": "电话", "note": "缴费人表示满意"},
    "reopen": {"reason": "回访不满意，重新核查"},
    "outcome": {"kind": "复议决定", "body": "维持原处理意见", "date": "2026-11-26"},
}
ATTEMPTED = [a for a in ACTIONS if a not in OUTSIDE_TABLE]  # settle: tests/record/test_sync.py

# Each status, reached through the CLI: (command, args, officer) after registration by sw-registrar.
TO_CONCLUDED = [("route", ["--self"], "sw-registrar"), ("conclude", DECISION_ARGS, "sw-handler")]
TO_COORDINATING = [("route", ["--office"], "sw-registrar")]
TO_JOINT_ASKED = TO_COORDINATING + [
    ("triage-general", ["--reason", "一般事项"], "bgs-office"),
    ("request-opinions", ["--units", "RS,YB", "--question", "请提出意见"], "bgs-office"),
    ("opinion", ["--body", "人社局意见"], "rs-handler"),
]
PATHS: dict[str, list[tuple[str, list[str], str]]] = {
    "registered": [],
    "transferred": [("route", ["--to", "RS", "--reason", "转人社"], "sw-registrar")],
    # signed after a transfer, so that a return is still within its window; not yet extended
    "handling": [("route", ["--to", "RS", "--reason", "转人社"], "sw-registrar"), ("sign", [], "rs-handler")],
    "coordinating": TO_COORDINATING,
    # every requested opinion is in: consolidation is possible
    "joint": TO_JOINT_ASKED + [("opinion", ["--body", "医保局意见"], "yb-handler")],
    "awaiting_approval": TO_COORDINATING + [("triage-major", ["--reason", "重大疑难"], "bgs-office")],
    "at_platform": TO_COORDINATING + [
        ("triage-major", ["--reason", "重大疑难"], "bgs-office"),
        ("approve", ["--sent-date", "2026-11-26", "--platform-ref", "YZS-1"], "leader"),
    ],
    "concluded": TO_CONCLUDED,
    "replied": TO_CONCLUDED + [("reply", ["--method", "邮寄", "--date", "2026-11-26"], "sw-handler")],
    "handed_over": [("hand-over", ["--authority", "仲裁委", "--reason", "不属本机制"], "sw-registrar")],
    "withdrawn": [("withdraw", ["--reason", "撤回", "--date", "2026-11-26"], "sw-registrar")],
    "archived": [("withdraw", ["--reason", "撤回", "--date", "2026-11-26"], "sw-registrar"),
                 ("archive", [], "sw-archivist")],
}
OBJECTION = ("object", ["--channel", "行政复议", "--body", "示例市人民政府", "--date", "2026-11-26"], "sw-handler")
# A joint case still waiting for YB's opinion: the one place an opinion can be submitted.
VARIANTS = {"joint_waiting": ("joint", TO_JOINT_ASKED),
            # a replied case whose 回访 found the payer 不满意: the one place it can be reopened
            "replied_unsatisfied": ("replied", PATHS["replied"] + [
                ("followup", ["--result", "不满意", "--method", "电话"], "sw-handler")]),
            # an objection waiting for its outcome: before and after archiving
            "replied_objected": ("replied", PATHS["replied"] + [OBJECTION]),
            "archived_objected": ("archived", PATHS["replied"] + [OBJECTION, ("archive", [], "sw-archivist")])}


def case_key(status: str, action: str) -> str:
    if (status, action) == ("joint", "submit_opinion"):
        return "joint_waiting"
    if (status, action) == ("replied", "reopen"):
        return "replied_unsatisfied"
    if action == "outcome" and status in ("replied", "archived"):
        return f"{status}_objected"
    return status


@dataclass
class Pristine:
    root: Path
    cases: dict[str, str]
    config: Config
    calendar: WorkCalendar


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory, officer_keys: Path) -> Iterator[Pristine]:
    base = tmp_path_factory.mktemp("table")
    with pytest.MonkeyPatch.context() as mp:
        for key in list(os.environ):
            if key.startswith(("DISPUTECTL_", "GIT_", "XDG_")):
                mp.delenv(key, raising=False)
        (base / "home").mkdir()
        mp.setenv("HOME", str(base / "home"))
        mp.setenv("XDG_CONFIG_HOME", str(officer_keys))
        mp.setenv("GIT_CONFIG_NOSYSTEM", "1")
        mp.setenv("DISPUTECTL_NOW", NOW)
        root = base / "store"
        assert invoke("init", str(root), "--demo").exit_code == 0
        cases: dict[str, str] = {}
        walks = {s: (s, p) for s, p in PATHS.items()} | VARIANTS
        for key, (_status, steps) in walks.items():
            result = invoke("register", *field_args(EMPLOYER), "--no-input", "--store", str(root), "--as", "sw-registrar")
            assert result.exit_code == 0, result.output
            case = result.output.split("案件编号")[1].split()[0]
            for command, args, officer in steps:
                result = invoke(command, case, *args, "--store", str(root), "--as", officer)
                assert result.exit_code == 0, (key, command, result.output)
            cases[key] = case
        # pack the objects: every attempt copies the store, and a few packs copy faster than loose objects
        subprocess.run(["git", "-C", str(root), "gc", "-q", "--prune=now"], check=True)
        config = load_config_file(root)
        calendar = load_calendar(root / "calendar")
        pristine = Pristine(root, cases, config, calendar)
        for key, (status, _) in walks.items():
            assert state_of(pristine, root, cases[key])["status"] == status, key
        yield pristine


def session(p: Pristine, root: Path, officer: str) -> Session:
    return Session(root, p.config, p.calendar, GitStore(root), NOW_DT, officer)


def state_of(p: Pristine, root: Path, case: str) -> dict[str, Any]:
    s = session(p, root, "bgs-office")
    try:
        return current_state(s, load_case(s, case))
    finally:
        s.git.close()


def rev(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout.strip()


def officers_with(config: Config, role: str, unit: str | None = None) -> list[str]:
    return [o.id for o in config.officers.values() if o.has_role(role) and (unit is None or o.unit == unit)]


def rule_units(rule: str, case: dict[str, Any], state: dict[str, Any], config: Config) -> list[str | None]:
    """The units that satisfy a unit rule on this case (None: any unit)."""
    return {
        "any": [None],
        "first_unit": [case["registration"]["first_unit"]],
        "current_unit": [state["unit"]],
        "office": [config.office_unit],
        "opinion_unit": pending_opinions(state) or ["RS"],
        "holder_or_office": [state["unit"], config.office_unit],
        "involved": [case["registration"]["first_unit"], state["unit"]],
        "opinion_given": [u for u, o in state["opinions"].items() if o["submitted"]] or ["RS"],
    }[rule]


def officer_for(who: tuple[tuple[str, str], ...], case: dict[str, Any], state: dict[str, Any], config: Config) -> str:
    for role, rule in who:
        for unit in rule_units(rule, case, state, config):
            found = officers_with(config, role, unit)
            if found:
                return found[0]
    # only for a pair the table lacks (e.g. a handler of the office): the status refuses it first
    return officers_with(config, who[0][0])[0]


def row_for(status: str, action: str) -> Transition:
    """The row itself, or (for a pair not in the table) the people who may do it elsewhere."""
    return TRANSITIONS.get((status, action)) or next(t for t in TABLE if t.action == action)


def attempt(p: Pristine, tmp_path: Path, key: str, action: str, officer: str | None = None,
            choose: Any = None, *, copy: bool = True) -> tuple[Path, str, str, Any]:
    """Do ``action`` on the ``key`` case; returns (root, case, head before, outcome or error).

    On a copy of the store when the action is expected to succeed; on the shared store itself
    when it is expected to be refused (and put back should it wrongly succeed).
    """
    if copy:
        root = tmp_path / "store"
        shutil.copytree(p.root, root, symlinks=True)
    else:
        root = p.root
    case_id = p.cases[key]
    s = session(p, root, "bgs-office")
    case = load_case(s, case_id)
    state = current_state(s, case)
    s.git.close()
    if officer is None:
        officer = choose(case, state) if choose else officer_for(row_for(state["status"], action).who, case, state,
                                                                  p.config)
    s = session(p, root, officer)
    before = rev(root, "rev-parse", "HEAD")
    try:
        result: Any = perform(s, case_id, action, DATA[action])
    except (NotAllowed, PermissionDenied) as exc:
        result = exc
    finally:
        s.git.close()
        if not copy and rev(root, "rev-parse", "HEAD") != before:
            status = rev(root, "status", "--porcelain")
            rev(root, "reset", "-q", "--hard", before)
            pytest.fail(f"{action} on {key} was expected to be refused but committed ({status})")
    return root, case_id, before, result


def assert_one_commit(root: Path, case_id: str, before: str, action: str, officer: str, unit: str) -> None:
    assert rev(root, "rev-parse", "HEAD~1") == before
    trailers = rev(root, "log", "-1", "--format=%(trailers:only,unfold)")
    for line in (f"Case: {case_id}", f"Action: {action}", f"Actor: {officer}", f"Unit: {unit}"):
        assert line in trailers.splitlines(), (line, trailers)
    assert rev(root, "status", "--porcelain") == ""


def assert_nothing_written(root: Path, before: str) -> None:
    assert rev(root, "rev-parse", "HEAD") == before
    assert rev(root, "status", "--porcelain") == ""


PAIRS = [(status, action) for status in STATUSES for action in ATTEMPTED]


@pytest.mark.parametrize(("status", "action"), PAIRS, ids=[f"{s}-{a}" for s, a in PAIRS])
def test_every_status_action_pair(pristine: Pristine, tmp_path: Path, status: str, action: str) -> None:
    transition = TRANSITIONS.get((status, action))
    root, case_id, before, result = attempt(pristine, tmp_path, case_key(status, action), action,
                                            copy=transition is not None)
    if transition is None:
        assert isinstance(result, NotAllowed), f"{status} × {action} should be refused, got {result!r}"
        assert f"当前状态为“{STATUSES[status]}”" in result.message
        assert ACTIONS[action].label in result.message
        assert next_steps_text(status) in result.message
        assert_nothing_written(root, before)
        return
    assert not isinstance(result, Exception), f"{status} × {action} should succeed: {result}"
    assert result.case["state"]["status"] == transition.next_status()
    assert state_of(pristine, root, case_id)["status"] == transition.next_status()
    assert_one_commit(root, case_id, before, action, result.action["actor"], result.action["unit"])


def test_every_status_is_reached_and_every_action_is_in_some_row() -> None:
    assert set(PATHS) == set(STATUSES)
    assert {t.action for t in TABLE} == set(ATTEMPTED)
    assert {t.status for t in TABLE} | {"archived"} == set(STATUSES)
    # an archived case takes nothing but 补充归档 entries (an objection, its outcome)
    assert {t.action for t in TABLE if t.status == "archived"} == set(SUPPLEMENT_ACTIONS)


# The first pair of each row is what test_every_status_action_pair uses; here the alternatives.
WHO = [(t, i) for t in TABLE for i in range(1, len(t.who))]


@pytest.mark.parametrize(("transition", "index"), WHO,
                         ids=[f"{t.status}-{t.action}-{t.who[i][0]}@{t.who[i][1]}" for t, i in WHO])
def test_every_who_pair(pristine: Pristine, tmp_path: Path, transition: Transition, index: int) -> None:
    role, rule = transition.who[index]
    key = case_key(transition.status, transition.action)

    def right(case: dict[str, Any], state: dict[str, Any]) -> str:
        units = rule_units(rule, case, state, pristine.config)
        found = [o for u in units for o in officers_with(pristine.config, role, u)]
        if not found:
            pytest.skip(f"no sample {role} in {units}")
        return found[0]

    root, case_id, before, result = attempt(pristine, tmp_path, key, transition.action, choose=right)
    assert not isinstance(result, Exception), result
    assert result.case["state"]["status"] == transition.next_status()
    assert_one_commit(root, case_id, before, transition.action, result.action["actor"], result.action["unit"])


@pytest.mark.parametrize("transition", TABLE, ids=[f"{t.status}-{t.action}" for t in TABLE])
def test_wrong_unit_and_missing_role_are_refused(pristine: Pristine, tmp_path: Path, transition: Transition) -> None:
    key = case_key(transition.status, transition.action)
    roles = {role for role, _ in transition.who}
    tried = 0
    # the right role in a unit with nothing to do with the case
    for role, rule in transition.who:
        if rule == "any" or not officers_with(pristine.config, role, UNINVOLVED):
            continue
        officer = officers_with(pristine.config, role, UNINVOLVED)[0]
        root, _, before, result = attempt(pristine, tmp_path, key, transition.action, officer, copy=False)
        assert isinstance(result, PermissionDenied), (officer, result)
        assert f"当前状态为“{STATUSES[transition.status]}”" in result.message
        assert_nothing_written(root, before)
        tried += 1

    # the right unit, but none of the roles the row names
    def lacking(case: dict[str, Any], state: dict[str, Any]) -> str:
        role, rule = transition.who[0]
        units = [u for u in rule_units(rule, case, state, pristine.config) if u] or [pristine.config.office_unit]
        found = [o.id for o in pristine.config.officers.values() if o.unit in units and not (o.roles & roles)]
        if not found:
            pytest.skip(f"every officer of {units} holds one of {roles}")
        return found[0]

    root, _, before, result = attempt(pristine, tmp_path, key, transition.action, choose=lacking, copy=False)
    assert isinstance(result, PermissionDenied), result
    assert "无权" in result.message and ACTIONS[transition.action].label in result.message
    assert_nothing_written(root, before)
    assert tried or all(rule == "any" or role in ("office", "leader") for role, rule in transition.who)


def test_no_open_case_is_missing_from_due_all(pristine: Pristine) -> None:
    """Issue 20: every status but 已归档 has a clock running, and ``due --all`` lists the case
    (after the reply: 及时归档 and 回访; a 一般事项 before any opinion is asked: the whole 一般事项)."""
    import json

    result = invoke("due", "--all", "--json", "--store", str(pristine.root))
    assert result.exit_code == 0, result.output
    listed: dict[str, set[str]] = {}
    for row in json.loads(result.stdout)["rows"]:
        listed.setdefault(row["case"], set()).add(row["clock"].partition(":")[0])
    for key, case in pristine.cases.items():
        status = state_of(pristine, pristine.root, case)["status"]
        if status == "archived":  # withdrawn, then archived: nothing owed
            assert case not in listed, key
            continue
        assert listed.get(case), f"{key} ({STATUSES[status]}) has no clock in due --all"
    assert listed[pristine.cases["replied"]] == {"archive", "followup"}
    assert listed[pristine.cases["withdrawn"]] == {"archive"}
    assert "joint" in listed[pristine.cases["joint"]]
