"""A quick reader for YAML in the one shape this tool writes, tried before the strict loader.

Case files are written by ``store.dump_yaml``: block mappings and block sequences, two-space
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
# key: value | key:   (keys are simple words of up to 128 characters, the writer's simple keys;
# libyaml refuses a simple key over 1024; anything else is left to libyaml)
_ENTRY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]{0,127}):(?: (.*))?\Z", re.DOTALL)
_SINGLE_QUOTED = re.compile(r"'((?:[^']|'')*)'\Z")
_PLAIN_FIRST_REFUSED = frozenset("-?:,[]{}#&*!|>'\"%@` ")
_STR = "tag:yaml.org,2002:str"
_TYPED = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
                    "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp"})


class _GiveUp(Exception):
    pass


class Reader:
    """Reads canonical YAML; ``strict`` builds a plain scalar that is not a string (rarely: the
    values are remembered, a store's files repeat the same few numbers, booleans and nulls)."""

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
        lines = text.split("\n")
        lines.pop()
        content = [line.lstrip(" ") for line in lines]
        if content[0] == "-" or content[0].startswith("- ") or len(content[0]) != len(lines[0]):
            return GIVE_UP  # the document is a mapping at the left edge
        depths = [len(line) - len(bare) for line, bare in zip(lines, content, strict=True)]
        depths.append(-1)  # the end: shallower than anything
        document = _Document(self, content, depths)
        try:
            value = document.mapping(0, None)
        except (_GiveUp, RecursionError):
            return GIVE_UP
        return value if document.at == len(lines) else GIVE_UP

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
        if len(self.plain) > 100_000:
            self.plain.clear()
        self.plain[text] = value
        return value


class _Document:
    """One file being read: its lines' contents and depths, and the line reached."""

    def __init__(self, reader: Reader, contents: list[str], depths: list[int]) -> None:
        self.reader = reader
        self.contents = contents
        self.depths = depths
        self.at = 0

    def mapping(self, indent: int, first: re.Match[str] | None) -> dict[Any, Any]:
        """Entries at ``indent``; ``first`` is an entry already read after a sequence's dash."""
        mapping: dict[Any, Any] = {}
        depths, contents, plain = self.depths, self.contents, self.reader.plain
        while True:
            if first is not None:
                match, first = first, None
            else:
                depth = depths[self.at]
                if depth < indent:
                    return mapping
                if depth > indent:
                    raise _GiveUp  # a value going on on this line, or an indent this writer never makes
                content = contents[self.at]
                if content[0] == "-" and (content == "-" or content[1] == " "):
                    return mapping  # the next item of the sequence this mapping sits in
                found = _ENTRY.match(content)
                if found is None:
                    raise _GiveUp
                match = found
            word, rest = match.groups()
            key = plain.get(word, GIVE_UP)
            if key is GIVE_UP:
                key = self.reader.plain_scalar(word)
            if key in mapping or not isinstance(key, str | int):
                raise _GiveUp
            self.at += 1
            if rest is None:
                mapping[key] = self._nested(indent)
                continue
            value = plain.get(rest, GIVE_UP)
            mapping[key] = self._value(rest) if value is GIVE_UP else value

    def _nested(self, indent: int) -> Any:
        """The value of ``key:`` with nothing after it: a block below, or null."""
        depth = self.depths[self.at]
        if depth < 0:
            return None
        content = self.contents[self.at]
        is_item = content[0] == "-" and (content == "-" or content[1] == " ")
        if depth == indent and is_item:
            return self._sequence(indent)  # dump_yaml's sequence under a key, at the key's indent
        if depth <= indent:
            return None
        if is_item:
            return self._sequence(depth)
        return self.mapping(depth, None)

    def _sequence(self, indent: int) -> list[Any]:
        items: list[Any] = []
        depths, contents = self.depths, self.contents
        while True:
            depth = depths[self.at]
            if depth < indent:
                return items
            if depth > indent:
                raise _GiveUp  # an item going on on this line, or an indent this writer never makes
            content = contents[self.at]
            if not content.startswith("- "):
                return items
            rest = content[2:]
            entry = _ENTRY.match(rest)
            if entry is not None:
                items.append(self.mapping(indent + 2, entry))
                continue
            self.at += 1
            items.append(self._value(rest))

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
            return match.group(1).replace("''", "'")
        return self.reader.plain_scalar(text)
