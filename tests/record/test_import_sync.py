"""An import is idempotent across clones: after a sync the other office's index knows its rows."""

from __future__ import annotations

from pathlib import Path

from conftest import head
from test_import import STAGES, row, write_csv
from test_sync import central, clone


def test_a_second_clone_after_sync_imports_nothing_twice(tmp_path: Path) -> None:
    bare, _ = central(tmp_path)
    first = clone(bare, tmp_path / "sw1", "税务局大厅")
    second = clone(bare, tmp_path / "sw2", "税务局东区分局")
    path = write_csv(tmp_path / "t.csv", [row(1), row(2, **STAGES["handling"])])
    first.ok("import", str(path), "--apply", as_="sw-registrar")
    first.ok("sync", as_="sw-registrar")
    second.ok("sync", as_="sw-registrar")
    before = head(second.root)
    result = second.ok("import", str(path), "--apply", as_="sw-registrar")
    assert "导入 0 件，此前已导入 2 行" in result.stdout
    assert head(second.root) == before
