"""Issue 20: no case escapes oversight — a clock on every open stage, shown for what it is."""

from __future__ import annotations

import json
from typing import Any

from conftest import EMPLOYER, field_args


def ok(result: Any) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def test_a_stage_left_is_shown_as_left_not_as_done(cli, register) -> None:
    case = register()
    ok(cli("route", case, "--self", as_="sw-registrar"))
    ok(cli("refer", case, "--reason", "需多部门办理", as_="sw-handler"))
    view = json.loads(ok(cli("show", case, "--json")))
    handle = next(c for c in view["clock_details"] if c["name"] == "handle")
    assert handle["state_label"] == "已提请领导组办公室"
    route = next(c for c in view["clock_details"] if c["name"] == "route")
    assert route["state_label"] == "已办结"
    assert "已提请领导组办公室" in ok(cli("show", case))


def test_the_later_clocks_are_the_admins_to_set_in_a_store_made_before(cli, store) -> None:
    import yaml

    config = yaml.safe_load((store / "disputectl.yaml").read_text(encoding="utf-8"))
    assert {"joint": 30, "archive": 10, "followup": 10}.items() <= config["clocks"].items()
    ok(cli("config", "set", "clocks.archive", "5", as_="bgs-admin"))
    case = ok(cli("register", *field_args(EMPLOYER), "--no-input", as_="sw-registrar")).split("案件编号")[1].split()[0]
    ok(cli("withdraw", case, "--reason", "撤回", "--date", "2026-11-26", as_="sw-registrar"))
    rows = json.loads(ok(cli("due", "--all", "--json")))["rows"]
    assert [(r["clock"], r["due"], r["clock_label"]) for r in rows if r["case"] == case] == \
        [("archive", "2026-12-03", "及时归档")]


def test_first_officer_routes_a_colleague_only_on_behalf_with_a_reason(cli, store) -> None:
    case = ok(cli("register", *field_args(EMPLOYER), "--no-input", as_="sw-registrar")).split("案件编号")[1].split()[0]
    from disputectl.trust.keys import create_key

    colleague = create_key("sw-colleague")
    (store.parent / "c.pub").write_text(colleague.public, encoding="utf-8")
    ok(cli("officer", "add", "sw-colleague", "--name", "王同事", "--unit", "SW", "--roles", "registrar,handler",
           "--file", str(store.parent / "c.pub"), as_="bgs-admin"))
    refused = cli("route", case, "--self", as_="sw-colleague")
    assert refused.exit_code == 3 and "首问到底" in refused.output and "--on-behalf" in refused.output
    no_reason = cli("route", case, "--self", "--on-behalf", as_="sw-colleague")
    assert no_reason.exit_code == 2 and "--reason" in no_reason.output
    mine = cli("route", case, "--self", "--on-behalf", "--reason", "x", as_="sw-registrar")
    assert mine.exit_code == 2 and "不需要 --on-behalf" in mine.output
    ok(cli("route", case, "--self", "--on-behalf", "--reason", "首问责任人休假", as_="sw-colleague"))
    view = json.loads(ok(cli("show", case, "--json")))
    assert view["timeline"][-1]["data"] == {"note": "首问责任人休假", "on_behalf": "sw-registrar"}
    shown = ok(cli("show", case, env={"COLUMNS": "300"}))
    assert "代首问责任人 税务局受理员（样例）（sw-registrar）办理" in shown
    ok(cli("verify"))


def test_a_general_matter_needs_two_units_and_a_meeting_or_two_opinions(cli, store) -> None:
    case = ok(cli("register", *field_args(EMPLOYER), "--no-input", as_="sw-registrar")).split("案件编号")[1].split()[0]
    ok(cli("route", case, "--office", as_="sw-registrar"))
    ok(cli("triage-general", case, "--reason", "联办", as_="bgs-office"))
    one = cli("request-opinions", case, "--units", "RS", "--question", "q", as_="bgs-office")
    assert one.exit_code == 2 and "至少 2 个" in one.output
    early = cli("consolidate", case, "--facts", "f", "--basis", "b", "--decision", "d", as_="bgs-office")
    assert early.exit_code == 4 and "召开过联席会议，或至少两个单位提交了书面意见" in early.output
    ok(cli("meeting", case, "--date", "2026-11-26", "--place", "会议室", "--units", "RS,SW", "--minutes", "议定",
           as_="bgs-office"))
    ok(cli("consolidate", case, "--facts", "f", "--basis", "b", "--decision", "d", as_="bgs-office"))  # the meeting
    # the office's config may ask for both
    other = ok(cli("register", *field_args(EMPLOYER), "--no-input", as_="sw-registrar")).split("案件编号")[1].split()[0]
    ok(cli("config", "set", "policy.consolidate_requires", "meeting_and_opinions", as_="bgs-admin"))
    ok(cli("route", other, "--office", as_="sw-registrar"))
    ok(cli("triage-general", other, "--reason", "联办", as_="bgs-office"))
    ok(cli("meeting", other, "--date", "2026-11-26", "--place", "会议室", "--units", "RS,SW", "--minutes", "议定",
           as_="bgs-office"))
    refused = cli("consolidate", other, "--facts", "f", "--basis", "b", "--decision", "d", as_="bgs-office")
    assert refused.exit_code == 4 and "且至少两个单位" in refused.output
    ok(cli("verify"))


