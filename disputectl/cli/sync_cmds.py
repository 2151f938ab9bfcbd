"""``sync``, ``clone``, ``setup`` and ``verify``: several offices sharing one store."""


from pathlib import Path
from typing import Annotated

import typer

from disputectl.cli.common import (
    DEFAULT_STORE,
    AsOpt,
    JsonOpt,
    StoreOpt,
    err,
    ok,
    out,
    print_json,
    session,
    warn,
)

RemoteOpt = Annotated[str, typer.Option("--remote", help="远端名称（git remote，默认 origin）。")]


def sync(store: StoreOpt = DEFAULT_STORE, remote: RemoteOpt = "origin", officer: AsOpt = None,
         as_json: JsonOpt = False) -> None:
    """与远端同步：取回其他处的记录、逐条合并、送出本处的记录；离线时本地记录全部保留。"""
    from disputectl.cli.common import now
    from disputectl.record.sync import sync as run_sync

    report = run_sync(store, remote=remote, officer_id=officer, now=now())
    for line in report.recovered:
        warn(line)
    if as_json:
        print_json(report.as_dict())
        return
    new_cases = [i for i in report.incoming if i.new_case]
    actions = [i for i in report.incoming if not i.new_case]
    if not report.incoming:
        out.print("收到：无新记录。")
    else:
        out.print(f"收到：新案件 {len(new_cases)} 件，其他处的操作 {len(actions)} 项。")
        for i in new_cases:
            out.print(f"  新案件 {i.case}：{i.unit_name} {i.officer_name}", markup=False)
        for i in actions:
            out.print(f"  {i.case} {i.label}：{i.unit_name} {i.officer_name}", markup=False)
    if report.outgoing_commits:
        out.print(f"送出：{report.outgoing_commits} 个提交，涉及 {len(report.outgoing_cases)} 个案件"
                  + (f"（{'、'.join(report.outgoing_cases[:10])}{'等' if len(report.outgoing_cases) > 10 else ''}）"
                     if report.outgoing_cases else "") + "。", markup=False)
    else:
        out.print("送出：无。")
    ok(f"已与远端“{report.remote}”同步" + ("（已合并两处的记录）" if report.merged else "") + "。")


def clone(
    url: Annotated[str, typer.Argument(help="远端案件库地址（git 地址或路径）。", show_default=False)],
    path: Annotated[Path, typer.Argument(help="复制到的位置（须为空或不存在的文件夹）。", show_default=False)],
    name: Annotated[str | None, typer.Option("--name", help="本处名称，记入站点登记（默认主机名）。")] = None,
    officer: AsOpt = None,
) -> None:
    """复制案件库到本处：配置案件文件的逐条合并，并向远端登记本处的站点号（用于案件编号，由 --as 本人签名）。"""
    from disputectl.cli.common import now
    from disputectl.record.sync import clone as run_clone

    report = run_clone(url, path, name=name, officer_id=officer, now=now())
    ok(f"已复制案件库到 {report.root}，本处站点号 {report.station}。")
    out.print(f"之后用 disputectl sync --store {path} 与其他处同步。", markup=False)


def setup(store: StoreOpt = DEFAULT_STORE, remote: RemoteOpt = "origin",
          name: Annotated[str | None, typer.Option("--name", help="本处名称，记入站点登记（默认主机名）。")] = None,
          officer: AsOpt = None) -> None:
    """为用 git clone 复制的案件库补做设置：案件文件合并方式和站点号（需能连接远端，由 --as 本人签名）。"""
    from disputectl.cli.common import now
    from disputectl.record.sync import setup as run_setup

    report = run_setup(store, remote=remote, name=name, officer_id=officer, now=now())
    if report.registered:
        ok(f"已配置，并向远端登记本处站点号 {report.station}。")
    else:
        ok(f"已配置；本处站点号 {report.station}（此前已登记）。")


def verify(
    store: StoreOpt = DEFAULT_STORE,
    since: Annotated[str | None, typer.Option("--since", help="只核对此提交之后的提交（git 版本号）。")] = None,
    as_json: JsonOpt = False,
    install_hook: Annotated[Path | None, typer.Option(
        "--install-hook", help="在远端裸仓库中安装 pre-receive 钩子，拒绝不合规的推送。", show_default=False)] = None,
    open_sealed: Annotated[bool, typer.Option(
        "--open", help="另用本人密钥解密核对每个加密的个人信息（须 --as 能解密的人员；不显示任何明文）。")] = False,
    officer: AsOpt = None,
) -> None:
    """核对案件库全部历史：每个提交都须是有权人员办理的一项合法操作；有问题时逐条列出。"""
    from disputectl.record.store_files import find_store_root
    from disputectl.record.verify import format_violation
    from disputectl.record.verify import install_hook as run_install
    from disputectl.record.verify import verify as run_verify

    if install_hook is not None:
        hook = run_install(install_hook)
        ok(f"已安装 pre-receive 钩子：{hook}")
        return
    report = run_verify(find_store_root(store), since)
    demo = _is_demo(find_store_root(store))
    if open_sealed:
        from disputectl.record.verify import Violation
        from disputectl.services import sealed_value_problems

        found = sealed_value_problems(session(store, officer))
        report.violations.extend(Violation("（当前）", case, f"加密的个人信息：{p}") for case, p in found)
    if as_json:
        print_json({**report.as_dict(), "demo": demo})
    elif report.violations:
        for v in report.violations:
            out.print(format_violation(v), markup=False)
        err.print(f"[red]已核对 {report.checked} 个提交，发现 {len(report.violations)} 处问题。[/red]"
                  "每行开头是有问题的提交（git show 提交号 可查看）；请把以上内容交领导组办公室核处，"
                  "不要在此副本上继续同步，以免把问题传给其他单位。")
    else:
        ok(f"已核对 {report.checked} 个提交，全部合规。")
    if demo and not as_json:
        from disputectl.cli.common import warn

        warn("这是演示案件库（init --demo）：时间可由 DISPUTECTL_NOW 设定，记录不作为正式记录。")
    if report.violations:
        raise typer.Exit(1)


def _is_demo(root: Path) -> bool:
    """A demo store (``init --demo``): its times may have been set with DISPUTECTL_NOW."""
    from disputectl.errors import DisputeError
    from disputectl.record.store_files import load_config_file

    try:
        return load_config_file(root).demo
    except DisputeError:  # a broken config is verify's own finding
        return False


def register(app: typer.Typer) -> None:
    app.command("sync")(sync)
    app.command("clone")(clone)
    app.command("setup")(setup)
    app.command("verify")(verify)
