"""Issue 21: no English word, no ``None``, no placeholder in anything the CLI prints.

Every command's ``--help`` (found by walking the app, so a new command is covered the day it is
added) and a catalogue of runs — mostly bad input, also the reports and read-outs — must read in
Chinese: the only Latin words allowed are codes, ids, option and command names, file names, tool
names and the values a user types. A new English word in a message makes this test fail; extend
the sets below only for a genuine code or name, saying why.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from conftest import EMPLOYER, commit_by_hand, field_args, invoke, isolate

from disputectl.cli.main import app
from disputectl.documents.notices import KINDS as NOTICE_KINDS
from disputectl.oversight.common import GROUPINGS
from disputectl.rules.config import ROLES
from disputectl.rules.derive import CLOCK_LABELS
from disputectl.rules.validation import PAYER_KINDS
from disputectl.rules.workflow import STATUSES
from disputectl.trust.sealing import SUITE_ALIASES

# -- what may be printed in Latin letters ------------------------------------------------------------

# Names with no Chinese of their own: tools, formats, algorithms, shells, units of measure.
PRODUCT_NAMES = frozenset({
    "git", "disputectl", "SSH", "ssh-ed25519", "ed25519", "ssh-keygen", "ssh-agent", "pipx", "LibreOffice",
    "SM4-GCM", "AES-256-GCM", "HMAC-SM3", "HMAC-SHA-256", "SHA-256", "SM3", "HTML", "JSON", "CSV", "YAML",
    "Excel", "UTF-8", "GBK", "SQLite", "bash", "zsh",
    "pre-receive",  # git's name for the server-side hook verify --install-hook writes
    "MB",  # 兆字节: the unit symbol used as such in Chinese text
    "PDF",  # the print-ready format notice --pdf writes
})
# Environment variables a user sets.
ENV_VARS = frozenset({"DISPUTECTL_STORE", "DISPUTECTL_OFFICER", "DISPUTECTL_NOW", "COLUMNS", "NO_COLOR",
                      "XDG_CONFIG_HOME"})
# Files named without an extension, and extensions (alone, as in ``--format xlsx``, or ending a name).
FILE_NAMES = frozenset({"README", "allowed_signers", "cases"})  # cases: the default store folder
EXTENSIONS = frozenset({"xlsx", "csv", "docx", "pdf", "yaml", "yml", "html", "json", "pub", "log", "age", "md", "txt",
                        "sha256", "lock"})  # sha256: checksum manifests; lock: git lock files doctor removes
# Codes a user types as values (the help lists them, a refusal names the valid ones): payer kinds,
# statuses (``list --status``), roles (``officer add --roles``), notice kinds (``notice CASE kind``),
# clocks (``explain CASE clock``), statistics groupings (``stats --by``), ciphers (``--cipher``),
# the default remote's name (``--remote``).
TYPED_CODES = frozenset({*PAYER_KINDS, *STATUSES, *ROLES, *NOTICE_KINDS, *CLOCK_LABELS, *GROUPINGS, *SUITE_ALIASES,
                         "origin"})
# Settings as ``config set`` takes them: clocks.handle, units.SW.name, privacy.reveal_roles …
CONFIG_PATH = re.compile(r"(clocks|units|regions|categories|privacy|policy|notice_prefixes)(\.[A-Za-z0-9_]+)+")
# Unit and region codes of the default configuration (and BQ, the help's example of a new region).
PLACE_CODES = frozenset({"SW", "RS", "YB", "ZF", "SF", "XF", "SP", "BGS", "PT", "SBJ", "DQ", "XQ", "NX", "BQ"})
# Keys of a file the user writes, named in the help: ``year:`` of a holiday file (``calendar import``).
FILE_KEYS = frozenset({"year"})
# More keys, allowed only in the runs that read or report them (``Run.allow``).
CALENDAR_KEYS = ("year", "holidays", "workdays", "date", "from", "to", "name")
TRAILER_KEYS = ("Case", "Action", "Actor", "Unit", "Action-Id")  # of a commit message, as git log shows them
# Case numbers (SW-20261126-001), 档号 (J001-WS·2026-D30-SW-0001), platform numbers: capitals and digits.
CODE = re.compile(r"(?=[A-Z0-9-]*\d)[A-Z0-9]+(?:-[A-Z0-9]+)+")
# Masked identifiers and telephone numbers: 9111**********341L.
MASKED = re.compile(r"[0-9A-Z]*\*{2,}[0-9A-Z]+")
# A git command line for the user to type (``git -C 案件库 remote add origin 远端地址``, ``git show``).
GIT_LINE = re.compile(r"\bgit(?: -C \S+)? (?:remote(?: add)?|commit|show|log|verify-commit|init --bare)\b")
COMMIT_ID = re.compile(r"(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}")  # git commit and action numbers

# Never acceptable, whatever the allow-list says: Python leaking through.
FORBIDDEN = (
    (re.compile(r"\b(None|True|False|Traceback|Error|Exception)\b"), "Python 的值或异常"),
    (re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}|\{\}"), "未填入的占位符"),
    (re.compile(r"<[A-Za-z_]+>"), "英文类型名"),
    (re.compile(r"'[^'\n]*[A-Za-z][^'\n]*'"), "Python 式引号"),
)

_TOKEN = re.compile(r"[A-Za-z0-9_.~/@+:=,*-]*[A-Za-z][A-Za-z0-9_.~/@+:=,*-]*")


def _walk(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, command
    for name, sub in sorted((getattr(command, "commands", None) or {}).items()):
        yield from _walk(sub, (*path, name))


COMMANDS = list(_walk(typer.main.get_command(app)))
COMMAND_NAMES = frozenset(word for path, _ in COMMANDS for word in path)
OPTION_NAMES = frozenset(name for _, command in COMMANDS for param in command.params
                         for name in (*param.opts, *param.secondary_opts) if name.startswith("-"))
OPTION_NAMES |= {"--help", "--install-completion", "--show-completion"}


def _allowed(word: str, typed: frozenset[str]) -> bool:
    if word in typed:
        return True  # what the officer typed, quoted back
    if word.startswith("-"):
        return word in OPTION_NAMES
    _, dot, ext = word.rpartition(".")
    if dot and ext in EXTENSIONS:  # a file name, or an extension (.xlsx)
        return True
    return (word in PRODUCT_NAMES or word in ENV_VARS or word in FILE_NAMES or word in EXTENSIONS
            or word in TYPED_CODES or word in COMMAND_NAMES or word in PLACE_CODES or word in FILE_KEYS
            or bool(CODE.fullmatch(word) or MASKED.fullmatch(word) or COMMIT_ID.fullmatch(word)
                    or CONFIG_PATH.fullmatch(word)))


def _typed_words(args: Sequence[str]) -> frozenset[str]:
    words = set(args)
    for arg in args:
        for token in _TOKEN.findall(arg):
            words.update(re.split(r"[,:=]", token.strip(".,:=")))
    return frozenset(words)


def english_in(text: str, args: Sequence[str] = (), codes: frozenset[str] = frozenset()) -> list[str]:
    """The Latin words and Python leftovers in ``text`` that no rule above allows (``args``: the
    command line, whose words may be quoted back; ``codes``: the store's officer ids and settings)."""
    problems = [f"{what}：{m.group()}" for pattern, what in FORBIDDEN for m in pattern.finditer(text)]
    typed = _typed_words(args) | codes
    for token in _TOKEN.findall(GIT_LINE.sub("git", text)):
        token = token.rstrip(".,:=-")
        if "/" in token:  # a path (~/.config/disputectl/keys/, cases/2026/11/26/…)
            continue
        for word in re.split(r"[,:=]", token):
            word = word.rstrip(".-")
            if re.search(r"[A-Za-z]", word) and not _allowed(word, typed):
                problems.append(word)
    return problems


def test_the_check_catches_what_it_should() -> None:
    assert english_in("错误：没有找到案件 SW-20261126-001。") == []
    assert english_in("用 --store 指明；见 README，导出为 台账.xlsx，git 提交 3fa9c0d1e2。") == []
    assert english_in("单位“XX”无效", ["list", "--unit", "XX"]) == []
    assert english_in("Invalid value for case") == ["Invalid", "value", "for", "case"]
    assert english_in("期限：None") == ["Python 的值或异常：None", "None"]
    assert english_in("已出具{kind}") == ["未填入的占位符：{kind}", "kind"]
    assert english_in("'abc' 不是有效的整数") == ["Python 式引号：'abc'", "abc"]
    assert english_in("--path <path>") == ["英文类型名：<path>", "--path", "path"]
    assert english_in("请运行 git -C 〔目录〕/store remote add origin 远端地址") == []
    assert english_in("git push failed") == ["push", "failed"]


def _no_english(output: str, args: Sequence[str] = (), codes: frozenset[str] = frozenset()) -> None:
    problems = english_in(output, args, codes)
    assert not problems, f"{'、'.join(problems)}\n{output}"


# -- every command's help ----------------------------------------------------------------------------

@pytest.mark.parametrize("path", [path for path, _ in COMMANDS], ids=lambda p: " ".join(p) or "disputectl")
def test_help_is_chinese(path: tuple[str, ...]) -> None:
    result = invoke(*path, "--help")
    assert result.exit_code == 0, result.output
    _no_english(result.output)


@pytest.mark.parametrize("path", [path for path, command in COMMANDS if getattr(command, "commands", None)],
                         ids=lambda p: " ".join(p) or "disputectl")
def test_a_group_without_its_command_says_so_in_chinese(path: tuple[str, ...]) -> None:
    result = invoke(*path)
    assert result.exit_code == 2
    assert "缺少子命令" in result.output, result.output
    _no_english(result.output)


LEAVES = [(path, command) for path, command in COMMANDS if not getattr(command, "commands", None)]


@pytest.mark.parametrize("path", [path for path, _ in LEAVES], ids=" ".join)
def test_an_unknown_option_is_told_in_chinese(path: tuple[str, ...]) -> None:
    result = invoke(*path, "--no-such-option")
    assert result.exit_code == 2
    assert "没有选项 --no-such-option" in result.output, result.output
    _no_english(result.output, ["--no-such-option"])


@pytest.mark.parametrize("path", [path for path, command in LEAVES if any(p.required for p in command.params)],
                         ids=" ".join)
def test_a_missing_argument_or_option_is_named_in_chinese(path: tuple[str, ...]) -> None:
    result = invoke(*path)
    assert result.exit_code == 2
    assert "缺少" in result.output, result.output
    _no_english(result.output)


# -- a store with a case in every status -------------------------------------------------------------

DECISION = ["--facts", "经核查", "--basis", "有关规定", "--decision", "维持原核定"]
CONCLUDED = [("route", ["--self"], "sw-registrar"), ("conclude", DECISION, "sw-handler")]
REPLIED = [*CONCLUDED, ("reply", ["--method", "邮寄", "--date", "2026-11-26"], "sw-handler")]
COORDINATING = [("route", ["--office", "--reason", "多部门"], "sw-registrar")]
AWAITING = [*COORDINATING, ("triage-major", ["--reason", "重大疑难"], "bgs-office")]
# Each case, reached through the CLI after registration by sw-registrar: (command, args, officer).
CASES: dict[str, list[tuple[str, list[str], str]]] = {
    "registered": [],
    "transferred": [("route", ["--to", "RS", "--reason", "转人社"], "sw-registrar")],
    "handling": [("route", ["--self"], "sw-registrar")],
    "extended": [("route", ["--self"], "sw-registrar"),
                 ("extend", ["--reason", "需核对台账", "--days", "10"], "sw-handler")],
    "coordinating": COORDINATING,
    "joint": [*COORDINATING, ("triage-general", ["--reason", "一般事项"], "bgs-office"),
              ("request-opinions", ["--units", "RS,YB", "--question", "请提出意见"], "bgs-office"),
              ("opinion", ["--body", "人社局意见"], "rs-handler")],
    "awaiting_approval": AWAITING,
    "at_platform": [*AWAITING, ("approve", ["--sent-date", "2026-11-26", "--platform-ref", "2026-0317"], "leader")],
    "concluded": CONCLUDED,
    "replied": REPLIED,
    "handed_over": [("hand-over", ["--authority", "仲裁委", "--reason", "不属本机制"], "sw-registrar")],
    "withdrawn": [("withdraw", ["--reason", "撤回", "--date", "2026-11-26"], "sw-registrar")],
    "archived": [*REPLIED, ("followup", ["--result", "满意", "--method", "电话"], "sw-handler"),
                 ("object", ["--channel", "行政复议", "--body", "市人民政府", "--date", "2026-11-26"], "sw-handler"),
                 ("archive", ["--retention", "30年"], "sw-archivist"),
                 ("outcome", ["--kind", "复议决定", "--body", "维持", "--date", "2026-11-26"], "sw-handler")],
}


# Files the catalogue reads: {place: (file name, text)}.
FILES = {
    "broken_yaml": ("broken.yaml", "payer_kind: [employer\nmatter: :\n"),
    "list_yaml": ("list.yaml", "- 一\n- 二\n"),
    "bad_calendar": ("2027.yaml", "year: 2027\nholidays:\n  - {date: 2027-01-01}\n  - 元旦\n  - {from: 2027-05-01}\n"
                                  "workdays:\n  - {date: 明天, name: 调休}\n  - {date: , name: 调休}\n"),
    "bad_year": ("bad-year.yaml", "year: 27\nholidays: 元旦\n"),
}


@dataclass
class World:
    root: Path
    places: dict[str, str] = field(default_factory=dict)
    codes: frozenset[str] = frozenset()  # what the officer types: officer ids, settings


def _ok(*args: str) -> str:
    result = invoke(*args)
    assert result.exit_code == 0, (args, result.output)
    return str(result.output)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, officer_keys: Path) -> Iterator[World]:
    """A demo store with a case in each status of CASES, a tampered store and FILES; built once per
    module (a few dozen commands): the catalogue only reads it or is refused, which leaves a store
    as it was."""
    root = tmp_path_factory.mktemp("no-english")
    with pytest.MonkeyPatch.context() as env:  # as each test is isolated, for the whole module
        isolate(env, root, officer_keys)
        store = root / "store"
        _ok("init", str(store), "--demo")
        places = {"store": str(store), "tmp": str(root)}
        for name, steps in CASES.items():
            shown = _ok("register", *field_args(EMPLOYER), "--no-input", "--store", str(store), "--as", "sw-registrar")
            case = shown.split("案件编号")[1].split()[0]
            for command, args, officer in steps:
                _ok(command, case, *args, "--store", str(store), "--as", officer)
            places[name] = case
        tampered = root / "tampered"
        _ok("init", str(tampered), "--demo")
        _ok("register", *field_args(EMPLOYER), "--no-input", "--store", str(tampered), "--as", "sw-registrar")
        commit_by_hand(tampered, {"disputectl.yaml": b"city: x\n"}, "hand edit")
        places["tampered"] = str(tampered)
        (root / "plain").mkdir()
        places["plain"] = str(root / "plain")
        for place, (name, text) in FILES.items():
            (root / name).write_text(text, encoding="utf-8")
            places[place] = str(root / name)
        yield World(root, places, _store_codes(store))


