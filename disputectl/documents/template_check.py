"""A notice template read paragraph by paragraph: every tag must parse, every paragraph's text must arrive.

docxtpl renders a whole part (the body, a header, a footer) as one Jinja template made from its XML, and
repairs what comes out with a forgiving XML parser: a tag missing a brace can swallow the paragraphs
after it and the notice still renders, without them. So before rendering, each part is rebuilt here as
plain text, one line per paragraph, and checked: no half tag, every block closed, every expression
parsed, every filter known. After rendering, the text each paragraph holds outside any block (``if``,
``for`` …) must be found in the output, in order. A problem names the paragraph (its number in the
part and its opening text) and the tag, in Chinese.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docx.document import Document
    from jinja2 import Environment, TemplateSyntaxError, nodes

OPENING = 40  # characters of a paragraph's text quoted to name it
# a whole tag: from its opening to the first closing, with no other tag opening in between
_TAG = re.compile(r"\{\{(?:(?!\{\{|\{%).)*?\}\}|\{%(?:(?!\{\{|\{%).)*?%\}|\{#.*?#\}")
_PAIRS = (("{{", "}}"), ("{%", "%}"), ("{#", "#}"))
_DOCXTPL_LEVEL = re.compile(r"^\{([{%#])(?:p|tr|tc|r) ")  # {%p if … %}: docxtpl puts the tag in place of the paragraph
_DOCXTPL_ONLY = re.compile(r"^\{%\s*(?:colspan\s|cellbg\s|vm\s*%|hm\s*%)")  # docxtpl's own cell tags, not Jinja
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})  # docxtpl reads Word's quotes in a tag as plain ones
_BLOCKS = frozenset({"if", "for", "macro", "call", "filter", "with", "autoescape", "block", "trans"})
_TOKEN_NAMES = {"end of print statement": "}}", "end of statement block": "%}", "end of template": "段落结尾",
                "end of comment": "#}", "begin of print statement": "{{", "begin of statement block": "{%"}
_PART_NAMES = {"header": "页眉", "footer": "页脚"}


class TemplateProblem(Exception):
    """What is wrong with a template, in Chinese, starting with the paragraph it is in."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


@dataclass(frozen=True)
class Paragraph:
    part: str  # "" for the body, else 页眉 / 页脚 (with its number when there are several)
    number: int  # from 1, within its part
    text: str  # as typed: its w:t texts joined

    @property
    def where(self) -> str:
        opening = self.text.strip()
        shown = opening[:OPENING] + ("…" if len(opening) > OPENING else "")
        return f"{self.part}第{self.number}段（“{shown}”）"

    def problem(self, detail: str) -> TemplateProblem:
        return TemplateProblem(f"{self.where}：{detail}")

    def tags(self) -> list[str]:
        """Its tags as typed, docxtpl's own cell tags left out."""
        return [m.group(0) for m in _TAG.finditer(self.text) if not _DOCXTPL_ONLY.match(m.group(0))]


@dataclass
class _Part:
    paragraphs: list[Paragraph]
    tree: nodes.Template | None = None
    expected: list[tuple[Paragraph, str]] = field(default_factory=list)  # text outside any block, in order


def _jinja(tag: str) -> str:
    """A tag as Jinja reads it once docxtpl has prepared it."""
    if _DOCXTPL_ONLY.match(tag):
        return ""
    tag = _DOCXTPL_LEVEL.sub(r"{\1 ", tag)
    return tag[:2] + tag[2:-2].translate(_QUOTES) + tag[-2:]


def _line(paragraph: Paragraph) -> str:
    return _TAG.sub(lambda m: _jinja(m.group(0)), paragraph.text).replace("\n", " ")


def _texts(element: Any) -> Iterator[str]:
    """The text of each paragraph under ``element`` (an lxml element), in document order."""
    from docx.oxml.ns import qn

    paragraph_tag, text_tag = qn("w:p"), qn("w:t")
    for p in element.iter(paragraph_tag):
        parts: list[str] = []
        for t in p.iter(text_tag):
            owner = t.getparent()
            while owner is not None and owner.tag != paragraph_tag:
                owner = owner.getparent()
            if owner is p:  # not a paragraph nested in this one (a text box)
                parts.append(t.text or "")
        yield "".join(parts)


