"""Generate benchmark stores: N realistic cases with their full histories, in one pass.

A store is made by ``disputectl``'s own ``init_store``; then every action of every case is one
commit, streamed in time order into a single ``git fast-import``. Each case file is built the way
the tool builds it: the registration by ``registration.build_registration``, each action checked by
``authorize.authorize`` (so every history is legal under the current rules), the state by
``derive.derive_state`` and the bytes in the canonical form of ``store.serialize_case``. Notices
and archive packages are recorded on the actions exactly as the tool records them (number, path,
checksum) but their files are small placeholders instead of rendered .docx.

``serialize_case`` (schema check + PyYAML) costs ~10 ms a file, far too slow for 500,000 file
versions, so files are written by a small emitter of the same canonical YAML: scalars are
rendered by PyYAML itself (cached), the layout is PyYAML's block style. Samples are compared
byte for byte with ``serialize_case`` while generating (``--verify-every``), and any value the
emitter cannot be sure about (a long string with spaces could be folded) falls back to
``serialize_case``.

    python bench/generate.py --size 10000            # → bench/stores/10000/store
    python bench/generate.py --size 2000 --regenerate
    python bench/generate.py --size 2000 --cipher sm4-gcm   # → bench/stores/2000-sm4-gcm/store

Stores are cached under ``bench/stores/<size>/`` (git-ignored) with a ``meta.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import heapq
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from disputectl.record.gitcmd import Identity  # noqa: E402
from disputectl.record.session import action_trailers, commit_message  # noqa: E402
from disputectl.record.store_files import case_files_dir, case_path, dump_yaml, serialize_case  # noqa: E402
from disputectl.rules.authorize import authorize  # noqa: E402
from disputectl.rules.calendar import WorkCalendar  # noqa: E402
from disputectl.rules.config import CONFIG_FILE, default_config, parse_config  # noqa: E402
from disputectl.rules.derive import derive_state, stored_state  # noqa: E402
from disputectl.rules.registration import build_registration  # noqa: E402
from disputectl.rules.workflow import ACTIONS  # noqa: E402
from disputectl.services import RETENTION_CODES  # noqa: E402

STORES = ROOT / "bench" / "stores"
TZ = ZoneInfo("Asia/Shanghai")
FIRST_DAY = date(2024, 1, 2)
LAST_DAY = date(2026, 11, 30)
# What "now" is for every benchmarked command: the working day after the last generated one.
BENCH_NOW = "2026-12-01T10:00:00+08:00"
GENERATOR_VERSION = "2"  # 2: history made before signing, then the officers' keys registered
CIPHERS = ("sm4-gcm", "aes-256-gcm")  # ``--cipher``: the same history, then ``migrate encrypt``

# ----------------------------------------------------------------------------- pools of text

CITY_PARTS = ["东城", "西江", "南湖", "北岭", "滨海", "高新", "经开", "临港", "青山", "长河", "金湾", "云溪"]
BRANDS = ["恒信", "华泰", "瑞丰", "鼎盛", "宏远", "嘉禾", "锦程", "立新", "明德", "润达", "盛世", "天成", "万通", "祥和",
          "新元", "永安", "远航", "中科", "卓越", "正源", "博雅", "晨光", "东方", "富民", "广利", "海纳", "汇丰", "金石"]
TRADES = ["科技", "建设工程", "商贸", "物流", "餐饮管理", "机械制造", "纺织", "医药", "电子", "食品", "物业服务",
          "劳务派遣", "信息技术", "汽车服务", "环保", "文化传媒"]
SUFFIXES = ["有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
         "华", "建国", "建华", "志强", "海燕", "桂英", "玉兰", "丽华", "晓东", "文静", "春梅", "国强", "红梅", "小龙"]
STREETS = ["人民路", "解放路", "中山路", "建设路", "和平路", "文化路", "新华路", "朝阳路", "青年路", "光明路", "创业路"]
AREA_CODES = ["110105", "110108", "310104", "310115", "320102", "330102", "330106", "330110", "340104", "350102",
              "370102", "410105", "420106", "430104", "440106", "440305", "500103", "510104", "610113"]
CHANNEL_WEIGHTS = [("来访", 45), ("来电", 25), ("来信", 8), ("网上", 15), ("其他部门转来", 7)]
REGION_WEIGHTS = [("SBJ", 40), ("DQ", 25), ("XQ", 22), ("NX", 13)]
# Which units register cases, and how often (the 税务局 takes most; 多点受理 everywhere else).
FIRST_UNIT_WEIGHTS = [("SW", 40), ("RS", 17), ("YB", 10), ("XF", 12), ("SP", 6), ("ZF", 3), ("SF", 4), ("BGS", 8)]
CATEGORY_WEIGHTS = [(1, 8), (2, 4), (3, 20), (4, 16), (5, 8), (6, 12), (7, 8), (8, 12), (9, 7), (10, 5)]

MATTERS = {
    1: ("对{y}年度社会保险登记信息变更及关系转移办理结果有异议", "请求更正登记信息并办理关系转移"),
    2: ("人社部门传递的参保登记信息与实际不一致，导致{m}月缴费异常", "请求核实并更正登记信息"),
    3: ("对{y}年度社会保险费缴费基数申报核定结果有异议", "请求按实际工资总额重新核定缴费基数"),
    4: ("对{y}年{m}月社会保险费缴费金额计算有异议", "请求重新核算缴费金额并退还多缴部分"),
    5: ("对人社（医保）部门核定的特殊缴费应征金额有异议，涉及{n}名职工", "请求复核并核减应征金额"),
    6: ("对{y}年{m}月起加收滞纳金的起算时间和金额有异议", "请求减免滞纳金"),
    7: ("申请退还{y}年多缴社会保险费，对退费流程和金额有异议", "请求按规定退还多缴费款"),
    8: ("对养老保险待遇核定金额有异议，认为缴费年限计算有误", "请求重新核定待遇"),
    9: ("对征缴检查认定的欠费金额及追缴决定有异议，涉及{n}名职工", "请求重新核查欠费金额"),
    10: ("灵活就业人员断缴{n}个月后补缴与待遇衔接问题", "请求明确补缴办法"),
}
FACTS = ["经核对申报资料和工资台账，缴费人{y}年度申报情况与系统记录一致", "经调取参保登记和缴费明细，确认存在{n}个月的数据差异",
         "经向人社部门核实，相关信息传递存在延迟", "经现场核查，缴费人实际用工人数与申报人数不符",
         "经核对银行扣款记录，缴费金额计算无误"]
BASES = ["《社会保险费征缴暂行条例》第十条", "《社会保险法》第六十条、第六十三条", "《社会保险法》第八十六条",
         "《社会保险费申报缴纳管理规定》第八条", "《社会保险法》第十条、第十六条"]
DECISIONS = ["维持原核定结果，并向缴费人说明核定口径", "予以更正，按更正后的基数重新计算应缴费款",
             "对多缴部分予以退还，退费于十五个工作日内办理", "滞纳金按规定计算，不予减免", "准予分期缴纳，补缴后按规定衔接待遇"]
PLACES = ["市政府三楼第二会议室", "市税务局五楼会议室", "市人社局二楼会议室", "市政法委一楼调解室"]
EXTEND_REASONS = ["需调取该单位近三年工资台账核对", "需向外地社保经办机构核实参保记录", "涉及人数较多，需逐人核对缴费明细"]
RETURN_REASONS = ["涉及待遇核定，非本单位单独职责", "涉及多个部门职责，建议由领导组办公室梳理"]
TRIAGE_REASONS = ["需税务、人社两部门联办", "涉及征收与待遇核定，需多部门办理", "职责交叉，需召开联席会议研究"]
MAJOR_REASONS = ["涉及职工人数众多，属重大疑难事项", "涉及企业改制遗留问题，情况复杂"]
QUESTIONS = ["请就缴费基数核定口径提出书面意见", "请就补缴办法及待遇衔接提出书面意见", "请就应征金额复核情况提出书面意见"]
OPINIONS = ["经复核，核定口径符合规定", "可按规定补缴，补缴后连续计算缴费年限", "已征数额与核定一致", "建议按实际工资总额调整基数"]
MINUTES = ["会议明确由人社复核应征金额，税务核对已征数额", "会议明确各单位职责分工及办理时限"]
SUPERVISE = ["请加快办理进度，按期答复缴费人", "请于三个工作日内报送办理情况"]
NOTES = ["缴费人来电询问办理进度，已告知", "缴费人补充提交了工资发放记录"]
WITHDRAW = ["缴费人已与单位协商解决", "缴费人申请撤回"]
HANDOVER = [("示例市劳动人事争议仲裁委员会", "属劳动人事争议，不属本机制受理范围"),
            ("示例市市场监督管理局", "属商业保险合同纠纷，不属本机制受理范围")]
OBJECTION_BODIES = {"行政复议": "示例市人民政府", "行政诉讼": "示例市人民法院", "调解": "示例市人民调解委员会",
                    "仲裁": "示例市劳动人事争议仲裁委员会"}


def _pick(rng: random.Random, weighted: list[tuple[Any, int]]) -> Any:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


# ----------------------------------------------------------------------------- canonical YAML

class _Fallback(Exception):
    """A value the emitter is not sure to render exactly like PyYAML: use serialize_case."""


_SCALARS: dict[str, tuple[str, int]] = {}


def _scalar(value: Any, col: int) -> str:
    """``value`` as PyYAML writes it when it starts at column ``col`` (of a 100-wide line)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if not isinstance(value, str):
        raise _Fallback(type(value).__name__)
    cached = _SCALARS.get(value) or _shape(value)
    if cached is None:
        import yaml

        if "\n" in value:
            raise _Fallback("multi-line")
        text = yaml.dump({"k": value}, Dumper=yaml.CSafeDumper, allow_unicode=True, default_flow_style=False,
                         width=100, indent=2)
        if not text.startswith("k: ") or text.count("\n") != 1:
            raise _Fallback("multi-line")
        if len(_SCALARS) > 500_000:
            _SCALARS.clear()
        cached = _SCALARS[value] = (text[3:-1], text.rfind(" ") - 3)
    rendered, last_space = cached
    # PyYAML folds a line at a space once the column passes the width; keep well clear of it.
    if last_space > 0 and col + last_space > 90:
        raise _Fallback("may fold")
    return rendered