def _store_codes(store: Path) -> frozenset[str]:
    """What the officer types that is the store's own: officer ids (--as), the settings' keys (config set)."""
    officers = {o["id"] for o in json.loads(_ok("officers", "--json", "--store", str(store)))}
    return frozenset(officers | set(yaml.safe_load((store / "disputectl.yaml").read_text(encoding="utf-8"))))


# -- the catalogue -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Run:
    """One command line: ``{name}`` is a case of CASES (or store, tmp, tampered, broken_yaml …);
    ``--store {store}`` is added unless the line names a store itself."""

    name: str
    args: tuple[str, ...]
    exit: int
    as_: str | None = None
    says: str = ""  # a phrase the output must contain
    allow: tuple[str, ...] = ()  # Latin words this run may print: keys of the file it reads

    def argv(self, places: dict[str, str]) -> list[str]:
        args = [a.format(**places) for a in self.args]
        if "--store" not in self.args and self.args[0] not in ("init", "key", "clone"):
            args += ["--store", places["store"]]
        if self.as_:
            args += ["--as", self.as_]
        return args


def R(name: str, *args: str, exit: int, as_: str | None = None, says: str = "",  # noqa: N802
      allow: tuple[str, ...] = ()) -> Run:
    return Run(name, args, exit, as_, says, allow)