def document_parts(document: Document) -> dict[str, list[str]]:
    """The paragraph texts of the body (key "") and of each header and footer (by part name)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    parts = {"": list(_texts(document.element.body))}
    for rel in document.part.rels.values():
        if rel.reltype in (RT.HEADER, RT.FOOTER) and not rel.is_external:
            parts[str(rel.target_part.partname)] = list(_texts(rel.target_part.element))
    return parts


def _part_label(name: str, names: list[str]) -> str:
    if not name:
        return ""
    kind = "header" if "header" in name else "footer"
    same = sorted(n for n in names if (("header" in n) == (kind == "header")) and n)
    return _PART_NAMES[kind] + (f"{same.index(name) + 1}" if len(same) > 1 else "")


class CheckedTemplate:
    """A template that passed :func:`check_document`: where a name is used, and the text its output must hold."""

    def __init__(self, parts: dict[str, _Part]) -> None:
        self._parts = parts

    def where_used(self, name: str) -> Paragraph | None:
        """The first paragraph using ``name`` as a variable or attribute."""
        from jinja2 import nodes

        for part in self._parts.values():
            if part.tree is None:
                continue
            for node in part.tree.find_all((nodes.Name, nodes.Getattr)):
                if isinstance(node, nodes.Name):
                    used = node.name if node.ctx == "load" else None  # not a loop's or a set's own name
                else:
                    used = node.attr if isinstance(node, nodes.Getattr) else None
                if used == name:
                    return _at(part.paragraphs, node.lineno)
        return None

    def check_output(self, rendered: Document) -> None:
        """Every paragraph's text outside blocks is in ``rendered``, in order; else TemplateProblem."""
        output = document_parts(rendered)
        for name, part in self._parts.items():
            text = re.sub(r"\s+", "", "".join(output.get(name, [])))
            cursor = 0
            for paragraph, expected in part.expected:
                found = text.find(expected, cursor)
                if found < 0:
                    raise paragraph.problem(f"文字“{expected[:OPENING]}”没有出现在生成的文书中")
                cursor = found + len(expected)


def check_document(document: Document, env: Environment) -> CheckedTemplate:
    """Check every part of a template (see the module's text); TemplateProblem for the first fault."""
    texts = document_parts(document)
    parts: dict[str, _Part] = {}
    for name, lines in texts.items():
        label = _part_label(name, list(texts))
        part = _Part([Paragraph(label, i, text) for i, text in enumerate(lines, 1)])
        _check_part(part, env)
        parts[name] = part
    return CheckedTemplate(parts)


def _at(paragraphs: list[Paragraph], lineno: int) -> Paragraph:
    return paragraphs[min(max(lineno, 1), len(paragraphs)) - 1]


def _check_part(part: _Part, env: Environment) -> None:
    from jinja2 import TemplateSyntaxError

    for paragraph in part.paragraphs:
        _half_tags(paragraph)
    source = "\n".join(_line(p) for p in part.paragraphs)
    if "{" not in source:
        part.expected = _static(part.paragraphs)
        return
    for paragraph in part.paragraphs:
        for tag in paragraph.tags():
            if tag.startswith("{{"):
                _expression(paragraph, tag, env)
    try:
        part.expected = _blocks(part.paragraphs, env, source)
        part.tree = env.parse(source)
    except TemplateSyntaxError as exc:
        paragraph = _at(part.paragraphs, exc.lineno)
        quoted = re.findall(r"'([^']+)'", exc.message or "")
        tag = next((t for t in paragraph.tags() if t.startswith("{%") and any(q in t for q in quoted)), "")
        raise paragraph.problem((f"标签“{tag}”" if tag else "标签") + f"写法有误（{chinese(exc)}）") from None
    _names(part, env)


def _static(paragraphs: list[Paragraph]) -> list[tuple[Paragraph, str]]:
    return [(p, re.sub(r"\s+", "", p.text)) for p in paragraphs if p.text.strip()]


def _half_tags(paragraph: Paragraph) -> None:
    """A tag missing a brace or a percent sign at either end."""
    rest = _TAG.sub("\0", paragraph.text)
    for opening, closing in _PAIRS:
        start = rest.find(opening)
        if start >= 0:
            end = rest.find("\0", start)
            half = rest[start:] if end < 0 else rest[start:end]
            raise paragraph.problem(f"标签“{half}”缺少结尾的“{closing}”")
    for opening, closing in _PAIRS:
        end = rest.find(closing)
        if end >= 0:
            start = max(rest.rfind("\0", 0, end) + 1, rest.rfind(opening[0], 0, end), 0)
            raise paragraph.problem(f"标签“{rest[start:end + 2]}”缺少开头的“{opening}”")