# Shapes of values that are new in almost every commit, and how PyYAML writes them (checked
# against PyYAML itself by ``_check_shapes`` and by the byte-for-byte samples).
_QUOTED_SHAPES = re.compile(r"\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d[+-]\d\d:\d\d)?")
_PLAIN_SHAPES = re.compile(r"\d{14}-[0-9a-f]{8}|(?=[0-9a-f]*[a-f])[0-9a-f]{64}|cases/\d{4}/[^ :#]*( [^ :#]+)?"
                           r"|[\u4e00-\u9fff]{3}〔\d{4}〕\d+号|[A-Z0-9]{2,6}-[A-Z]{2}·\d{4}-[A-Z0-9]{1,3}-[A-Z]{2,6}-\d{4}"
                           r"|YZS-\d{4}-\d{4}")


def _shape(value: str) -> tuple[str, int] | None:
    if _QUOTED_SHAPES.fullmatch(value):
        return f"'{value}'", -1
    if _PLAIN_SHAPES.fullmatch(value):
        return value, value.rfind(" ")
    return None


def _check_shapes() -> None:
    import yaml

    samples = ["2026-11-03", "2026-11-03T10:00:00+08:00", "20261103100000-45f2088a", "0" * 63 + "a", "e" * 64,
               "cases/2026/11/03/XF-20261103-001/文书/社争函〔2026〕1号 征求意见函（税务局）.docx",
               "cases/2026/11/03/XF-20261103-001/归档/校验清单.sha256", "社争受〔2026〕12号", "J001-WS·2026-D30-BGS-0001",
               "YZS-2026-0317"]
    for value in samples:
        text = yaml.dump({"k": value}, Dumper=yaml.CSafeDumper, allow_unicode=True, width=100, indent=2)
        shape = _shape(value)
        if shape is None or text != f"k: {shape[0]}\n":
            raise SystemExit(f"generator: PyYAML writes {value!r} as {text!r}, not as assumed")


