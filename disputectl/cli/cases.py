"""``register``, ``route``, ``show``, ``list``, ``log``: taking in a case and reading it back."""


from pathlib import Path
from typing import Annotated, Any

import typer

from disputectl.cli.common import (
    DEFAULT_STORE,
    AsOpt,
    CaseArg,
    JsonOpt,
    OccurredOpt,
    StoreOpt,
    interactive,
    ok,
    out,
    parse_occurred,
    plain,
    print_json,
    print_table,
    say,
    session,
    table,
    warn,
)
from disputectl.errors import ValidationError

_STATE_STYLE = {"overdue": "red", "due_soon": "yellow", "ok": "green", "done": "dim"}


def register_case(
    store: StoreOpt = DEFAULT_STORE,
    officer: AsOpt = None,
    payer_kind: Annotated[str | None, typer.Option(help="缴费人类型：employer（用人单位）或 individual（个人）。")] = None,
    payer_name: Annotated[str | None, typer.Option(help="用人单位名称或个人姓名。")] = None,
    payer_id: Annotated[str | None, typer.Option(help="统一社会信用代码（单位）或居民身份证号码（个人）。")] = None,
    contact_person: Annotated[str | None, typer.Option(help="联系人（用人单位必填）。")] = None,
    address: Annotated[str | None, typer.Option(help="地址。")] = None,
    phone: Annotated[str | None, typer.Option(help="联系电话（手机或固定电话）。")] = None,
    visit_time: Annotated[str | None, typer.Option(help="来访时间，如 2026-11-26 09:30（默认现在）。")] = None,
    channel: Annotated[str | None, typer.Option(help="来访方式：来访、来电、来信、网上、其他部门转来（默认来访）。")] = None,
    matter: Annotated[str | None, typer.Option(help="反映主要事项。")] = None,
    request: Annotated[str | None, typer.Option(help="缴费人诉求。")] = None,
    category: Annotated[str | None, typer.Option(help="争议类别 1-10（见方案“适用对象”）。")] = None,
    region: Annotated[str | None, typer.Option(help="属地区域代码。")] = None,
    attach: Annotated[list[Path] | None, typer.Option(help="收到的材料（可多次使用；每个不超过 50 MB，限文档、图片和录音）。")] = None,
    from_file: Annotated[Path | None, typer.Option(help="从 YAML 文件读取登记项（字段名同选项，用下划线）。")] = None,
    no_input: Annotated[bool, typer.Option("--no-input", help="缺项时不提问，直接报错（不加时，在终端上逐项提问缺少的内容）。")] = False,
    receipt: Annotated[bool, typer.Option("--receipt/--no-receipt", help="是否出具受理回执。")] = True,
    occurred: OccurredOpt = None,
) -> None:
    """受理登记：记录缴费人、来访、联系方式、反映事项、诉求、类别和区域。"""
    from disputectl.rules.registration import REGISTRATION_FIELDS, missing_fields, read_attachments

    s = session(store, officer)
    fields: dict[str, Any] = {}
    if from_file is not None:
        fields.update(_read_fields_file(from_file))
    given = {
        "payer_kind": payer_kind, "payer_name": payer_name, "payer_id": payer_id, "contact_person": contact_person,
        "address": address, "phone": phone, "visit_time": visit_time, "channel": channel, "matter": matter,
        "request": request, "category": category, "region": region,
    }
    fields.update({k: v for k, v in given.items() if v is not None})
    s.officer()  # an unknown officer is refused before any question is asked
    if not no_input and interactive():
        for key in missing_fields(fields):
            fields[key] = typer.prompt(REGISTRATION_FIELDS[key])
        if fields.get("payer_kind") in ("employer", "用人单位") and not fields.get("contact_person"):
            fields["contact_person"] = typer.prompt(REGISTRATION_FIELDS["contact_person"])
        _ask_again(s, fields)
    attachments = read_attachments(list(attach or []), documents_only=True)
    from disputectl.services import register

    outcome = register(s, fields, attachments, receipt=receipt, occurred=parse_occurred(occurred))
    for line in s.recovered:
        warn(line)
    case = outcome.case
    route = next(c for c in case["state"]["clocks"] if c["name"] == "route")
    ok(f"已受理登记，案件编号 {case['id']}")
    for line in outcome.warnings:
        warn(line)
    if outcome.duplicates:
        from disputectl.rules.workflow import STATUSES

        warn("重复反映：该缴费人已有在办或近期办结的案件 "
             + "、".join(f"{cid}（{STATUSES.get(status, status)}）" for cid, status in outcome.duplicates)
             + "，请核对是否同一事项。")
    say(f"首问责任人：{s.officer().name}（{s.config.unit_label(s.officer().unit)}）")
    say(f"分类流转期限：{route['due']}（{route['days']} 个工作日内）")
    from disputectl.cli.workflow_cmds import report_notices

    report_notices(case["id"], outcome.action.get("notices", []))
    _warn_missing_years(s, case)


