"""A quick reader for YAML in the one shape this tool writes, tried before the strict loader.

Case files are written by ``store_files.dump_yaml``: block mappings and block sequences, two-space
indent, a sequence under a key at the key's own indent, one scalar per line, plain or in single
quotes, ``[]`` and ``{}`` for empty collections. Read by libyaml, composing and walking the node
tree of such a file costs about 1 ms, most of a cold rebuild of the index; this reader takes the
same file line by line in a fraction of that.

It accepts nothing outside that shape. A comment, a blank line, a tab, a flow collection, an
anchor, a tag, a double-quoted, multi-line or block scalar, a duplicate key, an unusual key, a
character YAML does not allow... and it gives up (returns ``GIVE_UP``): the strict loader then
reads the file and gives the same result, or the same message, as ever. Plain scalars are typed
by PyYAML's own resolver, and any that is not a string is built by the strict loader, so ``1``,
``true``, ``null`` and ``2026-11-26`` mean what they mean to it. Tests compare both readers on
the files the tool writes, on hand-written ones and on thousands of damaged ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

GIVE_UP: Any = object()

# What YAML allows in a document (no C0/C1 controls, no surrogates, no U+FFFE/FFFF), less what
# this reader leaves to libyaml: tab, CR, NEL and the Unicode line and paragraph separators, BOM.
_OUTSIDE = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
# Every line, split in one pass: (indent, "- " or "", "-" alone or "", key, value after "key: ", the
# rest of any other line). Keys are simple words of up to 128 characters, the writer's simple keys
# (libyaml refuses a simple key over 1024); a line that is no "key:" is left to the value reader.
_LINE = re.compile(r"^( *)(?:(- )|(-)$)?(?:([A-Za-z_][A-Za-z0-9_.-]{0,127}):(?: (.*))?$|(.*)$)", re.MULTILINE)
# after the last line: shallower than a nested block, no item, no key (ends every loop)
_END = ("", "end", "", "", "", "")
_SINGLE_QUOTED = re.compile(r"'((?:[^']|'')*)'\Z")
_PLAIN_FIRST_REFUSED = frozenset("-?:,[]{}#&*!|>'\"%@` ")
_STR = "tag:yaml.org,2002:str"
_TYPED = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
                    "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp"})


class _GiveUp(Exception):
    pass


class Reader:
    """Reads canonical YAML; ``strict`` builds a plain scalar that is not a string (rarely: the
    scalars read are remembered by their text, plain or quoted, and a store's files repeat the
    same few numbers, booleans, nulls, keys and dates)."""

    def __init__(self, strict: Callable[[str], Any]) -> None:
        import yaml

        self._resolve = yaml.resolver.Resolver().resolve
        implicit = yaml.resolver.Resolver.yaml_implicit_resolvers
        # first characters some implicit type starts with (y, t, n, digits, ., ~, ...): a plain
        # scalar starting otherwise is a string, as the resolver would find it
        self._typed_first = None if implicit.get(None) else frozenset(k for k in implicit if k)
        self._scalar_node = yaml.ScalarNode
        self._strict = strict
        self.plain: dict[str, Any] = {}

    def load(self, data: bytes) -> Any:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return GIVE_UP
        # a last line break, no blank lines, no trailing spaces, only characters left to this reader
        if not text.endswith("\n") or "\n\n" in text or " \n" in text or text[0] == "\n" or _OUTSIDE.search(text):
            return GIVE_UP
        lines = _LINE.findall(text)
        lines[-1] = _END  # the empty match after the last line break
        first = lines[0]
        if first[0] or first[1] or first[2]:
            return GIVE_UP  # the document is a mapping at the left edge
        document = _Document(self, lines)
        try:
            value = document.mapping(0, "", "")
        except (_GiveUp, RecursionError):
            return GIVE_UP
        return value if document.at == len(lines) - 1 else GIVE_UP

    # -- scalars ------------------------------------------------------------------------------
    def plain_scalar(self, text: str) -> Any:
        known = self.plain.get(text, GIVE_UP)
        if known is not GIVE_UP:
            return known
        if not text or text[0] in _PLAIN_FIRST_REFUSED or ": " in text or " #" in text or text.endswith(":"):
            raise _GiveUp
        typed_first = self._typed_first
        if typed_first is not None and text[0] not in typed_first:
            tag = _STR
        else:
            tag = self._resolve(self._scalar_node, text, (True, False))
        if tag == _STR:
            value: Any = text
        elif tag in _TYPED:
            try:
                value = self._strict(text)
            except Exception:  # noqa: BLE001 - the strict loader says what is wrong, for the whole file
                raise _GiveUp from None
        else:
            raise _GiveUp
        self.remember(text, value)
        return value

    def remember(self, text: str, value: Any) -> None:
        """Keep a scalar read (a string, number, boolean or null: never a collection) for its text."""
        if len(self.plain) > 100_000:
            self.plain.clear()
        self.plain[text] = value


class _Document:
    """One file being read: its lines (as ``_LINE`` splits them) and the line reached."""

    def __init__(self, reader: Reader, lines: list[tuple[str, str, str, str, str, str]]) -> None:
        self.reader = reader
        self.lines = lines
        self.at = 0

    def mapping(self, indent: int, word: str, rest: str) -> dict[Any, Any]:
        """Entries at ``indent``; ``word`` and ``rest``: an entry already read after a sequence's dash."""
        mapping: dict[Any, Any] = {}
        lines, plain = self.lines, self.reader.plain
        at = self.at
        while True:
            if word:
                at += 1
            else:
                spaces, dash, alone, word, rest, _ = lines[at]
                if len(spaces) != indent:
                    if len(spaces) < indent:
                        break
                    raise _GiveUp  # a value going on on this line, or an indent this writer never makes
                if dash or alone:
                    break  # the next item of the sequence this mapping sits in (or the end)
                if not word:
                    raise _GiveUp
                at += 1
            key = plain.get(word, GIVE_UP)
            if key is GIVE_UP:
                key = self.reader.plain_scalar(word)
            if key in mapping or not isinstance(key, str | int):
                raise _GiveUp
            if rest:
                value = plain.get(rest, GIVE_UP)
                mapping[key] = self._value(rest) if value is GIVE_UP else value
            else:
                self.at = at
                mapping[key] = self._nested(indent)
                at = self.at
            word = ""
        self.at = at
        return mapping

    def _nested(self, indent: int) -> Any:
        """The value of ``key:`` with nothing after it: a block below, or null."""
        spaces, dash, alone, _, _, _ = self.lines[self.at]
        depth = len(spaces)
        is_item = dash == "- " or alone
        if depth == indent and is_item:
            return self._sequence(indent)  # dump_yaml's sequence under a key, at the key's indent
        if depth <= indent:
            return None
        if is_item:
            return self._sequence(depth)
        return self.mapping(depth, "", "")

    def _sequence(self, indent: int) -> list[Any]:
        items: list[Any] = []
        lines = self.lines
        while True:
            spaces, dash, _, word, rest, bare = lines[self.at]
            if len(spaces) != indent:
                if len(spaces) < indent:
                    return items
                raise _GiveUp  # an item going on on this line, or an indent this writer never makes
            if dash != "- ":
                return items
            if word:
                items.append(self.mapping(indent + 2, word, rest))
            else:
                self.at += 1
                items.append(self._value(bare))

    def _value(self, text: str) -> Any:
        """A value written at its line's end: ``[]``, ``{}``, single-quoted or plain."""
        if text == "[]":
            return []
        if text == "{}":
            return {}
        if text[:1] == "'":
            match = _SINGLE_QUOTED.match(text)
            if match is None:
                raise _GiveUp
            value = match.group(1).replace("''", "'")
            self.reader.remember(text, value)  # dates repeat: no plain scalar starts with a quote
            return value
        return self.reader.plain_scalar(text)