def _replied(cli) -> str:
    case = ok(cli("register", *field_args(EMPLOYER), "--no-input", as_="sw-registrar")).split("案件编号")[1].split()[0]
    ok(cli("route", case, "--self", as_="sw-registrar"))
    ok(cli("conclude", case, "--facts", "f", "--basis", "b", "--decision", "d", as_="sw-handler"))
    ok(cli("reply", case, "--method", "邮寄", "--date", "2026-11-26", as_="sw-handler"))
    return case


def test_followup_records_satisfaction_and_an_unsatisfied_one_can_reopen_handling(cli) -> None:
    case = _replied(cli)
    early = cli("reopen", case, "--reason", "x", as_="sw-handler")
    assert early.exit_code == 4 and "不满意" in early.output
    bad = cli("followup", case, "--result", "很好", "--method", "电话", as_="sw-handler")
    assert bad.exit_code == 2 and "满意、基本满意、不满意" in bad.output
    ok(cli("followup", case, "--result", "不满意", "--method", "电话", "--note", "认为核定过高", as_="sw-handler"))
    view = json.loads(ok(cli("show", case, "--json")))
    assert [(f["result"], f["method"], f["note"]) for f in view["followups"]] == [("不满意", "电话", "认为核定过高")]
    assert "followup" not in {c["name"] for c in view["open_clocks"]}
    assert "回访：2026-11-26 电话，不满意（认为核定过高）" in ok(cli("show", case))
    ok(cli("reopen", case, "--reason", "回访不满意，重新核查", as_="sw-handler"))
    view = json.loads(ok(cli("show", case, "--json")))
    assert (view["status"], view["unit"]) == ("handling", "SW")
    assert {c["name"] for c in view["open_clocks"]} == {"handle"}
    assert view["reopened"][0]["decision"]["decision"] == "d"
    ok(cli("conclude", case, "--facts", "f2", "--basis", "b", "--decision", "d2", as_="sw-handler"))
    ok(cli("reply", case, "--method", "邮寄", "--date", "2026-11-26", as_="sw-handler"))
    ok(cli("followup", case, "--result", "满意", "--method", "面谈", as_="sw-handler"))
    ok(cli("archive", case, as_="sw-archivist"))
    ok(cli("verify"))


def test_archiving_before_the_followup_shows_it_was_not_made(cli) -> None:
    case = _replied(cli)
    ok(cli("archive", case, as_="sw-archivist"))
    view = json.loads(ok(cli("show", case, "--json")))
    followup = next(c for c in view["clock_details"] if c["name"] == "followup")
    assert followup["state_label"] == "归档前未回访"


def test_a_case_the_office_concluded_goes_back_to_its_triage_when_reopened(cli) -> None:
    case = ok(cli("register", *field_args(EMPLOYER), "--no-input", as_="sw-registrar")).split("案件编号")[1].split()[0]
    ok(cli("route", case, "--office", as_="sw-registrar"))
    ok(cli("triage-general", case, "--reason", "联办", as_="bgs-office"))
    ok(cli("meeting", case, "--date", "2026-11-26", "--place", "会议室", "--units", "RS,SW", "--minutes", "议定",
           as_="bgs-office"))
    ok(cli("consolidate", case, "--facts", "f", "--basis", "b", "--decision", "d", as_="bgs-office"))
    ok(cli("reply", case, "--method", "邮寄", "--date", "2026-11-26", as_="bgs-office"))
    ok(cli("followup", case, "--result", "不满意", "--method", "面谈", as_="bgs-office"))
    ok(cli("reopen", case, "--reason", "缴费人仍有异议", as_="bgs-office"))
    view = json.loads(ok(cli("show", case, "--json")))
    assert (view["status"], view["unit"], [c["name"] for c in view["open_clocks"]]) == ("coordinating", "BGS", ["triage"])
    ok(cli("verify"))


