"""Issue 17: a store's own template runs bounded.

A template pushed into one store reaches every office, so a hostile one must not hang or exhaust
them: in real stores, a store ``templates/receipt.docx`` that loops without end, builds a huge
value or pulls in another template is refused with one message naming it, and nothing is written
(``register``, ``notice``, ``notice --preview``).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import EMPLOYER, field_args, head, refused_untouched
from docx import Document

from disputectl.documents import notices as notices_module
from disputectl.documents.notices import render_docx, render_text, sample_context
from disputectl.errors import ValidationError
from disputectl.resources import resource_dir

RECEIPT = "文书模板“受理回执”（templates/receipt.docx）"
NOT_ISSUED = "，未出具文书。"

# the tag put into the store's receipt template, and what the message says was wrong
HOSTILE = {
    "nested_range": (
        "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
        "使用的 range 过大（超过 10000 项）",
    ),
    "string_multiplication": ("{{ 'a' * 300000000 }}", "用乘法生成的内容过大（超过 5000000 个字符或项）"),
    "list_multiplication": ("{{ ([1] * 300000000) | length }}", "用乘法生成的内容过大（超过 5000000 个字符或项）"),
    "power": ("{{ 2 ** 1000000000 }}", "乘方的结果过大"),
    "include": ("{% include 'x' %}", "引用了其他模板（不能使用 {% include %}）"),
    "include_ignore_missing": ("{% include 'x' ignore missing %}", "引用了其他模板（不能使用 {% include %}）"),
    "import": ("{% import 'x' as y %}", "引用了其他模板（不能使用 {% import %}）"),
    "from_import": ("{% from 'x' import y %}", "引用了其他模板（不能使用 {% from … import %}）"),
    "extends": ("{% extends 'x' %}", "引用了其他模板（不能使用 {% extends %}）"),
    "unused_include": ("{% if false %}{% include 'x' %}{% endif %}", "引用了其他模板（不能使用 {% include %}）"),
    "huge_output": (
        "{% for i in range(10000) %}{% for j in range(10000) %}xx{% endfor %}{% endfor %}",
        "生成的内容过长（超过 5000000 个字符）",
    ),
}


def receipt_template(extra: str) -> Any:
    """The default receipt template with one more paragraph."""
    document = Document(str(resource_dir("templates") / "receipt.docx"))
    document.add_paragraph(extra, style="GW Body")
    return document


def install_receipt(cli: Callable[..., Any], store: Path, extra: str) -> None:
    """The store's own receipt template, installed by the admin's command (one commit)."""
    source = store.parent / "receipt-custom.docx"
    receipt_template(extra).save(str(source))
    result = cli("template", "install", "receipt", str(source), as_="bgs-admin")
    assert result.exit_code == 0, result.output
    assert (store / "templates" / "receipt.docx").read_bytes() == source.read_bytes()


refused = refused_untouched


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_store_template_is_refused(name: str, cli, store, register) -> None:
    tag, problem = HOSTILE[name]
    case = register()  # with the default template
    install_receipt(cli, store, tag)
    message = RECEIPT + problem + NOT_ISSUED
    stderr = refused(cli, store, "register", *field_args(EMPLOYER), "--no-input")
    assert message in stderr
    assert stderr.count("文书模板") == 1  # one message
    assert message in refused(cli, store, "notice", case, "receipt", "--preview")
    assert message in refused(cli, store, "notice", case, "receipt", "--corrected")


@pytest.mark.timeout(60)
def test_template_that_runs_too_long_is_stopped(cli, store, register, monkeypatch) -> None:
    monkeypatch.setattr(notices_module, "RENDER_TIMEOUT", 1.0)
    loop = "{% for i in range(10000) %}{% for j in range(10000) %}{% for k in range(10000) %}{% endfor %}{% endfor %}{% endfor %}"
    case = register()
    install_receipt(cli, store, loop)
    message = RECEIPT + "运行超时（超过 1 秒）" + NOT_ISSUED
    started = time.monotonic()
    assert message in refused(cli, store, "register", *field_args(EMPLOYER), "--no-input")
    assert message in refused(cli, store, "notice", case, "receipt", "--preview")
    assert time.monotonic() - started < 20


@pytest.mark.timeout(60)
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the memory ceiling is an address-space limit (Linux)")
def test_template_that_takes_too_much_memory_is_stopped(cli, store) -> None:
    install_receipt(cli, store, "{{ 'a'.ljust(1000000000) }}")  # 1 GB in one call, not by multiplication
    stderr = refused(cli, store, "register", *field_args(EMPLOYER), "--no-input")
    assert RECEIPT + "占用内存过多（超过 256 MB）" + NOT_ISSUED in stderr


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", ["nested_range", "string_multiplication", "include", "import", "huge_output"])
def test_limits_hold_where_there_is_no_fork(name: str, tmp_path: Path, monkeypatch) -> None:
    """Where a process cannot be forked the render runs in this process, with the same sandbox."""
    monkeypatch.delattr(os, "fork")
    tag, problem = HOSTILE[name]
    (tmp_path / "templates").mkdir()
    receipt_template(tag).save(str(tmp_path / "templates" / "receipt.docx"))
    with pytest.raises(ValidationError) as err:
        render_docx("receipt", sample_context("receipt"), tmp_path)
    assert err.value.message == RECEIPT + problem + NOT_ISSUED


@pytest.mark.timeout(60)
def test_a_bounded_template_still_renders(cli, store) -> None:
    """Ranges, products and powers within the limits are a template's own business."""
    install_receipt(cli, store, "{% for i in range(3) %}{{ i * 2 }}{% endfor %}{{ '-' * 3 }}{{ 2 ** 10 }}{{ [0] * 2 }}")
    assert "024---1024[0, 0]" in render_text("receipt", sample_context("receipt"), store).splitlines()
    before = head(store)
    result = cli("register", *field_args(EMPLOYER), "--no-input", as_="sw-registrar")
    assert result.exit_code == 0, result.output
    assert head(store) != before


def test_a_store_template_renders_when_the_process_holds_more_than_1024_descriptors(cli, store, register) -> None:
    """The child's answer was awaited with select(), which refuses a descriptor numbered 1024 or
    more: a long-running process (an xdist worker that had run many commands) got an internal
    error instead of its notice."""
    install_receipt(cli, store, "{{ payer_name }}")
    held = []
    try:
        while not held or held[-1] < 1100:
            held.append(os.open(os.devnull, os.O_RDONLY))
    except OSError:
        pytest.skip("cannot open that many descriptors here")
    try:
        case = register()
        assert case
    finally:
        for fd in held:
            os.close(fd)
