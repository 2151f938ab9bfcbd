"""``key``, ``officer``, ``config``, ``calendar`` and ``template``: keys and the rules, by command."""

from pathlib import Path
from typing import Annotated, Any

import typer

from disputectl.cli.common import DEFAULT_STORE, AsOpt, StoreOpt, ok, out, session

IdArg = Annotated[str, typer.Argument(help="工作人员工号。", show_default=False)]
KeyFileOpt = Annotated[Path | None, typer.Option("--file", help="公钥文件（如 id_ed25519.pub，由本人 disputectl key init 生成）。",
                                                 show_default=False)]


def _done(outcome: object) -> None:
    ok(f"已记录：{getattr(outcome, 'summary', '')}（一次由系统管理员签名的提交）。")


def _read_key(path: Path | None) -> str:
    from disputectl.errors import ValidationError

    if path is None:
        raise ValidationError("请用 --file 给出公钥文件。")
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(f"无法读取公钥文件“{path}”：{getattr(exc, 'strerror', None) or exc}") from None


# -- key -------------------------------------------------------------------------------------------

def key_init(
    officer: Annotated[str, typer.Option("--as", envvar="DISPUTECTL_OFFICER", help="本人工号。", show_default=False)],
    adopt: Annotated[Path | None, typer.Option("--adopt", help="改用已有的 ed25519 SSH 密钥（私钥文件路径）。")] = None,
    agent: Annotated[bool, typer.Option("--agent", help="私钥由 ssh-agent 保管：--adopt 给出公钥文件。")] = False,
) -> None:
    """在本机为本人生成签名密钥（或采用已有的 SSH 密钥），并显示要交给系统管理员登记的公钥。"""
    from disputectl.errors import ValidationError
    from disputectl.trust.keys import adopt_key, create_key, keys_dir

    if agent and adopt is None:
        raise ValidationError("--agent 需与 --adopt 公钥文件 一起使用。")
    key = adopt_key(officer, adopt, agent=agent) if adopt else create_key(officer)
    ok(f"{officer} 的签名密钥已就绪（{key.sign_with}）。")
    pub = keys_dir() / (officer + ".pub")
    out.print(f"公钥文件 {pub}，交给系统管理员登记：新同事用 disputectl officer add {officer} --name … --unit … --roles … "
              f"--file {pub.name}；已登记的人员换密钥用 disputectl officer key {officer} --file {pub.name}。公钥：", markup=False)
    out.print(key.public, markup=False)


def key_show(officer: Annotated[str, typer.Option("--as", envvar="DISPUTECTL_OFFICER", help="本人工号。", show_default=False)]) -> None:
    """显示本机为本人保存的公钥。"""
    from disputectl.errors import NotFound
    from disputectl.trust.keys import local_key

    key = local_key(officer)
    if key is None:
        raise NotFound(f"本机没有 {officer} 的签名密钥：请运行 disputectl key init --as {officer}。")
    out.print(key.public, markup=False)


# -- officer ---------------------------------------------------------------------------------------

def officer_add(
    officer_id: IdArg,
    name: Annotated[str, typer.Option("--name", help="姓名。", show_default=False)],
    unit: Annotated[str, typer.Option("--unit", help="单位代码，如 SW。", show_default=False)],
    roles: Annotated[str, typer.Option("--roles", help="角色，逗号分隔：registrar,handler,office,leader,archivist,admin。",
                                       show_default=False)],
    key_file: KeyFileOpt = None,
    email: Annotated[str | None, typer.Option("--email", help="电子邮箱（提交作者，可省略）。")] = None,
    store: StoreOpt = DEFAULT_STORE, admin: AsOpt = None,
) -> None:
    """新增工作人员（系统管理员）：工号、姓名、单位、角色和签名公钥。"""
    from disputectl.governance import add_officer

    key = _read_key(key_file) if key_file else None
    _done(add_officer(session(store, admin), officer_id, name=name, unit=unit, roles=roles, key=key, email=email))


def officer_edit(
    officer_id: IdArg,
    name: Annotated[str | None, typer.Option("--name", help="新姓名。")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="新单位代码。")] = None,
    email: Annotated[str | None, typer.Option("--email", help="新电子邮箱。")] = None,
    store: StoreOpt = DEFAULT_STORE, admin: AsOpt = None,
) -> None:
    """修改工作人员的姓名、单位或邮箱（系统管理员）。"""
    from disputectl.governance import edit_officer

    _done(edit_officer(session(store, admin), officer_id, name=name, unit=unit, email=email))


