"""Issue 21: corrections to a registration (``amend``) and to an opinion (``amend-opinion``).

The registration as first recorded never changes; a correction is one signed action with the old
and new values (identifiers masked), shown in the timeline; notices issued before it keep their
text and ``show`` names them; what is read (show, list, search, notices) is the corrected
registration.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import EMPLOYER, INDIVIDUAL, git, head

from disputectl.documents.layout import plain_text
from disputectl.record.store_files import case_path

NEW_PHONE = "13987654321"
NEW_USCC = "91330106MA2B24XQ42"


def ok(result: Any) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def shown(cli: Any, case: str) -> dict[str, Any]:
    return json.loads(ok(cli("show", case, "--json")))


def listed(cli: Any, *args: str, as_: str | None = None) -> list[str]:
    return [row["id"] for row in json.loads(ok(cli("list", *args, "--json", as_=as_)))]


def all_objects(store: Path) -> bytes:
    return subprocess.run(["git", "-C", str(store), "cat-file", "--batch-all-objects", "--batch"],
                          capture_output=True, check=True).stdout


def test_a_correction_is_one_signed_action_with_old_and_new_values_masked(cli, store, register):
    case = register()
    before = head(store)
    out = ok(cli("amend", case, "--phone", NEW_PHONE, "--payer-name", "示例科技股份有限公司",
                 "--reason", "缴费人来电告知电话和名称有误", as_="sw-registrar"))
    assert "联系电话 138****5678 → 139****4321" in out
    assert "缴费人名称或姓名 示例科技有限公司 → 示例科技股份有限公司" in out
    assert git(store, "rev-list", "--count", f"{before}..HEAD").strip() == "1"
    view = shown(cli, case)
    assert view["payer"]["name"] == "示例科技股份有限公司" and view["phone"] == "139****4321"
    [entry] = [t for t in view["timeline"] if t["action"] == "amend"]
    assert entry["action_label"] == "更正登记信息" and entry["actor"] == "sw-registrar"
    assert entry["data"]["before"] == {"phone": "138****5678", "payer": {"name": "示例科技有限公司"}}
    text = ok(cli("show", case, env={"COLUMNS": "300"}))
    assert "更正登记信息" in text and "138****5678 → 139****4321" in text
    # the registration as first recorded is untouched; the new number is only sealed
    stored = yaml.safe_load(git(store, "show", f"HEAD:{case_path(case)}"))
    assert stored["registration"]["payer"]["name"] == EMPLOYER["payer_name"]
    assert NEW_PHONE.encode() not in all_objects(store)
    assert "全部合规" in ok(cli("verify"))
    assert "全部合规" in ok(cli("verify", "--open", as_="bgs-office"))


def test_the_corrected_values_are_what_search_and_lists_find(cli, register):
    case = register()
    ok(cli("amend", case, "--phone", NEW_PHONE, "--payer-id", NEW_USCC, "--reason", "登记时录错", as_="sw-registrar"))
    assert case in listed(cli, "--phone", NEW_PHONE, as_="sw-registrar")
    assert case in listed(cli, "--payer-id", NEW_USCC, as_="sw-registrar")
    assert case not in listed(cli, "--payer-id", EMPLOYER["payer_id"], as_="sw-registrar")
    assert shown(cli, case)["payer"]["id_number"] == "9133**********XQ42"
    revealed = json.loads(ok(cli("show", case, "--json", "--reveal", as_="bgs-office")))
    assert revealed["phone"] == NEW_PHONE and revealed["payer"]["id_number"] == NEW_USCC


def test_category_and_region_corrections_move_the_case_in_lists_and_statistics(cli, register):
    case = register()
    ok(cli("amend", case, "--category", "缴费金额", "--region", "XQ", "--reason", "类别、区域登记有误", as_="sw-registrar"))
    view = shown(cli, case)
    assert (view["category"], view["region"]) == (4, "XQ")
    assert case in listed(cli, "--category", "4") and case not in listed(cli, "--category", "3")
    assert case in listed(cli, "--region", "西区")


def test_notices_issued_before_keep_their_text_and_show_names_them(cli, store, register):
    case = register()
    receipt = shown(cli, case)["notices"][0]
    original = (store / receipt["path"]).read_bytes()
    out = ok(cli("amend", case, "--payer-name", "示例科技股份有限公司", "--reason", "名称录错", as_="sw-registrar"))
    assert receipt["number"] in out and "--corrected" in out and "receipt（受理回执）" in out
    assert (store / receipt["path"]).read_bytes() == original
    view = shown(cli, case)
    assert view["issued_before_amendment"] == [receipt["number"]]
    assert "更正之前" in ok(cli("show", case)) and receipt["number"] in ok(cli("show", case))
    # a corrected receipt carries the corrected name, and is no longer listed as out of date
    ok(cli("notice", case, "受理回执", "--corrected", as_="sw-registrar"))  # by its title, as on paper
    from docx import Document

    newest = shown(cli, case)["notices"][-1]
    text = plain_text("\n".join(p.text for p in Document(str(store / newest["path"])).paragraphs))
    assert "示例科技股份有限公司" in text
    assert shown(cli, case)["issued_before_amendment"] == []
    assert "全部合规" in ok(cli("verify"))  # the notice named by its title is recorded by its code


@pytest.mark.parametrize(("args", "message"), [
    (["--reason", "x"], "请指明要更正的登记项"),
    (["--phone", NEW_PHONE], "请填写更正理由"),
    (["--phone", "1398765432a", "--reason", "x"], "联系电话“1398765432a”无效"),
    (["--phone", EMPLOYER["phone"], "--reason", "x"], "联系电话与现登记相同，无需更正"),
    (["--payer-kind", "individual", "--reason", "x"], "更改缴费人类型须同时更正证件号码"),
    (["--category", "99", "--region", "XX", "--reason", "x"], "属地区域“XX”无效"),
    (["--payer-name", "  ", "--reason", "x"], "缴费人名称或姓名不能为空"),
])
def test_a_wrong_correction_is_refused_with_every_problem_and_nothing_recorded(cli, store, register, args, message):
    case = register()
    before = head(store)
    result = cli("amend", case, *args, as_="sw-registrar")
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert head(store) == before


def test_visit_time_and_first_officer_cannot_be_corrected(cli, store, register):
    case = register()
    result = cli("amend", case, "--visit-time", "2026-11-25 09:00", "--reason", "x", as_="sw-registrar")
    assert result.exit_code == 2 and "没有选项 --visit-time" in result.output
    from disputectl.rules.amend import amend_data
    from disputectl.rules.config import parse_config

    config = parse_config(yaml.safe_load((store / "disputectl.yaml").read_text(encoding="utf-8")))
    stored = yaml.safe_load(git(store, "show", f"HEAD:{case_path(case)}"))
    from datetime import datetime

    from disputectl.errors import ValidationError

    with pytest.raises(ValidationError) as caught:
        amend_data(stored, {"first_officer": "rs-registrar", "visit_time": "2026-11-25"}, "x", config,
                   datetime.fromisoformat("2026-11-26T10:00:00+08:00"))
    assert "首问责任人不能更正" in caught.value.details and "来访时间不能更正（它是受理的记录）" in caught.value.details


def test_who_may_correct_and_until_when(cli, store, register):
    case = register()
    result = cli("amend", case, "--phone", NEW_PHONE, "--reason", "x", as_="rs-registrar")
    assert result.exit_code == 3 and "首问单位受理人员" in result.output
    ok(cli("amend", case, "--phone", NEW_PHONE, "--reason", "办公室核对后更正", as_="bgs-office"))


def test_an_individual_becoming_an_employer_and_back_keeps_personal_data_sealed(cli, store, register):
    case = register(as_="rs-registrar", **INDIVIDUAL)
    new_address = "示例市东区光明路9号"
    ok(cli("amend", case, "--payer-kind", "employer", "--payer-id", NEW_USCC, "--contact-person", "王五",
           "--payer-name", "示例个体工商户", "--reason", "实为单位缴费", as_="rs-registrar"))
    assert shown(cli, case)["payer"]["kind"] == "employer"
    ok(cli("amend", case, "--payer-kind", "individual", "--payer-id", INDIVIDUAL["payer_id"], "--address", new_address,
           "--reason", "核实后仍为个人", as_="rs-registrar"))
    view = shown(cli, case)
    assert view["payer"]["kind"] == "individual" and new_address not in json.dumps(view, ensure_ascii=False)
    assert new_address.encode() not in all_objects(store)
    assert "全部合规" in ok(cli("verify", "--open", as_="bgs-office"))


def test_verify_judges_a_correction_whose_old_values_are_not_the_registrations(cli, store, register, monkeypatch):
    """A correction recording old values the registration never had (made by a tool that lied)
    is reported by verify, though the commit is signed and well formed."""
    case = register()
    import disputectl.rules.amend as amend

    real = amend.shown_before
    monkeypatch.setattr(amend, "shown_before", lambda reg, path: "138****0000" if path == "phone" else real(reg, path))
    ok(cli("amend", case, "--phone", NEW_PHONE, "--reason", "x", as_="sw-registrar"))
    monkeypatch.setattr(amend, "shown_before", real)
    result = cli("verify")
    assert result.exit_code != 0
    assert "记录的更正前的值与当时的登记信息不符" in result.output


def test_a_unit_amends_its_opinion_until_the_office_consolidates(cli, store, register):
    case = register()
    ok(cli("route", case, "--office", as_="sw-registrar"))
    ok(cli("triage-general", case, "--reason", "需多部门办理", as_="bgs-office"))
    ok(cli("request-opinions", case, "--units", "SW,RS", "--question", "基数核定口径", as_="bgs-office"))
    ok(cli("opinion", case, "--body", "按工资总额核定", as_="sw-handler"))
    again = cli("opinion", case, "--body", "改为按申报核定", as_="sw-handler")
    assert again.exit_code == 4 and "amend-opinion" in again.output and "已于 2026-11-26 提交" in again.output
    refused = cli("amend-opinion", case, "--body", "x", "--reason", "y", as_="rs-handler")
    assert refused.exit_code == 4 and "尚未提交书面意见" in refused.output  # RS has not submitted one yet
    outsider = cli("amend-opinion", case, "--body", "x", "--reason", "y", as_="yb-handler")
    assert outsider.exit_code == 3  # YB was never asked
    ok(cli("amend-opinion", case, "--body", "改为按申报工资核定", "--reason", "补充核实了申报材料", as_="sw-handler"))
    view = shown(cli, case)
    [sw] = [o for o in view["opinions"] if o["unit"] == "SW"]
    amended = next(t for t in view["timeline"] if t["action"] == "amend_opinion")
    assert sw["action"] == amended["id"]
    assert [o["unit"] for o in view["earlier_opinions"]] == ["SW"]
    ok(cli("opinion", case, "--body", "同意", as_="rs-handler"))
    ok(cli("meeting", case, "--date", "2026-11-26", "--place", "会议室", "--units", "SW,RS", "--minutes", "议定",
           as_="bgs-office"))
    ok(cli("consolidate", case, "--facts", "事实", "--basis", "依据", "--decision", "意见", as_="bgs-office"))
    late = cli("amend-opinion", case, "--body", "再改", "--reason", "y", as_="sw-handler")
    assert late.exit_code == 4
    assert "全部合规" in ok(cli("verify"))


def test_the_timeline_names_kinds_categories_regions_and_units_not_their_codes(cli, register):
    case = register()
    ok(cli("amend", case, "--category", "滞纳金加收", "--region", "南县", "--reason", "登记有误", as_="sw-registrar"))
    ok(cli("notice", case, "receipt", "--corrected", as_="sw-registrar"))
    view = shown(cli, case)
    amended = next(t for t in view["timeline"] if t["action"] == "amend")
    assert amended["summary"] == "争议类别 3 缴费基数申报 → 6 滞纳金加收；属地区域 市本级 → 南县；理由：登记有误"
    issued = next(t for t in view["timeline"] if t["action"] == "issue_notice")
    assert "receipt" not in issued["summary"]
    text = ok(cli("show", case, env={"COLUMNS": "300"}))
    assert "receipt" not in text and "首问责任人：税务局受理员（样例）（税务局）" in text


def test_show_lists_the_materials_of_every_action(cli, register, tmp_path):
    case = register()
    scan = tmp_path / "签收单.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    ok(cli("note", case, "--body", "收到缴费人补充材料", "--attach", str(scan), as_="bgs-office"))
    view = shown(cli, case)
    [note] = [t for t in view["timeline"] if t["action"] == "note"]
    assert [a["name"].split("-", 2)[-1] for a in note["attachments"]] == ["签收单.pdf"]
    text = ok(cli("show", case, env={"COLUMNS": "300"}))
    assert "材料" in text and "签收单.pdf" in text


def test_amending_an_opinion_not_yet_submitted_says_to_submit_it(cli, register):
    case = register()
    ok(cli("route", case, "--office", as_="sw-registrar"))
    ok(cli("triage-general", case, "--reason", "需多部门办理", as_="bgs-office"))
    ok(cli("request-opinions", case, "--units", "SW,RS", "--question", "口径", as_="bgs-office"))
    result = cli("amend-opinion", case, "--body", "x", "--reason", "y", as_="rs-handler")
    assert result.exit_code == 4 and "尚未提交书面意见" in result.output and "disputectl opinion" in result.output
