"""One command per workflow action, generated from the state machine's data.

Each command takes the case number and one option per field of the action (``--reason``,
``--facts`` …); the checks, the commit and the notices all happen in ``services.perform``.
``notice`` issues or re-prints a notice; ``print`` writes the 受理登记表 (no number, nothing recorded).
"""


import inspect
from pathlib import Path
from typing import Annotated, Any

import typer

from disputectl.cli.common import (
    DEFAULT_STORE,
    AsOpt,
    CaseArg,
    OccurredOpt,
    StoreOpt,
    ok,
    out,
    parse_occurred,
    say,
    session,
    warn,
)
from disputectl.errors import ValidationError
from disputectl.rules.workflow import ACTIONS, ActionSpec, Field

# Actions with a command of their own elsewhere (register, route) or none.
_OWN_COMMANDS = {"register", "route_self", "route_transfer", "route_office", "issue_notice", "amend"}
_COMMAND_NAMES = {"convene": "meeting", "submit_opinion": "opinion", "request_opinions": "request-opinions"}


def perform_and_report(store: Path, officer: str | None, case_id: str, action: str, data: dict[str, Any],
                       occurred: str | None = None, attach: list[Path] | None = None) -> list[dict[str, Any]]:
    """Perform ``action`` and report it; the notices it issued (as recorded on the action)."""
    from disputectl.rules.derive import waiting_for
    from disputectl.rules.workflow import STATUSES
    from disputectl.services import perform

    attachments = None
    if attach:
        from disputectl.rules.registration import read_attachments

        attachments = read_attachments(list(attach), documents_only=True)
    s = session(store, officer)
    outcome = perform(s, case_id, action, data, occurred=parse_occurred(occurred), attachments=attachments)
    for line in s.recovered:
        warn(line)
    state = outcome.case["state"]
    ok(f"{ACTIONS[action].label}：{outcome.case['id']} → {STATUSES[state['status']]}（{s.config.unit_label(state['unit'])}）")
    say(f"等待：{waiting_for(state, s.config)}")
    for clock in state["clocks"]:
        if clock["stopped"] is None:
            from disputectl.rules.derive import clock_label

            say(f"期限：{clock_label(clock['name'], s.config)} {clock['due']}")
    report_notices(outcome.case["id"], outcome.action.get("notices", []))
    for att in outcome.action.get("attachments", []):
        say(f"已附材料：{att['path']}（{att['size']} 字节，SHA-256 {att['sha256'][:12]}…）")
    return list(outcome.action.get("notices", []))


def report_notices(case_id: str, notices: list[dict[str, Any]]) -> None:
    """What was issued, and a warning for a deadline it states that was counted through a year
    with no holiday data (Monday to Friday assumed)."""
    from disputectl.documents.issuing import notice_title

    for notice in notices:
        say(f"已出具{notice_title(notice['kind'])}：" + " ".join(p for p in (notice["number"], notice["path"]) if p))
        if notice.get("replaces"):
            say(f"  （更正并替代 {notice['replaces']}）")
        if notice.get("assumed_years"):
            years = "、".join(map(str, notice["assumed_years"]))
            warn(f"{notice_title(notice['kind'])}{notice['number'] or ''}所载期限跨越 {years} 年，该年节假日安排尚未录入，"
                 f"按周一至周五推算；系统管理员录入后请用 disputectl show {case_id} 核对，日期有变的用 --corrected 更正。")


def _option_for(field: Field) -> tuple[Any, Any]:
    help_text = field.label + ("" if field.required else "（可选）")
    if field.choices:
        help_text += "：" + "、".join(field.choices)
    if field.kind == "units":
        help_text += "（单位代码，可多次使用或用逗号分隔）"
        return Annotated[list[str] | None, typer.Option(f"--{field.name.replace('_', '-')}", help=help_text)], None
    if field.kind == "date":
        help_text += "（如 2026-11-26）"
    if field.kind == "time":
        help_text += "（如 09:30）"
    if field.kind == "flag":
        return Annotated[bool, typer.Option(f"--{field.name.replace('_', '-')}", help=help_text)], False
    return Annotated[str | None, typer.Option(f"--{field.name.replace('_', '-')}", help=help_text)], None


