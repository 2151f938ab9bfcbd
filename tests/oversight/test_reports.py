"""``due``, ``stats``, ``export`` and ``report`` on a store of cases generated at known dates.

The store is built once (through the service functions, one commit per action) and only read
by the tests. "Today" is 2026-11-26 (Thursday); November 2026 has no holidays.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from conftest import EMPLOYER, INDIVIDUAL, invoke
from openpyxl import load_workbook  # type: ignore[import-untyped]

from disputectl.oversight.common import load_records
from disputectl.oversight.due import due_list
from disputectl.oversight.html_report import render_html, report_data
from disputectl.oversight.stats import period_stats
from disputectl.record.session import Session, open_session
from disputectl.services import init_store, perform, register

TZ = ZoneInfo("Asia/Shanghai")
TODAY = "2026-11-26"
DECISION = {"facts": "经核查", "basis": "《社会保险费征缴暂行条例》", "decision": "维持原核定"}
HEADERS = [
    "案件编号", "受理日期", "来访方式", "缴费人类型", "缴费人", "证件号码", "联系电话", "争议类别", "属地", "首问单位",
    "首问责任人", "反映事项", "诉求", "流转方式", "当前状态", "当前承办单位", "梳理类型", "办结日期", "处理意见",
    "回复日期", "送达方式", "是否超期", "超期工作日", "异议", "归档日期", "档号", "回访",
]


class Builder:
    def __init__(self, session: Session) -> None:
        self.s = session
        self.ids: dict[str, str] = {}

    def at(self, day: str, who: str) -> Session:
        self.s.now = datetime.fromisoformat(f"{day}T10:00:00").replace(tzinfo=TZ)
        self.s.officer_id = who
        return self.s

    def new(self, name: str, day: str, who: str = "sw-registrar", **fields: str) -> str:
        base = INDIVIDUAL if fields.pop("individual", "") else EMPLOYER
        case = register(self.at(day, who), {**base, "payer_name": f"{base['payer_name']}{name}", **fields},
                        receipt=False).case
        self.ids[name] = case["id"]
        return case["id"]

    def do(self, name: str, day: str, who: str, action: str, **data: Any) -> None:
        perform(self.at(day, who), self.ids[name], action, data)


def build(b: Builder) -> None:
    b.new("A", "2026-11-20", category="3", region="SBJ")  # route overdue 3
    b.new("B", "2026-11-05", category="4", region="DQ")  # handle due 11-26
    b.do("B", "2026-11-05", "sw-registrar", "route_self")
    b.new("C", "2026-11-20", category="3", region="XQ", matter="=HYPERLINK(\"x\")")  # handle ok
    b.do("C", "2026-11-20", "sw-registrar", "route_self")
    b.new("D", "2026-11-24", category="8", region="SBJ")  # sign overdue 1, RS has no one yet
    b.do("D", "2026-11-24", "sw-registrar", "route_transfer", to_unit="RS", reason="属人社部门职责")
    b.new("E", "2026-10-09", category="6", region="SBJ")  # handle late 8, replied, archived
    b.do("E", "2026-10-09", "sw-registrar", "route_self")
    b.do("E", "2026-11-10", "sw-handler", "conclude", **DECISION)
    b.do("E", "2026-11-12", "sw-handler", "reply", method="直接送达", date="2026-11-12")
    b.do("E", "2026-11-13", "sw-archivist", "archive")
    b.new("F", "2026-11-02", category="3", region="SBJ")  # closed on time, 6 working days
    b.do("F", "2026-11-02", "sw-registrar", "route_self")
    b.do("F", "2026-11-09", "sw-handler", "conclude", **DECISION)
    b.do("F", "2026-11-10", "sw-handler", "reply", method="邮寄", date="2026-11-10")
    b.new("G", "2026-11-03", category="4", region="DQ")  # on time, 2 working days, objection
    b.do("G", "2026-11-03", "sw-registrar", "route_self")
    b.do("G", "2026-11-04", "sw-handler", "conclude", **DECISION)
    b.do("G", "2026-11-05", "sw-handler", "reply", method="直接送达", date="2026-11-05")
    b.do("G", "2026-11-10", "sw-handler", "object", channel="行政复议", body="国家税务总局示例省税务局",
         date="2026-11-10")
    b.new("H", "2026-11-16", category="7", region="NX")
    b.do("H", "2026-11-17", "sw-registrar", "withdraw", reason="已自行更正", date="2026-11-17")
    b.new("I", "2026-11-02", category="10", region="SBJ")  # YB opinion overdue 11
    b.do("I", "2026-11-02", "sw-registrar", "route_office")
    b.do("I", "2026-11-03", "bgs-office", "triage_general", reason="涉及税务、人社、医保")
    b.do("I", "2026-11-04", "bgs-office", "request_opinions", units=["RS", "YB"], question="请提出意见")
    b.do("I", "2026-11-06", "rs-handler", "submit_opinion", body="同意税务局意见")
    b.new("J", "2026-11-23", "rs-registrar", individual="1")  # RS handles, ok
    b.do("J", "2026-11-23", "rs-registrar", "route_self")
    b.new("K", "2026-11-02", category="9", region="XQ")  # extended: due 11-30, due soon
    b.do("K", "2026-11-02", "sw-registrar", "route_self")
    b.do("K", "2026-11-16", "sw-handler", "extend", reason="需调取资料", days=5)
    b.new("L", "2026-11-18", category="1", region="NX")
    b.do("L", "2026-11-18", "sw-registrar", "hand_over", authority="示例市劳动人事争议仲裁委员会", reason="不属本机制")
    b.new("M", "2026-11-09", category="4", region="SBJ")  # reply overdue 4
    b.do("M", "2026-11-09", "sw-registrar", "route_self")
    b.do("M", "2026-11-13", "sw-handler", "conclude", **DECISION)
    b.new("N", "2026-11-26", category="2", region="SBJ")  # route due 11-27
    b.new("O", "2026-10-12", category="3", region="SBJ")  # all before the period
    b.do("O", "2026-10-12", "sw-registrar", "route_self")
    b.do("O", "2026-10-14", "sw-handler", "conclude", **DECISION)
    b.do("O", "2026-10-15", "sw-handler", "reply", method="邮寄", date="2026-10-15")
    b.new("Q", "2026-11-02", "yb-registrar", category="5", region="DQ")  # reply late 3, 9 working days
    b.do("Q", "2026-11-02", "yb-registrar", "route_self")
    b.do("Q", "2026-11-03", "yb-handler", "conclude", **DECISION)
    b.do("Q", "2026-11-13", "yb-handler", "reply", method="电子送达", date="2026-11-13")
    b.new("R", "2026-11-16", "rs-registrar", category="8", region="XQ")  # route overdue 7
    b.new("S", "2026-11-02", category="10", region="SBJ")  # at the platform, 30 calendar days
    b.do("S", "2026-11-02", "sw-registrar", "route_office")
    b.do("S", "2026-11-03", "bgs-office", "triage_major", reason="涉及面广")
    b.do("S", "2026-11-04", "leader", "approve", sent_date="2026-11-04", platform_ref="YZS-2026-0099")


def _as_made_before_the_later_clocks(root: Path) -> None:
    """A store made before 及时归档, 回访 and the 一般事项 clock came (its config without them):
    its figures stay what they were (tests/test_clocks_everywhere.py has the later clocks)."""
    from disputectl.governance import change_config
    from disputectl.rules.config import LATER_CLOCKS

    session = open_session(root, now=datetime(2026, 10, 1, 9, tzinfo=TZ), officer_id="bgs-admin", fixed_clock=True)
    change_config(session, "config-set", "旧案件库的时限", lambda doc: [doc["clocks"].pop(k) for k in LATER_CLOCKS])


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory, officer_keys: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    """The store and the generated cases' numbers by letter."""
    base = tmp_path_factory.mktemp("generated")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOME", str(base))
        mp.setenv("XDG_CONFIG_HOME", str(officer_keys))
        mp.setenv("GIT_CONFIG_NOSYSTEM", "1")
        root, _ = init_store(base / "store", now=datetime(2026, 10, 1, 9, tzinfo=TZ), demo=True)
        _as_made_before_the_later_clocks(root)
        builder = Builder(open_session(root, now=datetime(2026, 10, 1, 9, tzinfo=TZ)))
        build(builder)
        yield root, builder.ids


