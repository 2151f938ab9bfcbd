"""``reindex``: rebuild the derived SQLite index from the case files, with a progress bar."""


import time

import typer

from .common import DEFAULT_STORE, StoreOpt, err, ok, session


def reindex(store: StoreOpt = DEFAULT_STORE) -> None:
    """重建查询索引：从案件文件和提交记录重新建立（索引损坏、疑有不一致或升级后使用）。"""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    s = session(store)
    started = time.monotonic()
    columns = (TextColumn("重建索引"), BarColumn(), MofNCompleteColumn(), TextColumn("件"), TimeElapsedColumn())
    with Progress(*columns, console=err.get(), transient=True) as bar:
        task = bar.add_task("reindex", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        s.index.refresh(force=True, progress=progress)
    ok(f"已重建索引：{s.index.count()} 件案件，用时 {time.monotonic() - started:.1f} 秒。")


def register(app: typer.Typer) -> None:
    app.command("reindex")(reindex)
