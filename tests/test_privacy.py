"""Issue 8: personal data — 身份证号, 统一社会信用代码 and phone numbers are masked wherever they are shown.

Full values appear only through ``--reveal``, which only the roles in ``privacy.reveal_roles``
may use and which leaves a ``reveal`` commit behind. Error messages quote identifiers masked.
"""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import EMPLOYER, INDIVIDUAL, field_args, git, head
from hypothesis import given, settings
from hypothesis import strategies as st

from disputectl.rules.validation import mask_identifier, mask_phone

FULL = [INDIVIDUAL["payer_id"], EMPLOYER["payer_id"], EMPLOYER["phone"], INDIVIDUAL["phone"],
        INDIVIDUAL["phone"].replace("-", ""), "11010519491231002x"]
MASKED = {"ric": "1101**********002X", "uscc": "9111**********341L", "mobile": "138****5678",
          "landline": "057******6666"}


def assert_masked(text: str, *, expect: tuple[str, ...] = ()) -> None:
    for value in FULL:
        assert value not in text, f"{value} shown in full"
    for key in expect:
        assert MASKED[key] in text, f"{MASKED[key]} missing"


@pytest.fixture
def cases(cli) -> dict[str, str]:
    numbers = []
    for fields in (INDIVIDUAL, EMPLOYER):
        result = cli("register", *field_args(fields), "--no-input", "--no-receipt", as_="sw-registrar")
        assert result.exit_code == 0, result.output
        numbers.append(result.output.split("案件编号")[1].split()[0])
    person, company = numbers
    assert cli("route", company, "--self", as_="sw-registrar").exit_code == 0
    assert cli("note", person, "--body", "已电话联系缴费人", as_="bgs-office").exit_code == 0
    return {"person": person, "company": company}


def ok(result: Any) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def test_show_list_log_due_explain_and_stats_mask_by_default(cli, store, cases):
    person, company = cases["person"], cases["company"]
    assert_masked(ok(cli("show", person)), expect=("ric", "landline"))
    assert_masked(ok(cli("show", company)), expect=("uscc", "mobile"))
    view = json.loads(ok(cli("show", person, "--json")))
    assert (view["payer"]["id_number"], view["phone"]) == (MASKED["ric"], MASKED["landline"])
    assert_masked(ok(cli("show", company, "--json", as_="sw-handler")), expect=("uscc", "mobile"))
    assert_masked(ok(cli("list")))
    rows = {r["id"]: r for r in json.loads(ok(cli("list", "--json")))}
    assert (rows[person]["payer"]["id_number"], rows[person]["phone"]) == (MASKED["ric"], MASKED["landline"])
    assert (rows[company]["payer"]["id_number"], rows[company]["phone"]) == (MASKED["uscc"], MASKED["mobile"])
    for case in (person, company):
        assert_masked(ok(cli("log", case)))
        assert_masked(ok(cli("log", case, "--json")))
        assert_masked(ok(cli("explain", case)))
    for args in (["due", "--all"], ["due", "--all", "--json"], ["due", "--today", "2026-12-31", "--json"],
                 ["stats", "--json"], ["list", "-q", "示例"]):
        assert_masked(ok(cli(*args)))
    due = json.loads(ok(cli("due", "--all", "--json")))
    assert due["rows"], "the due list should show the open cases"
    # the audit trail itself (commit messages) never carries the identifiers either
    assert_masked(git(store, "log", "--format=%B"))


def _xlsx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "\n".join(z.read(name).decode("utf-8", "replace") for name in z.namelist())


def test_exports_and_the_html_report_mask_by_default(cli, store, cases, tmp_path):
    before = head(store)
    ok(cli("export", "-o", str(tmp_path / "台账.xlsx")))
    assert_masked(_xlsx_text(tmp_path / "台账.xlsx"), expect=("ric", "uscc", "mobile", "landline"))
    ok(cli("export", "-o", str(tmp_path / "台账.csv")))
    text = (tmp_path / "台账.csv").read_text(encoding="utf-8-sig")
    assert_masked(text, expect=("ric", "uscc", "mobile", "landline"))
    assert len(list(csv.reader(text.splitlines()))) == 3
    ok(cli("report", "--html", str(tmp_path / "报告.html")))
    assert_masked((tmp_path / "报告.html").read_text(encoding="utf-8"))
    assert head(store) == before  # reading leaves no trace unless something is revealed


@pytest.mark.parametrize("officer", ["sw-handler", "sw-registrar", "leader"])
def test_reveal_is_refused_for_roles_not_configured(cli, store, cases, tmp_path, officer):
    before = head(store)
    result = cli("show", cases["person"], "--reveal", as_=officer)
    assert result.exit_code == 3, result.output
    assert result.stderr.startswith("错误：") and "reveal_roles" in result.stderr
    assert_masked(result.output)
    target = tmp_path / "全量.csv"
    result = cli("export", "-o", str(target), "--reveal", as_=officer)
    assert result.exit_code == 3, result.output
    assert not target.exists()
    assert head(store) == before and git(store, "status", "--porcelain") == ""


