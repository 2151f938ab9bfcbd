"""Issue 20: the plan's own target measured — 回访率, 满意率 and 就地解决率, and statistics by
the unit that took the case in (多点受理) as well as by the unit that handled it."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from conftest import EMPLOYER, field_args

from disputectl.oversight.common import load_records
from disputectl.oversight.stats import period_stats
from disputectl.record.session import open_session

DECISION = ["--facts", "f", "--basis", "b", "--decision", "d"]


def ok(result: Any) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def test_followup_satisfaction_and_local_resolution_by_unit_category_region_and_intake(cli, store: Path,
                                                                                       tmp_path: Path) -> None:
    def new(registrar: str, **fields: str) -> str:
        out = ok(cli("register", *field_args({**EMPLOYER, **fields}), "--no-input", as_=registrar))
        return out.split("案件编号")[1].split()[0]

    # 1: taken in and concluded by 税务局 (就地解决), 回访 满意
    a = new("sw-registrar", category="3", region="DQ")
    ok(cli("route", a, "--self", as_="sw-registrar"))
    ok(cli("conclude", a, *DECISION, as_="sw-handler"))
    ok(cli("reply", a, "--method", "邮寄", "--date", "2026-11-26", as_="sw-handler"))
    ok(cli("followup", a, "--result", "满意", "--method", "电话", as_="sw-handler"))
    # 2: taken in by 信访局, transferred to 税务局: not local; 回访 不满意
    b = new("xf-registrar", category="3", region="XQ")
    ok(cli("route", b, "--to", "SW", "--reason", "转税务", as_="xf-registrar"))
    ok(cli("sign", b, as_="sw-handler"))
    ok(cli("conclude", b, *DECISION, as_="sw-handler"))
    ok(cli("reply", b, "--method", "邮寄", "--date", "2026-11-26", as_="sw-handler"))
    ok(cli("followup", b, "--result", "不满意", "--method", "面谈", as_="sw-handler"))
    # 3: replied, not yet followed up
    c = new("sw-registrar", category="4", region="DQ")
    ok(cli("route", c, "--self", as_="sw-registrar"))
    ok(cli("conclude", c, *DECISION, as_="sw-handler"))
    ok(cli("reply", c, "--method", "邮寄", "--date", "2026-11-26", as_="sw-handler"))

    stats = json.loads(ok(cli("stats", "--from", "2026-11-01", "--to", "2026-11-30", "--json")))
    t = stats["totals"]
    assert (t["replied"], t["followed_up"], t["satisfied"], t["local"], t["closed"]) == (3, 2, 1, 2, 3)
    assert (t["followup_rate"], t["satisfaction_rate"], t["local_rate"]) == (0.6667, 0.5, 0.6667)
    intake = {r["code"]: r for r in stats["groups"]["intake"]}
    handled = {r["code"]: r for r in stats["groups"]["unit"]}
    assert set(intake) == {"SW", "XF"} and set(handled) == {"SW"}
    assert (intake["XF"]["name"], intake["XF"]["received"], intake["XF"]["local_rate"]) == ("信访局", 1, 0.0)
    assert (intake["SW"]["satisfaction_rate"], intake["SW"]["local_rate"]) == (1.0, 1.0)
    region = {r["code"]: r for r in stats["groups"]["region"]}
    assert (region["DQ"]["followup_rate"], region["XQ"]["satisfaction_rate"]) == (0.5, 0.0)
    category = {r["code"]: r for r in stats["groups"]["category"]}
    assert category["3"]["followed_up"] == 2 and category["4"]["followup_rate"] == 0.0

    # the index's SQL and the case-by-case count agree
    s = open_session(store, now=datetime.fromisoformat("2026-11-26T10:00:00+08:00"))
    records = load_records(s)
    for start, end in ((date(2026, 11, 1), date(2026, 11, 30)), (date(2026, 12, 1), date(2026, 12, 31))):
        assert period_stats(s, start, end, date(2026, 11, 26)) == \
            period_stats(s, start, end, date(2026, 11, 26), records=records)

    text = ok(cli("stats", "--from", "2026-11-01", "--to", "2026-11-30", "--by", "intake", env={"COLUMNS": "250"}))
    assert "按受理单位" in text and "满意率" in text and "就地解决率" in text and "50.0%" in text
    report = tmp_path / "r.html"
    ok(cli("report", "--html", str(report), "--from", "2026-11-01", "--to", "2026-11-30"))
    page = report.read_text(encoding="utf-8")
    assert "满意率" in page and "就地解决率" in page and "按受理单位统计" in page and "50.0%" in page
    ledger = tmp_path / "l.csv"
    ok(cli("export", "--output", str(ledger)))
    assert "2026-11-26 电话 满意" in ledger.read_text(encoding="utf-8-sig")
