"""Issue 19, must show: after ``make demo`` (an encrypted store), no full identifier, phone or
individual's address of any demo payer is in any git object, any file under ``.git`` (the
index, reflogs), the logs, the exports or the notices; and ``verify`` passes."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from disputectl import demo


def _values() -> list[str]:
    fields = {}
    for args in (demo.EMPLOYER, demo.PERSON):
        fields.update({f"{args[i]}@{args[args.index('--payer-kind') + 1]}": args[i + 1] for i in range(0, len(args), 2)})
    values = [v for k, v in fields.items() if k.startswith(("--payer-id", "--phone"))]
    values.append(fields["--address@individual"])
    values.append(fields["--phone@individual"].replace("-", ""))
    values.append(demo.NEW_MOBILE)
    return values


def _unzipped(path: Path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return b"".join(z.read(n) for n in z.namelist())


def test_make_demo_leaves_no_full_identifier_anywhere(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_STATE_HOME": str(tmp_path / "state")}
    env.pop("DISPUTECTL_NOW", None)
    run = subprocess.run([sys.executable, "-m", "disputectl.demo", str(tmp_path / "demo-store")], env=env,
                         capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    store, reports = tmp_path / "demo-store", tmp_path / "demo-store-reports"
    assert "已核对" in run.stdout and "发现" not in run.stdout.split("已核对")[-1].split("\n")[0]
    values = _values()
    assert len(values) == 7 and "11010519491231002X" in values

    places: dict[str, bytes] = {
        "git objects": subprocess.run(["git", "-C", str(store), "cat-file", "--batch-all-objects", "--batch"],
                                      capture_output=True, check=True).stdout,
    }
    for path in (store / ".git").rglob("*"):
        if path.is_file() and "objects" not in path.relative_to(store).parts:
            places[str(path.relative_to(tmp_path))] = path.read_bytes()
    for path in [*store.rglob("*"), *reports.rglob("*"), *(tmp_path / "state").rglob("*")]:
        if path.is_file() and ".git" not in path.parts:
            data = path.read_bytes()
            places[str(path.relative_to(tmp_path))] = _unzipped(path) if path.suffix in (".docx", ".xlsx") else data
    assert any(p.endswith(".xlsx") for p in places) and any(p.endswith(".html") for p in places)
    assert any("disputectl-index" in p for p in places)
    assert len([p for p in places if p.endswith(".docx")]) > 10
    for where, data in places.items():
        for value in values:
            assert value.encode() not in data, f"{value} in clear in {where}"
    # the demo did reveal them, to an officer allowed to: they exist, sealed
    assert "11010519491231002X" in run.stdout