def officer_roles(
    officer_id: IdArg,
    roles: Annotated[str, typer.Option("--set", help="新的角色，逗号分隔。", show_default=False)],
    store: StoreOpt = DEFAULT_STORE, admin: AsOpt = None,
) -> None:
    """设定工作人员的角色（系统管理员）；自下一次提交起生效。"""
    from disputectl.governance import set_officer_roles

    _done(set_officer_roles(session(store, admin), officer_id, roles))


def officer_disable(officer_id: IdArg, store: StoreOpt = DEFAULT_STORE, admin: AsOpt = None) -> None:
    """停用工作人员（系统管理员）：其签名的历史记录仍然有效，此后不能再办理。"""
    from disputectl.governance import disable_officer

    _done(disable_officer(session(store, admin), officer_id))


def officer_enable(officer_id: IdArg, store: StoreOpt = DEFAULT_STORE, admin: AsOpt = None) -> None:
    """恢复已停用的工作人员（系统管理员）。"""
    from disputectl.governance import disable_officer

    _done(disable_officer(session(store, admin), officer_id, enable=True))


def officer_key(officer_id: IdArg, key_file: KeyFileOpt = None, store: StoreOpt = DEFAULT_STORE,
                admin: AsOpt = None) -> None:
    """登记或更换工作人员的签名公钥（系统管理员）；旧公钥签过的记录仍可核验。"""
    from disputectl.governance import set_officer_key

    _done(set_officer_key(session(store, admin), officer_id, _read_key(key_file)))


# -- config, calendar, template ----------------------------------------------------------------------

def config_set(
    path: Annotated[str, typer.Argument(help="配置项，如 clocks.handle、units.SW.name、regions.BQ.name、privacy.reveal_roles。",
                                        show_default=False)],
    value: Annotated[str, typer.Argument(help="新值（列表用逗号分隔）。", show_default=False)],
    store: StoreOpt = DEFAULT_STORE, admin: AsOpt = None,
) -> None:
    """修改配置（系统管理员）：时限、单位、区域、争议类别、可查看完整个人信息的角色、编号等。"""
    from disputectl.governance import set_config_value

    _done(set_config_value(session(store, admin), path, value))


def calendar_import(
    file: Annotated[Path, typer.Argument(help="某年的节假日安排 YAML（格式见 README）。", show_default=False)],
    store: StoreOpt = DEFAULT_STORE, admin: AsOpt = None,
) -> None:
    """导入一年的节假日和调休安排（系统管理员），替换该年原有的安排；文件名或其中的 year 给出年份。"""
    from disputectl.errors import ValidationError
    from disputectl.governance import add_calendar_year
    from disputectl.record.store_files import load_yaml

    try:
        content = file.read_bytes()
    except OSError as exc:
        raise ValidationError(f"无法读取文件“{file}”：{exc.strerror or exc}") from None
    data = load_yaml(content, source=file.name)
    year = data.get("year") if isinstance(data, dict) else None
    if not isinstance(year, int):
        stem = file.stem
        year = int(stem) if stem.isdigit() else None
    if year is None:
        raise ValidationError("请在文件中写明 year: 年份（或把文件命名为 年份.yaml）。")
    _done(add_calendar_year(session(store, admin), year, content))


def calendar_add(
    year: Annotated[int, typer.Argument(help="年份，如 2027。", show_default=False)],
    holiday: Annotated[list[str], typer.Option("--holiday", help="放假：起始日:结束日:名称，如 2027-01-01:2027-01-03:元旦（可多次）。")] = [],  # noqa: B006
    workday: Annotated[list[str], typer.Option("--workday", help="调休上班：日期:名称，如 2027-02-20:春节调休（可多次）。")] = [],  # noqa: B006
    store: StoreOpt = DEFAULT_STORE, admin: AsOpt = None,
) -> None:
    """在某年的节假日和调休安排中增加放假或调休上班日（系统管理员）；已登记的保留。"""
    from disputectl.errors import ValidationError
    from disputectl.governance import add_calendar_entries
    holidays: list[tuple[str, str, str]] = []
    workdays: list[tuple[str, str]] = []
    try:
        for item in holiday:
            start, end, name = item.split(":", 2)
            holidays.append((start, end, name))
        for item in workday:
            day, name = item.split(":", 1)
            workdays.append((day, name))
    except ValueError:
        raise ValidationError("格式应为 --holiday 起始日:结束日:名称、--workday 日期:名称。") from None
    if not holidays and not workdays:
        raise ValidationError("请至少给出一个 --holiday 或 --workday。")
    _done(add_calendar_entries(session(store, admin), year, holidays, workdays))


