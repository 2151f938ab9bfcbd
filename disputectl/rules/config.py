"""The store's configuration: units, officers, regions, categories, clocks, numbering.

A new store gets ``DEFAULT_CONFIG`` written to ``disputectl.yaml``; the city edits that file.
``parse_config`` checks it against ``schemas/config.schema.json`` and then the cross
references (an officer's unit exists, a category's units exist …), listing every mistake.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from disputectl.errors import NotFound, PermissionDenied, ValidationError

CONFIG_FILE = "disputectl.yaml"
CONFIG_SCHEMA_VERSION = 1

ROLES: dict[str, str] = {
    "registrar": "受理人员",
    "handler": "承办人员",
    "office": "领导组办公室人员",
    "leader": "领导组组长",
    "archivist": "档案管理员",
    "admin": "系统管理员",
}

UNIT_KINDS: dict[str, str] = {
    "tax": "税务部门",
    "hrss": "人力资源社会保障部门",
    "medical": "医疗保障部门",
    "politics": "政法委",
    "justice": "司法行政部门",
    "petition": "信访部门",
    "approval": "行政审批部门",
    "office": "领导组办公室",
    "platform": "一站式矛盾纠纷调处平台",
}

CLOCK_DEFAULTS: dict[str, int] = {
    "route": 1,
    "sign": 1,
    "return": 5,
    "handle": 15,
    "extension_max": 15,
    "triage": 3,
    "opinion": 5,
    "consolidate": 5,
    "approval": 3,
    "platform": 30,
    "reply": 5,
    "warn_days": 2,
}
# Clocks that came later (一般事项 as a whole, 及时归档, 回访): written into a new store's config;
# a store made before runs without them until the admin sets them (config set clocks.archive 10),
# so that its history is still judged by the rules it was made under.
LATER_CLOCKS: dict[str, int] = {"joint": 30, "archive": 10, "followup": 10}
# How strictly the plan is applied. A new store's config has the plan's own rules; a store made
# before keeps the old behaviour (its history is judged by the rules it was made under) until the
# admin sets them: config set policy.first_officer_routes true …
POLICY_NEW: dict[str, Any] = {
    "first_officer_routes": True,  # 首问到底: only the registering officer routes (colleagues --on-behalf)
    "general_min_units": 2,  # 一般事项: opinions asked of at least this many units
    "consolidate_requires": "meeting_or_opinions",  # a 联席会议 recorded, or written opinions of two units
}
POLICY_BEFORE: dict[str, Any] = {"first_officer_routes": False, "general_min_units": 1, "consolidate_requires": "opinions"}
CONSOLIDATE_RULES = {"meeting_or_opinions": "召开过联席会议，或至少两个单位提交了书面意见",
                     "opinions": "至少两个单位提交了书面意见", "meeting": "召开过联席会议",
                     "meeting_and_opinions": "召开过联席会议，且至少两个单位提交了书面意见"}

NOTICE_PREFIX_DEFAULTS: dict[str, str] = {
    "receipt": "社争受",
    "transfer": "社争转",
    "meeting": "社争会",
    "opinion_request": "社争函",
    "approval_request": "社争批",
    "referral": "社争移",
    "extension": "社争延",
    "result": "社争结",
    "handover": "社争交",
}
# 代字 per issuing unit: a unit with a ``doc_code`` numbers its notices under that 代字 followed by
# the kind's 文种字 (税社争 + 结 = 税社争结〔2026〕1号), one sequence per 代字 and year; a unit
# without one (every unit of a store made before) uses the shared ``numbering.notices``.
NOTICE_KIND_MARKS: dict[str, str] = {kind: prefix[-1] for kind, prefix in NOTICE_PREFIX_DEFAULTS.items()}
# The bodies a notice names (行政复议机关, 人民法院, 劳动人事争议仲裁委员会) and the unit's 代字:
# optional keys of a unit; a store without them keeps the generic wording.
UNIT_NOTICE_KEYS: dict[str, str] = {
    "doc_code": "文号代字",
    "review_body": "行政复议机关",
    "court": "行政诉讼管辖法院",
    "arbitration_body": "劳动人事争议仲裁委员会",
    "arbitration_address": "仲裁委员会地址",
}


def _unit(code: str, name: str, short: str, kind: str, region: str = "SBJ", **extra: Any) -> dict[str, Any]:
    return {"code": code, "name": name, "short": short, "kind": kind, "region": region, **extra}


def _default_units(city: str = "示例市", province: str = "示例省") -> list[dict[str, Any]]:
    government = f"{city}人民政府"
    # a city-level department is sued in a basic court (行政诉讼法 art. 14), the one the city names
    bodies = {"court": f"{city}东区人民法院", "arbitration_body": f"{city}劳动人事争议仲裁委员会"}
    return [
        _unit("SW", f"国家税务总局{city}税务局", "税务局", "tax", doc_code="税社争",
              review_body=f"国家税务总局{province}税务局", **bodies),  # 上一级税务机关
        _unit("RS", f"{city}人力资源和社会保障局", "人社局", "hrss", doc_code="人社争", review_body=government, **bodies),
        _unit("YB", f"{city}医疗保障局", "医保局", "medical", doc_code="医保争", review_body=government, **bodies),
        _unit("ZF", f"中共{city}委政法委员会", "政法委", "politics", doc_code="政法争", **bodies),
        _unit("SF", f"{city}司法局", "司法局", "justice", doc_code="司法争", **bodies),
        _unit("XF", f"{city}信访局", "信访局", "petition", doc_code="信访争", **bodies),
        _unit("SP", f"{city}行政审批局", "行政审批局", "approval", doc_code="审批争", **bodies),
        _unit("BGS", f"{city}社会保险费征缴争议联合处置工作领导组办公室", "领导组办公室", "office", doc_code="社争办",
              **bodies),
        _unit("PT", f"{city}政法委“一站式”矛盾纠纷调处平台", "一站式平台", "platform", external=True),
    ]


_CATEGORIES = [
    (1, "登记和关系转移", ["SW"]),
    (2, "登记信息传递", ["SW"]),
    (3, "缴费基数申报", ["SW"]),
    (4, "缴费金额", ["SW"]),
    (5, "人社（医保）部门核定的特殊缴费应征金额", ["RS", "YB"]),
    (6, "滞纳金加收", ["SW"]),
    (7, "退（抵）费模式、流程、金额", ["SW"]),
    (8, "待遇核定和支付", ["RS", "YB"]),
    (9, "征缴检查、欠费追缴", ["SW"]),
    (10, "其他争议事项", []),
]

# Which sample officers a new store gets, per unit kind.
_SAMPLE_ROLES = {
    "office": ["office", "registrar", "archivist"],
    "platform": [],
}
_MEMBER_SAMPLE_ROLES = ["registrar", "handler", "archivist"]
_SAMPLE_TITLES = {"registrar": "受理员", "handler": "承办员", "office": "专员", "archivist": "档案员"}


def _sample_officers(units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    officers: list[dict[str, Any]] = []
    for unit in units:
        roles = _SAMPLE_ROLES.get(unit["kind"], _MEMBER_SAMPLE_ROLES)
        for role in roles:
            officers.append(
                {
                    "id": f"{unit['code'].lower()}-{role}",
                    "name": f"{unit['short']}{_SAMPLE_TITLES[role]}（样例）",
                    "unit": unit["code"],
                    "roles": [role],
                    "sample": True,
                }
            )
        if unit["kind"] == "office":
            officers.append(
                {"id": "leader", "name": "领导组组长（样例）", "unit": unit["code"], "roles": ["leader"], "sample": True}
            )
            officers.append(
                {"id": "bgs-admin", "name": "系统管理员（样例）", "unit": unit["code"], "roles": ["admin"], "sample": True}
            )
    return officers


def default_config() -> dict[str, Any]:
    units = _default_units()
    return {
        "schema_version": CONFIG_SCHEMA_VERSION,
        "city": "示例市",
        "government_name": "示例市人民政府",
        "regions": [
            {"code": "SBJ", "name": "市本级"},
            {"code": "DQ", "name": "东区"},
            {"code": "XQ", "name": "西区"},
            {"code": "NX", "name": "南县"},
        ],
        "units": units,
        "officers": _sample_officers(units),
        "categories": [{"code": c, "name": n, "units": u} for c, n, u in _CATEGORIES],
        "clocks": {**CLOCK_DEFAULTS, **LATER_CLOCKS},
        "policy": dict(POLICY_NEW),
        "numbering": {
            "notices": dict(NOTICE_PREFIX_DEFAULTS),
            "fonds": "J001",
            "archive_category": "WS",
            "default_retention": "30年",
        },
        "privacy": {"reveal_roles": ["office", "archivist"]},
    }


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    short: str
    kind: str
    region: str
    external: bool = False
    doc_code: str = ""  # 文号代字 of the notices it issues ("" = the shared numbering.notices)
    review_body: str = ""  # 行政复议机关 of its acts ("" = the generic wording)
    court: str = ""  # 行政诉讼 court
    arbitration_body: str = ""  # 劳动人事争议仲裁委员会 a payer applies to
    arbitration_address: str = ""


@dataclass(frozen=True)
class Officer:
    id: str
    name: str
    unit: str
    roles: frozenset[str]
    sample: bool = False
    email: str | None = None
    key: str | None = None  # the registered public key (``ssh-ed25519 AAAA…``)
    disabled: bool = False
    retired_keys: tuple[tuple[str, str], ...] = ()  # (public key, last day it signed: YYYY-MM-DD)

    def has_role(self, role: str) -> bool:
        return role in self.roles and not self.disabled

    @property
    def principal(self) -> str:
        """Who the officer is to git: the commit author's e-mail and the allowed-signers name."""
        return self.email or f"{self.id}@{self.unit.lower()}.disputectl.invalid"


