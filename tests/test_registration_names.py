"""Issue 18: payer and contact names of invisible characters, line breaks or control characters are refused."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import EMPLOYER, INDIVIDUAL


def args_of(fields: dict[str, str]) -> list[str]:
    return [f"--{k.replace('_', '-')}={v}" for k, v in fields.items()]


def register_cli(cli: Any, fields: dict[str, str]) -> Any:
    return cli("register", *args_of(fields), "--no-input", "--no-receipt", as_="sw-registrar")


# -- invisible, multi-line and control characters in names -----------------------------------

ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]


@pytest.mark.parametrize("value", [*ZERO_WIDTH, "".join(ZERO_WIDTH), " \u200b \ufeff "])
@pytest.mark.parametrize(("field", "label"), [("payer_name", "缴费人名称或姓名"), ("contact_person", "联系人")])
def test_a_name_of_only_invisible_characters_is_refused(cli, store, field, label, value):
    result = register_cli(cli, {**EMPLOYER, field: value})
    assert result.exit_code == 2, result.output
    assert label in result.stderr and "不可见" in result.stderr, result.stderr
    assert "案件编号" not in result.output


def test_an_invisible_contact_person_is_refused_even_where_it_is_optional(cli, store):
    result = register_cli(cli, {**INDIVIDUAL, "contact_person": "\u200b\u200b"})
    assert result.exit_code == 2 and "联系人" in result.stderr, result.output


@pytest.mark.parametrize("bad", ["\n", "\r", "\r\n", "\t", "\x0b", "\x1b", "\x85", "\u2028"])
@pytest.mark.parametrize(("field", "label"), [("payer_name", "缴费人名称或姓名"), ("contact_person", "联系人")])
def test_a_name_with_a_line_break_or_control_character_is_refused(cli, store, field, label, bad):
    result = register_cli(cli, {**EMPLOYER, field: f"示例{bad}科技"})
    assert result.exit_code == 2, result.output
    assert label in result.stderr, result.stderr
    assert "案件编号" not in result.output


def test_every_name_problem_of_one_registration_is_listed_together(cli, store):
    fields = {**EMPLOYER, "payer_name": "\u200b\u2060", "contact_person": "张\n三", "address": "\ufeff",
              "phone": "12345"}
    result = register_cli(cli, fields)
    assert result.exit_code == 2, result.output
    details = [line.strip() for line in result.stderr.splitlines() if line.strip().startswith("- ")]
    assert len(details) == 4, result.stderr
    assert any("缴费人名称或姓名" in d for d in details), details
    assert any(d.startswith("- 联系人") for d in details), details
    assert any(d.startswith("- 地址") for d in details), details
    assert any(d.startswith("- 联系电话") for d in details), details


def test_names_with_an_invisible_character_among_visible_ones(cli, store):
    """A zero-width space inside a name makes a look-alike payer: refused. A joiner between visible
    characters (used by some scripts and emoji) is kept, and so is the name once it is typed plainly."""
    refused = register_cli(cli, {**EMPLOYER, "payer_name": "示例科技\u200b有限公司"})
    assert refused.exit_code == 2 and "缴费人名称或姓名" in refused.stderr, refused.output
    fine = register_cli(cli, {**EMPLOYER, "payer_name": "示例科技有限公司", "contact_person": "张三"})
    assert fine.exit_code == 0, fine.output


def test_line_breaks_stay_allowed_where_text_runs_over_lines(cli, store):
    result = register_cli(cli, {**EMPLOYER, "matter": "一、缴费基数\n二、滞纳金", "request": "请求\t重新核定"})
    assert result.exit_code == 0, result.output