AttachOpt = Annotated[list[Path] | None, typer.Option(
    "--attach", help="附上本次办理的材料（扫描件、文件），可多次使用；每个不超过 50 MB，限文档、图片和录音。")]


def _make_command(spec: ActionSpec) -> Any:
    def command(case_id: str, store: Path, officer: str | None, occurred: str | None = None,
                attach: list[Path] | None = None, **fields: Any) -> None:
        data = {k: v for k, v in fields.items() if v is not None and v is not False}
        perform_and_report(store, officer, case_id, spec.code, data, occurred, attach)

    params = [
        inspect.Parameter("case_id", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=CaseArg),
        inspect.Parameter("store", inspect.Parameter.KEYWORD_ONLY, annotation=StoreOpt, default=DEFAULT_STORE),
        inspect.Parameter("officer", inspect.Parameter.KEYWORD_ONLY, annotation=AsOpt, default=None),
        inspect.Parameter("occurred", inspect.Parameter.KEYWORD_ONLY, annotation=OccurredOpt, default=None),
    ]
    from disputectl.rules.workflow import ATTACHING_ACTIONS

    if spec.code in ATTACHING_ACTIONS:
        params.append(inspect.Parameter("attach", inspect.Parameter.KEYWORD_ONLY, annotation=AttachOpt, default=None))
    for field in spec.fields:
        annotation, default = _option_for(field)
        params.append(inspect.Parameter(field.name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default))
    command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    command.__name__ = spec.code
    command.__doc__ = spec.label + "。"
    return command


def command_name(action: str) -> str:
    return _COMMAND_NAMES.get(action, action.replace("_", "-"))


_INVOCATIONS = {"register": "register", "route_self": "route --self", "route_transfer": "route --to 单位",
                "route_office": "route --office", "issue_notice": "notice"}


def command_for(action: str) -> str:
    """How an officer invokes ``action`` from the command line."""
    return _INVOCATIONS.get(action) or command_name(action)


def register(app: typer.Typer) -> None:
    for spec in ACTIONS.values():
        if spec.code in _OWN_COMMANDS:
            continue
        app.command(command_name(spec.code))(_make_command(spec))
    _register_notice(app)


