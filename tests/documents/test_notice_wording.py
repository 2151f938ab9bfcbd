"""Issue 22, points 3–5: how the notices word things, the bodies they name, the 代字 of each issuer.

Notices are issued through the CLI on demo stores and read back with python-docx from the commit.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from conftest import INDIVIDUAL, git, head, invoke

from disputectl.documents.notices import docx_lines

SW_NAME = "国家税务总局示例市税务局"
PT_NAME = "示例市政法委“一站式”矛盾纠纷调处平台"
FACTS = "经核查，该单位2026年度申报基数低于实际工资总额"  # typed without a closing 。
BASIS = "《社会保险费征缴暂行条例》第十条。"
DECISION = "撤销原核定结果，重新核定缴费基数！"
CONCLUDE = ["--facts", FACTS, "--basis", BASIS, "--decision", DECISION]


def ok(result: Any) -> Any:
    assert result.exit_code == 0, result.output
    return result


def notice_lines(cli: Callable[..., Any], store: Path, case: str, kind: str, index: int = -1) -> list[str]:
    """The paragraphs of the ``kind`` notice last issued on ``case``, read from the committed file."""
    view = json.loads(ok(cli("show", case, "--json")).stdout)
    entry = [n for n in view["notices"] if n["kind"] == kind][index]
    return docx_lines(git_blob(store, entry["path"]))


def number_of(cli: Callable[..., Any], case: str, kind: str, index: int = -1) -> str:
    view = json.loads(ok(cli("show", case, "--json")).stdout)
    return str([n for n in view["notices"] if n["kind"] == kind][index]["number"])


def git_blob(store: Path, path: str) -> bytes:
    import subprocess

    return subprocess.run(["git", "-C", str(store), "cat-file", "blob", f"HEAD:{path}"],
                          capture_output=True, check=True).stdout


def body(lines: list[str]) -> list[str]:
    """The paragraphs between the salutation and the 落款 (the signer's name and the date)."""
    start = next(i for i, line in enumerate(lines) if line.endswith("："))
    return lines[start + 1:-2]


def remedy(lines: list[str]) -> str:
    return "".join(lines[lines.index("四、救济途径") + 1:])


def concluded_by_tax(cli: Callable[..., Any], register: Callable[..., str], **fields: str) -> str:
    case = register(**fields)
    ok(cli("route", case, "--self", as_="sw-registrar"))
    ok(cli("conclude", case, *CONCLUDE, as_="sw-handler"))
    ok(cli("reply", case, "--method", "邮寄", "--date", "2026-11-26", as_="sw-handler"))
    return case


def make_old_config(store: Path) -> None:
    """The store as made before per-unit 代字 and named bodies: its units without those keys."""
    from disputectl.governance import change_config
    from disputectl.record.session import open_session
    from disputectl.rules.config import UNIT_NOTICE_KEYS

    def strip(document: Any) -> None:
        for unit in document["units"]:
            for key in UNIT_NOTICE_KEYS:
                unit.pop(key, None)

    session = open_session(store, now=datetime(2026, 11, 26, 9, tzinfo=ZoneInfo("Asia/Shanghai")),
                           officer_id="bgs-admin", fixed_clock=True)
    change_config(session, "config-set", "旧案件库的单位", strip)


# -- point 3: wording ------------------------------------------------------------------------------


@pytest.mark.parametrize(("channel", "clause"), [
    ("来访", "示例科技有限公司：|你单位于2026年11月26日10时来访反映的社会保险费征缴争议事项，本机关已登记受理"),
    ("来电", "你单位于2026年11月26日10时来电反映的社会保险费征缴争议事项，本机关已登记受理"),
    ("网上", "你单位于2026年11月26日10时通过网上渠道反映的社会保险费征缴争议事项，本机关已登记受理"),
    ("其他部门转来", "你单位反映、于2026年11月26日10时由其他部门转来的社会保险费征缴争议事项，本机关已登记受理"),
])
def test_a_receipt_says_how_the_matter_came_in(cli, store, register, channel, clause):
    case = register(channel=channel)
    lines = notice_lines(cli, store, case, "receipt")
    opening = clause.split("|")[-1]
    assert any(line.startswith(opening + "，受理编号为" + case) for line in lines), lines
    assert not any("形式反映" in line for line in lines)


def test_a_result_calls_its_issuer_本机关_and_addresses_the_payer_throughout(cli, store, register):
    case = concluded_by_tax(cli, register)
    lines = notice_lines(cli, store, case, "result")
    assert lines[3] == ("你单位反映“对2026年度缴费基数核定有异议”一事（案件编号：" + case +
                        "；争议类别：缴费基数申报），经本机关调查核实，现将处理结果告知如下：")
    assert not any(SW_NAME in line for line in body(lines))  # only in the 落款
    assert lines[-2] == SW_NAME
    # the facts get their full stop, the basis keeps its own, the decision its exclamation mark
    assert lines[lines.index("一、基本事实") + 1] == FACTS + "。"
    assert lines[lines.index("二、处理依据") + 1] == BASIS
    assert lines[lines.index("三、处理决定") + 1] == DECISION
    text = remedy(lines)
    assert text.startswith("你单位对本处理结果有异议的，")
    assert "缴费人" not in text


def test_a_result_names_the_configured_bodies_and_a_change_reaches_the_next_notice(cli, store, register):
    case = concluded_by_tax(cli, register)
    text = remedy(notice_lines(cli, store, case, "result"))
    assert "可以自收到本告知书之日起60日内向国家税务总局示例省税务局申请行政复议。" in text
    assert "涉及劳动关系的，可以依法向示例市劳动人事争议仲裁委员会申请劳动人事争议仲裁。" in text
    assert "依法向示例市东区人民法院提起行政诉讼" in text
    assert "上一级税务机关" not in text

    for key, value in (("review_body", "国家税务总局江东省税务局"), ("court", "示例市铁路运输法院")):
        ok(invoke("config", "set", f"units.SW.{key}", value, "--store", str(store), "--as", "bgs-admin"))
    ok(cli("notice", case, "result", "--corrected", as_="sw-handler"))
    text = remedy(notice_lines(cli, store, case, "result"))
    assert "60日内向国家税务总局江东省税务局申请行政复议" in text
    assert "依法向示例市铁路运输法院提起行政诉讼" in text
    assert "示例省" not in text and "东区人民法院" not in text


def test_a_result_of_the_platform_says_it_was_mediated_there(cli, store, register):
    case = register()
    ok(cli("route", case, "--office", as_="sw-registrar"))
    ok(cli("triage-major", case, "--reason", "涉及职工120人", as_="bgs-office"))
    ok(cli("approve", case, "--sent-date", "2026-11-26", "--platform-ref", "YZS-1", as_="leader"))
    ok(cli("platform-result", case, *CONCLUDE, as_="bgs-office"))
    ok(cli("reply", case, "--method", "邮寄", "--date", "2026-11-26", as_="bgs-office"))
    lines = notice_lines(cli, store, case, "result")
    assert lines[3].endswith(f"，经{PT_NAME}协调处理，现将处理结果告知如下：")
    assert not any("调查核实" in line for line in lines)
    text = remedy(lines)
    # the platform's result may rest on any department's act: both review bodies, named
    assert "向国家税务总局示例省税务局申请行政复议" in text and "向示例市人民政府申请行政复议" in text


def test_an_extension_says_本机关_will_conclude(cli, store, register):
    case = register()
    ok(cli("route", case, "--self", as_="sw-registrar"))
    ok(cli("extend", case, "--reason", "需调取工资台账", "--days", "5", as_="sw-handler"))
    lines = notice_lines(cli, store, case, "extension")
    assert any("本机关将在延长期限内办结，并将处理结果书面告知你单位。" in line for line in lines)
    assert not any("我们" in line for line in lines)
    assert "需调取工资台账。" in lines


def test_a_hand_over_elsewhere_still_hands_it_over(cli, store, register):
    case = register(as_="rs-registrar", **INDIVIDUAL)
    ok(cli("route", case, "--self", as_="rs-registrar"))
    ok(cli("hand-over", case, "--authority", "示例市劳动保障监察支队", "--reason", "属拖欠工资投诉", as_="rs-handler"))
    lines = notice_lines(cli, store, case, "handover")
    assert ("根据《中华人民共和国社会保险法》第八十二条规定，本机关已将该事项移交示例市劳动保障监察支队依法处理，"
            "请你与其联系。") in lines
    assert not any("仲裁" in line for line in lines)


def test_a_hand_over_to_arbitration_in_general_terms_names_the_configured_body(cli, store, register):
    case = register(as_="rs-registrar", **INDIVIDUAL)
    ok(cli("route", case, "--self", as_="rs-registrar"))
    ok(cli("hand-over", case, "--authority", "劳动人事争议仲裁委员会", "--reason", "属劳动报酬争议", as_="rs-handler"))
    text = "".join(notice_lines(cli, store, case, "handover"))
    assert "请你依法向示例市劳动人事争议仲裁委员会（地址：示例市人民路88号）提交书面仲裁申请" in text
    assert "劳动争议申请仲裁的时效期间为一年" in text and "已将该事项移交" not in text


def meeting_case(cli: Callable[..., Any], register: Callable[..., str]) -> str:
    case = register(category="10")
    ok(cli("route", case, "--office", as_="sw-registrar"))
    ok(cli("triage-general", case, "--reason", "需人社、医保共同办理", as_="bgs-office"))
    return case


def test_a_meeting_takes_its_time_from_the_date(cli, store, register):
    case = meeting_case(cli, register)
    ok(cli("meeting", case, "--date", "2026-11-30 14:00", "--place", "第二会议室", "--units", "RS,YB",
           "--minutes", "会议纪要", as_="bgs-office"))
    lines = notice_lines(cli, store, case, "meeting")
    assert lines[lines.index("一、会议时间") + 1] == "2026年11月30日（星期一）下午2时"
    view = json.loads(ok(cli("show", case, "--json")).stdout)
    convene = next(a for a in view["timeline"] if a["action"] == "convene")
    assert (convene["data"]["date"], convene["data"]["time"]) == ("2026-11-30", "14:00")


def test_a_meeting_without_time_or_topic_still_reads_sensibly(cli, store, register):
    """As a meeting recorded before the two fields came: the date alone, a 议题 from the matter."""
    case = meeting_case(cli, register)
    ok(cli("meeting", case, "--date", "2026-11-30", "--place", "第二会议室", "--units", "RS,YB",
           "--minutes", "会议明确由人社复核", as_="bgs-office"))
    lines = notice_lines(cli, store, case, "meeting")
    assert lines[lines.index("一、会议时间") + 1] == "2026年11月30日（星期一）"
    assert lines[lines.index("四、会议议题") + 1] == "研究提出示例科技有限公司反映“对2026年度缴费基数核定有异议”一事的处理意见。"
    assert not any("会议明确由人社复核" in line for line in lines)


@pytest.mark.parametrize("time", ["25:00", "9点半", "09:60"])
def test_a_meeting_time_that_is_not_one_is_refused(cli, store, register, time):
    case = meeting_case(cli, register)
    before = head(store)
    result = cli("meeting", case, "--date", "2026-11-30", "--time", time, "--place", "第二会议室",
                 "--units", "RS,YB", "--minutes", "纪要", as_="bgs-office")
    assert result.exit_code == 2, result.output
    assert f"会议开始时间“{time}”无效（应如 09:30）" in result.stderr
    assert "Traceback" not in result.output
    assert head(store) == before and git(store, "status", "--porcelain") == ""


# -- point 5: 代字 per issuing unit -----------------------------------------------------------------


def test_each_issuing_unit_numbers_under_its_own_代字(cli, store, register):
    first = register()
    second = register(as_="rs-registrar", **INDIVIDUAL)
    third = register()
    office = register(as_="bgs-registrar")
    assert [number_of(cli, c, "receipt") for c in (first, second, third, office)] == [
        "税社争受〔2026〕1号", "人社争受〔2026〕1号", "税社争受〔2026〕2号", "社争办受〔2026〕1号"]
    ok(invoke("verify", "--store", str(store)))


def test_a_duplicate_代字_is_refused(store):
    before = head(store)
    result = invoke("config", "set", "units.RS.doc_code", "税社争", "--store", str(store), "--as", "bgs-admin")
    assert result.exit_code == 2, result.output
    assert "单位文号代字“税社争”重复" in result.stderr
    assert head(store) == before and git(store, "status", "--porcelain") == ""


def test_an_older_store_keeps_the_shared_代字_and_the_generic_bodies_until_the_admin_sets_them(
        cli, store, register):
    make_old_config(store)
    case = concluded_by_tax(cli, register)
    assert number_of(cli, case, "receipt") == "社争受〔2026〕1号"
    assert number_of(cli, case, "result") == "社争结〔2026〕1号"
    text = remedy(notice_lines(cli, store, case, "result"))
    assert "60日内向上一级税务机关申请行政复议" in text
    assert "涉及劳动关系的，可以依法申请劳动人事争议仲裁。" in text
    assert "依法向人民法院提起行政诉讼" in text

    # from the admin's change on, the tax bureau numbers under its own 代字; history stays valid
    ok(invoke("config", "set", "units.SW.doc_code", "税社争", "--store", str(store), "--as", "bgs-admin"))
    later = register()
    assert number_of(cli, later, "receipt") == "税社争受〔2026〕1号"
    other = register(as_="rs-registrar", **INDIVIDUAL)
    assert number_of(cli, other, "receipt") == "社争受〔2026〕2号"  # 人社局 has none: the shared one
    ok(invoke("verify", "--store", str(store)))


def test_a_receipt_issued_after_routing_says_when_it_was_routed_not_a_day_now_past(cli, store, register):
    """A receipt corrected (or first issued, for an imported case) after routing must not promise
    routing by a day already past."""
    from docx import Document

    case = register()
    assert cli("route", case, "--self", as_="sw-registrar").exit_code == 0
    assert cli("notice", case, "receipt", "--corrected", as_="sw-registrar").exit_code == 0
    view = json.loads(cli("show", case, "--json").output)
    newest = view["notices"][-1]
    text = "\n".join(p.text for p in Document(str(store / newest["path"])).paragraphs)
    assert "本机关已于2026年11月26日完成审核分流" in text and "前完成审核分流" not in text