@dataclass(frozen=True)
class Category:
    code: int
    name: str
    units: tuple[str, ...]


@dataclass(frozen=True)
class Config:
    raw: Mapping[str, Any]
    city: str
    government_name: str
    regions: dict[str, str]
    units: dict[str, Unit]
    officers: dict[str, Officer]
    categories: dict[int, Category]
    clocks: dict[str, int]
    notice_prefixes: dict[str, str]
    fonds: str
    archive_category: str
    default_retention: str
    reveal_roles: frozenset[str] = field(default_factory=frozenset)
    encrypted: bool = False  # personal data sealed (keyring.yaml): set at init or by migrate encrypt, never unset
    policy: dict[str, Any] = field(default_factory=lambda: dict(POLICY_BEFORE))
    demo: bool = False  # made by ``init --demo``: the clock may be fixed (DISPUTECTL_NOW)

    @cached_property  # asked for on every action a case replays
    def office_unit(self) -> str:
        return next(u.code for u in self.units.values() if u.kind == "office")

    @cached_property
    def platform_unit(self) -> str | None:
        return next((u.code for u in self.units.values() if u.kind == "platform"), None)

    def unit(self, code: str) -> Unit:
        try:
            return self.units[code]
        except KeyError:
            raise NotFound(f"没有单位代码“{code}”。可用：{'、'.join(self.units)}") from None

    def officer(self, officer_id: str | None) -> Officer:
        if not officer_id:
            raise PermissionDenied("请用 --as 工号（或环境变量 DISPUTECTL_OFFICER）指明以哪位工作人员身份操作。")
        try:
            return self.officers[officer_id]
        except KeyError:
            raise PermissionDenied(f"未知的工作人员“{officer_id}”：不在本库配置的人员名单中。") from None

    def unit_label(self, code: str | None) -> str:
        if not code:
            return "—"
        unit = self.units.get(code)
        return unit.short if unit else code

    def notice_prefix(self, kind: str, unit: str | None) -> str | None:
        """The 代字 of ``kind`` issued by ``unit``: the unit's own if it has one, else the shared one."""
        own = self.units[unit].doc_code if unit in self.units else ""
        if own and kind in NOTICE_KIND_MARKS:
            return own + NOTICE_KIND_MARKS[kind]
        return self.notice_prefixes.get(kind)

    def notice_prefixes_for(self, unit: str | None) -> dict[str, str]:
        return {kind: prefix for kind in self.notice_prefixes if (prefix := self.notice_prefix(kind, unit))}

    def member_units(self) -> list[str]:
        return [u.code for u in self.units.values() if u.kind not in ("office", "platform")]


