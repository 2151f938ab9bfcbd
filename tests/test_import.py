"""``disputectl import``: a 台账 checked row by row, imported once, each case in the stage its row says."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import EMPLOYER, INDIVIDUAL, git, head, invoke
from openpyxl import Workbook, load_workbook

HEADER = ["原编号", "缴费人类型", "缴费人名称或姓名", "统一社会信用代码或居民身份证号码", "联系人", "地址", "联系电话",
          "来访时间", "来访方式", "反映主要事项", "诉求", "争议类别", "属地区域", "当前环节", "承办单位", "承办起始日期",
          "办结日期", "查明事实", "处理依据", "处理意见", "送达方式", "送达日期"]


def row(n: int, **changes: Any) -> dict[str, Any]:
    """A good row (an employer's case registered, visit 2026-08-01) with ``changes``."""
    base = {"原编号": f"TZ-{n:03d}", "缴费人类型": "用人单位", "缴费人名称或姓名": f"示例{n}号有限公司",
            "统一社会信用代码或居民身份证号码": EMPLOYER["payer_id"], "联系人": "张三", "地址": "示例市人民路1号",
            "联系电话": EMPLOYER["phone"], "来访时间": "2026-08-01 09:30", "来访方式": "来访",
            "反映主要事项": f"对缴费基数核定有异议（第{n}项）", "诉求": "请求重新核定", "争议类别": "3", "属地区域": "SBJ"}
    return {**base, **changes}


def write_csv(path: Path, rows: list[dict[str, Any]], encoding: str = "utf-8-sig", header: list[str] = HEADER) -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for r in rows:
            writer.writerow([r.get(h, "") for h in header])
    return path


def write_xlsx(path: Path, rows: list[dict[str, Any]], header: list[str] = HEADER) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for r in rows:
        sheet.append([r.get(h) for h in header])
    book.save(path)
    return path


def run_import(store: Path, *args: str, as_: str = "sw-registrar") -> Any:
    return invoke("import", *args, "--store", str(store), "--as", as_)


def cases(store: Path) -> list[dict[str, Any]]:
    result = invoke("list", "--store", str(store), "--limit", "0", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def shown(store: Path, case_id: str) -> dict[str, Any]:
    result = invoke("show", case_id, "--store", str(store), "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


STAGES = {
    "registered": {},
    "handling": {"当前环节": "单位办理中", "承办单位": "人社局", "承办起始日期": "2026/8/3"},
    "transferred": {"当前环节": "已转办待签收", "承办单位": "RS", "承办起始日期": "2026年8月3日"},
    "coordinating": {"当前环节": "领导组办公室梳理中", "承办起始日期": "2026-08-04"},
    "concluded": {"当前环节": "已办结待回复", "承办单位": "税务局", "办结日期": "2026-09-01", "查明事实": "基数核定有误",
                  "处理依据": "社会保险法第六十条", "处理意见": "重新核定缴费基数"},
    "replied": {"当前环节": "已书面回复", "承办单位": "SW", "办结日期": "2026-09-01", "处理意见": "维持原核定",
                "送达方式": "邮寄", "送达日期": "2026-09-05"},
}


def test_dry_run_lists_rows_and_problems_and_changes_nothing(store: Path, tmp_path: Path) -> None:
    before = head(store)
    path = write_csv(tmp_path / "台账.csv", [row(1, **STAGES["handling"]), row(2, 联系电话="1381234x"),
                                              row(3, 当前环节="单位办理中", 承办单位="XX", 承办起始日期="2026-08-03")])
    result = run_import(store, str(path))
    assert result.exit_code == 1
    assert "第 2 行：将导入：示例1号有限公司，单位办理中（人社局，2026-08-03）" in result.stdout
    assert "第 3 行“联系电话”：联系电话" in result.stdout
    assert "第 4 行“承办单位”：承办单位“XX”不存在" in result.stdout
    assert "共 3 行：可导入 1 行，此前已导入 0 行，有问题 2 行。" in result.stdout
    assert "未做任何改动" in result.stdout
    assert head(store) == before


def test_a_clean_dry_run_exits_0(store: Path, tmp_path: Path) -> None:
    result = run_import(store, str(write_csv(tmp_path / "t.csv", [row(1)])))
    assert result.exit_code == 0, result.output
    assert "可导入 1 行" in result.stdout


def test_apply_imports_each_stage_with_its_clocks_once(store: Path, tmp_path: Path) -> None:
    rows = [row(i + 1, **changes) for i, changes in enumerate(STAGES.values())]
    path = write_xlsx(tmp_path / "台账.xlsx", rows)
    before = head(store)
    result = run_import(store, str(path), "--apply")
    assert result.exit_code == 0, result.output
    assert "导入 6 件" in result.stdout
    assert len(git(store, "rev-list", f"{before}..HEAD").split()) == 6  # one commit per case
    by_payer = {c["payer"]["name"]: c for c in cases(store)}
    assert {name: c["status"] for name, c in by_payer.items()} == {
        f"示例{i + 1}号有限公司": stage for i, stage in enumerate(STAGES)}
    handling = shown(store, by_payer["示例2号有限公司"]["id"])
    assert handling["unit"] == "RS" and handling["first_officer"] == "sw-registrar"
    assert [(c["name"], c["start"], c["stopped"]) for c in handling["clock_details"]] == [
        ("route", "2026-08-01", "2026-08-03"), ("handle", "2026-08-03", None)]
    timeline = handling["timeline"]
    assert [t["action_label"] for t in timeline] == ["导入（补录）"] and timeline[0]["occurred"] == "2026-08-01"
    replied = shown(store, by_payer["示例6号有限公司"]["id"])
    assert replied["reply"]["date"] == "2026-09-05" and replied["decision"]["decision"] == "维持原核定"
    assert [c["name"] for c in replied["clock_details"]] == ["reply", "archive", "followup"]
    text = invoke("show", handling["id"], "--store", str(store), env={"COLUMNS": "400"}).stdout
    assert "导入（补录）" in text and "来源 台账.xlsx 第 3 行（原编号 TZ-002）" in text
    log = invoke("log", handling["id"], "--store", str(store), env={"COLUMNS": "400"}).stdout
    assert "导入（补录，来访于 2026-08-01）" in log and "台账.xlsx 第 3 行" in log

    again = head(store)
    second = run_import(store, str(path), "--apply")
    assert second.exit_code == 0, second.output
    assert head(store) == again
    assert f"第 3 行：已导入为案件 {handling['id']}，跳过" in second.stdout
    assert "导入 0 件，此前已导入 6 行" in second.stdout
    assert invoke("verify", "--store", str(store)).exit_code == 0


def test_imported_cases_go_on_through_the_workflow(store: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", [row(1, **STAGES["handling"]), row(2, **STAGES["concluded"])])
    assert run_import(store, str(path), "--apply").exit_code == 0
    ids = {c["payer"]["name"]: c["id"] for c in cases(store)}
    done = invoke("conclude", ids["示例1号有限公司"], "--facts", "查明", "--basis", "依据", "--decision", "维持",
                  "--store", str(store), "--as", "rs-handler")
    assert done.exit_code == 0, done.output
    replied = invoke("reply", ids["示例2号有限公司"], "--method", "邮寄", "--date", "2026-11-20",
                     "--store", str(store), "--as", "sw-handler")
    assert replied.exit_code == 0, replied.output
    assert shown(store, ids["示例2号有限公司"])["status"] == "replied"
    assert invoke("verify", "--store", str(store)).exit_code == 0


def test_import_keys_survive_a_change_of_phone_and_format(store: Path, tmp_path: Path) -> None:
    """The same case typed again with another phone, a date cell and full-width text is the same row."""
    assert run_import(store, str(write_csv(tmp_path / "a.csv", [row(1)])), "--apply").exit_code == 0
    same = row(1, 联系电话="13900001111", 来访时间=datetime(2026, 8, 1, 9, 30),
               反映主要事项="对缴费基数核定有异议（第１项）", 缴费人名称或姓名=" 示例1号有限公司 ")
    result = run_import(store, str(write_xlsx(tmp_path / "b.xlsx", [same])), "--apply")
    assert result.exit_code == 0, result.output
    assert "第 2 行：已导入为案件 SW-20261126-001，跳过" in result.stdout
    assert len(cases(store)) == 1


def test_csv_in_gbk_and_forgiving_headers(store: Path, tmp_path: Path) -> None:
    header = ["缴费人类型", "缴费人名称 ", "证件号码", "联系人", "地址", "电话", "来访日期", "反映事项", "诉求",
              "争议类别（1-10）", "属地区域", "备注"]
    values = ["个人", INDIVIDUAL["payer_name"], INDIVIDUAL["payer_id"], "", INDIVIDUAL["address"], INDIVIDUAL["phone"],
              "2026年8月1日 14:05", INDIVIDUAL["matter"], INDIVIDUAL["request"], "待遇核定和支付", "东区", "无"]
    path = tmp_path / "gbk.csv"
    path.write_bytes((",".join(header) + "\r\n" + ",".join(values) + "\r\n").encode("gbk"))
    result = run_import(store, str(path), "--apply")
    assert result.exit_code == 0, result.output
    assert "以下各列不认识，未导入：备注" in result.stderr
    [case] = cases(store)
    view = shown(store, case["id"])
    assert (view["visit_time"], view["category"], view["region"]) == ("2026-08-01T14:05:00+08:00", 8, "DQ")


def test_dates_too_old_or_in_the_wrong_order_are_problems(store: Path, tmp_path: Path) -> None:
    rows = [row(1, 来访时间="2023-11-25"), row(2, 来访时间="2023-11-26"),
            row(3, **{**STAGES["replied"], "送达日期": "2026-08-20"}),
            row(4, **{**STAGES["handling"], "承办起始日期": "2026-07-30"}),
            row(5, 来访时间="2026-12-01")]
    result = run_import(store, str(write_csv(tmp_path / "t.csv", rows)))
    assert result.exit_code == 1
    out = result.stdout
    assert "第 2 行“来访时间”：来访日期 2023-11-25 早于 2023-11-26：只能导入三年以内受理的案件" in out
    assert "第 3 行“" not in out  # three years back to the day is allowed
    assert "第 4 行“送达日期”：送达日期 2026-08-20 早于办结日期（2026-09-01）" in out
    assert "第 5 行“承办起始日期”：承办起始日期 2026-07-30 早于来访日期（2026-08-01）" in out
    assert "第 6 行“来访时间”：来访时间不能晚于现在" in out


def test_personal_data_is_sealed_as_in_a_registration(tmp_path: Path) -> None:
    store = tmp_path / "sealed"
    assert invoke("init", str(store), "--demo").exit_code == 0
    text = "缴费人补充：联系手机 13912345678"
    path = write_csv(tmp_path / "t.csv", [row(1, **{**STAGES["concluded"], "查明事实": text})])
    result = run_import(store, str(path), "--apply")
    assert result.exit_code == 0, result.output
    raw = git(store, "show", "HEAD:" + git(store, "diff-tree", "--no-commit-id", "--name-only", "-r", "HEAD").split()[0])
    assert EMPLOYER["phone"] not in raw and "13912345678" not in raw and "139****5678" in raw
    assert invoke("verify", "--store", str(store)).exit_code == 0


def test_problem_messages_never_show_a_valid_identifier(store: Path, tmp_path: Path) -> None:
    result = run_import(store, str(write_csv(tmp_path / "t.csv", [row(1, 争议类别="99")])))
    assert result.exit_code == 1
    assert "第 2 行“争议类别”：争议类别“99”无效" in result.stdout
    assert EMPLOYER["payer_id"] not in result.output and EMPLOYER["phone"] not in result.output


def put(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(("make", "message"), [
    (lambda d: d / "没有.xlsx", "找不到文件"),
    (lambda d: put(d / "空.csv", b""), "是空文件"),
    (lambda d: put(d / "坏.xlsx", b"not a zip"), "不是有效的 .xlsx 文件"),
    (lambda d: put(d / "旧.xls", b"x"), "另存为 .xlsx"),
    (lambda d: put(d / "t.txt", b"x"), "不是 .xlsx 或 .csv 文件"),
    (lambda d: write_csv(d / "无表头.csv", [], header=["甲", "乙", "丙"]), "找不到表头行"),
    (lambda d: write_csv(d / "只有表头.csv", []), "表头下没有数据行"),
    (lambda d: write_csv(d / "缺列.csv", [row(1)], header=HEADER[:6]), "缺少必需的列：联系电话、来访时间"),
])
def test_bad_files_are_one_clear_message(store: Path, tmp_path: Path, make: Any, message: str) -> None:
    before = head(store)
    result = run_import(store, str(make(tmp_path)), "--apply")
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output
    assert head(store) == before


def test_only_a_registrar_imports(store: Path, tmp_path: Path) -> None:
    result = run_import(store, str(write_csv(tmp_path / "t.csv", [row(1)])), "--apply", as_="rs-handler")
    assert result.exit_code != 0 and "不是受理人员，不能导入台账" in result.output
    assert cases(store) == []


def test_template_has_the_columns_an_example_and_a_guide(store: Path, tmp_path: Path) -> None:
    target = tmp_path / "模板.xlsx"
    result = invoke("import", "--template", str(target), "--store", str(store))
    assert result.exit_code == 0, result.output
    book = load_workbook(target)
    assert book.sheetnames == ["台账", "说明"]
    rows = [r for r in book["台账"].iter_rows(values_only=True) if any(r)]
    assert list(rows[0]) == HEADER and len(rows) == 2
    assert book["台账"]["D3"].number_format == "@"  # the identifier column kept as text
    assert [r[0] for r in book["说明"].iter_rows(values_only=True)][1:4] == ["原编号", "缴费人类型", "缴费人名称或姓名"]
    # the example row left in is never a case (a clerk who forgets to delete it creates nothing)
    applied = run_import(store, str(target), "--apply")
    assert applied.exit_code == 1 and "第 2 行是模板的示例行" in applied.output and cases(store) == []
    book["台账"]["A2"] = "台账-001"  # the example made a real row: it imports as it stands
    book.save(target)
    dry = run_import(store, str(target))
    assert dry.exit_code == 0, dry.output
    assert "第 2 行：将导入：示例科技有限公司，单位办理中（税务局" in dry.stdout
    assert invoke("import", "--template", str(target), "--store", str(store)).exit_code != 0  # not overwritten


# -- a 台账 of 200 rows with mixed errors -------------------------------------------------------------

def big_ledger() -> tuple[list[dict[str, Any]], dict[str, int], dict[int, str]]:
    """210 rows: good ones in every stage and date style, and every tenth-or-so with a mistake.
    Returns the rows, the statuses the good ones must have, and a problem expected per bad row."""
    styles = ["2026-08-{d:02d} 09:30", "2026/8/{d}", "2026年8月{d}日", "2026.8.{d} 14:00"]
    rows: list[dict[str, Any]] = []
    statuses: Counter[str] = Counter()
    bad: dict[int, str] = {}
    stage_names = list(STAGES)
    for i in range(210):
        number = i + 2  # the spreadsheet's row
        day = 1 + i % 28
        r = row(i + 1, 来访时间=styles[i % 4].format(d=day))
        stage = stage_names[i % len(stage_names)]
        extra = dict(STAGES[stage])
        for name in ("承办起始日期", "办结日期", "送达日期"):  # after this row's own visit
            if name in extra:
                extra[name] = {"承办起始日期": "2026-09-01", "办结日期": "2026-09-15", "送达日期": "2026-09-20"}[name]
        r.update(extra)
        if i % 2:
            r.update({"缴费人类型": "个人", "统一社会信用代码或居民身份证号码": INDIVIDUAL["payer_id"], "联系人": "",
                      "联系电话": INDIVIDUAL["phone"]})
        if i % 10 == 3:
            r["联系电话"], bad[number] = "1381234", f"第 {number} 行“联系电话”：联系电话"
        elif i % 10 == 7:
            r["承办单位"], r["当前环节"] = "XX", "单位办理中"
            r.setdefault("承办起始日期", "2026-09-01")
            r.pop("办结日期", None), r.pop("送达日期", None), r.pop("送达方式", None)
            for name in ("查明事实", "处理依据", "处理意见"):
                r.pop(name, None)
            bad[number] = f"第 {number} 行“承办单位”：承办单位“XX”不存在"
        elif i % 25 == 11:
            r["来访时间"], bad[number] = "2026-13-05", f"第 {number} 行“来访时间”：来访时间“2026-13-05”格式不对"
        elif i % 30 == 19:
            r["当前环节"], bad[number] = "已归档", f"第 {number} 行“当前环节”：当前环节“已归档”无效"
        elif i % 40 == 25:
            r["争议类别"], bad[number] = "", f"第 {number} 行“争议类别”：请填写争议类别"
        else:
            statuses[stage] += 1
        rows.append(r)
    rows.append(dict(rows[0]))  # the first row again, further down
    bad[len(rows) + 1] = f"第 {len(rows) + 1} 行：与第 2 行是同一案件"
    return rows, dict(statuses), bad


def check_big_import(store: Path, path: Path) -> None:
    rows, statuses, bad = big_ledger()
    before = head(store)
    dry = run_import(store, str(path))
    assert dry.exit_code == 1
    assert head(store) == before
    for message in bad.values():
        assert message in dry.stdout, message
    good = sum(statuses.values())
    assert f"共 {len(rows)} 行：可导入 {good} 行，此前已导入 0 行，有问题 {len(bad)} 行。" in dry.stdout

    applied = run_import(store, str(path), "--apply")
    assert applied.exit_code == 1  # problems remain: said so, the good rows imported all the same
    assert f"导入 {good} 件，此前已导入 0 行，有问题未导入 {len(bad)} 行。" in applied.stdout
    assert len(git(store, "rev-list", f"{before}..HEAD").split()) == good
    assert Counter(c["status"] for c in cases(store)) == Counter(statuses)

    again = head(store)
    second = run_import(store, str(path), "--apply")
    assert head(store) == again
    assert f"导入 0 件，此前已导入 {good + 1} 行" in second.stdout  # the repeated row too, as the same case
    verified = invoke("verify", "--store", str(store))
    assert verified.exit_code == 0, verified.output


def test_a_ledger_of_200_rows_with_mixed_errors(store: Path, tmp_path: Path) -> None:
    rows, _, _ = big_ledger()
    check_big_import(store, write_xlsx(tmp_path / "台账.xlsx", rows))


def test_a_ledger_saved_by_libreoffice(store: Path, tmp_path: Path) -> None:
    """The 200 rows as a CSV turned into .xlsx by LibreOffice Calc: its own date cells and numbers."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    rows, _, _ = big_ledger()
    source = write_csv(tmp_path / "台账.csv", rows, encoding="utf-8")
    out = tmp_path / "lo"
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                    "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx", "--outdir", str(out), str(source)],
                   capture_output=True, timeout=180, check=False)
    converted = out / "台账.xlsx"
    if not converted.exists():
        pytest.skip("LibreOffice Calc is not installed (libreoffice-calc-nogui)")
    cells = list(load_workbook(converted).worksheets[0].iter_rows(min_row=2, max_row=2, values_only=True))[0]
    assert isinstance(cells[HEADER.index("来访时间")], datetime)  # Calc made a date cell of it
    check_big_import(store, converted)


def test_earliest_import_date_is_three_years_back() -> None:
    from disputectl.services import earliest_import

    assert earliest_import(date(2026, 11, 26)) == date(2023, 11, 26)
    assert earliest_import(date(2028, 2, 29)) == date(2025, 2, 28)


def test_verify_refuses_a_forged_import(store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Signed and schema-valid, but the stage cannot be: a unit that does not exist, a date after
    the import, dates in the wrong order — written with the stage check switched off."""
    rows = [row(1, 当前环节="单位办理中", 承办单位="XX", 承办起始日期="2026-08-03"),
            row(2, 当前环节="单位办理中", 承办单位="RS", 承办起始日期="2026-12-01"),
            row(3, **{**STAGES["replied"], "办结日期": "2026-07-15"})]
    with monkeypatch.context() as m:
        from disputectl import importing
        from disputectl.rules import imported

        m.setattr(importing, "stage_problems", lambda *a, **k: [])
        m.setattr(imported, "stage_problems", lambda *a, **k: [])
        forged = run_import(store, str(write_csv(tmp_path / "t.csv", rows)), "--apply")
        assert forged.exit_code == 0, forged.output
    result = invoke("verify", "--store", str(store))
    assert result.exit_code != 0
    assert "SW-20261126-001 导入的办理情况不成立：承办单位“XX”不存在" in result.output
    assert "SW-20261126-002 导入的办理情况不成立：承办起始日期 2026-12-01 晚于导入之日（2026-11-26）" in result.output
    assert "SW-20261126-003 导入的办理情况不成立：办结日期 2026-07-15 早于来访日期（2026-08-01）" in result.output

