"""``init``, ``officers`` and ``actions``: the store and who may do what."""


from pathlib import Path
from typing import Annotated

import typer

from disputectl.cli.common import (
    DEFAULT_STORE,
    AsOpt,
    JsonOpt,
    StoreOpt,
    ok,
    out,
    print_json,
    print_table,
    table,
    warn,
)


def init(
    path: Annotated[Path, typer.Argument(help="新案件库的位置（默认 ./cases）。")] = DEFAULT_STORE,
    admin: Annotated[str | None, typer.Option("--admin", help="第一位系统管理员的工号（即运行本命令的人；其密钥签署建库提交）。")] = None,
    name: Annotated[str | None, typer.Option("--name", help="第一位系统管理员的姓名。")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="第一位系统管理员所在单位代码（默认领导组办公室）。")] = None,
    demo: Annotated[bool, typer.Option("--demo", help="建立演示案件库：样例人员各有本机密钥，可用 DISPUTECTL_NOW 固定时间；不作正式记录。")] = False,
    cipher: Annotated[str, typer.Option("--cipher", help="个人信息加密算法：sm4-gcm（SM4-GCM/HMAC-SM3，国密）或 aes-256-gcm（AES-256-GCM/HMAC-SHA-256）；建库后不能改。")] = "sm4-gcm",
) -> None:
    """建立案件库：独立的 git 仓库和默认配置；运行者成为第一位系统管理员。"""
    from disputectl.cli.common import clock_fixed, now
    from disputectl.errors import ValidationError
    from disputectl.services import FirstAdmin, init_store

    if clock_fixed() and not demo:
        raise ValidationError("环境变量 DISPUTECTL_NOW 只能用于演示案件库（disputectl init --demo）。")
    if demo and admin:
        raise ValidationError("--demo 与 --admin 不能同时使用：演示案件库的管理员是样例人员 bgs-admin。")
    if admin and not name:
        raise ValidationError("请用 --name 给出系统管理员的姓名。")
    first = FirstAdmin(admin, name or "", unit.upper() if unit else None) if admin else None
    root, created = init_store(path, now=now(), demo=demo, admin=first, cipher=cipher)
    if not created:
        ok(f"“{path}”已经是案件库，未做改动。")
        return
    ok(f"已建立{'演示' if demo else ''}案件库：{root}")
    from disputectl.trust.sealing import suite_of

    out.print(f"个人信息（证件号码、电话、个人地址）加密保存：{suite_of(cipher).label}。", markup=False)
    if demo:
        out.print("样例人员的签名密钥已在本机生成（~/.config/disputectl/keys/），演示时以 --as 工号 办理。", markup=False)
    else:
        out.print("下一步：用 disputectl officer add 登记本市真实人员及其公钥（每人先在自己的电脑上运行 "
                  "disputectl key init --as 工号）；用 disputectl officers 检查。", markup=False)


def officers(store: StoreOpt = DEFAULT_STORE, as_json: JsonOpt = False) -> None:
    """列出工作人员：工号、姓名、单位、角色。"""
    from disputectl.cli.common import session
    from disputectl.rules.config import ROLES

    s = session(store)
    rows = [
        {"id": o.id, "name": o.name, "unit": o.unit, "unit_name": s.config.unit_label(o.unit),
         "roles": sorted(o.roles), "sample": o.sample, "key": bool(o.key), "disabled": o.disabled}
        for o in s.config.officers.values()
    ]
    if as_json:
        print_json(rows)
        return
    grid = table("工号", "姓名", "单位", "角色", "签名公钥", title="工作人员")
    for r in rows:
        grid.add_row(r["id"], r["name"], r["unit_name"], "、".join(ROLES[x] for x in r["roles"]),
                     "已停用" if r["disabled"] else ("已登记" if r["key"] else "未登记（不能办理）"))
    print_table(grid)
    if any(r["sample"] for r in rows):
        warn("名单中有样例人员：正式使用时由系统管理员用 disputectl officer add 登记本市真实人员，样例人员可 officer disable。")


def actions(store: StoreOpt = DEFAULT_STORE, officer: AsOpt = None, as_json: JsonOpt = False) -> None:
    """列出状态流转表：每个状态下可办理的事项、办理人和下一状态（与案件库无关）。"""
    from disputectl.cli.workflow_cmds import command_for
    from disputectl.rules.workflow import TABLE, describe_who, table_rows

    rows = table_rows()
    if as_json:
        print_json(rows)
        return
    grid = table("当前状态", "事项", "命令", "办理人", "办理后状态", title="状态流转表")
    for row, t in zip(rows, TABLE, strict=True):
        grid.add_row(row["status_label"], row["action_label"], command_for(row["action"]),
                      describe_who(t), row["next_label"])
    print_table(grid)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("officers")(officers)
    app.command("actions")(actions)
    _register_doctor(app)


def doctor(store: StoreOpt = DEFAULT_STORE, officer: AsOpt = None) -> None:
    """检查并修复中断操作的遗留问题（锁文件、半写文件、工作区与记录不一致、索引落后）。"""
    from disputectl.cli.common import now, session
    from disputectl.record.doctor import run_doctor, set_aside_hand_edits
    from disputectl.record.store_files import find_store_root

    repairs = set_aside_hand_edits(find_store_root(store), now())
    repairs += run_doctor(session(store, officer, check_rules=False))
    if not repairs:
        ok("案件库完好，无需修复。")
        return
    for line in repairs:
        out.print(f"- {line}")
    ok(f"已处理 {len(repairs)} 项。")


def _register_doctor(app: typer.Typer) -> None:
    app.command("doctor")(doctor)