def parse_config(raw: Mapping[str, Any], *, schema_checked: bool = False) -> Config:
    """Check a loaded config and build the typed view; every mistake is listed at once."""
    from disputectl.rules.schema import schema_errors

    problems = [] if schema_checked else schema_errors("config", raw)
    if problems:
        raise ValidationError("配置文件 disputectl.yaml 有误，请逐条修改：", details=problems)
    problems = _cross_reference_problems(raw)
    if problems:
        raise ValidationError("配置文件 disputectl.yaml 有误，请逐条修改：", details=problems)
    units = {u["code"]: Unit(u["code"], u["name"], u["short"], u["kind"], u["region"], bool(u.get("external", False)),
                             **{key: u[key].strip() for key in UNIT_NOTICE_KEYS if u.get(key)})
             for u in raw["units"]}
    officers = {
        o["id"]: Officer(o["id"], o["name"], o["unit"], frozenset(o["roles"]), bool(o.get("sample", False)), o.get("email"),
                         o.get("key"), bool(o.get("disabled", False)),
                         tuple((r["key"], str(r["until"])) for r in o.get("retired_keys", [])))
        for o in raw["officers"]
    }
    clocks = dict(CLOCK_DEFAULTS)
    clocks.update(raw.get("clocks", {}))
    numbering = raw.get("numbering", {})
    prefixes = dict(NOTICE_PREFIX_DEFAULTS)
    prefixes.update(numbering.get("notices", {}))
    return Config(
        raw=raw,
        city=raw["city"],
        government_name=raw["government_name"],
        regions={r["code"]: r["name"] for r in raw["regions"]},
        units=units,
        officers=officers,
        categories={c["code"]: Category(c["code"], c["name"], tuple(c["units"])) for c in raw["categories"]},
        clocks=clocks,
        notice_prefixes=prefixes,
        fonds=numbering.get("fonds", "J001"),
        archive_category=numbering.get("archive_category", "WS"),
        default_retention=numbering.get("default_retention", "30年"),
        reveal_roles=frozenset(raw.get("privacy", {}).get("reveal_roles", [])),
        encrypted=bool(raw.get("privacy", {}).get("encrypted", False)),
        policy={**POLICY_BEFORE, **raw.get("policy", {})},
        demo=bool(raw.get("demo", False)),
    )


