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