def test_a_notice_counted_through_a_year_without_holidays_warns_and_is_marked_when_the_calendar_changes(cli, store) -> None:
    late = {"DISPUTECTL_NOW": "2026-12-31T10:00:00+08:00"}
    out = cli("register", *field_args(EMPLOYER), "--no-input", as_="sw-registrar", env=late)
    assert out.exit_code == 0, out.output
    case = out.output.split("案件编号")[1].split()[0]
    assert "所载期限跨越 2027 年" in out.output and "按周一至周五推算" in out.output
    view = json.loads(ok(cli("show", case, "--json", env=late)))
    receipt = view["notices"][0]
    assert receipt["states"] == {"route": "2027-01-01"} and receipt["assumed_years"] == [2027]
    assert view["notice_date_problems"] == [{"number": receipt["number"], "kind": "receipt", "assumed_years": [2027]}]
    assert "2027 年节假日安排尚未录入" in ok(cli("show", case, env=late))

    ok(cli("calendar", "add", "2027", "--holiday", "2027-01-01:2027-01-03:元旦", as_="bgs-admin", env=late))
    view = json.loads(ok(cli("show", case, "--json", env=late)))
    assert view["notice_date_problems"] == [{"number": receipt["number"], "kind": "receipt", "clock": "route",
                                             "stated": "2027-01-01", "now": "2027-01-04"}]
    assert "与现行日历不符（现为 2027-01-04）" in ok(cli("show", case, env=late))
    due = json.loads(ok(cli("due", "--all", "--json", env=late)))
    assert [(n["case"], n["stated"], n["now"]) for n in due["stale_notices"]] == [(case, "2027-01-01", "2027-01-04")]
    assert "--corrected" in ok(cli("due", "--all", env={**late, "COLUMNS": "300"}))

    corrected = ok(cli("notice", case, "receipt", "--corrected", as_="sw-registrar", env=late))
    assert f"更正并替代 {receipt['number']}" in corrected
    view = json.loads(ok(cli("show", case, "--json", env=late)))
    assert view["notices"][-1]["replaces"] == receipt["number"] and view["notices"][-1]["states"] == {"route": "2027-01-04"}
    assert view["notice_date_problems"] == []
    assert json.loads(ok(cli("due", "--all", "--json", env=late)))["stale_notices"] == []


def test_review_findings_reopen_meetings_and_hand_over(cli, store) -> None:
    """A reopened case shows its abandoned 及时归档 as such and is not counted as closed; a 联席会议
    counts only once held and only if held after the triage; a colleague may not hand a registered
    matter over in the first officer's place."""
    case = _replied(cli)
    ok(cli("followup", case, "--result", "不满意", "--method", "电话", as_="sw-handler"))
    ok(cli("reopen", case, "--reason", "重新核查", as_="sw-handler"))
    view = json.loads(ok(cli("show", case, "--json")))
    archive = next(c for c in view["clock_details"] if c["name"] == "archive")
    assert archive["state_label"] == "已重新办理"
    stats = json.loads(ok(cli("stats", "--from", "2026-11-01", "--to", "2026-11-30", "--json")))["totals"]
    assert (stats["closed"], stats["replied"], stats["open"]) == (0, 0, 1)

    general = ok(cli("register", *field_args(EMPLOYER), "--no-input", as_="sw-registrar")).split("案件编号")[1].split()[0]
    ok(cli("route", general, "--office", as_="sw-registrar"))
    ok(cli("triage-general", general, "--reason", "联办", as_="bgs-office"))
    before = cli("meeting", general, "--date", "2026-11-01", "--place", "p", "--units", "RS,SW", "--minutes", "m",
                 as_="bgs-office")
    assert before.exit_code == 2 and "早于梳理为一般事项的日期" in before.output
    ok(cli("meeting", general, "--date", "2026-12-01", "--place", "p", "--units", "RS,SW", "--minutes", "m",
           as_="bgs-office"))  # convened ahead: its notice invites the units
    not_yet = cli("consolidate", general, "--facts", "f", "--basis", "b", "--decision", "d", as_="bgs-office")
    assert not_yet.exit_code == 4 and "召开过联席会议" in not_yet.output

    from disputectl.trust.keys import create_key

    colleague = create_key("sw-colleague2")
    (store.parent / "c2.pub").write_text(colleague.public, encoding="utf-8")
    ok(cli("officer", "add", "sw-colleague2", "--name", "赵同事", "--unit", "SW", "--roles", "registrar,handler",
           "--file", str(store.parent / "c2.pub"), as_="bgs-admin"))
    fresh = ok(cli("register", *field_args(EMPLOYER), "--no-input", as_="sw-registrar")).split("案件编号")[1].split()[0]
    refused = cli("hand-over", fresh, "--authority", "仲裁委", "--reason", "劳动争议", as_="sw-colleague2")
    assert refused.exit_code == 3 and "首问到底" in refused.output
    ok(cli("hand-over", fresh, "--authority", "仲裁委", "--reason", "首问责任人外出；劳动争议", "--on-behalf",
           as_="sw-colleague2"))