def _prime(values: list[Any]) -> None:
    """Ask PyYAML once for every string not seen yet (one dump for many is much cheaper)."""
    fresh = []
    for v in values:
        if isinstance(v, str) and v not in _SCALARS and "\n" not in v:
            shape = _shape(v)
            if shape is None:
                fresh.append(v)
            else:
                _SCALARS[v] = shape
    fresh = list(dict.fromkeys(fresh))
    if not fresh:
        return
    if len(_SCALARS) > 500_000:
        _SCALARS.clear()
    import yaml

    text = yaml.dump({f"k{i}": v for i, v in enumerate(fresh)}, Dumper=yaml.CSafeDumper, allow_unicode=True,
                     default_flow_style=False, sort_keys=False, width=100, indent=2)
    lines = text.split("\n")[:-1]
    if len(lines) != len(fresh):
        return  # something folded: let _scalar probe them one by one
    for i, (value, line) in enumerate(zip(fresh, lines, strict=True)):
        key = f"k{i}: "
        if line.startswith(key):
            rendered = line[len(key):]
            _SCALARS[value] = (rendered, line.rfind(" ") - len(key))


def _strings(value: Any, out: list[Any]) -> list[Any]:
    if isinstance(value, dict):
        for item in value.values():
            _strings(item, out)
    elif isinstance(value, list):
        for item in value:
            _strings(item, out)
    else:
        out.append(value)
    return out


def _emit_map(value: dict[str, Any], col: int, out: list[str], first_prefix: str | None = None) -> None:
    """A block mapping at column ``col``; ``first_prefix`` replaces the first line's indent ("- ")."""
    pad = " " * col
    for n, key in enumerate(sorted(value)):
        lead = first_prefix if n == 0 and first_prefix is not None else pad
        _emit_entry(key, value[key], col, lead, out)


def _emit_entry(key: str, item: Any, col: int, lead: str, out: list[str]) -> None:
    if isinstance(item, dict):
        if item:
            out.append(f"{lead}{key}:\n")
            _emit_map(item, col + 2, out)
        else:
            out.append(f"{lead}{key}: {{}}\n")
    elif isinstance(item, list):
        if item:
            out.append(f"{lead}{key}:\n")
            _emit_seq(item, col, out)
        else:
            out.append(f"{lead}{key}: []\n")
    else:
        out.append(f"{lead}{key}: {_scalar(item, len(lead) + len(key) + 2)}\n")


def _emit_seq(items: list[Any], col: int, out: list[str]) -> None:
    pad = " " * col
    for item in items:
        if isinstance(item, dict) and item:
            _emit_map(item, col + 2, out, first_prefix=pad + "- ")
        elif isinstance(item, dict | list):
            raise _Fallback("nested empty")
        else:
            out.append(f"{pad}- {_scalar(item, col + 2)}\n")


def emit_block(key: str, value: Any) -> str:
    out: list[str] = []
    _emit_entry(key, value, 0, "", out)
    return "".join(out)


_CLOCKS: dict[tuple[Any, ...], str] = {}


def emit_state(stored: dict[str, Any]) -> str:
    """The stored state; each clock's lines are cached (a clock recurs in many versions)."""
    out = ["state:\n"]
    for key in sorted(stored):
        value = stored[key]
        if key == "clocks" and value:
            out.append("  clocks:\n")
            for clock in value:
                ident = tuple(sorted(clock.items()))
                text = _CLOCKS.get(ident)
                if text is None:
                    if len(_CLOCKS) > 200_000:
                        _CLOCKS.clear()
                    lines: list[str] = []
                    _emit_seq([clock], 2, lines)
                    text = _CLOCKS[ident] = "".join(lines)
                out.append(text)
        else:
            _emit_entry(key, value, 2, "  ", out)
    return "".join(out)


def emit_action(action: dict[str, Any]) -> str:
    out: list[str] = []
    _emit_seq([action], 0, out)
    return "".join(out)


# ----------------------------------------------------------------------------- the world

@dataclass
class World:
    rng: random.Random
    config: Any
    calendar: WorkCalendar
    registrars: dict[str, list[str]]
    handlers: dict[str, list[str]]
    archivists: dict[str, list[str]]
    office: list[str]
    payers: list[dict[str, str]]
    numbers: dict[tuple[str, int], int] = field(default_factory=dict)
    platform_seq: dict[int, int] = field(default_factory=dict)


def build_config(rng: random.Random) -> dict[str, Any]:
    """The default config with a realistic staff: several registrars and handlers per unit."""
    config = default_config()
    used: set[str] = set()

    def person() -> str:
        while True:
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            if name not in used:
                used.add(name)
                return name

    extra = []
    for unit in config["units"]:
        code = unit["code"].lower()
        if unit["kind"] == "platform":
            continue
        if unit["kind"] == "office":
            counts = {"office": 3, "registrar": 2}
        else:
            counts = {"registrar": 3, "handler": 6, "archivist": 1}
        for role, count in counts.items():
            for i in range(2, count + 2):
                extra.append({"id": f"{code}-{role}-{i}", "name": person(), "unit": unit["code"], "roles": [role]})
    config["officers"] += extra
    return config


def _payer_pool(rng: random.Random, size: int) -> list[dict[str, str]]:
    from stdnum.cn import ric, uscc

    pool = []
    for n in range(size):
        if rng.random() < 0.62:
            base = "91" + rng.choice(AREA_CODES) + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
            name = rng.choice(CITY_PARTS) + rng.choice(BRANDS) + rng.choice(TRADES) + rng.choice(SUFFIXES)
            if n >= len(CITY_PARTS) * len(BRANDS):
                name = f"{name[:-4]}{n % 97}号{name[-4:]}" if name.endswith("有限公司") else name
            pool.append({"payer_kind": "employer", "payer_name": name, "payer_id": base + uscc.calc_check_digit(base),
                         "contact_person": rng.choice(SURNAMES) + rng.choice(GIVEN)})
        else:
            while True:  # the area code must have existed in the year of birth
                born = date(1955, 1, 1) + timedelta(days=rng.randrange(45 * 365))
                body = rng.choice(AREA_CODES) + born.strftime("%Y%m%d") + f"{rng.randrange(1000):03d}"
                number = body + ric.calc_check_digit(body + "0")
                if ric.is_valid(number):
                    break
            pool.append({"payer_kind": "individual", "payer_name": rng.choice(SURNAMES) + rng.choice(GIVEN),
                         "payer_id": number})
        pool[-1]["address"] = f"示例市{rng.choice(CITY_PARTS)}区{rng.choice(STREETS)}{rng.randrange(1, 300)}号"
    return pool