REG = list(field_args(EMPLOYER))
CATALOGUE = [
    # usage: the parser's own refusals
    R("no command", "nosuch", exit=2, says="没有这个命令"),
    R("extra argument", "show", "{registered}", "多余", exit=2, says="多余的参数"),
    R("option without value", "extend", "{handling}", "--store", "{store}", "--days", exit=2, says="后面需要给出一个值"),
    R("limit not a number", "list", "--limit", "abc", exit=2, says="--limit 的值“abc”不是有效的整数"),
    R("year not a number", "calendar", "add", "abc", exit=2, says="年份的值“abc”不是有效的整数"),
    R("show without case", "show", exit=2, says="缺少案件编号"),
    R("sign without case", "sign", exit=2, says="缺少案件编号"),
    R("notice without kind", "notice", "{registered}", exit=2, says="缺少文书种类"),
    R("report without --html", "report", exit=2, says="缺少选项 --html"),
    R("export without -o", "export", exit=2, says="缺少选项 --output"),
    # the store and the officer
    R("not a store", "list", "--store", "{plain}", exit=6),
    R("store missing", "show", "{registered}", "--store", "{tmp}/nowhere", exit=6),
    R("no officer", "sign", "{transferred}", exit=3),
    R("unknown officer", "sign", "{transferred}", as_="nobody", exit=3),
    R("unknown case", "show", "SW-20990101-001", exit=5, says="没有找到案件"),
    R("malformed case id", "show", "abc", exit=5),
    R("unknown case to act on", "sign", "SW-20990101-001", as_="rs-handler", exit=5),
    # registration
    R("register: broken yaml", "register", "--from-file", "{broken_yaml}", "--no-input", as_="sw-registrar", exit=2),
    R("register: yaml not a mapping", "register", "--from-file", "{list_yaml}", "--no-input", as_="sw-registrar",
      exit=2),
    R("register: file missing", "register", "--from-file", "{tmp}/nofile.yaml", "--no-input", as_="sw-registrar",
      exit=2),
    R("register: nothing given", "register", "--no-input", as_="sw-registrar", exit=2),
    R("register: bad payer kind", "register", *REG, "--payer-kind", "company", "--no-input", as_="sw-registrar",
      exit=2),
    R("register: bad category", "register", *REG, "--category", "99", "--no-input", as_="sw-registrar", exit=2),
    R("register: bad region", "register", *REG, "--region", "ZZ", "--no-input", as_="sw-registrar", exit=2),
    R("register: bad channel", "register", *REG, "--channel", "email", "--no-input", as_="sw-registrar", exit=2),
    R("register: bad visit time", "register", *REG, "--visit-time", "tomorrow", "--no-input", as_="sw-registrar",
      exit=2),
    R("register: bad id", "register", *REG, "--payer-id", "123", "--no-input", as_="sw-registrar", exit=2),
    R("register: bad occurred", "register", *REG, "--occurred", "2026-02-30", "--no-input", as_="sw-registrar",
      exit=2),
    R("register: by a handler", "register", *REG, "--no-input", as_="rs-handler", exit=3),
    # routing and actions
    R("route: no choice", "route", "{registered}", as_="sw-registrar", exit=2),
    R("route: unknown unit", "route", "{registered}", "--to", "ZZ", "--reason", "转", as_="sw-registrar", exit=2),
    R("route: not the first officer", "route", "{registered}", "--self", as_="rs-registrar", exit=3),
    R("sign: wrong unit", "sign", "{transferred}", as_="yb-handler", exit=3),
    R("sign: not in this status", "sign", "{handling}", as_="sw-handler", exit=4),
    R("conclude: missing fields", "conclude", "{handling}", as_="sw-handler", exit=2),
    R("conclude: other unit", "conclude", "{handling}", *DECISION, as_="rs-handler", exit=3),
    R("extend: days not a number", "extend", "{handling}", "--reason", "核对", "--days", "十", as_="sw-handler", exit=2),
    R("extend: twice", "extend", "{extended}", "--reason", "核对", "--days", "5", as_="sw-handler", exit=4),
    R("reply: bad method", "reply", "{concluded}", "--method", "email", "--date", "2026-11-26", as_="sw-handler",
      exit=2),
    R("reply: bad date", "reply", "{concluded}", "--method", "邮寄", "--date", "26/11/2026", as_="sw-handler", exit=2),
    R("followup: bad result", "followup", "{replied}", "--result", "good", "--method", "电话", as_="sw-handler",
      exit=2),
    R("followup: bad method", "followup", "{replied}", "--result", "满意", "--method", "email", as_="sw-handler",
      exit=2),
    R("object: bad channel", "object", "{replied}", "--channel", "court", "--body", "法院", "--date", "2026-11-26",
      as_="sw-handler", exit=2),
    R("outcome: bad kind", "outcome", "{archived}", "--kind", "verdict", "--body", "维持", "--date", "2026-11-26",
      as_="sw-handler", exit=2),
    R("supervise: bad kind", "supervise", "{transferred}", "--kind", "urge", "--body", "请办理", as_="bgs-office",
      exit=2),
    R("archive: bad retention", "archive", "{withdrawn}", "--retention", "forever", as_="sw-archivist", exit=2),
    R("meeting: not yet", "meeting", "{coordinating}", "--date", "2026-11-26", "--place", "会议室", "--units",
      "RS,SW", "--minutes", "纪要", as_="bgs-office", exit=4),
    R("meeting: bad units", "meeting", "{joint}", "--date", "2026-11-26", "--place", "会议室", "--units",
      "RS,ZZ", "--minutes", "纪要", as_="bgs-office", exit=2),
    R("approve: not the leader", "approve", "{awaiting_approval}", "--sent-date", "2026-11-26", "--platform-ref", "1",
      as_="bgs-office", exit=3),
    R("settle: nothing to settle", "settle", "{handling}", "--keep", "abc", "--reason", "核处", as_="bgs-office",
      exit=4),
    R("note on an archived case", "note", "{archived}", "--body", "补充", as_="sw-handler", exit=4),
    R("reopen without an unsatisfied followup", "reopen", "{replied}", "--reason", "重办", as_="sw-handler", exit=4),
    R("attachment missing", "note", "{handling}", "--body", "见附件", "--attach", "{tmp}/nofile.pdf",
      as_="sw-handler", exit=2),
    R("reveal not allowed", "show", "{registered}", "--reveal", as_="sw-handler", exit=3),
    # notices
    R("notice: unknown kind", "notice", "{registered}", "letter", as_="sw-registrar", exit=2),
    R("notice: not yet", "notice", "{registered}", "result", as_="sw-registrar", exit=2),
    R("notice: preview", "notice", "{registered}", "receipt", "--preview", as_="sw-registrar", exit=0),
    R("notice: reprint", "notice", "{registered}", "receipt", as_="sw-registrar", exit=0),
    # filters and dates
    R("list: bad status", "list", "--status", "open", exit=2),
    R("list: bad unit", "list", "--unit", "ZZ", exit=2),
    R("list: bad region", "list", "--region", "ZZ", exit=2),
    R("list: bad category", "list", "--category", "99", exit=2),
    R("list: by status name", "list", "--status", "已归档", exit=0),
    R("due: bad unit", "due", "--unit", "ZZ", exit=2),
    R("due: bad officer", "due", "--officer", "nobody", exit=2),
    R("due: bad date", "due", "--today", "2026-13-01", exit=2),
    R("stats: bad grouping", "stats", "--by", "month", exit=2),
    R("stats: from after to", "stats", "--from", "2026-12-01", "--to", "2026-01-01", exit=2),
    R("stats: bad date", "stats", "--from", "yesterday", exit=2),
    R("export: bad format", "export", "-o", "{tmp}/台账.txt", exit=2),
    R("export: reveal not allowed", "export", "-o", "{tmp}/台账.xlsx", "--reveal", as_="sw-handler", exit=3),
    R("explain: unknown clock", "explain", "{handling}", "nosuch", exit=5),
    R("explain: unknown case", "explain", "SW-20990101-001", exit=5),
    # administration
    R("officer add: unknown role", "officer", "add", "sw-li", "--name", "李", "--unit", "SW", "--roles", "boss",
      as_="bgs-admin", exit=2),
    R("officer add: not an admin", "officer", "add", "sw-li", "--name", "李", "--unit", "SW", "--roles", "handler",
      as_="sw-handler", exit=3),
    R("officer disable: unknown", "officer", "disable", "nobody", as_="bgs-admin", exit=5),
    R("config set: unknown key", "config", "set", "colour", "red", as_="bgs-admin", exit=2),
    R("config set: bad clock", "config", "set", "clocks.handle", "many", as_="bgs-admin", exit=2),
    R("calendar add: bad entry", "calendar", "add", "2027", "--holiday", "2027-01-01", as_="bgs-admin", exit=2),
    R("calendar add: nothing", "calendar", "add", "2027", as_="bgs-admin", exit=2),
    R("calendar import: bad entries", "calendar", "import", "{bad_calendar}", as_="bgs-admin", exit=2,
      says="实际为“明天”", allow=CALENDAR_KEYS),
    R("calendar import: bad year", "calendar", "import", "{bad_year}", as_="bgs-admin", exit=2, says="年份“27”无效",
      allow=CALENDAR_KEYS),
    R("config set: not yes or no", "config", "set", "policy.first_officer_routes", "也许", as_="bgs-admin", exit=2,
      allow=("true", "false")),  # the values it takes (or 是、否)
    R("config set: officers", "config", "set", "officers.sw-handler.name", "王", as_="bgs-admin", exit=2),
    R("template install: unknown kind", "template", "install", "letter", "{tmp}/x.docx", as_="bgs-admin", exit=2),
    R("key show: no key", "key", "show", "--as", "nobody", exit=5),
    R("init: demo with admin", "init", "{tmp}/new", "--demo", "--admin", "bgs-li", exit=2),
    R("init: bad cipher", "init", "{tmp}/new", "--demo", "--cipher", "rot13", exit=2),
    R("init: clock fixed outside a demo", "init", "{tmp}/new", "--admin", "bgs-li", "--name", "李", exit=2),
    R("sync: no remote", "sync", exit=6),
    R("verify: tampered", "verify", "--store", "{tampered}", exit=1, says="发现 3 处问题", allow=TRAILER_KEYS),
    # what the commands print when all is well
    R("actions", "actions", exit=0, says="状态流转表"),
    R("officers", "officers", exit=0, says="工作人员"),
    R("list", "list", "--limit", "0", exit=0),
    R("due", "due", "--all", exit=0),
    R("due later", "due", "--today", "2027-03-01", exit=0),
    R("stats", "stats", exit=0),
    R("export xlsx", "export", "-o", "{tmp}/台账.xlsx", exit=0),
    R("export csv", "export", "-o", "{tmp}/台账.csv", exit=0),
    R("report", "report", "--html", "{tmp}/报告.html", exit=0),
    R("doctor", "doctor", exit=0),
    R("verify", "verify", exit=0),
    R("reindex", "reindex", exit=0),
    R("log", "log", "{archived}", exit=0),
    *(R(f"show {status}", "show", f"{{{status}}}", exit=0) for status in CASES),
    *(R(f"explain {status}", "explain", f"{{{status}}}", exit=0) for status in CASES),
    *(R(f"explain {clock}", "explain", "{joint}" if clock == "opinion" else "{archived}", clock, exit=0)
      for clock in ("route", "handle", "reply", "followup", "opinion", "回访")),
    # corrections (issue 21): every refusal in Chinese
    R("amend without field", "amend", "{registered}", "--reason", "x", as_="sw-registrar", exit=2, says="请指明要更正的登记项"),
    R("amend without reason", "amend", "{registered}", "--phone", "13987654321", as_="sw-registrar", exit=2,
      says="请填写更正理由"),
    R("amend bad values", "amend", "{registered}", "--phone", "1398765432a", "--category", "99", "--region", "XX",
      "--reason", "x", as_="sw-registrar", exit=2, says="联系电话“1398765432a”无效"),
    R("amend kind alone", "amend", "{registered}", "--payer-kind", "individual", "--reason", "x", as_="sw-registrar",
      exit=2, says="须同时更正证件号码"),
    R("amend by another unit", "amend", "{registered}", "--phone", "13987654321", "--reason", "x", as_="rs-registrar",
      exit=3),
    R("amend visit time", "amend", "{registered}", "--visit-time", "2026-11-25", exit=2, says="没有选项 --visit-time"),
    R("amend opinion not given", "amend-opinion", "{registered}", "--body", "x", "--reason", "y", as_="sw-handler",
      exit=4),
]


