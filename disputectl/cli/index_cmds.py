"""``reindex``: rebuild the derived SQLite index from the case files, with a progress bar."""


import time

import typer

from disputectl.cli.common import DEFAULT_STORE, StoreOpt, ok, progress_bar, session, warn


def reindex(store: StoreOpt = DEFAULT_STORE) -> None:
    """重建查询索引：从案件文件和提交记录重新建立（索引损坏、疑有不一致或升级后使用）。"""
    s = session(store)
    started = time.monotonic()
    with progress_bar("重建索引") as progress:
        s.index.refresh(force=True, progress=progress)
    ok(f"已重建索引：{s.index.count()} 件案件，用时 {time.monotonic() - started:.1f} 秒。")
    unreadable = s.index.unreadable()
    if unreadable:
        from disputectl.record.index import unreadable_message

        warn(unreadable_message(unreadable, "未编入索引（列表、督办清单、统计和工作台账中都没有它们）"))


def register(app: typer.Typer) -> None:
    app.command("reindex")(reindex)
