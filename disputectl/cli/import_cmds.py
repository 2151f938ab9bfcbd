"""``import``: bring an office's 台账 (.xlsx or .csv) into the store, after a dry run."""


from pathlib import Path
from typing import Annotated

import typer

from disputectl.cli.common import DEFAULT_STORE, AsOpt, StoreOpt, ok, say, session, warn
from disputectl.errors import ValidationError


def import_ledger(
    file: Annotated[Path | None, typer.Argument(help="台账文件（.xlsx 或 .csv；CSV 可为 UTF-8 或 GBK 编码）。",
                                                show_default=False)] = None,
    store: StoreOpt = DEFAULT_STORE,
    officer: AsOpt = None,
    apply: Annotated[bool, typer.Option("--apply", help="确实导入（不加时只预览，不做任何改动）。")] = False,
    template: Annotated[Path | None, typer.Option("--template", help="写出台账模板（.xlsx：列名、一行示例和填写说明）。",
                                                  show_default=False)] = None,
) -> None:
    """导入台账：逐行检查并列出将建立的案件和每个问题；加 --apply 导入（每件案件一个提交，同一行不重复导入）。

    导入的案件由导入人员（受理人员）作为首问责任人受理登记，来访日期按台账补录（三年以内），
    办理情况（当前环节、承办单位、日期）按台账记录。有任何问题时退出码为 1（--apply 时其余各行照常导入）。
    """
    from disputectl.importing import import_ledger as run_import
    from disputectl.importing import write_template

    s = session(store, officer)
    if template is not None:
        if file is not None or apply:
            raise ValidationError("--template 只写出模板，不能同时导入文件。")
        written = write_template(s, template)
        ok(f"已写出台账模板：{written}（第一个工作表“台账”填写案件，第二个工作表“说明”列出各列的填法）")
        return
    if file is None:
        raise ValidationError("请指明要导入的台账文件，如 disputectl import 台账.xlsx；模板用 disputectl import --template 台账模板.xlsx 写出。")
    report = run_import(s, file, apply=apply)
    for line in s.recovered:
        warn(line)
    if report.ignored_columns:
        warn("以下各列不认识，未导入：" + "、".join(report.ignored_columns))
    for row in report.rows:
        if row.status == "problem":
            for problem in row.problems:
                say(problem, mark="✘ ", color="31")
        elif row.status == "exists":
            say(f"第 {row.row} 行：已导入为案件 {row.case_id}，跳过")
        elif row.status == "created":
            say(f"第 {row.row} 行：已导入为案件 {row.case_id}：{row.payer}，{row.stage}", mark="✔ ", color="32")
        else:
            say(f"第 {row.row} 行：将导入：{row.payer}，{row.stage}")
    created, new, exists, bad = (report.count(k) for k in ("created", "new", "exists", "problem"))
    total = len(report.rows)
    if apply:
        say(f"共 {total} 行：导入 {created} 件，此前已导入 {exists} 行，有问题未导入 {bad} 行。")
    else:
        say(f"共 {total} 行：可导入 {new} 行，此前已导入 {exists} 行，有问题 {bad} 行。")
        say("以上为预览，未做任何改动；" + ("请改正有问题的行后再预览，或" if bad else "") + "加 --apply 导入。")
    if report.has_problems:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("import")(import_ledger)