def _duplicates(values: list[Any]) -> list[Any]:
    seen: set[Any] = set()
    dups: list[Any] = []
    for v in values:
        if v in seen and v not in dups:
            dups.append(v)
        seen.add(v)
    return dups


def _cross_reference_problems(raw: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    regions = [r["code"] for r in raw["regions"]]
    units = [u["code"] for u in raw["units"]]
    for dup in _duplicates(regions):
        problems.append(f"区域代码“{dup}”重复")
    for dup in _duplicates(units):
        problems.append(f"单位代码“{dup}”重复")
    for dup in _duplicates([o["id"] for o in raw["officers"]]):
        problems.append(f"工作人员工号“{dup}”重复")
    keys = [o["key"].split()[1] for o in raw["officers"] if o.get("key") and len(o["key"].split()) > 1]
    for dup in _duplicates(keys):
        problems.append(f"公钥 {dup[:16]}… 登记给了多位工作人员（每人一把密钥）")
    for dup in _duplicates([c["code"] for c in raw["categories"]]):
        problems.append(f"争议类别“{dup}”重复")
    offices = [u["code"] for u in raw["units"] if u["kind"] == "office"]
    if len(offices) != 1:
        problems.append(f"必须恰好有一个类型为 office 的领导组办公室单位，现有 {len(offices)} 个")
    if len([u for u in raw["units"] if u["kind"] == "platform"]) > 1:
        problems.append("类型为 platform 的平台单位最多一个")
    for dup in _duplicates([u["doc_code"] for u in raw["units"] if u.get("doc_code")]):
        problems.append(f"单位文号代字“{dup}”重复（每个发文单位一个代字）")
    for u in raw["units"]:
        if u["region"] not in regions:
            problems.append(f"单位“{u['code']}”的区域“{u['region']}”不在 regions 中")
    for o in raw["officers"]:
        if o["unit"] not in units:
            problems.append(f"工作人员“{o['id']}”的单位“{o['unit']}”不存在")
        for role in o["roles"]:
            if role not in ROLES:
                problems.append(f"工作人员“{o['id']}”的角色“{role}”无效（可用：{'、'.join(ROLES)}）")
        unit = next((u for u in raw["units"] if u["code"] == o["unit"]), None)
        if unit and unit["kind"] == "platform":
            problems.append(f"工作人员“{o['id']}”不能属于外部平台单位“{o['unit']}”")
        if unit and "office" in o["roles"] and unit["kind"] != "office":
            problems.append(f"工作人员“{o['id']}”有 office 角色，但所在单位“{o['unit']}”不是领导组办公室")
    for c in raw["categories"]:
        for code in c["units"]:
            if code not in units:
                problems.append(f"争议类别 {c['code']} 的建议承办单位“{code}”不存在")
    codes = sorted(c["code"] for c in raw["categories"])
    if codes != list(range(1, 11)):
        problems.append("争议类别应为 1 至 10 共十类（方案“适用对象”）")
    for role in raw.get("privacy", {}).get("reveal_roles", []):
        if role not in ROLES:
            problems.append(f"privacy.reveal_roles 中的角色“{role}”无效")
    return problems
