"""Clocks of real cases, counted on the official schedule and explained: ``disputectl explain``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from disputectl.rules.calendar import missing_schedule_warning

DECISION = ["--facts", "经核查，缴费基数申报无误", "--basis", "《社会保险费征缴暂行条例》", "--decision", "维持原核定"]


def at(moment: str) -> dict[str, str]:
    return {"DISPUTECTL_NOW": moment}


def explain_json(cli: Callable[..., Any], *args: str) -> dict[str, Any]:
    result = cli("explain", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_reply_clock_from_30_september_skips_national_day_and_counts_makeup_saturday(
        cli: Callable[..., Any], register: Callable[..., str], monkeypatch: Any) -> None:
    monkeypatch.setenv("DISPUTECTL_NOW", "2026-09-30T10:00:00+08:00")
    case = register()
    assert cli("route", case, "--self", as_="sw-registrar").exit_code == 0
    assert cli("conclude", case, *DECISION, as_="sw-handler").exit_code == 0

    view = explain_json(cli, case, "reply", "--today", "2026-09-30")
    (clock,) = view["clocks"]
    assert (clock["start"], clock["days"], clock["due"]) == ("2026-09-30", 5, "2026-10-13")
    assert clock["makeup_days"] == ["2026-10-10"]
    assert [s["date"] for s in clock["skipped"]] == [f"2026-10-0{d}" for d in range(1, 8)] + ["2026-10-11"]
    assert {s["reason"] for s in clock["skipped"]} == {"国庆节假期", "周日"}
    assert view["missing_years"] == []

    text = cli("explain", case, "reply", "--today", "2026-09-30").stdout
    assert "起算日：2026年9月30日（周三），当日为第0日" in text
    assert "第3个工作日：2026年10月10日（周六），调休上班（国庆节调休）" in text
    assert "2026年10月1日（周四） 国庆节假期" in text
    assert "届满日：2026年10月13日（周二）" in text
    assert "截至 2026年9月30日（周三）：正常，距届满还有 5 个工作日" in text


def test_makeup_sunday_20_september_is_counted(cli: Callable[..., Any], register: Callable[..., str],
                                               monkeypatch: Any) -> None:
    monkeypatch.setenv("DISPUTECTL_NOW", "2026-09-18T10:00:00+08:00")
    case = register()
    (route,) = explain_json(cli, case, "route")["clocks"]
    # Friday + 1 working day is the 调休 Sunday, not Monday.
    assert route["due"] == "2026-09-20"
    assert route["skipped"] == [{"date": "2026-09-19", "reason": "周六"}]


def test_year_without_schedule_warns_then_uses_the_store_calendar(
        cli: Callable[..., Any], register: Callable[..., str], store: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("DISPUTECTL_NOW", "2026-12-28T10:00:00+08:00")
    case = register()
    assert cli("route", case, "--self", as_="sw-registrar").exit_code == 0

    result = cli("explain", case, "handle", "--today", "2026-12-28")
    assert result.exit_code == 0
    warning = missing_schedule_warning([2027])
    assert warning in result.stderr
    assert "第4个工作日：2027年1月1日（周五）" in result.stdout  # counted as an ordinary Friday
    assert warning in result.stdout  # also at the end of the explanation itself
    view = explain_json(cli, case, "handle", "--today", "2026-12-28")
    assert view["clocks"][0]["due"] == "2027-01-18"
    assert view["missing_years"] == [2027]
    due = cli("due", "--all", "--today", "2026-12-28", "--json")
    assert warning in due.stderr
    assert json.loads(due.stdout)["rows"][0]["due"] == "2027-01-18"

    result = cli("calendar", "add", "2027", "--holiday", "2027-01-01:2027-01-01:元旦", as_="bgs-admin")
    assert result.exit_code == 0, result.output
    result = cli("explain", case, "handle", "--today", "2026-12-28")
    assert result.exit_code == 0
    assert "缺少" not in result.stderr
    assert "2027年1月1日（周五） 元旦假期" in result.stdout
    view = explain_json(cli, case, "handle", "--today", "2026-12-28")
    assert view["clocks"][0]["due"] == "2027-01-19"
    assert view["missing_years"] == []
    due = cli("due", "--all", "--today", "2026-12-28", "--json")
    assert due.stderr == ""
    assert json.loads(due.stdout)["rows"][0]["due"] == "2027-01-19"


def test_extension_and_lateness_kept_after_closing(cli: Callable[..., Any], register: Callable[..., str]) -> None:
    case = register()  # registered 2026-11-26 (conftest NOW)
    assert cli("route", case, "--self", as_="sw-registrar").exit_code == 0
    assert cli("extend", case, "--reason", "需调取历年申报资料", "--days", "5", as_="sw-handler").exit_code == 0
    # 15 working days from 2026-11-26 end on 2026-12-17; five more on 2026-12-24.
    late = cli("conclude", case, *DECISION, as_="sw-handler", env=at("2026-12-28T09:00:00+08:00"))
    assert late.exit_code == 0, late.output

    (handle,) = explain_json(cli, case, "handle", "--today", "2027-01-05")["clocks"]
    assert (handle["due"], handle["extended_by"], handle["days"]) == ("2026-12-24", 5, 20)
    assert (handle["stopped"], handle["late"], handle["state"]) == ("2026-12-28", 2, "overdue")
    text = cli("explain", case, "handle", "--today", "2027-01-05").stdout
    assert "其中延期 5 个工作日：原届满日 2026年12月17日（周四），延期后届满日 2026年12月24日（周四）" in text
    assert "办结：2026年12月28日（周一），超期 2 个工作日" in text


def test_explain_every_clock_and_unknown_clock(cli: Callable[..., Any], register: Callable[..., str]) -> None:
    case = register()
    assert cli("route", case, "--to", "RS", "--reason", "属人社部门职责", as_="sw-registrar").exit_code == 0
    view = explain_json(cli, case, "--today", "2026-11-30")
    assert [(c["name"], c["due"], c["state"]) for c in view["clocks"]] == [
        ("route", "2026-11-27", "done"), ("sign", "2026-11-27", "overdue")]
    assert view["clocks"][1]["lines"][-1] == "截至 2026年11月30日（周一）：已超期 1 个工作日"
    missing = cli("explain", case, "platform")
    assert missing.exit_code == 5
    assert "没有时限“platform”" in missing.output and "本案的时限：分类流转、签收" in missing.output
    bad = cli("explain", case, "--today", "2026-13-01")
    assert bad.exit_code == 2
    assert "--today 的值“2026-13-01”不是有效日期" in bad.output