def _blocks(paragraphs: list[Paragraph], env: Environment, source: str) -> list[tuple[Paragraph, str]]:
    """Every block closed by its own end tag; the text outside any block, by paragraph."""
    stack: list[tuple[str, Paragraph, str]] = []  # (block, where it opens, its tag as typed)
    expected: list[tuple[Paragraph, str]] = []
    seen: dict[int, int] = {}  # paragraph number -> statement tags met in it
    tokens = list(env.lex(source))
    i = 0
    while i < len(tokens):
        lineno, kind, value = tokens[i]
        if kind == "data" and not stack:
            for offset, piece in enumerate(value.split("\n")):
                if piece.strip():
                    expected.append((_at(paragraphs, lineno + offset), re.sub(r"\s+", "", piece)))
        elif kind == "block_begin":
            inner = []
            i += 1
            while i < len(tokens) and tokens[i][1] != "block_end":
                if tokens[i][1] not in ("whitespace",):
                    inner.append(tokens[i][1:])
                i += 1
            paragraph = _at(paragraphs, lineno)
            statements = [t for t in paragraph.tags() if t.startswith("{%")]
            index = seen.get(paragraph.number, 0)
            seen[paragraph.number] = index + 1
            typed = statements[index] if index < len(statements) else ""
            _statement(inner, paragraph, typed, stack)
        i += 1
    if stack:
        block, paragraph, typed = stack[-1]
        raise paragraph.problem(f"“{typed}”没有对应的“{{% end{block} %}}”")
    return expected


def _statement(inner: list[tuple[str, str]], paragraph: Paragraph, typed: str,
               stack: list[tuple[str, Paragraph, str]]) -> None:
    name = inner[0][1] if inner and inner[0][0] == "name" else ""
    if name in _BLOCKS or (name == "set" and ("operator", "=") not in inner):
        stack.append((name, paragraph, typed))
    elif name.startswith("end") and name[3:] in _BLOCKS | {"set"}:
        if not stack:
            raise paragraph.problem(f"“{typed}”前面没有对应的“{{% {name[3:]} … %}}”")
        block, opened, opening = stack[-1]
        if block != name[3:]:
            raise paragraph.problem(f"“{typed}”与{opened.where}的“{opening}”不配对，"
                                    f"应先用“{{% end{block} %}}”结束“{opening}”")
        stack.pop()
    elif name in ("else", "elif") and not any(block in ("if", "for") for block, _, _ in stack):
        raise paragraph.problem(f"“{typed}”前面没有对应的“{{% if … %}}”")


def _expression(paragraph: Paragraph, tag: str, env: Environment) -> None:
    from jinja2 import TemplateSyntaxError

    try:
        env.parse(_jinja(tag))
    except TemplateSyntaxError as exc:
        raise paragraph.problem(f"标签“{tag}”写法有误（{chinese(exc)}）") from None


def _names(part: _Part, env: Environment) -> None:
    """Filters and tests that exist (Jinja would only find out when the line runs)."""
    from jinja2 import nodes

    assert part.tree is not None
    for node in part.tree.find_all((nodes.Filter, nodes.Test)):
        known, what = (env.filters, "过滤器") if isinstance(node, nodes.Filter) else (env.tests, "判断")
        if node.name not in known:
            paragraph = _at(part.paragraphs, node.lineno)
            tag = next((t for t in paragraph.tags() if node.name in t), "")
            raise paragraph.problem((f"标签“{tag}”" if tag else "") + f"使用了不存在的{what}“{node.name}”")


def chinese(exc: TemplateSyntaxError) -> str:
    """Jinja's syntax error, said in Chinese."""
    message = exc.message or ""

    def token(text: str) -> str:
        return _TOKEN_NAMES.get(text, text)

    patterns: list[tuple[str, Any]] = [
        (r"unexpected char (['\"])(.+)\1 at", lambda m: f"有不能识别的字符“{m.group(2)}”（引号要成对）"
         if m.group(2) in "'\"" else f"有不能识别的字符“{m.group(2)}”"),
        (r"unexpected end of (template|print statement|statement block)", lambda m: "标签没有写完"),
        (r"unexpected '(.+)'", lambda m: f"多出了“{token(m.group(1))}”"),
        (r"expected token '(.+)', got '(.+)'", lambda m: f"在“{token(m.group(2))}”处应为“{token(m.group(1))}”"),
        (r"Expected an expression, got '(.+)'", lambda m: f"在“{token(m.group(1))}”处缺少内容"),
        (r"Encountered unknown tag '(.+?)'", lambda m: f"没有“{m.group(1)}”这种标签"),
        (r"No filter named '(.+?)'", lambda m: f"使用了不存在的过滤器“{m.group(1)}”"),
        (r"No test named '(.+?)'", lambda m: f"使用了不存在的判断“{m.group(1)}”"),
        (r"tag name expected", lambda m: "“{%”后面缺少标签名"),
        (r"unclosed|unterminated|missing end of", lambda m: "引号或括号没有配对"),
    ]
    for pattern, say in patterns:
        match = re.search(pattern, message, re.I)
        if match:
            return str(say(match))
    return "无法识别"