@pytest.fixture(scope="module")
def loaded(generated: tuple[Path, dict[str, str]]) -> tuple[Session, list[Any]]:
    """A session and the replayed cases, read once, for calling the report functions directly."""
    session = open_session(generated[0], now=datetime(2026, 11, 26, 10, tzinfo=TZ))
    return session, load_records(session)


def run(store: Path, *args: str) -> Any:
    return invoke(*args, "--store", str(store))


def run_json(store: Path, *args: str) -> Any:
    result = run(store, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_due_lists_overdue_then_due_soon_with_unit_and_officer(generated: tuple[Path, dict[str, str]],
                                                               loaded: tuple[Session, list[Any]]) -> None:
    store, ids = generated
    names = {v: k for k, v in ids.items()}
    result = run_json(store, "due", "--today", TODAY)
    rows = [(names[r["case"]], r["clock"], r["state"], r["late"], r["remaining"], r["unit"], r["officer"])
            for r in result["rows"]]
    assert rows == [
        ("I", "opinion:YB", "overdue", 11, 0, "YB", None),
        ("R", "route", "overdue", 7, 0, "RS", "rs-registrar"),
        ("M", "reply", "overdue", 4, 0, "SW", "sw-handler"),
        ("A", "route", "overdue", 3, 0, "SW", "sw-registrar"),
        ("D", "sign", "overdue", 1, 0, "RS", None),
        ("B", "handle", "due_soon", 0, 0, "SW", "sw-registrar"),
        ("N", "route", "due_soon", 0, 1, "SW", "sw-registrar"),
        ("K", "handle", "due_soon", 0, 2, "SW", "sw-handler"),
    ]
    assert result["counts"] == {"overdue": 5, "due_soon": 3, "ok": 0}
    k = result["rows"][-1]
    assert (k["due"], k["extended_by"], k["clock_label"]) == ("2026-11-30", 5, "办理")

    every = run_json(store, "due", "--all", "--today", TODAY)
    assert [(names[r["case"]], r["clock"], r["due"]) for r in every["rows"] if r["state"] == "ok"] == [
        ("S", "platform", "2026-12-04"), ("C", "handle", "2026-12-11"), ("J", "handle", "2026-12-14")]
    assert every["rows"][-3]["officer"] == "bgs-office"  # the platform is followed up by the office

    s, records = loaded
    by_unit = due_list(s, date(2026, 11, 26), unit="sw", records=records)
    assert [names[r["case"]] for r in by_unit["rows"]] == ["M", "A", "B", "N", "K"]
    by_officer = due_list(s, date(2026, 11, 26), officer="sw-handler", records=records)
    assert [names[r["case"]] for r in by_officer["rows"]] == ["M", "K"]

    text = run(store, "due", "--unit", "SW", "--officer", "sw-handler", "--today", TODAY)
    assert text.exit_code == 0
    assert "督办清单（截至 2026-11-26）：超期 1 项，临期 1 项" in text.stdout
    assert ids["M"] in text.stdout and ids["K"] in text.stdout and ids["A"] not in text.stdout


def test_stats_for_november(generated: tuple[Path, dict[str, str]], loaded: tuple[Session, list[Any]]) -> None:
    store, _ = generated
    result = run_json(store, "stats", "--from", "2026-11-01", "--to", "2026-11-30", "--today", TODAY)
    assert result["totals"] == {
        "received": 16, "closed": 6, "closed_on_time": 4, "closed_late": 2, "open": 11, "overdue_now": 5,
        "objections": 1, "replied": 4, "avg_reply_workdays": 10.5, "median_reply_workdays": 7.5,
        "on_time_rate": 0.6667, "followed_up": 0, "satisfied": 0, "followup_rate": 0.0, "satisfaction_rate": None,
        # E, F, G and Q concluded and replied to by the unit that took them in (H withdrawn, L handed over: not counted)
        "local": 4, "local_rate": 1.0,
    }
    region = {r["code"]: r for r in result["groups"]["region"]}
    assert set(region) == {"SBJ", "DQ", "XQ", "NX"}
    assert {k: region["DQ"][k] for k in ("received", "closed", "closed_on_time", "objections", "open")} == {
        "received": 4, "closed": 2, "closed_on_time": 1, "objections": 1, "open": 2}
    unit = {r["code"]: r for r in result["groups"]["unit"]}
    assert {k: unit["RS"][k] for k in ("name", "received", "closed", "open", "overdue_now")} == {
        "name": "人社局", "received": 3, "closed": 0, "open": 3, "overdue_now": 2}
    assert [r["code"] for r in result["groups"]["category"]] == ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]
    assert result["groups"]["category"][5] == {
        "code": "6", "name": "6 滞纳金加收", "received": 0, "closed": 1, "closed_on_time": 0, "closed_late": 1,
        "open": 0, "overdue_now": 0, "objections": 0, "replied": 1, "avg_reply_workdays": 25.0,
        "median_reply_workdays": 25, "on_time_rate": 0.0, "followed_up": 0, "satisfied": 0, "local": 1,
        "followup_rate": 0.0, "satisfaction_rate": None, "local_rate": 1.0}

    s, records = loaded
    october = period_stats(s, date(2026, 10, 1), date(2026, 10, 31), date(2026, 11, 26), by=["unit"],
                           records=records)
    assert list(october["groups"]) == ["unit"]
    assert {k: october["totals"][k] for k in ("received", "closed", "open", "median_reply_workdays")} == {
        "received": 2, "closed": 1, "open": 1, "median_reply_workdays": 3}

    text = run(store, "stats", "--from", "2026-11-01", "--to", "2026-11-30", "--today", TODAY, "--by", "region")
    assert text.exit_code == 0 and "66.7%" in text.stdout and "东区" in text.stdout
    bad = run(store, "stats", "--by", "officer")
    assert bad.exit_code == 2 and "不能按“officer”分组" in bad.output
    backwards = run(store, "stats", "--from", "2026-12-01", "--to", "2026-11-01")
    assert backwards.exit_code == 2 and "晚于" in backwards.output