def make_world(seed: int, size: int) -> tuple[World, dict[str, Any]]:
    rng = random.Random(seed)
    raw = build_config(rng)
    config = parse_config(raw)
    by_role: dict[str, dict[str, list[str]]] = {"registrar": {}, "handler": {}, "archivist": {}, "office": {}}
    for officer in config.officers.values():
        for role in officer.roles:
            if role in by_role:
                by_role[role].setdefault(officer.unit, []).append(officer.id)
    world = World(rng, config, WorkCalendar(), by_role["registrar"], by_role["handler"],
                  by_role["archivist"], by_role["office"][config.office_unit], _payer_pool(rng, max(200, size // 3)))
    return world, raw


# ----------------------------------------------------------------------------- one case's plan

@dataclass
class Step:
    at: datetime
    action: str
    officer: str
    data: dict[str, Any]


@dataclass
class Case:
    id: str
    registration: dict[str, Any]
    steps: list[Step]
    actions: list[dict[str, Any]] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)  # emitted actions, in order
    head: str = ""  # emitted schema_version, id and registration
    state: dict[str, Any] | None = None
    slow: bool = False  # the emitter was unsure once: serialize_case for every version


def _at(day: date, rng: random.Random, after: datetime | None = None) -> datetime:
    """A time in office hours on ``day``, strictly after ``after``."""
    start = 9 * 60
    if after is not None and after.date() == day:
        start = max(start, after.hour * 60 + after.minute + 5)
    minute = start + rng.randrange(max(1, 17 * 60 + 30 - start)) if start < 17 * 60 + 30 else start + 1
    return datetime(day.year, day.month, day.day, minute // 60 % 24, minute % 60, tzinfo=TZ)


class Planner:
    """Builds the whole (legal) sequence of actions for one case, with realistic delays."""

    def __init__(self, world: World) -> None:
        self.w = world
        self.rng = world.rng
        self.cal = world.calendar

    def later(self, t: datetime, wd: int) -> datetime:
        if wd == 0 and t.hour >= 17:
            wd = 1
        return _at(self.cal.add_workdays(t.date(), wd) if wd else t.date(), self.rng, after=t)

    def delay(self, limit: int, late_share: float = 0.1) -> int:
        """Working days until the next step: usually within ``limit``, sometimes a few days late."""
        if self.rng.random() < late_share:
            return limit + 1 + self.rng.randrange(5)
        return self.rng.randrange(0, max(1, limit) + 1) if limit <= 2 else self.rng.randrange(1, limit + 1)

    def plan(self, reg_at: datetime, first_unit: str, category: int) -> list[Step]:
        rng, w = self.rng, self.w
        registrar = rng.choice(w.registrars[first_unit])
        office = rng.choice(w.office)
        office_unit = w.config.office_unit
        members = w.config.member_units()
        steps = [Step(reg_at, "register", registrar, {})]
        t = reg_at

        def add(action: str, officer: str, data: dict[str, Any], wd: int, at: datetime | None = None) -> None:
            nonlocal t
            t = at or self.later(t, wd)
            steps.append(Step(t, action, officer, data))

        suggested = [u for u in w.config.categories[category].units if u != first_unit]
        roll = rng.random()
        if first_unit == office_unit and (roll < 0.5 or roll >= 0.93):
            roll = 0.5 + roll * 0.3  # the office's own registrations are transferred or triaged
        if roll < 0.5:
            path = "self"
        elif roll < 0.7:
            path = "transfer"
        elif roll < 0.8:
            path = "general"
        elif roll < 0.84:
            path = "major"
        elif roll < 0.9:
            path = "withdraw"
        elif roll < 0.93:
            path = "handover"
        else:
            path = "self_withdraw"

        if path in ("withdraw", "handover"):
            if path == "withdraw":
                add("withdraw", registrar, {"reason": rng.choice(WITHDRAW), "date": ""}, self.delay(1))
            else:
                authority, reason = rng.choice(HANDOVER)
                add("hand_over", registrar, {"authority": authority, "reason": reason}, self.delay(1))
            self._archive(add, first_unit, rng)
            return self._finish(steps)

        holder = first_unit
        handler = ""
        if path in ("self", "self_withdraw"):
            handler = rng.choice(w.handlers[first_unit])
            add("route_self", registrar, {}, self.delay(1))
        elif path == "transfer":
            holder = suggested[0] if suggested and rng.random() < 0.8 else rng.choice([u for u in members if u != first_unit])
            unit = w.config.units[holder].short
            add("route_transfer", registrar, {"to_unit": holder, "reason": f"属{unit}职责范围，转{unit}办理"}, self.delay(1))
            handler = rng.choice(w.handlers[holder])
            if rng.random() < 0.12:
                add("return", handler, {"reason": rng.choice(RETURN_REASONS)}, rng.randrange(1, 5))
                return self._office_path(steps, add, office, "general", first_unit)
            add("sign", handler, {}, self.delay(1))
        else:
            add("route_office", registrar, {"reason": "涉及多个部门职责，需领导组办公室梳理"}, self.delay(1))
            return self._office_path(steps, add, office, path, first_unit)

        if path == "self_withdraw":
            add("withdraw", handler, {"reason": rng.choice(WITHDRAW), "date": ""}, rng.randrange(1, 10))
            self._archive(add, holder, rng)
            return self._finish(steps)
        if rng.random() < 0.1:
            add("extend", handler, {"reason": rng.choice(EXTEND_REASONS), "days": str(rng.choice([5, 10, 15]))},
                rng.randrange(5, 12))
            wait = self.delay(12)
        else:
            if rng.random() < 0.06:
                add("supervise", office, {"kind": "催办", "body": rng.choice(SUPERVISE)}, rng.randrange(3, 10))
            wait = self.delay(15, 0.12)
        add("conclude", handler, self._decision(category), wait)
        add("reply", handler, {"method": rng.choice(["直接送达", "邮寄", "电子送达"]), "date": ""}, self.delay(5, 0.08))
        self._after_reply(add, holder, rng)
        return self._finish(steps)

    def _office_path(self, steps: list[Step], add: Any, office: str, path: str, first_unit: str) -> list[Step]:
        rng, w = self.rng, self.w
        if path == "major":
            add("triage_major", office, {"reason": rng.choice(MAJOR_REASONS)}, self.delay(3))
            if rng.random() < 0.15:
                add("reject", "leader", {"reason": "不属重大疑难事项，按一般事项办理"}, self.delay(3))
            else:
                add("approve", "leader", {"sent_date": "", "platform_ref": ""}, self.delay(3))
                t_sent = steps[-1].at
                days = rng.randrange(7, 34)
                when = _at(t_sent.date() + timedelta(days=days), rng)
                if not self.w.calendar.is_workday(when.date()):
                    when = _at(self.w.calendar.add_workdays(when.date(), 1), rng)
                add("platform_result", office, self._decision(10), 0, at=when)
                add("reply", office, {"method": rng.choice(["直接送达", "邮寄"]), "date": ""}, self.delay(5, 0.08))
                self._after_reply(add, w.config.office_unit, rng)
                return self._finish(steps)
        else:
            add("triage_general", office, {"reason": rng.choice(TRIAGE_REASONS)}, self.delay(3))
        members = [u for u in w.config.member_units() if u in ("SW", "RS", "YB", "SP", "XF")]
        units = rng.sample(members, 3 if rng.random() < 0.2 else 2)
        if rng.random() < 0.3:
            add("convene", office, {"date": "", "place": rng.choice(PLACES), "units": units,
                                    "minutes": rng.choice(MINUTES)}, self.delay(2))
        add("request_opinions", office, {"units": units, "question": rng.choice(QUESTIONS)}, self.delay(1))
        for unit in units:
            add("submit_opinion", rng.choice(w.handlers[unit]), {"body": rng.choice(OPINIONS)}, self.delay(5, 0.1))
        add("consolidate", office, self._decision(10), self.delay(5, 0.1))
        add("reply", office, {"method": rng.choice(["直接送达", "邮寄", "电子送达"]), "date": ""}, self.delay(5, 0.08))
        self._after_reply(add, w.config.office_unit, rng)
        return self._finish(steps)

    def _decision(self, category: int) -> dict[str, Any]:
        rng = self.rng
        return {"facts": rng.choice(FACTS).format(y=rng.choice([2023, 2024, 2025]), n=rng.randrange(2, 9)),
                "basis": rng.choice(BASES), "decision": rng.choice(DECISIONS)}

    def _after_reply(self, add: Any, holder: str, rng: random.Random) -> None:
        if rng.random() < 0.05:
            channel = rng.choice(list(OBJECTION_BODIES))
            officer = rng.choice(self.w.office)
            add("object", officer, {"channel": channel, "body": OBJECTION_BODIES[channel], "date": ""}, rng.randrange(1, 20))
        self._archive(add, holder, rng)

    def _archive(self, add: Any, holder: str, rng: random.Random) -> None:
        if rng.random() < 0.88:  # a backlog of replied cases waits to be archived
            archivists = self.w.archivists.get(holder) or self.w.archivists[self.w.config.office_unit]
            add("archive", rng.choice(archivists), {"retention": rng.choice(["30年"] * 6 + ["10年", "永久"])},
                rng.randrange(3, 25))

    def _finish(self, steps: list[Step]) -> list[Step]:
        # Dates typed by officers are the day they record the act.
        for step in steps:
            for key in ("date", "sent_date"):
                if step.data.get(key) == "":
                    step.data[key] = step.at.date().isoformat()
            if step.data.get("platform_ref") == "":
                seq = self.w.platform_seq[step.at.year] = self.w.platform_seq.get(step.at.year, 0) + 1
                step.data["platform_ref"] = f"YZS-{step.at.year}-{seq:04d}"
        if self.rng.random() < 0.05 and len(steps) > 2:  # a note while the case is open
            i = self.rng.randrange(1, len(steps) - 1)
            t = steps[i].at + (steps[i + 1].at - steps[i].at) / 2
            steps.insert(i + 1, Step(t.replace(microsecond=0), "note", self.rng.choice(self.w.office),
                                     {"body": self.rng.choice(NOTES)}))
        # Some cases get stuck: nobody acts again (they feed the 超期 lists).
        if self.rng.random() < 0.015 and len(steps) > 1:
            del steps[self.rng.randrange(1, len(steps)):]
        return steps


# ----------------------------------------------------------------------------- committing

class Emitter:
    """Turns each step into the files, message and author of one commit."""

    def __init__(self, world: World, verify_every: int) -> None:
        from disputectl.documents.issuing import NOTICES_FOLDER, notice_file_name
        from disputectl.documents.notices import KINDS, format_doc_number
        from disputectl.rules.workflow import produced_notices

        self.w = world
        self.verify_every = verify_every
        self.versions = 0
        self.verified = 0
        self.fallbacks = 0
        self._notices = produced_notices
        self._folder = NOTICES_FOLDER
        self._file_name = notice_file_name
        self._kinds = KINDS
        self._doc_number = format_doc_number

    def apply(self, case: Case, step: Step) -> tuple[dict[str, bytes], str, Identity]:
        w = self.w
        config = w.config
        officer = config.officers[step.officer]
        files: dict[str, bytes] = {}
        if step.action == "register":
            data: dict[str, Any] = {}
        else:
            assert case.state is not None
            _, data = authorize(step.action, officer, self._record(case), case.state, dict(step.data), config,
                                w.calendar, step.at.date())
            if step.action == "archive":
                unit = case.state["unit"]
                if unit not in config.units or config.units[unit].external:
                    unit = config.office_unit
                prefix = (f"{config.fonds}-{config.archive_category}·{step.at.year}-"
                          f"{RETENTION_CODES[data.get('retention') or config.default_retention]}-{unit}-")
                seq = self._next(prefix, 0)
                data = {"retention": data.get("retention") or config.default_retention, "code": f"{prefix}{seq:04d}",
                        "unit": unit}
        # services.new_action_id, with the random part from the seeded generator
        entry: dict[str, Any] = {"id": f"{step.at:%Y%m%d%H%M%S}-{w.rng.getrandbits(32):08x}",
                                 "at": step.at.isoformat(timespec="seconds"), "action": step.action,
                                 "actor": officer.id, "unit": officer.unit, "data": data}
        notices = []
        for kind, unit in self._notices(step.action, data):
            prefix = config.notice_prefix(kind, officer.unit) or self._kinds[kind].prefix
            number = self._doc_number(prefix, step.at.year, self._next(prefix, step.at.year)) if prefix else None
            path = f"{case_files_dir(case.id)}/{self._folder}/{self._file_name(kind, number, unit, config)}"
            notices.append((kind, number, path))
        if step.action == "archive":
            folder = f"{case_files_dir(case.id)}/归档"
            notices += [("archive_index", None, f"{folder}/卷内文件目录.docx"), ("archive_note", None, f"{folder}/备考表.docx"),
                        ("history", None, f"{folder}/案件经过.txt"), ("manifest", None, f"{folder}/校验清单.sha256")]
        if notices:
            entry["notices"] = []
            for kind, number, path in notices:
                content = f"disputectl bench placeholder\n{kind} {number or ''}\n{path}\n".encode()
                files[path] = content
                entry["notices"].append({"kind": kind, "number": number, "path": path,
                                         "sha256": hashlib.sha256(content).hexdigest()})
        case.actions.append(entry)
        record = self._record(case)
        case.state = derive_state(record, config, w.calendar)
        files[case_path(case.id)] = self._bytes(case, entry)
        if step.action == "register":
            category = config.categories[case.registration["category"]].name
            subject = f"受理登记 {case.id}：{case.registration['payer']['name'][:40]}（{category}）"
        else:
            who = f"{config.unit_label(officer.unit)} {officer.name}"
            if step.action == "route_transfer":
                summary = f"{who}转{config.unit_label(data['to_unit'])}"
            elif "units" in data:
                summary = f"{who}（{'、'.join(config.unit_label(u) for u in data['units'])}）"
            else:
                summary = who
            subject = f"{ACTIONS[step.action].label} {case.id}：{summary}"
        message = commit_message(subject, action_trailers(case.id, entry))
        identity = Identity(officer.name, officer.email or f"{officer.id}@{officer.unit.lower()}.disputectl.invalid")
        return files, message, identity

    def _next(self, prefix: str, year: int) -> int:
        key = (prefix, year)
        self.w.numbers[key] = self.w.numbers.get(key, 0) + 1
        return self.w.numbers[key]

    @staticmethod
    def _record(case: Case) -> dict[str, Any]:
        return {"schema_version": 1, "id": case.id, "registration": case.registration, "actions": case.actions}

    def _bytes(self, case: Case, entry: dict[str, Any]) -> bytes:
        assert case.state is not None
        self.versions += 1
        full = {**self._record(case), "state": case.state}
        if case.slow:
            self.fallbacks += 1
            return serialize_case(full)
        stored = stored_state(case.state)
        try:
            if not case.head:
                _prime(_strings(case.registration, []))
                case.head = f"schema_version: 1\nid: {_scalar(case.id, 4)}\n" + emit_block("registration", case.registration)
            case.blocks.append(emit_action(entry))
            text = (case.head + "actions:\n" + "".join(case.blocks)
                    + emit_state(stored)).encode("utf-8")
        except _Fallback:
            self.fallbacks += 1
            case.slow = True
            return serialize_case(full)
        if self.verify_every and (self.versions <= 200 or self.versions % self.verify_every == 0):
            self.verified += 1
            expected = serialize_case(full)
            if text != expected:
                raise SystemExit(f"generator: {case.id} differs from serialize_case; first bytes:\n"
                                 f"{text[:400].decode()}\n---\n{expected[:400].decode()}")
        return text


def _fast_import_commit(out: IO[bytes], files: dict[str, bytes], message: str, who: Identity, when: datetime,
                        parent: str | None) -> None:
    stamp = f"{int(when.timestamp())} {when.strftime('%z')}"
    ident = f"{who.name} <{who.email}> {stamp}".encode()
    msg = message.encode("utf-8")
    parts = [b"commit refs/heads/main\nauthor ", ident, b"\ncommitter ", ident, b"\ndata %d\n" % len(msg), msg, b"\n"]
    if parent:
        parts.append(f"from {parent}\n".encode())
    for path, content in files.items():
        parts += [b"M 100644 inline ", path.encode("utf-8"), b"\ndata %d\n" % len(content), content, b"\n"]
    parts.append(b"\n")
    out.write(b"".join(parts))


def _days(first: date, last: date, calendar: WorkCalendar) -> Iterator[date]:
    day = first
    while day <= last:
        if calendar.is_workday(day):
            yield day
        day += timedelta(days=1)


def _git(root: Path, *args: str, input: bytes | None = None) -> str:
    from disputectl.record.gitcmd import run_git

    return run_git(root, *args, input=input).stdout.decode().strip()


def generate(size: int, target: Path, *, seed: int = 20261201, verify_every: int = 500, quiet: bool = False,
             cipher: str | None = None) -> dict[str, Any]:
    """Create a store of ``size`` cases at ``target`` (which must not exist); with ``cipher``, the
    same history, then its personal data sealed by an admin (``migrate encrypt``, one commit)."""
    from disputectl.record.gitcmd import init_repository
    from disputectl.record.session import SYSTEM_IDENTITY
    from disputectl.record.sync import configure_clone
    from disputectl.services import _CONFIG_HEADER, _STORE_README

    started = time.monotonic()
    _check_shapes()
    world, raw_config = make_world(seed, size)
    rng = world.rng
    init_at = datetime(FIRST_DAY.year, FIRST_DAY.month, FIRST_DAY.day, 8, 0, tzinfo=TZ)
    # A store as the tool made them before commits were signed (fast-import cannot sign): the
    # keys are registered after the history, by ``start_signing``, as an older store is upgraded.
    target.mkdir(parents=True)
    root = target.resolve()
    init_repository(root)
    configure_clone(root, station=0)
    # glibc returns memory to the system after every commit otherwise (fast-import then spends
    # most of its time in brk()).
    env = {**os.environ, "MALLOC_TRIM_THRESHOLD_": str(1 << 30), "MALLOC_TOP_PAD_": str(1 << 28),
           "MALLOC_MMAP_THRESHOLD_": str(1 << 30)}
    proc = subprocess.Popen(["git", "-C", str(root), "fast-import", "--quiet", "--done"], stdin=subprocess.PIPE, env=env)
    assert proc.stdin is not None
    stream = proc.stdin
    init_files = {
        CONFIG_FILE: _CONFIG_HEADER.encode("utf-8") + dump_yaml({**default_config(), "demo": True}),
        "README.md": _STORE_README.encode("utf-8"),
        ".gitattributes": b"*.yaml text eol=lf\n*.docx binary\ncases/**/*.yaml merge=disputectl-case\n",
        "calendar/README.md": "在此放置 `<年份>.yaml` 补充节假日与调休安排。\n".encode(),
    }
    _fast_import_commit(stream, init_files, commit_message("建立案件库", {"Action": "init", "Actor": "disputectl", "Unit": "-"}),
                        SYSTEM_IDENTITY, init_at, None)
    config_bytes = _CONFIG_HEADER.encode("utf-8") + dump_yaml({**raw_config, "demo": True})
    _fast_import_commit(stream, {CONFIG_FILE: config_bytes}, commit_message("配置本市工作人员", {"Action": "config", "Actor": "disputectl", "Unit": "-"}),
                        SYSTEM_IDENTITY, init_at + timedelta(minutes=5), None)
    emitter = Emitter(world, verify_every)
    planner = Planner(world)
    days = list(_days(FIRST_DAY, LAST_DAY, world.calendar))
    end = datetime(LAST_DAY.year, LAST_DAY.month, LAST_DAY.day, 23, 59, tzinfo=TZ)
    # Spread the cases over the working days, a little unevenly (Mondays are busier).
    weights = [1.3 if d.weekday() == 0 else 1.0 for d in days]
    per_day: dict[date, int] = {}
    for d in rng.choices(days, weights, k=size):
        per_day[d] = per_day.get(d, 0) + 1
    heap: list[tuple[datetime, int, Case, int]] = []
    order = 0
    commits = 1
    cases = 0
    payer_id = ""  # the first case's payer (about three cases each): for ``list --payer-id``

    def drain(until: datetime) -> None:
        nonlocal commits
        while heap and heap[0][0] < until:
            at, _, case, i = heapq.heappop(heap)
            if at > end:
                heap.clear()
                return
            files, message, who = emitter.apply(case, case.steps[i])
            _fast_import_commit(stream, files, message, who, at, None)
            commits += 1
            if i + 1 < len(case.steps):
                nxt = case.steps[i + 1].at
                heapq.heappush(heap, (nxt, id(case), case, i + 1))

    last_report = time.monotonic()
    for day in days:
        drain(datetime(day.year, day.month, day.day, tzinfo=TZ))
        todays = []
        for _ in range(per_day.get(day, 0)):
            todays.append((_at(day, rng), _pick(rng, FIRST_UNIT_WEIGHTS), _pick(rng, CATEGORY_WEIGHTS)))
        todays.sort()
        seqs: dict[str, int] = {}
        for reg_at, unit, category in todays:
            seqs[unit] = seqs.get(unit, 0) + 1
            case_id = f"{unit}-{day:%Y%m%d}-{seqs[unit]:03d}"
            payer = rng.choice(world.payers)
            payer_id = payer_id or payer["payer_id"]
            matter, request = MATTERS[category]
            fields = {**payer, "phone": _phone(rng), "channel": _pick(rng, CHANNEL_WEIGHTS),
                      "matter": matter.format(y=rng.choice([2023, 2024, 2025]), m=rng.randrange(1, 13), n=rng.randrange(3, 400)),
                      "request": request, "category": str(category), "region": _pick(rng, REGION_WEIGHTS)}
            steps = planner.plan(reg_at, unit, category)
            registrar = world.config.officers[steps[0].officer]
            registration = build_registration(fields, world.config, now=reg_at, officer_id=registrar.id, unit=unit)
            case = Case(case_id, registration, steps)
            order += 1
            heapq.heappush(heap, (reg_at, id(case), case, 0))
            cases += 1
        if not quiet and time.monotonic() - last_report > 10:
            last_report = time.monotonic()
            print(f"  {day}: {cases} cases, {commits} commits, {time.monotonic() - started:.0f} s", flush=True)
    drain(end + timedelta(minutes=1))
    stream.write(b"done\n")
    stream.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")
    imported = time.monotonic()
    _git(root, "reset", "--hard", "--quiet")
    _start_signing(root, end + timedelta(minutes=2))
    encrypting = time.monotonic()
    if cipher:
        _encrypt(root, end + timedelta(minutes=3), cipher)
    encrypted = time.monotonic()
    head = _git(root, "rev-parse", "refs/heads/main")
    meta = {
        "generator_version": GENERATOR_VERSION, "size": size, "seed": seed, "cases": cases,
        "commits": int(_git(root, "rev-list", "--count", "refs/heads/main")), "head": head,
        "first_day": FIRST_DAY.isoformat(), "last_day": LAST_DAY.isoformat(), "now": BENCH_NOW,
        "versions_verified": emitter.verified, "fallbacks": emitter.fallbacks,
        "generate_seconds": round(imported - started, 1), "checkout_seconds": round(encrypting - imported, 1),
        "encrypt_seconds": round(encrypted - encrypting, 1),
        "officers": len(world.config.officers), "cipher": cipher, "payer_id": payer_id,
    }
    return meta


def _start_signing(root: Path, when: datetime) -> None:
    """Keys for every officer of the generated store (this user's), as ``disputectl migrate sign``."""
    from disputectl.governance import start_signing
    from disputectl.record.session import open_session

    start_signing(open_session(root, now=when, fixed_clock=True), None)


def _encrypt(root: Path, when: datetime, cipher: str) -> None:
    """Every current case file sealed by the sample admin, as ``disputectl migrate encrypt``."""
    from disputectl.governance import reseal_store
    from disputectl.record.session import open_session

    reseal_store(open_session(root, now=when, officer_id="bgs-admin", fixed_clock=True), cipher=cipher)


def append_commits(repo: Path, n: int, *, now: str = BENCH_NOW, seed: int = 1,
                   exclude: frozenset[str] = frozenset(), update_worktree: bool = True) -> list[str]:
    """Add ``n`` commits on top of ``main``: a 备注 by the office on open cases of the last months,
    the first at ``now`` and each of the others a second after the one before.

    Each file is made by ``serialize_case`` itself. The commits are not signed (fast-import
    cannot sign): ``verify`` names them, as it would a clerk's commit made around the tool. Works on bare repositories too; in a clone
    with a working tree, the files and git's index are brought along (``read-tree -m -u``).
    Returns the ids of the cases touched.
    """
    from disputectl.errors import NotAllowed
    from disputectl.record.store_files import load_yaml, parse_case
    from disputectl.rules.config import parse_config

    rng = random.Random(seed)
    when = datetime.fromisoformat(now)
    head = _git(repo, "rev-parse", "refs/heads/main")
    config = parse_config(load_yaml(_git_bytes(repo, "cat-file", "blob", f"{head}:{CONFIG_FILE}"), source=CONFIG_FILE))
    calendar = WorkCalendar()
    listing = _git(repo, "ls-tree", "-r", "--name-only", head, "--", f"cases/{when.year}/").splitlines()
    paths = [p for p in listing if p.count("/") == 4 and p.endswith(".yaml") and Path(p).stem not in exclude]
    paths.sort(reverse=True)  # the newest cases are the open ones
    paths = paths[:max(4 * n, 400)]
    rng.shuffle(paths)
    office = config.officers["bgs-office"]
    identity = Identity(office.name, office.email or f"{office.id}@{office.unit.lower()}.disputectl.invalid")
    # The open cases to write on (a case may get several notes when a store has few).
    chosen: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    for path in paths:
        if len(chosen) == n:
            break
        case = parse_case(_git_bytes(repo, "cat-file", "blob", f"{head}:{path}"), source=path)
        case.pop("state")
        try:
            _, data = authorize("note", office, case, derive_state(case, config, calendar), {"body": rng.choice(NOTES)},
                                config, calendar, when.date())
        except NotAllowed:
            continue
        chosen.append((path, case, data))
    if not chosen:
        raise SystemExit("no open case to add notes to")
    touched: list[str] = []
    env = {**os.environ, "MALLOC_TRIM_THRESHOLD_": str(1 << 30), "MALLOC_TOP_PAD_": str(1 << 28)}
    proc = subprocess.Popen(["git", "-C", str(repo), "fast-import", "--quiet", "--done"], stdin=subprocess.PIPE, env=env)
    assert proc.stdin is not None
    parent: str | None = head
    start = when
    for i in range(n):
        path, case, data = chosen[i % len(chosen)]
        when = start + timedelta(seconds=i)
        entry = {"id": f"{when:%Y%m%d%H%M%S}-{rng.getrandbits(32):08x}", "at": when.isoformat(timespec="seconds"),
                 "action": "note", "actor": office.id, "unit": office.unit, "data": data}
        case["actions"].append(entry)
        case["state"] = derive_state(case, config, calendar)
        subject = f"{ACTIONS['note'].label} {case['id']}：{config.unit_label(office.unit)} {office.name}"
        _fast_import_commit(proc.stdin, {path: serialize_case(case)}, commit_message(subject, action_trailers(case["id"], entry)),
                            identity, when, parent)
        parent = None
        case.pop("state")
        touched.append(case["id"])
    proc.stdin.write(b"done\n")
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")
    if update_worktree:
        from disputectl.errors import StoreError

        try:
            _git(repo, "read-tree", "-m", "-u", head, "refs/heads/main")
        except StoreError:  # the working tree was not at ``head``: make it so
            _git(repo, "reset", "--hard", "--quiet")
    return touched


def _git_bytes(root: Path, *args: str) -> bytes:
    from disputectl.record.gitcmd import run_git

    return run_git(root, *args).stdout


def _phone(rng: random.Random) -> str:
    if rng.random() < 0.8:
        return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
    return f"0{rng.choice(['571', '21', '10', '25'])}-{rng.randrange(2, 9)}{rng.randrange(10**6, 10**7)}"


def store_dir(size: int, cipher: str | None = None) -> Path:
    """``bench/stores/<size>``, or ``<size>-<cipher>`` for the encrypted store of the same history."""
    return STORES / (f"{size}-{cipher}" if cipher else str(size))


def keys_home(size: int, cipher: str | None = None) -> Path:
    """Where the officers' signing keys of a bench store live (``XDG_CONFIG_HOME`` for the bench)."""
    return store_dir(size, cipher) / "config"


def ensure_store(size: int, *, regenerate: bool = False, verify_every: int = 500, quiet: bool = False,
                 cipher: str | None = None) -> tuple[Path, dict[str, Any]]:
    """The cached store of ``size`` cases (generated if missing, stale or asked to)."""
    folder = store_dir(size, cipher)
    meta_path = folder / "meta.json"
    store = folder / "store"
    if not regenerate and meta_path.is_file() and store.is_dir():
        meta = json.loads(meta_path.read_text())
        if meta.get("generator_version") == GENERATOR_VERSION:
            return store, meta
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    os.environ["XDG_CONFIG_HOME"] = str(keys_home(size, cipher))  # the officers' signing keys, kept with the store
    if not quiet:
        print(f"generating a store of {size} cases{f' ({cipher})' if cipher else ''} in {store} …", flush=True)
    meta = generate(size, store, verify_every=verify_every, quiet=quiet, cipher=cipher)
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
    if not quiet:
        print(f"  {meta['cases']} cases, {meta['commits']} commits in {meta['generate_seconds']} s "
              f"(+ checkout {meta['checkout_seconds']} s); {meta['versions_verified']} versions compared with "
              f"serialize_case, {meta['fallbacks']} fallbacks", flush=True)
    return store, meta


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, action="append", help="number of cases (repeatable); default 10000")
    parser.add_argument("--regenerate", action="store_true", help="generate again even if cached")
    parser.add_argument("--verify-every", type=int, default=500,
                        help="compare every Nth file version with serialize_case (0: never; 1: all, slow)")
    parser.add_argument("--cipher", choices=CIPHERS, help="encrypt the personal data after the history "
                        "(`migrate encrypt`), in bench/stores/<size>-<cipher>; default: kept in clear")
    args = parser.parse_args(argv)
    for size in args.size or [10000]:
        store, meta = ensure_store(size, regenerate=args.regenerate, verify_every=args.verify_every, cipher=args.cipher)
        print(json.dumps(meta, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
