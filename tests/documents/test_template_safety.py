"""Issue 22 (points 1 and 7): a notice is issued only if every paragraph of its template rendered.

A store template with a tag that does not parse (a missing brace, a block left open, an unknown
filter) or a paragraph whose text would not reach the notice is refused — by ``notice``, by
``notice --preview`` and by the action that issues it, with one Chinese message naming the template
and the paragraph, and nothing written — and ``template install`` refuses it up front. A template
opened and re-saved in LibreOffice renders into a valid package, with no duplicate entries and
nothing printed in English.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import commit_by_hand, refused_untouched
from docx import Document

from disputectl.resources import resource_dir

RESULT = "文书模板“处理结果告知书”（templates/result.docx）"
NOT_ISSUED = "，未出具文书。"
NOT_INSTALLED = "，未启用该模板。"

# (the tag of paragraph 7 of the default result template as broken, what the message says)
BROKEN = {
    "missing_brace": ("{{ payer_name }", "第7段（“{{ payer_name }：”）：标签“{{ payer_name }：”缺少结尾的“}}”"),
    "unclosed_block": (
        "{% if payer_name %}{{ payer_name }}",
        "第7段（“{% if payer_name %}{{ payer_name }}：”）：“{% if payer_name %}”没有对应的“{% endif %}”",
    ),
    "unknown_filter": (
        "{{ payer_name|nosuch }}",
        "第7段（“{{ payer_name|nosuch }}：”）：标签“{{ payer_name|nosuch }}”使用了不存在的过滤器“nosuch”",
    ),
}


def ok(result: Any) -> str:
    assert result.exit_code == 0, result.output
    return str(result.output)


def result_template(old: str, new: str) -> bytes:
    """The default result template with ``old`` replaced by ``new`` in the first run holding it."""
    document = Document(str(resource_dir("templates") / "result.docx"))
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            if old in run.text:
                run.text = run.text.replace(old, new, 1)
                buffer = io.BytesIO()
                document.save(buffer)
                return buffer.getvalue()
    raise AssertionError(f"{old} is not in the default result template")


def concluded(cli: Callable[..., Any], register: Callable[..., str]) -> str:
    case = register()
    ok(cli("route", case, "--self", as_="sw-registrar"))
    ok(cli("conclude", case, "--facts", "经核查，事实清楚。", "--basis", "《中华人民共和国社会保险法》第十二条。",
           "--decision", "维持原核定结果。", as_="sw-handler"))
    return case


refused = refused_untouched


def without_english(text: str) -> None:
    """No English words in what the user sees (tags quoted from the template aside)."""
    bare = re.sub(r"\S*/\S*|\S+\.docx", "", re.sub(r"“[^”]*”", "", text))  # quoted tags, paths in the store
    assert not re.search(r"[A-Za-z]{3,}", bare), text


@pytest.mark.parametrize("name", list(BROKEN))
def test_a_broken_store_template_issues_nothing(name: str, cli, store, register) -> None:
    tag, problem = BROKEN[name]
    case = concluded(cli, register)
    # put there by hand (or by an older version of the tool): the notice still refuses it
    commit_by_hand(store, {"templates/result.docx": result_template("{{ payer_name }}", tag)})
    message = RESULT + problem + NOT_ISSUED
    for args in (("notice", case, "result"), ("notice", case, "result", "--preview")):
        stderr = refused(cli, store, *args, as_="sw-handler")
        assert message in stderr, stderr
        assert stderr.count("文书模板") == 1
        without_english(stderr)
    stderr = refused(cli, store, "reply", case, "--method", "邮寄", "--date", "2026-11-26", as_="sw-handler")
    assert message in stderr, stderr


@pytest.mark.parametrize("name", list(BROKEN))
def test_template_install_refuses_a_broken_template(name: str, cli, store) -> None:
    tag, problem = BROKEN[name]
    source = store.parent / "我的模板.docx"
    source.write_bytes(result_template("{{ payer_name }}", tag))
    stderr = refused(cli, store, "template", "install", "result", str(source), as_="bgs-admin")
    assert "文书模板“处理结果告知书”（我的模板.docx）" + problem + NOT_INSTALLED in stderr, stderr
    without_english(stderr)


def test_a_half_tag_that_would_swallow_text_is_refused(cli, store, register) -> None:
    """``{{ x|text_part }`` (one brace missing) used to render, silently without the remedy paragraphs."""
    case = concluded(cli, register)
    commit_by_hand(store, {"templates/result.docx": result_template("{{ x|text_part }}", "{{ x|text_part }")})
    stderr = refused(cli, store, "notice", case, "result", as_="sw-handler")
    assert (RESULT + "第23段（“{{ x|heading_part }}{{ x|text_part }”）：标签“{{ x|text_part }”缺少结尾的“}}”"
            + NOT_ISSUED) in stderr, stderr


def test_text_that_does_not_reach_the_notice_is_refused(cli, store, register) -> None:
    """docxtpl replaces a paragraph holding ``{%p … %}`` by the tag alone: the text beside it would be lost."""
    case = concluded(cli, register)
    # the block is closed in a paragraph of its own, so the template parses
    document = Document(io.BytesIO(result_template("特此告知。", "特此告知。{%p if case_id %}")))
    document.add_paragraph("{%p endif %}")
    buffer = io.BytesIO()
    document.save(buffer)
    commit_by_hand(store, {"templates/result.docx": buffer.getvalue()})
    stderr = refused(cli, store, "notice", case, "result", as_="sw-handler")
    assert RESULT + "第25段（“特此告知。{%p if case_id %}”）：文字“特此告知。”没有出现在生成的文书中" + NOT_ISSUED in stderr
    without_english(stderr)


def test_an_undefined_name_is_named_with_its_paragraph(cli, store, register) -> None:
    case = concluded(cli, register)
    commit_by_hand(store, {"templates/result.docx": result_template("{{ payer_name }}", "{{ nosuch }}")})
    stderr = refused(cli, store, "notice", case, "result", "--preview", as_="sw-handler")
    assert RESULT + "第7段（“{{ nosuch }}：”）：使用了未提供的内容“nosuch”" + NOT_ISSUED in stderr, stderr


def test_a_good_store_template_still_issues(cli, store, register) -> None:
    case = concluded(cli, register)
    source = store.parent / "result.docx"
    source.write_bytes(result_template("特此告知。", "特此告知{{ '。' if case_id else '' }}"))
    ok(cli("template", "install", "result", str(source), as_="bgs-admin"))
    output = ok(cli("notice", case, "result", as_="sw-handler"))
    assert "社争结〔2026〕1号" in output


# --- LibreOffice round trip -----------------------------------------------------------------


def libreoffice_resave(source: Path, folder: Path, target: str) -> Path:
    """``source`` opened and saved again by LibreOffice with the filter ``target``."""
    home = folder / "soffice-home"  # LibreOffice writes its profile there, also as root
    home.mkdir(exist_ok=True)
    out = folder / "resaved"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{folder / 'profile'}", "--headless",
                    "--convert-to", target, "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=180, env=dict(os.environ, HOME=str(home)))
    return out / source.name


@pytest.mark.timeout(300)
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not on PATH")
@pytest.mark.parametrize("target", ["docx", "docx:Office Open XML Text"])
def test_a_template_resaved_in_libreoffice_issues_a_valid_package(
    target: str, cli, store, register, tmp_path: Path
) -> None:
    case = concluded(cli, register)
    original = tmp_path / "result.docx"
    shutil.copy(resource_dir("templates") / "result.docx", original)
    resaved = libreoffice_resave(original, tmp_path, target)
    ok(cli("template", "install", "result", str(resaved), as_="bgs-admin"))
    # in a process of its own, as an officer runs it: whatever is printed (warnings too) is seen
    issued_run = subprocess.run([sys.executable, "-m", "disputectl", "notice", case, "result", "--store", str(store),
                                 "--as", "sw-handler"], capture_output=True, text=True, timeout=120)
    assert issued_run.returncode == 0, issued_run.stdout + issued_run.stderr
    assert "Warning" not in issued_run.stderr + issued_run.stdout
    assert issued_run.stderr == ""
    without_english(issued_run.stdout)
    issued = next((store / "cases").rglob("*结〔2026〕1号 处理结果告知书.docx"))
    with zipfile.ZipFile(issued) as package:
        names = package.namelist()
        assert package.testzip() is None
    assert len(names) == len(set(names)), names
    assert names.count("docProps/core.xml") == 1
    text = [p.text for p in Document(str(issued)).paragraphs]
    assert "示例科技有限公司：" in text
    assert "一、基本事实" in text
    assert "经核查，事实清楚。" in text
    assert "特此告知。" in text
    assert not any("{{" in p or "{%" in p for p in text)