def test_export_xlsx(generated: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    store, ids = generated
    target = tmp_path / "台账.xlsx"
    result = run(store, "export", "--format", "xlsx", "--output", str(target), "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "已导出工作台账 18 件" in result.stdout
    assert [p.name for p in tmp_path.iterdir() if p.name != "home"] == ["台账.xlsx"]  # no temporary file left
    sheet = load_workbook(target).active
    assert [c.value for c in sheet[1]] == HEADERS
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 19
    assert sheet.column_dimensions["E"].width == 28
    rows = {row[0]: dict(zip(HEADERS, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)}
    e = rows[ids["E"]]
    assert e["受理日期"] == datetime(2026, 10, 9)
    assert (e["办结日期"], e["回复日期"], e["归档日期"]) == (datetime(2026, 11, 10), datetime(2026, 11, 12),
                                                      datetime(2026, 11, 13))
    assert (e["是否超期"], e["超期工作日"], e["送达方式"], e["当前状态"]) == ("是", 8, "直接送达", "已归档")
    assert e["证件号码"] == "9111**********341L" and e["联系电话"] == "138****5678"
    assert e["档号"] and e["流转方式"] == "本单位办理"
    first = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == ids["E"])
    assert first[1].is_date and first[1].number_format == "yyyy-mm-dd"
    c = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == ids["C"])
    assert (c[11].value, c[11].data_type) == ('=HYPERLINK("x")', "s")  # a payer's text is never a formula
    assert rows[ids["D"]]["流转方式"] == "转办（人社局）"
    assert rows[ids["I"]]["梳理类型"] == "一般事项"
    assert rows[ids["I"]]["超期工作日"] == 11
    assert rows[ids["G"]]["异议"] == "2026-11-10 行政复议（国家税务总局示例省税务局）"
    assert rows[ids["H"]]["处理意见"] == "缴费人撤回：已自行更正"
    assert rows[ids["J"]]["缴费人类型"] == "个人" and rows[ids["J"]]["证件号码"] == "1101**********002X"


def test_export_csv_for_a_period(generated: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    store, ids = generated
    target = tmp_path / "ledger.csv"
    result = run(store, "export", "-o", str(target), "--from", "2026-11-01", "--to", "2026-11-30", "--today", TODAY)
    assert result.exit_code == 0, result.output
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(target, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == HEADERS and len(rows) == 17
    assert all(date.fromisoformat(r[1]) >= date(2026, 11, 1) for r in rows[1:])
    by_id = {r[0]: dict(zip(HEADERS, r, strict=True)) for r in rows[1:]}
    assert by_id[ids["F"]]["回复日期"] == "2026-11-10" and by_id[ids["F"]]["是否超期"] == "否"
    assert by_id[ids["C"]]["反映事项"] == "'=HYPERLINK(\"x\")"
    assert ids["E"] not in by_id


def test_export_refusals(generated: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    store, _ = generated
    bad = run(store, "export", "-o", str(tmp_path / "x.pdf"))
    assert bad.exit_code == 2 and "--format xlsx 或 --format csv" in bad.output
    nowhere = run(store, "export", "-o", str(tmp_path / "missing" / "x.csv"))
    assert nowhere.exit_code == 2 and "不存在" in nowhere.output
    reveal = run(store, "export", "-o", str(tmp_path / "x.csv"), "--reveal", "--as", "sw-handler")
    assert reveal.exit_code == 3
    assert not (tmp_path / "x.csv").exists()


def test_html_report(generated: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    store, ids = generated
    target = tmp_path / "report.html"
    result = run(store, "report", "--html", str(target), "--from", "2026-11-01", "--to", "2026-11-30",
                 "--today", TODAY)
    assert result.exit_code == 0, result.output
    page = target.read_text(encoding="utf-8")
    assert page.count("<svg") == 6  # on-time, satisfaction and local-resolution meters, category bars, unit bars, trend
    assert '<div class="v">16</div><div class="k">受理</div>' in page
    assert '<div class="v">66.7%</div><div class="k">按期办结率</div>' in page
    assert '<div class="v">5</div><div class="k">当前超期</div>' in page
    assert "统计期间：2026年11月1日至2026年11月30日" in page
    assert ids["I"] in page and "滞纳金加收" in page
    for forbidden in ("http://", "https://", "<script", "<link", "src="):
        assert forbidden not in page


def test_html_escapes_every_text(loaded: tuple[Session, list[Any]]) -> None:
    s, records = loaded
    data = report_data(s, date(2026, 11, 1), date(2026, 11, 30), date(2026, 11, 26), records=records)
    assert data["trend"] == [{"date": "2026-11-07", "overdue": 1}, {"date": "2026-11-14", "overdue": 1},
                             {"date": "2026-11-21", "overdue": 3}, {"date": "2026-11-26", "overdue": 5}]
    data["city"] = "<b>示例市</b>"
    data["overdue"][0]["category_name"] = "<img onerror=x>"
    data["stats"]["groups"]["unit"][0]["name"] = "A&B"
    page = render_html(data)
    assert "<b>示例市" not in page and "&lt;b&gt;示例市&lt;/b&gt;" in page
    assert "<img" not in page and "A&amp;B" in page


def test_index_figures_agree_with_a_full_replay(loaded: tuple[Session, list[Any]]) -> None:
    """stats, the overdue trend and due lists read index columns; they must match replaying every case."""
    from disputectl.oversight.stats import overdue_trend

    s, records = loaded
    today = date(2026, 11, 26)
    for start, end in ((date(2026, 10, 1), date(2026, 10, 31)), (date(2026, 11, 1), date(2026, 11, 30)),
                       (date(2026, 1, 1), date(2026, 12, 31))):
        assert period_stats(s, start, end, today) == period_stats(s, start, end, today, records=records)
        assert overdue_trend(s, start, end, today) == overdue_trend(s, start, end, today, records=records)
    for include_all in (False, True):
        assert due_list(s, today, include_all=include_all) == due_list(s, today, include_all=include_all,
                                                                       records=records)
    assert period_stats(s, date(2026, 10, 1), date(2026, 11, 30), today)["totals"]["received"] > 0


def test_a_case_closed_before_the_period_still_counts_what_happened_in_it(tmp_path: Path) -> None:
    """The index sums only cases that can count for the period; an objection or an overdue clock
    of a case replied before it must still be counted, as the case-by-case count does."""
    root, _ = init_store(tmp_path / "store", now=datetime(2026, 10, 1, 9, tzinfo=TZ), demo=True)
    b = Builder(open_session(root, now=datetime(2026, 10, 1, 9, tzinfo=TZ)))
    b.new("P", "2026-10-12", category="3", region="SBJ")
    b.do("P", "2026-10-12", "sw-registrar", "route_self")
    b.do("P", "2026-10-14", "sw-handler", "conclude", **DECISION)
    b.do("P", "2026-10-15", "sw-handler", "reply", method="邮寄", date="2026-10-15")
    b.do("P", "2026-11-10", "sw-handler", "object", channel="行政复议", body="示例省税务局", date="2026-11-10")
    b.new("U", "2026-10-12", category="4", region="DQ")  # untouched since: closed nothing, open throughout
    s = open_session(root, now=datetime(2026, 11, 26, 10, tzinfo=TZ))
    records = load_records(s)
    today = date(2026, 11, 26)
    november = period_stats(s, date(2026, 11, 1), date(2026, 11, 30), today)
    assert november == period_stats(s, date(2026, 11, 1), date(2026, 11, 30), today, records=records)
    assert november["totals"]["objections"] == 1 and november["totals"]["received"] == 0
    assert november["totals"]["open"] == 1 and november["totals"]["overdue_now"] == 1