def notice(
    case_id: CaseArg,
    kind: Annotated[str, typer.Argument(help="文书种类：receipt 受理回执、transfer 转办单、meeting 联席会议通知、"
                                             "opinion_request 征求意见函、approval_request 重大疑难事项报批单、referral 移送函、"
                                             "extension 延期告知书、result 处理结果告知书、handover 移交告知书、"
                                             "archive_index 卷内文件目录、archive_note 备考表、"
                                             "registration_form 受理登记表（同 disputectl print，不编文号、不记录）。")],
    store: StoreOpt = DEFAULT_STORE,
    officer: AsOpt = None,
    unit: Annotated[str | None, typer.Option(help="征求意见函的收函单位代码。")] = None,
    preview: Annotated[bool, typer.Option("--preview", help="只在终端显示文书文字，不出具、不记录。")] = False,
    corrected: Annotated[bool, typer.Option("--corrected", help="已出具过的，另出具一份更正的（新文号，记入案件）；不加时重新打印原件。")] = False,
    pdf: Annotated[bool, typer.Option("--pdf", help="另用 LibreOffice 转成可直接打印的 PDF（需已安装 LibreOffice；PDF 不存入案件库）。")] = False,
    pdf_folder: Annotated[Path, typer.Option("--out", "-o", help="--pdf 的 PDF 保存到哪个文件夹（默认当前文件夹）。",
                                             show_default=False)] = Path("."),
) -> None:
    """出具文书（编号、存入案件库并在案件上记录校验值）；已出具过的重新打印原件（同一文号），--corrected 另出具更正的；--preview 预览；--pdf 另存 PDF。"""
    target = f"{kind}:{unit.upper()}" if unit else kind
    if pdf:
        _check_pdf_possible(preview, pdf_folder)  # before anything is issued or recorded
    if kind == "registration_form" and not preview:
        if corrected:
            raise ValidationError("受理登记表不编文号，无需更正：每次打印都按当前登记内容生成，请用 disputectl print 案件编号。")
        form = _print_form_and_report(store, officer, case_id, Path("."), reveal=False)
        if pdf:
            _write_pdf(form.read_bytes(), form.name, pdf_folder)
        return
    if preview:
        from disputectl.services import preview_notice

        out.print(preview_notice(session(store, officer), case_id, target), markup=False)
        return
    if not corrected:
        from disputectl.services import reprint_notice

        s = session(store, officer)
        copy = reprint_notice(s, case_id, target)
        if copy is not None and copy.revealed:
            ok(f"已解密并重新打印（原件，未另编号；含完整个人信息，此次查看已记录）：{copy.number or ''} {copy.path}")
            say("该文件含完整的证件号码等个人信息，打印后请删除本机副本。")
        elif copy is not None:
            ok(f"已重新打印（原件，未另编号、未记录）：{copy.number or ''} {copy.path}")
            say("需要更正内容的，请用 --corrected 另出具一份（新文号）。")
        if copy is not None:
            if pdf:
                _write_pdf((s.root / copy.path).read_bytes(), Path(copy.path).name, pdf_folder)
            return
    issued = perform_and_report(store, officer, case_id, "issue_notice", {"kind": target})
    if pdf:
        from disputectl.services import issued_notice_content

        s = session(store, officer)
        for entry in issued:
            content = issued_notice_content(s, entry)
            if content is None:
                warn(f"{entry['path']} 含完整个人信息、加密保存，未转 PDF：请用 disputectl notice {case_id} {kind} --pdf 重新打印时转换。")
                continue
            _write_pdf(content, Path(entry["path"]).name, pdf_folder)


def _check_pdf_possible(preview: bool, folder: Path) -> None:
    from disputectl.documents.pdf import soffice
    from disputectl.oversight.ledger import check_writable

    if preview:
        raise ValidationError("--pdf 不能与 --preview 同用：预览只在终端显示文字。")
    soffice()
    check_writable(folder.expanduser() / "disputectl.pdf")


def _write_pdf(content: bytes, docx_name: str, folder: Path) -> None:
    from disputectl.documents.pdf import convert, pdf_name

    written = convert(content, pdf_name(docx_name), folder)
    ok(f"已转为 PDF（供打印，未存入案件库）：{written}")


FormOutOpt = Annotated[Path, typer.Option("--out", "-o", help="保存到哪个文件夹（默认当前文件夹）。", show_default=False)]


def print_form(
    case_id: CaseArg,
    store: StoreOpt = DEFAULT_STORE,
    officer: AsOpt = None,
    folder: FormOutOpt = Path("."),
    reveal: Annotated[bool, typer.Option("--reveal", help="印完整的证件号码、电话和个人地址（仅限配置允许的角色，且留痕）。")] = False,
) -> None:
    """打印受理登记表（.docx，供缴费人核对签字）：按当前登记内容生成，不编文号、不记入案件。"""
    _print_form_and_report(store, officer, case_id, folder, reveal=reveal)


def _print_form_and_report(store: Path, officer: str | None, case_id: str, folder: Path, *,
                                       reveal: bool) -> Path:
    from disputectl.services import print_registration_form

    printed = print_registration_form(session(store, officer), case_id, folder, reveal=reveal)
    if printed.revealed:
        ok(f"已生成受理登记表（含完整个人信息，此次查看已记录）：{printed.path}")
        say("该文件含完整的证件号码等个人信息，打印后请删除本机副本。")
    else:
        ok(f"已生成受理登记表（未编文号、未记录）：{printed.path}")
        say("证件号码和电话已部分隐去；缴费人核对签字后随案保存纸质件。")
    return printed.path


def _register_notice(app: typer.Typer) -> None:
    app.command("notice")(notice)
    app.command("print")(print_form)
