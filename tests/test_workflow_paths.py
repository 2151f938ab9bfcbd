"""Every path of the plan walked through the CLI on a real store, by the right people only.

After each step the case is read back with ``show --json`` and the commit is checked: exactly
one new commit, authored by the officer, with ``Case``/``Action``/``Actor``/``Unit`` trailers.
Refusals leave HEAD where it was and say what the case is waiting for.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import git, head

# command line → action code recorded in the trailers
COMMAND_ACTIONS = {
    "sign": "sign", "return": "return", "extend": "extend", "conclude": "conclude", "refer": "refer",
    "triage-general": "triage_general", "triage-major": "triage_major", "meeting": "convene",
    "request-opinions": "request_opinions", "opinion": "submit_opinion", "consolidate": "consolidate",
    "approve": "approve", "reject": "reject", "platform-result": "platform_result", "reply": "reply",
    "object": "object", "hand-over": "hand_over", "withdraw": "withdraw", "supervise": "supervise",
    "note": "note", "archive": "archive",
}
DECISION = ["--facts", "经核查，该单位2026年度申报基数低于核定基数", "--basis", "《社会保险费征缴暂行条例》第十条",
            "--decision", "维持原核定结果"]
ARCHIVE_CODE = re.compile(r"^J001-WS·2026-(Y|D30|D10)-([A-Z]+)-(\d{4})$")


def trailers_of(store: Path, rev: str = "HEAD") -> dict[str, str]:
    text = git(store, "log", "-1", "--format=%(trailers:only,unfold)", rev)
    return dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)


class Walker:
    """Runs one action through the CLI and checks the commit it made and the case read back."""

    def __init__(self, cli: Callable[..., Any], store: Path, case: str) -> None:
        self.cli, self.store, self.case = cli, store, case
        rows = json.loads(cli("officers", "--json").stdout)
        self.officers = {r["id"]: r for r in rows}

    def show(self) -> dict[str, Any]:
        result = self.cli("show", self.case, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    def do(self, command: str, *args: str, as_: str) -> dict[str, Any]:
        before = head(self.store)
        if command == "route":
            action = {"--self": "route_self", "--to": "route_transfer", "--office": "route_office"}[args[0]]
        else:
            action = COMMAND_ACTIONS[command]
        result = self.cli(command, self.case, *args, as_=as_)
        assert result.exit_code == 0, result.output
        after = head(self.store)
        assert after != before
        assert git(self.store, "rev-parse", f"{after}~1").strip() == before, "more than one commit"
        officer = self.officers[as_]
        trailers = trailers_of(self.store)
        assert trailers["Case"] == self.case
        assert trailers["Action"] == action
        assert trailers["Actor"] == as_
        assert trailers["Unit"] == officer["unit"]
        author = git(self.store, "log", "-1", "--format=%an|%ae").strip()
        assert author.split("|")[0] == officer["name"]
        assert as_ in author.split("|")[1]
        view = self.show()
        assert view["timeline"][-1]["action"] == action
        assert view["timeline"][-1]["actor"] == as_
        return view

    def refused(self, command: str, *args: str, as_: str | None, code: int,
                env: dict[str, str] | None = None) -> str:
        before = head(self.store)
        result = self.cli(command, self.case, *args, as_=as_, env=env)
        assert result.exit_code == code, result.output
        assert head(self.store) == before
        assert git(self.store, "status", "--porcelain") == ""
        return result.stderr


@pytest.fixture
def walk(cli: Callable[..., Any], store: Path, register: Callable[..., str]) -> Callable[..., Walker]:
    def make(as_: str = "sw-registrar", **overrides: str) -> Walker:
        return Walker(cli, store, register(as_=as_, **overrides))

    return make


def open_clocks(view: dict[str, Any]) -> dict[str, str]:
    return {c["name"]: c["due"] for c in view["clock_details"] if c["stopped"] is None}


# -- single unit ------------------------------------------------------------------------------

def test_own_unit_route_extend_conclude_reply_archive(walk):
    w = walk()
    v = w.show()
    assert (v["status"], v["unit"], open_clocks(v)) == ("registered", "SW", {"route": "2026-11-27"})

    v = w.do("route", "--self", as_="sw-registrar")
    assert (v["status"], v["unit"]) == ("handling", "SW")
    assert open_clocks(v) == {"handle": "2026-12-17"}  # 15 working days
    assert v["clocks"]["route"] == "2026-11-27"

    v = w.do("extend", "--reason", "需调取三年工资台账核实", "--days", "10", as_="sw-handler")
    assert (v["status"], v["unit"], v["extended"]) == ("handling", "SW", True)
    assert open_clocks(v) == {"handle": "2026-12-31"}  # +10 working days
    assert w.refused("extend", "--reason", "再延", "--days", "5", as_="sw-handler", code=4).count("已延期过一次")

    v = w.do("conclude", *DECISION, as_="sw-handler")
    assert (v["status"], v["unit"]) == ("concluded", "SW")
    assert v["decision"]["decision"] == "维持原核定结果"
    assert (v["decision"]["unit"], v["decision"]["officer"], v["decision"]["by"]) == ("SW", "sw-handler", "conclude")
    assert open_clocks(v) == {"reply": "2026-12-03"}

    v = w.do("reply", "--method", "直接送达", "--date", "2026-11-26", as_="sw-handler")
    assert (v["status"], v["unit"]) == ("replied", "SW")
    assert v["reply"] == {"method": "直接送达", "date": "2026-11-26", "officer": "sw-handler", "unit": "SW"}
    # after the reply: 及时归档 and 回访, 10 working days each
    assert open_clocks(v) == {"archive": "2026-12-10", "followup": "2026-12-10"}

    v = w.do("archive", "--retention", "30年", as_="sw-archivist")
    assert (v["status"], v["unit"]) == ("archived", "SW")
    assert open_clocks(v) == {}
    assert v["archive"]["code"] == "J001-WS·2026-D30-SW-0001"
    assert v["archive"]["retention"] == "30年"


def test_transfer_sign_conclude_reply(walk):
    w = walk(category="8")
    v = w.do("route", "--to", "RS", "--reason", "属人社部门待遇核定职责", as_="sw-registrar")
    assert (v["status"], v["unit"]) == ("transferred", "RS")
    assert open_clocks(v) == {"sign": "2026-11-27"}

    v = w.do("sign", as_="rs-handler")
    assert (v["status"], v["unit"]) == ("handling", "RS")
    assert open_clocks(v) == {"handle": "2026-12-17"}

    v = w.do("conclude", *DECISION, as_="rs-handler")
    assert (v["status"], v["unit"]) == ("concluded", "RS")
    assert (v["decision"]["unit"], v["decision"]["officer"]) == ("RS", "rs-handler")

    # the first unit no longer holds the case: its handler may not reply
    w.refused("reply", "--method", "邮寄", "--date", "2026-11-26", as_="sw-handler", code=3)
    v = w.do("reply", "--method", "邮寄", "--date", "2026-11-26", as_="rs-handler")
    assert (v["status"], v["unit"], v["reply"]["unit"]) == ("replied", "RS", "RS")


def test_transfer_returned_goes_to_the_office(walk):
    w = walk()
    w.do("route", "--to", "YB", "--reason", "疑属医保部门核定", as_="sw-registrar")
    w.refused("return", as_="yb-handler", code=2)  # a reason is required
    v = w.do("return", "--reason", "非本部门职责，缴费基数由税务部门核定", as_="yb-handler")
    assert (v["status"], v["unit"]) == ("coordinating", "BGS")
    assert open_clocks(v) == {"triage": "2026-12-01"}
    assert v["clock_details"][-2]["name"] == "sign" and v["clock_details"][-2]["stopped"] == "2026-11-26"


def test_signed_transfer_may_be_returned_within_five_working_days_only(walk):
    w = walk()
    w.do("route", "--to", "RS", "--reason", "转人社", as_="sw-registrar")
    w.do("sign", as_="rs-handler")
    late = {"DISPUTECTL_NOW": "2026-12-04T09:00:00+08:00"}  # transfer 11-26 + 5 working days = 12-03
    msg = w.refused("return", "--reason", "职责不符", as_="rs-handler", code=4, env=late)
    assert "5 个工作日" in msg and "2026-12-03" in msg
    last_day = {"DISPUTECTL_NOW": "2026-12-03T17:00:00+08:00"}
    before = head(w.store)
    result = w.cli("return", w.case, "--reason", "职责不符", as_="rs-handler", env=last_day)
    assert result.exit_code == 0, result.output
    assert git(w.store, "rev-parse", "HEAD~1").strip() == before
    v = w.show()
    assert (v["status"], v["unit"]) == ("coordinating", "BGS")


def test_unsigned_transfer_may_not_be_returned_after_the_window(walk):
    w = walk()
    w.do("route", "--to", "RS", "--reason", "转人社", as_="sw-registrar")
    late = {"DISPUTECTL_NOW": "2026-12-04T09:00:00+08:00"}
    msg = w.refused("return", "--reason", "职责不符", as_="rs-handler", code=4, env=late)
    assert "2026-12-03" in msg and "签收" in msg


def test_own_unit_case_cannot_be_returned_only_referred(walk):
    w = walk()
    w.do("route", "--self", as_="sw-registrar")
    assert "提请领导组办公室" in w.refused("return", "--reason", "x", as_="sw-handler", code=4)
    v = w.do("refer", "--reason", "涉及人社、医保多部门", as_="sw-handler")
    assert (v["status"], v["unit"]) == ("coordinating", "BGS")
    assert open_clocks(v) == {"triage": "2026-12-01"}
    assert [c["name"] for c in v["clock_details"] if c["stopped"]] == ["route", "handle"]


def test_office_registered_case_cannot_be_handled_by_the_office_as_own_unit(walk):
    w = walk(as_="bgs-registrar")
    msg = w.refused("route", "--self", as_="bgs-registrar", code=4)
    assert "--office" in msg
    v = w.do("route", "--office", as_="bgs-registrar")
    assert (v["status"], v["unit"]) == ("coordinating", "BGS")


# -- the office: 一般事项 -------------------------------------------------------------------------

def test_general_matter_meeting_two_opinions_consolidate_reply_object_archive(walk):
    w = walk(category="10")
    v = w.do("route", "--office", "--reason", "涉及多部门", as_="sw-registrar")
    assert (v["status"], v["unit"], open_clocks(v)) == ("coordinating", "BGS", {"triage": "2026-12-01"})

    w.refused("triage-general", "--reason", "一般事项", as_="sw-handler", code=3)
    v = w.do("triage-general", "--reason", "需人社、医保共同办理", as_="bgs-office")
    assert (v["status"], v["unit"], v["triage"]) == ("joint", "BGS", "general")
    # the 一般事项 as a whole: 30 working days from triage to consolidation
    assert v["pending_opinions"] == [] and open_clocks(v) == {"joint": "2027-01-07"}

    v = w.do("meeting", "--date", "2026-11-26", "--place", "市政府三楼会议室", "--units", "RS",
             "--units", "YB", "--minutes", "各单位于5个工作日内提出书面意见", as_="bgs-office")
    assert v["status"] == "joint"
    assert [(m["date"], m["place"], m["units"]) for m in v["meetings"]] == [("2026-11-26", "市政府三楼会议室", ["RS", "YB"])]

    v = w.do("request-opinions", "--units", "RS,YB", "--question", "是否应重新核定", as_="bgs-office")
    assert (v["status"], v["unit"], v["pending_opinions"]) == ("joint", "BGS", ["RS", "YB"])
    assert open_clocks(v) == {"joint": "2027-01-07", "opinion:RS": "2026-12-03", "opinion:YB": "2026-12-03"}

    # a unit not asked may not write an opinion; the office may not consolidate yet
    w.refused("opinion", "--body", "意见", as_="sf-handler", code=3)
    v = w.do("opinion", "--body", "人社局意见：应按实际工资核定", as_="rs-handler")
    assert v["pending_opinions"] == ["YB"]
    rs = next(o for o in v["opinions"] if o["unit"] == "RS")
    assert (rs["submitted"], rs["officer"]) == ("2026-11-26", "rs-handler")
    msg = w.refused("consolidate", *DECISION, as_="bgs-office", code=4)
    assert "一般事项联办中" in msg and "医保局" in msg
    again = w.refused("opinion", "--body", "再提交", as_="rs-handler", code=4)  # already in: said so, and what to do
    assert "已于 2026-11-26 提交书面意见，不能重复提交" in again and "amend-opinion" in again

    v = w.do("opinion", "--body", "医保局意见：同意", as_="yb-handler")
    assert (v["status"], v["pending_opinions"]) == ("joint", [])
    assert open_clocks(v) == {"joint": "2027-01-07", "consolidate": "2026-12-03"}

    v = w.do("consolidate", *DECISION, as_="bgs-office")
    assert (v["status"], v["unit"]) == ("concluded", "BGS")
    assert (v["decision"]["by"], v["decision"]["unit"]) == ("consolidate", "BGS")
    assert open_clocks(v) == {"reply": "2026-12-03"}

    v = w.do("reply", "--method", "邮寄", "--date", "2026-11-26", as_="bgs-office")
    assert (v["status"], v["unit"], v["reply"]["method"]) == ("replied", "BGS", "邮寄")

    w.refused("object", "--channel", "上访", "--body", "x", "--date", "2026-11-26", as_="bgs-office", code=2)
    v = w.do("object", "--channel", "行政复议", "--body", "示例市人民政府", "--date", "2026-11-26", as_="bgs-office")
    assert v["status"] == "replied"
    assert v["objections"] == [{"channel": "行政复议", "body": "示例市人民政府", "date": "2026-11-26", "outcome": None}]

    w.refused("archive", as_="sw-archivist", code=3)  # neither the holder nor the office
    v = w.do("archive", "--retention", "永久", as_="bgs-archivist")
    assert (v["status"], v["unit"]) == ("archived", "BGS")
    assert v["archive"]["code"] == "J001-WS·2026-Y-BGS-0001"


def test_consolidation_needs_two_opinions(walk):
    w = walk()
    w.do("route", "--office", as_="sw-registrar")
    w.do("triage-general", "--reason", "一般事项", as_="bgs-office")
    assert "至少 2" in w.refused("meeting", "--date", "2026-11-26", "--place", "会议室", "--units", "RS",
                                 "--minutes", "纪要", as_="bgs-office", code=2)
    w.refused("request-opinions", "--units", "BGS", "--question", "q", as_="bgs-office", code=2)
    # 一般事项: two or more units (issue 20); asked one by one, the second request makes two
    assert "至少 2 个" in w.refused("request-opinions", "--units", "RS", "--question", "q", as_="bgs-office", code=2)
    w.do("request-opinions", "--units", "RS,SW", "--question", "q", as_="bgs-office")
    w.do("opinion", "--body", "意见", as_="rs-handler")
    assert "还有书面意见未提交" in w.refused("consolidate", *DECISION, as_="bgs-office", code=4)
    v = w.do("request-opinions", "--units", "YB", "--question", "q", as_="bgs-office")
    assert v["pending_opinions"] == ["SW", "YB"]
    w.do("opinion", "--body", "意见", as_="sw-handler")
    w.do("opinion", "--body", "意见", as_="yb-handler")
    assert w.do("consolidate", *DECISION, as_="bgs-office")["status"] == "concluded"


# -- the office: 重大疑难事项 ---------------------------------------------------------------------

def test_major_matter_approved_platform_result_reply_archive(walk):
    w = walk()
    w.do("route", "--office", as_="sw-registrar")
    v = w.do("triage-major", "--reason", "涉及群体性争议", as_="bgs-office")
    assert (v["status"], v["unit"], v["triage"]) == ("awaiting_approval", "BGS", "major")
    assert open_clocks(v) == {"approval": "2026-12-01"}

    w.refused("approve", "--sent-date", "2026-11-27", "--platform-ref", "YZS-1", as_="bgs-office", code=3)
    v = w.do("approve", "--sent-date", "2026-11-27", "--platform-ref", "YZS-2026-0088", as_="leader")
    assert (v["status"], v["unit"]) == ("at_platform", "PT")
    assert v["platform"] == {"sent_date": "2026-11-27", "ref": "YZS-2026-0088", "approved_by": "leader"}
    assert open_clocks(v) == {"platform": "2026-12-27"}  # 30 calendar days

    v = w.do("platform-result", *DECISION, as_="bgs-office")
    assert (v["status"], v["unit"]) == ("concluded", "BGS")
    assert v["decision"]["by"] == "platform_result"

    v = w.do("reply", "--method", "电子送达", "--date", "2026-11-26", as_="bgs-office")
    assert (v["status"], v["reply"]["method"]) == ("replied", "电子送达")

    v = w.do("archive", "--retention", "10年", as_="bgs-archivist")
    assert v["status"] == "archived"
    assert v["archive"]["code"] == "J001-WS·2026-D10-BGS-0001"


def test_major_matter_rejected_goes_back_to_the_office_as_general(walk):
    w = walk()
    w.do("route", "--office", as_="sw-registrar")
    w.do("triage-major", "--reason", "疑难", as_="bgs-office")
    v = w.do("reject", "--reason", "不属重大疑难，按一般事项办理", as_="leader")
    assert (v["status"], v["unit"], v["triage"]) == ("joint", "BGS", "general")
    assert v["pending_opinions"] == [] and open_clocks(v) == {"joint": "2027-01-07"}
    v = w.do("request-opinions", "--units", "SW,RS", "--question", "q", as_="bgs-office")
    assert v["pending_opinions"] == ["SW", "RS"]


# -- hand-over, withdrawal, oversight -------------------------------------------------------

def test_hand_over_then_archive(walk):
    w = walk()
    w.do("route", "--self", as_="sw-registrar")
    v = w.do("hand-over", "--authority", "示例市劳动人事争议仲裁委员会", "--reason", "属劳动争议，不属本机制", as_="sw-handler")
    assert (v["status"], v["unit"]) == ("handed_over", "SW")
    assert v["closure"]["action"] == "hand_over"
    assert v["closure"]["authority"] == "示例市劳动人事争议仲裁委员会"
    assert open_clocks(v) == {"archive": "2026-12-10"}
    w.refused("reply", "--method", "邮寄", "--date", "2026-11-26", as_="sw-handler", code=4)
    v = w.do("archive", as_="sw-archivist")
    assert v["status"] == "archived"
    assert ARCHIVE_CODE.match(v["archive"]["code"]).groups() == ("D30", "SW", "0001")  # default 30年


def test_withdraw_then_archive(walk):
    w = walk()
    w.do("route", "--to", "RS", "--reason", "转人社", as_="sw-registrar")
    v = w.do("withdraw", "--reason", "缴费人已自行补缴，申请撤回", "--date", "2026-11-26", as_="rs-handler")
    assert (v["status"], v["unit"]) == ("withdrawn", "RS")
    assert v["closure"]["action"] == "withdraw"
    assert (v["closure"]["date"], v["closure"]["unit"]) == ("2026-11-26", "RS")
    assert open_clocks(v) == {"archive": "2026-12-10"}
    v = w.do("archive", "--retention", "10年", as_="rs-archivist")
    assert (v["status"], v["archive"]["code"]) == ("archived", "J001-WS·2026-D10-RS-0001")


def test_archive_numbers_run_on_per_unit_and_retention(walk):
    codes = []
    for _ in range(2):
        w = walk()
        w.do("withdraw", "--reason", "撤回", "--date", "2026-11-26", as_="sw-registrar")
        codes.append(w.do("archive", as_="sw-archivist")["archive"]["code"])
    assert codes == ["J001-WS·2026-D30-SW-0001", "J001-WS·2026-D30-SW-0002"]


def test_supervise_and_note_by_the_office_only(walk):
    w = walk()
    w.do("route", "--self", as_="sw-registrar")
    v = w.do("supervise", "--kind", "督办", "--body", "请于期限内办结", as_="bgs-office")
    assert (v["status"], v["unit"]) == ("handling", "SW")
    assert v["supervisions"] == [{"kind": "督办", "body": "请于期限内办结", "date": "2026-11-26"}]
    v = w.do("supervise", "--kind", "催办", "--body", "临期提醒", as_="bgs-office")
    assert [s["kind"] for s in v["supervisions"]] == ["督办", "催办"]
    v = w.do("note", "--body", "缴费人来电询问进度", as_="bgs-office")
    assert v["notes"] == [{"body": "缴费人来电询问进度", "date": "2026-11-26", "officer": "bgs-office"}]
    assert (v["status"], open_clocks(v)) == ("handling", {"handle": "2026-12-17"})
    w.refused("supervise", "--kind", "督办", "--body", "x", as_="sw-handler", code=3)
    w.refused("note", "--body", "x", as_="leader", code=3)
    w.refused("supervise", "--kind", "表扬", "--body", "x", as_="bgs-office", code=2)


# -- refusals ---------------------------------------------------------------------------------

ARCHIVED_ATTEMPTS = [
    ("route", ["--self"], "sw-registrar"),
    ("sign", [], "sw-handler"),
    ("return", ["--reason", "r"], "sw-handler"),
    ("extend", ["--reason", "r", "--days", "5"], "sw-handler"),
    ("conclude", DECISION, "sw-handler"),
    ("refer", ["--reason", "r"], "sw-handler"),
    ("triage-general", ["--reason", "r"], "bgs-office"),
    ("triage-major", ["--reason", "r"], "bgs-office"),
    ("meeting", ["--date", "2026-11-26", "--place", "p", "--units", "RS,YB", "--minutes", "m"], "bgs-office"),
    ("request-opinions", ["--units", "RS,YB", "--question", "q"], "bgs-office"),
    ("opinion", ["--body", "b"], "rs-handler"),
    ("consolidate", DECISION, "bgs-office"),
    ("approve", ["--sent-date", "2026-11-26", "--platform-ref", "r"], "leader"),
    ("reject", ["--reason", "r"], "leader"),
    ("platform-result", DECISION, "bgs-office"),
    ("reply", ["--method", "邮寄", "--date", "2026-11-26"], "sw-handler"),
    ("hand-over", ["--authority", "a", "--reason", "r"], "bgs-office"),
    ("withdraw", ["--reason", "r", "--date", "2026-11-26"], "bgs-office"),
    ("supervise", ["--kind", "督办", "--body", "b"], "bgs-office"),
    ("note", ["--body", "b"], "bgs-office"),
    ("archive", ["--retention", "永久"], "sw-archivist"),
]


def test_archived_case_refuses_every_action_but_a_supplement(walk):
    w = walk()
    w.do("route", "--self", as_="sw-registrar")
    w.do("conclude", *DECISION, as_="sw-handler")
    w.do("reply", "--method", "直接送达", "--date", "2026-11-26", as_="sw-handler")
    w.do("archive", as_="sw-archivist")
    for command, args, officer in ARCHIVED_ATTEMPTS:
        msg = w.refused(command, *args, as_=officer, code=4)
        # only an objection and its outcome remain, as 补充归档 (tests/test_after_archive.py)
        assert "已归档" in msg and "当前可以：记录缴费人异议" in msg and "记录异议处理结果" in msg, (command, msg)
    assert w.show()["status"] == "archived"


def test_handler_of_another_unit_is_refused_and_told_who_holds_the_case(walk):
    w = walk()
    w.do("route", "--to", "RS", "--reason", "转人社", as_="sw-registrar")
    for officer in ("sw-handler", "yb-handler"):
        msg = w.refused("sign", as_=officer, code=3)
        assert "无权签收" in msg and "已转办待签收" in msg and "人社局" in msg and "当前可以" in msg
    w.do("sign", as_="rs-handler")
    msg = w.refused("conclude", *DECISION, as_="sw-handler", code=3)
    assert "单位办理中" in msg and "人社局" in msg


def test_only_the_first_units_registrar_routes(walk):
    w = walk()
    msg = w.refused("route", "--self", as_="rs-registrar", code=3)
    assert "已登记待流转" in msg and "首问单位" in msg and "当前可以" in msg
    w.refused("route", "--to", "SW", "--reason", "r", as_="sw-registrar", code=2)  # not to itself
    w.refused("route", "--to", "BGS", "--reason", "r", as_="sw-registrar", code=2)  # the office: --office
    w.refused("route", "--to", "RS", as_="sw-registrar", code=2)  # a reason is required


def test_unknown_officer_missing_role_and_unknown_case(walk):
    w = walk()
    assert "未知的工作人员" in w.refused("route", "--self", as_="nobody", code=3)
    assert "--as" in w.refused("route", "--self", as_=None, code=3)
    w.do("route", "--self", as_="sw-registrar")
    # the registrar of the handling unit is not a handler; the leader is not the office
    msg = w.refused("conclude", *DECISION, as_="sw-registrar", code=3)
    assert "受理人员" in msg and "承办人员" in msg and "单位办理中" in msg
    w.refused("note", "--body", "b", as_="leader", code=3)
    w.refused("archive", as_="sw-archivist", code=4)  # not yet replied
    before = head(w.store)
    result = w.cli("conclude", "SW-20261126-999", *DECISION, as_="sw-handler")
    assert result.exit_code == 5 and head(w.store) == before
    w.refused("extend", "--reason", "r", "--days", "16", as_="sw-handler", code=2)  # cap 15
    w.refused("extend", "--reason", "r", "--days", "0", as_="sw-handler", code=2)


def test_dates_are_recorded_after_the_fact_and_in_order(walk):
    w = walk()
    w.do("route", "--self", as_="sw-registrar")
    w.do("conclude", *DECISION, as_="sw-handler")
    assert "晚于今天" in w.refused("reply", "--method", "邮寄", "--date", "2026-11-27", as_="sw-handler", code=2)
    assert "早于作出处理意见的日期" in w.refused("reply", "--method", "邮寄", "--date", "2026-11-25",
                                                as_="sw-handler", code=2)
    w.refused("reply", "--method", "邮寄", "--date", "26/11/2026", as_="sw-handler", code=2)
    w.do("reply", "--method", "邮寄", "--date", "2026-11-26", as_="sw-handler")
    later = {"DISPUTECTL_NOW": "2026-12-10T10:00:00+08:00"}
    assert "早于书面回复送达日期" in w.refused("object", "--channel", "行政诉讼", "--body", "示例市人民法院",
                                                 "--date", "2026-11-20", as_="sw-handler", code=2, env=later)
    result = w.cli("object", w.case, "--channel", "行政诉讼", "--body", "示例市人民法院", "--date", "2026-12-09",
                   as_="sw-handler", env=later)
    assert result.exit_code == 0, result.output
    assert w.show()["objections"][0]["date"] == "2026-12-09"

    other = walk()
    assert "早于受理登记日期" in other.refused("withdraw", "--reason", "撤回", "--date", "2026-11-01",
                                             as_="sw-registrar", code=2)


def test_actions_table_shows_commands_that_exist(cli):
    text = cli("actions", env={"COLUMNS": "300"}).stdout
    shown = {line.split("│")[3].strip() for line in text.splitlines() if line.count("│") >= 5}
    assert shown, text
    missing = [c for c in sorted(shown) if cli(*c.split(), "--help").exit_code != 0]
    assert missing == []


def test_extension_must_be_asked_before_the_handling_limit_ends(walk):
    w = walk()
    w.do("route", "--self", as_="sw-registrar")  # handling limit 2026-12-17
    late = {"DISPUTECTL_NOW": "2026-12-18T09:00:00+08:00"}
    msg = w.refused("extend", "--reason", "补充调查", "--days", "15", as_="sw-handler", code=4, env=late)
    assert "2026-12-17" in msg and "届满" in msg
    last_day = {"DISPUTECTL_NOW": "2026-12-17T16:00:00+08:00"}
    result = w.cli("extend", w.case, "--reason", "补充调查", "--days", "5", as_="sw-handler", env=last_day)
    assert result.exit_code == 0, result.output
    v = w.show()
    assert (v["extended"], open_clocks(v)) == (True, {"handle": "2026-12-24"})


def test_units_involved_in_a_case_may_add_notes_others_may_not(walk):
    w = walk()
    w.do("route", "--to", "RS", "--reason", "转人社", as_="sw-registrar")
    w.do("note", "--body", "已电话告知缴费人转办情况", as_="sw-registrar")  # the unit that took it in
    v = w.do("note", "--body", "已收到，正在核对", as_="rs-handler")  # the unit holding it
    assert [n["body"] for n in v["notes"]] == ["已电话告知缴费人转办情况", "已收到，正在核对"]
    msg = w.refused("note", "--body", "x", as_="yb-handler", code=3)  # never involved
    assert "经手本案的单位" in msg


def test_actions_that_record_a_document_take_its_file(walk, tmp_path):
    import hashlib

    import yaml

    from disputectl.documents.notices import docx_lines
    from disputectl.record.store_files import case_path

    scan = tmp_path / "送达回证.pdf"
    scan.write_bytes(b"%PDF-1.4 receipt of delivery")
    w = walk()
    w.do("route", "--self", as_="sw-registrar")
    w.do("conclude", *DECISION, as_="sw-handler")
    bad = tmp_path / "tool.exe"
    bad.write_bytes(b"MZ")
    msg = w.refused("reply", "--method", "邮寄", "--date", "2026-11-26", "--attach", str(bad), as_="sw-handler", code=2)
    assert "类型不能作为材料保存" in msg
    w.do("reply", "--method", "邮寄", "--date", "2026-11-26", "--attach", str(scan), as_="sw-handler")
    record = yaml.safe_load(git(w.store, "show", f"HEAD:{case_path(w.case)}"))
    [attachment] = record["actions"][-1]["attachments"]
    assert attachment["name"].endswith("-送达回证.pdf") and attachment["size"] == len(scan.read_bytes())
    stored = subprocess.run(["git", "-C", str(w.store), "show", f"HEAD:{attachment['path']}"], capture_output=True,
                            check=True).stdout
    assert stored == scan.read_bytes() and attachment["sha256"] == hashlib.sha256(stored).hexdigest()
    w.do("archive", as_="sw-archivist")
    record = yaml.safe_load(git(w.store, "show", f"HEAD:{case_path(w.case)}"))
    index = next(n for n in record["actions"][-1]["notices"] if n["kind"] == "archive_index")
    lines = docx_lines(subprocess.run(["git", "-C", str(w.store), "show", f"HEAD:{index['path']}"],
                                      capture_output=True, check=True).stdout)
    assert any("书面回复缴费人材料：送达回证.pdf" in line for line in lines)
    manifest = next(n for n in record["actions"][-1]["notices"] if n["kind"] == "manifest")
    assert attachment["sha256"] in git(w.store, "show", f"HEAD:{manifest['path']}")
    assert w.cli("verify").exit_code == 0
    no_files = w.cli("sign", w.case, "--attach", str(scan), as_="sw-handler")
    assert no_files.exit_code == 2 and "--attach" in no_files.output