@pytest.mark.parametrize("run", CATALOGUE, ids=lambda r: r.name)
def test_catalogue_reads_in_chinese(world: World, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    argv = run.argv(world.places)
    result = invoke(*argv, env={"COLUMNS": "300"})  # no cell cut short: a word cut in two is no word
    output = str(result.output)
    shown = output.replace(str(world.root), "〔目录〕")
    assert result.exit_code == run.exit, output
    assert run.says in output, output
    _no_english(shown, argv, world.codes | set(run.allow))




def test_a_damaged_store_is_described_in_chinese(store: Path, cli: Any, register: Any) -> None:
    """A hand edit and a stale lock (refused, then repaired by doctor), then a broken case file
    committed by hand: every command that meets them says so in Chinese."""
    case = register()
    codes = _store_codes(store) | set(TRAILER_KEYS)
    with (store / "disputectl.yaml").open("a", encoding="utf-8") as config:
        config.write("city: 手改\n")
    (store / ".git" / "index.lock").touch()
    runs = [(("list",), 2, "disputectl.yaml"), (("doctor",), 0, "已处理 3 项")]
    for args, code, says in runs:
        result = cli(*args)
        assert (result.exit_code, says in result.output) == (code, True), result.output
        _no_english(result.output, args, codes)
    commit_by_hand(store, {f"cases/2026/11/26/{case}.yaml": b"id: [\n"})
    runs = [(("list",), 0, "无法读取"), (("due",), 0, "无法读取"), (("stats",), 6, "未统计"),
            (("export", "-o", "台账.xlsx"), 6, "未导出"), (("report", "--html", "报告.html"), 6, "未生成"),
            (("show", case), 2, "不是有效的 YAML"), (("verify",), 1, "发现 3 处问题")]
    for args, code, says in runs:
        result = cli(*args)
        assert (result.exit_code, says in result.output) == (code, True), result.output
        _no_english(result.output, args, codes)