@pytest.mark.parametrize("officer", ["bgs-office", "sw-archivist"])
def test_reveal_is_allowed_for_the_office_and_archivists_and_recorded(cli, store, cases, tmp_path, officer):
    person = cases["person"]
    before = head(store)
    shown = ok(cli("show", person, "--reveal", as_=officer))
    assert INDIVIDUAL["payer_id"] in shown and INDIVIDUAL["phone"] in shown
    assert git(store, "rev-parse", "HEAD^").strip() == before
    trailers = dict(line.split(": ", 1) for line in git(store, "log", "-1", "--format=%(trailers:only,unfold)")
                    .splitlines() if ": " in line)
    unit = "BGS" if officer == "bgs-office" else "SW"
    assert (trailers["Case"], trailers["Action"], trailers["Actor"], trailers["Unit"]) == (
        person, "reveal", officer, unit)
    assert git(store, "diff", "--name-only", "HEAD^", "HEAD") == ""  # the commit changes no file
    assert "查看完整个人信息" in git(store, "log", "-1", "--format=%s")
    view = json.loads(ok(cli("show", person, "--json", "--reveal", as_=officer)))
    assert (view["payer"]["id_number"], view["phone"]) == (INDIVIDUAL["payer_id"], INDIVIDUAL["phone"])

    middle = head(store)
    target = tmp_path / "全量.csv"
    ok(cli("export", "-o", str(target), "--reveal", as_=officer))
    text = target.read_text(encoding="utf-8-sig")
    assert INDIVIDUAL["payer_id"] in text and EMPLOYER["phone"] in text
    assert git(store, "rev-parse", "HEAD^").strip() == middle
    assert "Action: reveal" in git(store, "log", "-1", "--format=%(trailers:only,unfold)")
    # the history view shows who looked
    log = json.loads(ok(cli("log", person, "--json")))
    assert [r["action"] for r in log][:2] == ["reveal", "reveal"]
    assert git(store, "status", "--porcelain") == ""
    # without --reveal everything is masked again, and nothing is recorded
    after = head(store)
    assert_masked(ok(cli("show", person, as_=officer)))
    assert head(store) == after


def test_reveal_follows_the_configured_roles(cli, store, cases):
    config = store / "disputectl.yaml"
    text = config.read_text(encoding="utf-8")
    assert "reveal_roles:\n  - office\n  - archivist\n" in text
    assert cli("config", "set", "privacy.reveal_roles", "leader", as_="bgs-admin").exit_code == 0
    assert "reveal_roles:\n  - leader\n" in config.read_text(encoding="utf-8")
    before = head(store)
    assert cli("show", cases["person"], "--reveal", as_="bgs-office").exit_code == 3
    assert head(store) == before
    assert INDIVIDUAL["payer_id"] in ok(cli("show", cases["person"], "--reveal", as_="leader"))
    assert head(store) != before


@pytest.mark.parametrize(("fields", "quoted", "valid"), [
    ({**INDIVIDUAL, "payer_id": "11010519491231002Y"}, "11010519491231002Y", None),   # wrong check digit
    ({**INDIVIDUAL, "payer_id": "11010520260230002X"}, "11010520260230002X", None),   # no such birth date
    ({**EMPLOYER, "payer_id": INDIVIDUAL["payer_id"]}, "1101**********002X", INDIVIDUAL["payer_id"]),  # a 身份证 for a company
    ({**INDIVIDUAL, "payer_id": EMPLOYER["payer_id"]}, "9111**********341L", EMPLOYER["payer_id"]),  # a company code for a person
    ({**EMPLOYER, "payer_id": "91110000600037341X"}, "91110000600037341X", None),
    ({**EMPLOYER, "phone": "138123456789"}, "138123456789", None),
    ({**EMPLOYER, "phone": "1381234567"}, "1381234567", None),
])
def test_error_messages_quote_invalid_values_as_typed_and_valid_identifiers_masked(cli, store, fields, quoted, valid):
    """Issue 21 over issue 19: a mistyped number is nobody's personal data and is quoted as typed,
    so the officer sees the mistake; a valid identifier in the wrong place stays masked."""
    before = head(store)
    result = cli("register", *field_args(fields), "--no-input", as_="sw-registrar")
    assert result.exit_code == 2, result.output
    assert f"“{quoted}”" in result.stderr
    if valid:
        assert valid not in result.output
    assert head(store) == before


@settings(max_examples=100, deadline=None, derandomize=True)
@given(value=st.text(alphabet=st.characters(blacklist_characters="*", blacklist_categories=("Cs",)), min_size=1,
                     max_size=30))
def test_masks_never_return_the_value(value):
    for mask in (mask_identifier, mask_phone):
        masked = mask(value)
        assert masked != value.strip() or not value.strip()
        assert value.strip() not in masked or not value.strip()
