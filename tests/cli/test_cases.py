"""Issue 2: the case store through the CLI — init, register, route, show, list, log."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EMPLOYER, INDIVIDUAL, commit_by_hand, field_args, git, head, invoke


def trailers(store: Path, rev: str = "HEAD") -> dict[str, str]:
    text = git(store, "log", "-1", "--format=%(trailers:only,unfold)", rev)
    return dict(line.split(": ", 1) for line in text.strip().splitlines())


def test_register_route_and_read_back(cli, store):
    result = cli("register", *field_args(EMPLOYER), "--no-input", as_="sw-registrar")
    assert result.exit_code == 0, result.output
    assert "SW-20261126-001" in result.output
    assert "分类流转期限：2026-11-27" in result.output
    assert trailers(store) == {"Case": "SW-20261126-001", "Action": "register", "Actor": "sw-registrar",
                               "Unit": "SW", "Action-Id": trailers(store)["Action-Id"]}
    assert git(store, "log", "-1", "--format=%an|%cn").strip() == "税务局受理员（样例）|税务局受理员（样例）"

    before = head(store)
    result = cli("route", "SW-20261126-001", "--to", "RS", "--reason", "属人社部门核定事项", as_="sw-registrar")
    assert result.exit_code == 0, result.output
    assert git(store, "rev-list", "--count", f"{before}..HEAD").strip() == "1"
    t = trailers(store)
    assert (t["Case"], t["Action"], t["Actor"], t["Unit"]) == ("SW-20261126-001", "route_transfer", "sw-registrar", "SW")
    assert "转办 SW-20261126-001" in git(store, "log", "-1", "--format=%s")

    shown = json.loads(cli("show", "SW-20261126-001", "--json").output)
    assert shown["id"] == "SW-20261126-001"
    assert shown["status"] == "transferred"
    assert shown["unit"] == "RS"
    assert shown["category"] == 3
    assert shown["region"] == "SBJ"
    assert shown["payer"]["name"] == "示例科技有限公司"
    assert shown["payer"]["id_number"] == "9111**********341L"
    assert shown["clocks"] == {"route": "2026-11-27", "sign": "2026-11-27"}
    assert [t["action"] for t in shown["timeline"]] == ["register", "route_transfer"]

    listed = json.loads(cli("list", "--json").output)
    assert [(r["id"], r["status"], r["unit"]) for r in listed] == [("SW-20261126-001", "transferred", "RS")]

    log = json.loads(cli("log", "SW-20261126-001", "--json").output)
    assert [(r["action"], r["actor"], r["unit"]) for r in log] == [
        ("route_transfer", "sw-registrar", "SW"), ("register", "sw-registrar", "SW")]
    assert log[0]["commit"] == head(store)


def test_case_file_is_canonical_schema_valid_and_in_a_day_folder(cli, store, register):
    case = register()
    path = store / "cases" / "2026" / "11" / "26" / f"{case}.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("schema_version: 1\nid: SW-20261126-001\n")
    assert git(store, "status", "--porcelain") == ""
    from disputectl.record.store_files import dump_yaml, parse_case

    parsed = parse_case(path.read_bytes(), source="t")
    assert dump_yaml(parsed, case=True).decode() == text
    assert parsed["state"]["status"] == "registered"
    assert parsed["state"]["clocks"][0]["name"] == "route"


def test_init_refuses_a_folder_with_files_and_leaves_it_alone(tmp_path):
    target = tmp_path / "occupied"
    target.mkdir()
    (target / "notes.txt").write_text("keep me")
    result = invoke("init", str(target), "--demo")
    assert result.exit_code != 0
    assert "不是空文件夹" in result.output
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]


def test_init_on_existing_store_changes_nothing(store):
    before = head(store)
    result = invoke("init", str(store), "--demo")
    assert result.exit_code == 0
    assert "已经是案件库" in result.output
    assert head(store) == before


def test_officers_lists_samples(cli):
    rows = json.loads(cli("officers", "--json").output)
    by_id = {r["id"]: r for r in rows}
    assert by_id["sw-registrar"] == {"id": "sw-registrar", "name": "税务局受理员（样例）", "unit": "SW",
                                     "unit_name": "税务局", "roles": ["registrar"], "sample": True,
                                     "key": True, "disabled": False}
    assert by_id["leader"]["roles"] == ["leader"]
    units = {r["unit"] for r in rows}
    assert units == {"SW", "RS", "YB", "ZF", "SF", "XF", "SP", "BGS"}


def test_config_with_mistakes_lists_every_mistake(cli, store):
    """A config that arrives with mistakes (committed around the tool) is refused, every mistake named."""
    config = store / "disputectl.yaml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("unit: RS\n", "unit: NOPE\n", 1).replace("- registrar\n", "- janitor\n", 1)
    commit_by_hand(store, {"disputectl.yaml": text.encode()})
    result = cli("officers")
    assert result.exit_code == 2
    assert "单位“NOPE”不存在" in result.output
    assert "角色“janitor”无效" in result.output


def test_unknown_officer_and_missing_role_are_refused_without_a_commit(cli, store, register):
    before = head(store)
    result = cli("register", *field_args(EMPLOYER), "--no-input", as_="nobody")
    assert result.exit_code == 3
    assert "未知的工作人员“nobody”" in result.output
    result = cli("register", *field_args(EMPLOYER), "--no-input", as_="sw-handler")
    assert result.exit_code == 3
    assert "不是受理人员" in result.output
    result = cli("register", *field_args(EMPLOYER), "--no-input")
    assert result.exit_code == 3
    assert "--as" in result.output
    assert head(store) == before


def test_every_registration_problem_is_listed_at_once(cli, store):
    before = head(store)
    bad = {**EMPLOYER, "payer_id": "91110000600037341X", "phone": "12345", "category": "11", "region": "MARS"}
    result = cli("register", *field_args(bad), "--no-input", as_="sw-registrar")
    assert result.exit_code == 2
    assert "统一社会信用代码“91110000600037341X”无效" in result.output
    assert "联系电话“12345”无效" in result.output
    assert "争议类别“11”无效" in result.output
    assert "属地区域“MARS”无效" in result.output
    assert "Traceback" not in result.output
    assert head(store) == before


def test_individual_id_card_is_checked(cli, store, register):
    result = cli("register", *field_args({**INDIVIDUAL, "payer_id": "110105194912310021"}), "--no-input",
                 as_="rs-registrar")
    assert result.exit_code == 2
    assert "居民身份证号码" in result.output
    case = register(as_="rs-registrar", **INDIVIDUAL)
    assert case == "RS-20261126-001"


def test_register_from_file(cli, store, tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text("\n".join(f"{k}: '{v}'" for k, v in INDIVIDUAL.items()), encoding="utf-8")
    result = cli("register", "--from-file", str(path), "--no-input", as_="yb-registrar")
    assert result.exit_code == 0, result.output
    shown = json.loads(cli("show", "YB-20261126-001", "--json").output)
    assert shown["payer"]["kind"] == "individual"
    assert shown["phone"] == "057******6666"


def test_register_prompts_for_missing_fields_at_a_terminal(cli, store, monkeypatch):
    monkeypatch.setattr("disputectl.cli.cases.interactive", lambda: True)
    partial = {k: v for k, v in EMPLOYER.items() if k not in ("matter", "request")}
    result = cli("register", *field_args(partial), as_="sw-registrar", input="欠费追缴金额有误\n撤销追缴\n")
    assert result.exit_code == 0, result.output
    shown = json.loads(cli("show", "SW-20261126-001", "--json").output)
    assert shown["matter"] == "欠费追缴金额有误"


def test_attachments_are_stored_with_checksums(cli, store, tmp_path):
    material = tmp_path / "申请书.pdf"
    material.write_bytes(b"%PDF-1.4 test")
    result = cli("register", *field_args(EMPLOYER), "--attach", str(material), "--no-input", as_="sw-registrar")
    assert result.exit_code == 0, result.output
    shown = json.loads(cli("show", "SW-20261126-001", "--json").output)
    [att] = shown["attachments"]
    import hashlib

    assert att["sha256"] == hashlib.sha256(b"%PDF-1.4 test").hexdigest()
    assert (store / att["path"]).read_bytes() == b"%PDF-1.4 test"


def test_only_the_first_unit_may_route(cli, store, register):
    case = register()
    before = head(store)
    result = cli("route", case, "--self", as_="rs-registrar")
    assert result.exit_code == 3
    assert "首问单位受理人员" in result.output
    result = cli("route", case, "--to", "RS", as_="sw-registrar")
    assert result.exit_code == 2
    assert "请填写转办理由" in result.output
    result = cli("route", case, "--self", "--office", as_="sw-registrar")
    assert result.exit_code == 2
    result = cli("route", case, "--to", "SW", "--reason", "x", as_="sw-registrar")
    assert result.exit_code == 2
    assert "不能转办给本单位" in result.output
    assert head(store) == before
    assert cli("route", case, "--self", as_="sw-registrar").exit_code == 0
    assert cli("route", case, "--office", as_="sw-registrar").exit_code == 4


def test_list_filters_and_orders_newest_first(cli, store, register):
    first = register(now="2026-11-26T09:00:00+08:00")
    second = register(as_="rs-registrar", now="2026-11-26T09:30:00+08:00", **INDIVIDUAL)
    third = register(category="6", matter="滞纳金加收有异议", now="2026-11-26T09:45:00+08:00")
    cli("route", first, "--office", as_="sw-registrar")
    ids = lambda *a: [r["id"] for r in json.loads(cli("list", "--json", *a).output)]  # noqa: E731
    assert ids() == [third, second, first]
    assert ids("--status", "coordinating") == [first]
    assert ids("--unit", "BGS") == [first]
    assert ids("--category", "8") == [second]
    assert ids("--region", "DQ") == [second]
    assert ids("--text", "滞纳金") == [third]
    assert cli("list", "--status", "bogus").exit_code == 2


def test_show_unknown_case_and_bad_number(cli):
    result = cli("show", "SW-20261126-999")
    assert result.exit_code == 5
    assert "没有找到案件" in result.output
    result = cli("show", "../../etc/passwd")
    assert result.exit_code == 5
    assert "格式不对" in result.output


def test_usage_errors_are_in_chinese(cli):
    result = cli("show", "SW-20261126-001", "--bogus")
    assert result.exit_code == 2
    assert "没有选项 --bogus" in result.output


def test_two_registrations_at_the_same_moment_get_different_numbers(store, tmp_path):
    script = (
        "import sys; from disputectl.cli.main import run; sys.argv = ['disputectl'] + sys.argv[1:]; run()"
    )
    args = [sys.executable, "-c", script, "register", *field_args(EMPLOYER), "--no-input", "--store", str(store),
            "--as", "sw-registrar"]
    procs = [subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    numbers = sorted(line.split("案件编号")[-1].strip() for out, _ in outputs for line in out.splitlines() if "案件编号" in line)
    assert numbers == ["SW-20261126-001", "SW-20261126-002", "SW-20261126-003", "SW-20261126-004"]
    assert git(store, "rev-list", "--count", "HEAD").strip() == "5"
    assert git(store, "status", "--porcelain") == ""


@pytest.mark.parametrize("command", ["register", "route", "show", "list", "log", "officers", "init", "actions"])
def test_every_command_has_chinese_help(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert any("\u4e00" <= ch <= "\u9fff" for ch in result.output)


def test_the_json_schemas_are_valid_schemas():
    from jsonschema import Draft202012Validator

    from disputectl.resources import resource_dir

    for path in sorted(resource_dir("schemas").glob("*.schema.json")):
        Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))


def _index_entries(store: Path) -> list[str]:
    return git(store, "ls-files", "--sparse").splitlines()


def test_cases_stay_out_of_gits_index_and_the_worktree_copies_match_the_record(cli, store, register):
    from disputectl.record.store_files import case_path

    case = register()
    assert cli("route", case, "--self", as_="sw-registrar").exit_code == 0
    # git's index holds cases/ as one sparse-directory entry, however many case files there are
    entries = _index_entries(store)
    assert "cases/" in entries and [e for e in entries if e.startswith("cases")] == ["cases/"]
    assert git(store, "ls-files", "--sparse", "-s", "cases/").split()[1] == git(store, "rev-parse", "HEAD:cases").strip()
    assert git(store, "status", "--porcelain", "--untracked-files=all") == ""
    # the files the actions wrote are in the worktree, as committed
    committed = subprocess.run(["git", "-C", str(store), "show", f"HEAD:{case_path(case)}"], capture_output=True,
                               check=True).stdout
    assert (store / case_path(case)).read_bytes() == committed
    assert any((store / case_path(case)).parent.joinpath(case, "文书").iterdir())


def test_a_store_checked_out_in_full_keeps_its_index_in_step_too(cli, store, register):
    """A store made by an earlier version (every file checked out) works as before."""
    git(store, "sparse-checkout", "disable")
    case = register()
    assert cli("route", case, "--self", as_="sw-registrar").exit_code == 0
    assert any(e.startswith("cases/2026/") for e in _index_entries(store))
    assert git(store, "status", "--porcelain", "--untracked-files=all") == ""


def test_interactive_register_asks_again_for_each_wrong_answer(cli, store, monkeypatch):
    """Two wrong answers: both are listed at once, each is asked again, the right ones are kept."""
    monkeypatch.setattr("disputectl.cli.cases.interactive", lambda: True)
    wrong = {**EMPLOYER, "phone": "1381234567a", "category": "99"}
    before = head(store)
    result = cli("register", *field_args(wrong), as_="sw-registrar", input="13812345678\n缴费基数申报\n")
    assert result.exit_code == 0, result.output
    listed = result.output[:result.output.index("联系电话:")]
    assert "联系电话“1381234567a”无效" in listed and "争议类别“99”无效" in listed
    assert head(store) != before
    shown = json.loads(cli("show", "SW-20261126-001", "--json").output)
    assert shown["category"] == 3 and shown["phone"] == "138****5678"
    assert shown["matter"] == EMPLOYER["matter"]


def test_errors_quote_what_was_typed_wrong_but_mask_a_valid_identifier(cli, store):
    """An invalid value is nobody's personal data and is shown as typed; a valid ID number or
    mobile typed into the wrong place is still masked."""
    result = cli("register", *field_args({**EMPLOYER, "phone": "1381234567a", "payer_id": "91110000600037341X"}),
                 "--no-input", as_="sw-registrar")
    assert result.exit_code == 2
    assert "联系电话“1381234567a”无效" in result.output
    assert "统一社会信用代码“91110000600037341X”无效" in result.output
    # a person's valid ID typed as a company's code: refused, and masked
    result = cli("register", *field_args({**EMPLOYER, "payer_id": INDIVIDUAL["payer_id"]}), "--no-input",
                 as_="sw-registrar")
    assert result.exit_code == 2
    assert INDIVIDUAL["payer_id"] not in result.output and "1101**********002X" in result.output


def test_registration_takes_category_and_region_by_name(cli, store):
    result = cli("register", *field_args({**EMPLOYER, "category": "缴费基数申报", "region": "东区"}), "--no-input",
                 as_="sw-registrar")
    assert result.exit_code == 0, result.output
    shown = json.loads(cli("show", "SW-20261126-001", "--json").output)
    assert (shown["category"], shown["region"]) == (3, "DQ")


def test_registration_materials_have_the_same_type_limits_as_an_actions(cli, store, tmp_path):
    program = tmp_path / "材料.exe"
    program.write_bytes(b"MZ")
    before = head(store)
    result = cli("register", *field_args(EMPLOYER), "--attach", str(program), "--no-input", as_="sw-registrar")
    assert result.exit_code == 2
    assert "附件“材料.exe”的类型不能作为材料保存" in result.output and "pdf" in result.output
    assert head(store) == before


def test_a_real_id_number_under_a_district_code_newer_than_the_birth_year_is_accepted(cli, store):
    """北京通州 110112 has existed since 1997: a person born there in 1980 holds a number under it
    (the check digit and the birth date are what make a number valid)."""
    person = {**INDIVIDUAL, "payer_id": "110112198001011231"}
    result = cli("register", *field_args(person), "--no-input", "--no-receipt", as_="rs-registrar")
    assert result.exit_code == 0, result.output
    wrong_digit = {**INDIVIDUAL, "payer_id": "110112198001011232"}
    result = cli("register", *field_args(wrong_digit), "--no-input", "--no-receipt", as_="rs-registrar")
    assert result.exit_code == 2 and "居民身份证号码“110112198001011232”无效" in result.output


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts open descriptors through /proc")
def test_a_command_leaves_no_git_process_or_pipe_behind(cli, store, register):
    """Each writing command started a ``git cat-file --batch`` it never ended: a process running
    many commands (a test worker, a service) kept a pipe pair per command until select() failed."""
    import os

    case = register()
    opened = len(os.listdir("/proc/self/fd"))
    for n in range(5):
        assert cli("note", case, "--body", f"备注{n}", as_="bgs-office").exit_code == 0
    assert cli("note", "SW-20990101-001", "--body", "x", as_="bgs-office").exit_code == 5
    assert len(os.listdir("/proc/self/fd")) == opened


def test_a_missing_file_or_a_folder_as_material_is_named_as_such(cli, store, register, tmp_path):
    case = register()
    before = head(store)
    result = cli("note", case, "--body", "x", "--attach", str(tmp_path / "无此文件.pdf"), as_="bgs-office")
    assert result.exit_code == 2 and "找不到附件“无此文件.pdf”" in result.output
    (tmp_path / "扫描件").mkdir()
    result = cli("note", case, "--body", "x", "--attach", str(tmp_path / "扫描件"), as_="bgs-office")
    assert result.exit_code == 2 and "“扫描件”是文件夹" in result.output
    assert head(store) == before


def test_a_conclusion_reads_in_the_order_it_is_asked_for(cli, store, register):
    case = register()
    assert cli("route", case, "--self", as_="sw-registrar").exit_code == 0
    assert cli("conclude", case, "--facts", "事实甲", "--basis", "依据乙", "--decision", "意见丙",
               as_="sw-handler").exit_code == 0
    view = json.loads(cli("show", case, "--json").output)
    concluded = next(t for t in view["timeline"] if t["action"] == "conclude")
    assert concluded["summary"] == "事实甲；依据乙；意见丙"