def _ask_again(s: Any, fields: dict[str, Any]) -> None:
    """Interactive registration: every problem is shown at once, then each wrong answer is asked
    again (the others are kept), until the registration is complete and right."""
    from disputectl.rules.personal import mask_valid_personal_data
    from disputectl.rules.registration import REGISTRATION_FIELDS, check_fields

    while True:
        _, problems = check_fields(fields, s.config, now=s.now)
        fixable = {key: message for key, message in problems if key}
        if not fixable:
            return  # right, or wrong in a way no answer fixes (then register lists it)
        warn("以下登记项有误，请重新填写：\n" + "\n".join(f"  - {mask_valid_personal_data(m)}" for m in fixable.values()))
        for key in fixable:
            fields[key] = typer.prompt(REGISTRATION_FIELDS[key])


def amend(
    case_id: CaseArg,
    store: StoreOpt = DEFAULT_STORE,
    officer: AsOpt = None,
    reason: Annotated[str | None, typer.Option(help="更正理由（如 缴费人来电告知电话有误）。")] = None,
    payer_kind: Annotated[str | None, typer.Option(help="缴费人类型：employer（用人单位）或 individual（个人）；须同时更正证件号码。")] = None,
    payer_name: Annotated[str | None, typer.Option(help="用人单位名称或个人姓名。")] = None,
    payer_id: Annotated[str | None, typer.Option(help="统一社会信用代码或居民身份证号码。")] = None,
    contact_person: Annotated[str | None, typer.Option(help="联系人。")] = None,
    address: Annotated[str | None, typer.Option(help="地址。")] = None,
    phone: Annotated[str | None, typer.Option(help="联系电话。")] = None,
    channel: Annotated[str | None, typer.Option(help="来访方式：来访、来电、来信、网上、其他部门转来。")] = None,
    matter: Annotated[str | None, typer.Option(help="反映主要事项。")] = None,
    request: Annotated[str | None, typer.Option(help="缴费人诉求。")] = None,
    category: Annotated[str | None, typer.Option(help="争议类别 1-10 或类别名称。")] = None,
    region: Annotated[str | None, typer.Option(help="属地区域代码或名称。")] = None,
) -> None:
    """更正登记信息（首问单位受理人员或领导组办公室）：记为一项操作，载明原值和新值；已出具的文书保持原文。

    首问责任人和来访时间不能更正。
    """
    from disputectl.rules.amend import describe_amendment, issued_before
    from disputectl.services import perform

    given = {"payer_kind": payer_kind, "payer_name": payer_name, "payer_id": payer_id, "contact_person": contact_person,
             "address": address, "phone": phone, "channel": channel, "matter": matter, "request": request,
             "category": category, "region": region}
    s = session(store, officer)
    outcome = perform(s, case_id, "amend", {"reason": reason, "fields": {k: v for k, v in given.items() if v is not None}})
    for line in s.recovered:
        warn(line)
    ok(f"已更正登记信息：{outcome.case['id']}")
    say(describe_amendment(outcome.action["data"]))
    for line in outcome.warnings:
        warn(line)
    earlier = issued_before(outcome.case)
    if earlier:
        from disputectl.documents.issuing import notice_title

        kinds = "、".join(dict.fromkeys(f"{n['kind']}（{notice_title(n['kind'])}）" for n in earlier))
        warn("此前出具的文书保持原文（按更正前的登记信息）：" + "、".join(n.get("number") or n["path"] for n in earlier)
             + f"；需要按更正后的内容重新出具的，用 disputectl notice {outcome.case['id']} 文书种类 --corrected"
             + f"（本案：{kinds}）。")