def template_install(
    kind: Annotated[str, typer.Argument(help="文书种类，如 result、receipt。", show_default=False)],
    file: Annotated[Path, typer.Argument(help="修改后的 .docx 模板。", show_default=False)],
    store: StoreOpt = DEFAULT_STORE, admin: AsOpt = None,
) -> None:
    """启用本库自己的文书模板（系统管理员）；各处同步后都使用它。"""
    from disputectl.governance import install_template

    _done(install_template(session(store, admin), kind, file))


def template_reset(kind: Annotated[str, typer.Argument(help="文书种类。", show_default=False)],
                   store: StoreOpt = DEFAULT_STORE, admin: AsOpt = None) -> None:
    """恢复默认文书模板（系统管理员）。"""
    from disputectl.governance import install_template

    _done(install_template(session(store, admin), kind, None))


def migrate_sign(
    store: StoreOpt = DEFAULT_STORE,
    admin: Annotated[str | None, typer.Option("--admin", help="第一位系统管理员的工号（即运行本命令的人）。")] = None,
    name: Annotated[str | None, typer.Option("--name", help="其姓名（工号不在名单中时新增）。")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="其单位代码（默认领导组办公室）。")] = None,
) -> None:
    """为启用签名之前建立的案件库启用签名：登记第一位系统管理员的公钥，此后每个提交都须签名。"""
    from disputectl.governance import start_signing
    from disputectl.services import FirstAdmin

    first = FirstAdmin(admin, name or admin, unit.upper() if unit else None) if admin else None
    _done(start_signing(session(store), first))


def migrate_encrypt(
    store: StoreOpt = DEFAULT_STORE,
    admin: AsOpt = None,
    cipher: Annotated[str, typer.Option("--cipher", help="sm4-gcm（SM4-GCM/HMAC-SM3，国密）或 aes-256-gcm（AES-256-GCM/HMAC-SHA-256）。")] = "sm4-gcm",
) -> None:
    """把早先以明文保存个人信息的案件库改为加密保存（系统管理员）：现有案件文件在一个签名提交中加密；此前的历史仍含明文，见 README。"""
    from disputectl.governance import reseal_store

    _done(reseal_store(session(store, admin), cipher=cipher))


def key_rotate(store: StoreOpt = DEFAULT_STORE, admin: AsOpt = None) -> None:
    """更换个人信息的数据密钥和检索密钥，用新密钥重新加密现有案件文件（系统管理员；历史中仍是旧密钥的密文）。"""
    from disputectl.governance import reseal_store

    _done(reseal_store(session(store, admin)))


def register(app: typer.Typer) -> list[typer.Typer]:
    from disputectl.cli.chinese_help import ChineseHelpCommand, ChineseHelpGroup

    groups: dict[str, tuple[str, list[tuple[str, Any]]]] = {
        "key": ("签名密钥：在本机生成或采用 SSH 密钥；更换个人信息密钥。",
                [("init", key_init), ("show", key_show), ("rotate", key_rotate)]),
        "officer": ("工作人员管理（系统管理员）。", [("add", officer_add), ("edit", officer_edit), ("roles", officer_roles),
                                            ("disable", officer_disable), ("enable", officer_enable), ("key", officer_key)]),
        "config": ("配置管理（系统管理员）。", [("set", config_set)]),
        "calendar": ("节假日安排（系统管理员）。", [("add", calendar_add), ("import", calendar_import)]),
        "template": ("文书模板（系统管理员）。", [("install", template_install), ("reset", template_reset)]),
        "migrate": ("升级早先建立的案件库。", [("sign", migrate_sign), ("encrypt", migrate_encrypt)]),
    }
    made = []
    for name, (help_text, commands) in groups.items():
        sub = typer.Typer(cls=ChineseHelpGroup, help=help_text, no_args_is_help=True, add_completion=False,
                          rich_markup_mode=None, pretty_exceptions_enable=False)
        for command_name, function in commands:
            sub.command(command_name, cls=ChineseHelpCommand)(function)
        app.add_typer(sub, name=name)
        made.append(sub)
    return made