def _read_fields_file(path: Path) -> dict[str, Any]:
    from disputectl.record.store_files import load_yaml

    try:
        data = path.read_bytes()
    except OSError:
        raise ValidationError(f"无法读取登记文件“{path.name}”。") from None
    fields = load_yaml(data, source=f"登记文件 {path.name}")
    if not isinstance(fields, dict):
        raise ValidationError(f"登记文件 {path.name} 应为“字段: 值”的映射。")
    if isinstance(fields.get("payer"), dict):  # also accept the case file's own nesting
        payer = fields.pop("payer")
        fields.update({"payer_kind": payer.get("kind"), "payer_name": payer.get("name"),
                       "payer_id": payer.get("id_number"), "contact_person": payer.get("contact_person"),
                       "address": payer.get("address")})
    return {str(k): (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in fields.items() if v is not None}


def _warn_missing_years(s: Any, case: dict[str, Any]) -> None:
    from datetime import date

    from disputectl.rules.calendar import missing_schedule_warning

    years: set[int] = set()
    for clock in case["state"]["clocks"]:
        if not clock["calendar_days"]:
            years.update(s.calendar.missing_years(date.fromisoformat(clock["start"]), date.fromisoformat(clock["due"])))
    if years:
        warn(missing_schedule_warning(sorted(years)))


def route(
    case_id: CaseArg,
    store: StoreOpt = DEFAULT_STORE,
    officer: AsOpt = None,
    self_: Annotated[bool, typer.Option("--self", help="属本单位职责，本单位限时办结。")] = False,
    to: Annotated[str | None, typer.Option("--to", help="明确属其他单位职责：转办单位代码。")] = None,
    office: Annotated[bool, typer.Option("--office", help="需多部门办理或职责不清：流转领导组办公室。")] = False,
    reason: Annotated[str | None, typer.Option(help="理由（转办时必填；代首问责任人办理时写明其不在岗的原因）。")] = None,
    on_behalf: Annotated[bool, typer.Option("--on-behalf", help="首问责任人不在岗，由同单位受理人员代为流转（须 --reason）。")] = False,
    occurred: OccurredOpt = None,
) -> None:
    """分类流转（首问责任人，首问到底）：本单位办理、转办其他单位，或流转领导组办公室。"""
    chosen = [name for name, flag in (("--self", self_), ("--to", to is not None), ("--office", office)) if flag]
    if len(chosen) != 1:
        raise ValidationError("请在 --self、--to 单位、--office 中恰好选择一项。")
    if self_:
        action, data = "route_self", {"note": reason}
    elif office:
        action, data = "route_office", {"reason": reason}
    else:
        action, data = "route_transfer", {"to_unit": (to or "").strip().upper(), "reason": reason}
    if on_behalf:
        data["on_behalf"] = "yes"
    from disputectl.cli.workflow_cmds import perform_and_report

    perform_and_report(store, officer, case_id, action, data, occurred)


def show(
    case_id: CaseArg,
    store: StoreOpt = DEFAULT_STORE,
    officer: AsOpt = None,
    as_json: JsonOpt = False,
    reveal: Annotated[bool, typer.Option("--reveal", help="显示完整证件号码和电话（仅限配置允许的角色，且留痕）。")] = False,
) -> None:
    """查看案件：登记信息、当前状态和承办单位、等待事项、时限、经过。"""
    from disputectl.services import case_detail

    s = session(store, officer)
    view = case_detail(s, case_id, reveal=reveal)
    if as_json:
        print_json(view)
        return
    render_case(view)


def render_case(view: dict[str, Any]) -> None:
    payer = view["payer"]
    out.print(f"[bold]案件 {view['id']}[/bold]  {view['status_label']}  承办：{view['unit_name']}")
    out.print(f"等待：{view['waiting_for']}", markup=False)
    from disputectl.rules.workflow import ACTIONS, STATUSES

    for c in view.get("conflicts", []):
        if c.get("settled_by") is None:
            out.print(f"[red]矛盾操作：[/red]{c['at'][:16].replace('T', ' ')} {c['unit']} {c['actor']} 的"
                      f"“{ACTIONS[c['code']].label if c['code'] in ACTIONS else c['code']}”（操作编号 {c['action']}）"
                      f"与在先的操作（操作编号 {c.get('against') or '—'}）相互矛盾"
                      f"（当时状态：{STATUSES.get(c['status'], c['status'])}），已保留未生效；领导组办公室核处："
                      f"disputectl settle {view['id']} --keep 保留的操作编号 --reason 理由。",
                      markup=True)
    out.print(f"缴费人：{payer['name']}（{payer['kind_label']}，{payer['id_number']}）"
              + (f"  联系人：{payer['contact_person']}" if payer.get("contact_person") else ""), markup=False)
    out.print(f"联系电话：{view['phone']}  地址：{payer['address']}", markup=False)
    out.print(f"来访：{view['visit_time'][:16].replace('T', ' ')} {view['channel']}  "
              f"类别：{view['category']} {view['category_name']}  区域：{view['region_name']}")
    out.print(f"首问责任人：{view['first_officer_name']}（{view['first_unit_name']}）")
    out.print(f"反映事项：{view['matter']}", markup=False)
    out.print(f"诉求：{view['request']}", markup=False)
    if view["opinions"]:
        out.print("书面意见：" + "；".join(
            f"{o['unit_name']} {'已提交 ' + o['submitted'] if o['submitted'] else '未提交（期限 ' + o['due'] + '）'}"
            for o in view["opinions"]), markup=False)
    if view["decision"]:
        out.print(f"处理意见：{view['decision']['decision']}", markup=False)
    for f in view.get("followups", []):
        out.print(f"回访：{f['date']} {f['method']}，{f['result']}" + (f"（{f['note']}）" if f.get("note") else ""),
                  markup=False)
    for r in view.get("reopened", []):
        out.print(f"重新办理：{r['date']}（{r['reason']}）", markup=False)
    if view["objections"]:
        out.print("异议：" + "；".join(f"{o['date']} {o['channel']}（{o['body']}）"
                                    + (f"，{o['outcome']['date']} {o['outcome']['kind']}：{o['outcome']['body']}"
                                       if o.get("outcome") else "，尚无结果") for o in view["objections"]),
                  markup=False)
    if view["archive"]:
        out.print(f"档号：{view['archive'].get('code', '')}  保管期限：{view['archive'].get('retention', '')}")
    clocks = table("时限", "起算", "期限", "办结", "状态", title="时限")
    for c in view["clock_details"]:
        style = _STATE_STYLE.get(c["state"], "")
        late = f"（超期 {c['late']} 日）" if c["late"] else ""
        clocks.add_row(c["label"], c["start"], c["due"], (c["stopped"] or "—") + late,
                       f"[{style}]{c['state_label']}[/{style}]" if style else c["state_label"])
    print_table(clocks)
    from disputectl.documents.issuing import notice_title

    timeline = table("时间", "事项", "人员", "单位", "内容", title="经过")
    for t in view["timeline"]:
        when = t["at"][:16].replace("T", " ") + (f"（补录，发生于 {t['occurred']}）" if t.get("occurred") else "")
        content = "  ".join(part for part in (t["summary"], "、".join(notice_title(n) for n in t["notices"])) if part)
        timeline.add_row(when, t["action_label"], t["actor_name"], t["unit_name"], plain(content))
    print_table(timeline)
    materials = [(view["visit_time"][:10], "受理登记", a) for a in view["attachments"]] + [
        (t["at"][:10], t["action_label"], a) for t in view["timeline"] for a in t.get("attachments", [])]
    if materials:
        files = table("日期", "随附于", "材料", "SHA-256", title="材料")
        for day, label, att in materials:
            files.add_row(day, label, att["path"].rsplit("/", 1)[-1], att["sha256"][:12] + "…")
        print_table(files)
    for p in view.get("notice_date_problems", []):
        from disputectl.documents.issuing import notice_title

        what = f"{notice_title(p['kind'])}{p['number'] or ''}"
        if "assumed_years" in p:
            warn(f"{what}所载期限按周一至周五推算（{'、'.join(map(str, p['assumed_years']))} 年节假日安排尚未录入）："
                 "录入后请再核对。")
        else:
            warn(f"{what}所载期限 {p['stated']} 与现行日历不符（现为 {p['now']}）：请用 disputectl notice "
                 f"{view['id']} {p['kind']} --corrected 另出具更正的文书。")
    if view["notices"]:
        from disputectl.documents.issuing import notice_title

        notices = table("文书", "日期", "文件", "SHA-256", title="文书")
        notices.columns[0].no_wrap = True
        for n in view["notices"]:
            number = n.get("number")
            notices.add_row(f"{number}\n{notice_title(n['kind'])}" if number else notice_title(n["kind"]),
                            n.get("date", ""), n["path"].rsplit("/", 1)[-1], n["sha256"][:12] + "…")
        print_table(notices)
    if view.get("issued_before_amendment"):
        warn("登记信息已更正；以下文书出具在更正之前，载有更正前的内容：" + "、".join(view["issued_before_amendment"])
             + f"。需要的，用 disputectl notice {view['id']} 文书种类 --corrected 按更正后的内容另出具。")


def list_cases(
    store: StoreOpt = DEFAULT_STORE,
    officer: AsOpt = None,
    status: Annotated[str | None, typer.Option(help="按状态筛选（代码或名称，如 handling 或 单位办理中）。")] = None,
    unit: Annotated[str | None, typer.Option(help="按当前承办单位筛选（代码、全称或简称，如 SW 或 税务局）。")] = None,
    category: Annotated[str | None, typer.Option(help="按争议类别筛选（1-10 或类别名称）。")] = None,
    region: Annotated[str | None, typer.Option(help="按属地区域筛选（代码或名称，如 DQ 或 东区）。")] = None,
    text: Annotated[str | None, typer.Option("--text", "-q", help="在编号、缴费人、事项、诉求中查找。")] = None,
    payer_id: Annotated[str | None, typer.Option("--payer-id", help="按缴费人证件号码（身份证号或统一社会信用代码）精确查找，不解密。")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="按联系电话精确查找，不解密。")] = None,
    limit: Annotated[int, typer.Option(help="最多显示条数（0 表示全部）。")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """列出案件（新登记的在前），可按状态、单位、类别、区域、关键词、证件号码或电话筛选。"""
    from disputectl.rules import filters
    from disputectl.services import list_views

    status = filters.status_code(status) if status is not None else None
    s = session(store, officer)
    rows = list_views(s, status=status, unit=filters.unit_code(unit, s.config) if unit else None,
                      category=filters.category_code(category, s.config) if category else None,
                      region=filters.region_code(region, s.config) if region else None, text=text, limit=limit,
                      payer_id=payer_id, phone=phone)
    unreadable = s.index.unreadable()  # remembered by the index list_views brought up to HEAD
    _print_cases(rows, limit, as_json)
    if unreadable:  # whatever the filters: what those files hold cannot be told
        from disputectl.record.index import unreadable_message

        warn(unreadable_message(unreadable, "未列入本列表"))


def _print_cases(rows: list[dict[str, Any]], limit: int, as_json: bool) -> None:
    if as_json:
        print_json(rows)
        return
    if not rows:
        out.print("没有符合条件的案件。")
        return
    title = f"案件（最新 {len(rows)} 件，用 --limit 0 显示全部）" if limit and len(rows) == limit else f"案件（{len(rows)} 件）"
    grid = table("编号", "登记时间", "缴费人", "类别", "区域", "状态", "承办", "最近期限", title=title)
    for r in rows:
        nxt = min(r["open_clocks"], key=lambda c: c["due"], default=None)
        due = ""
        if nxt:
            style = _STATE_STYLE.get(nxt["state"], "")
            due = f"[{style}]{nxt['label']} {nxt['due']} {nxt['state_label']}[/{style}]"
        grid.add_row(r["id"], r["registered_at"][:16].replace("T", " "), plain(r["payer"]["name"]), r["category_name"],
                      r["region_name"], r["status_label"], r["unit_name"], due)
    print_table(grid)


def log(case_id: CaseArg, store: StoreOpt = DEFAULT_STORE, officer: AsOpt = None, as_json: JsonOpt = False) -> None:
    """审计记录：从 git 读出本案每一次提交（时间、人员、单位、事项、提交号）。"""
    from disputectl.services import case_log_view

    s = session(store, officer)
    rows = case_log_view(s, case_id)
    if as_json:
        print_json(rows)
        return
    grid = table("时间", "人员", "单位", "事项", "提交", title=f"{case_id.upper()} 审计记录")
    for r in rows:
        grid.add_row(r["when"][:19].replace("T", " "), f"{r['author']}（{r['actor']}）", r["unit_name"], r["subject"], r["commit"][:10])
    print_table(grid)


def register(app: typer.Typer) -> None:
    app.command("register")(register_case)
    app.command("amend")(amend)
    app.command("route")(route)
    app.command("show")(show)
    app.command("list")(list_cases)
    app.command("log")(log)
