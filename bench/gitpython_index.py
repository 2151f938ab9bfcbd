"""What GitPython's index would cost on a bench store (the README's reason for not using it).

GitPython cannot read a store's sparse index, so this builds a full index of HEAD in a
temporary file and times GitPython reading it, writing it and writing a tree from it.
GitPython is not a dependency of disputectl: ``.venv/bin/pip install GitPython`` first, then
``.venv/bin/python bench/gitpython_index.py bench/stores/100000/store``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main(root: Path, runs: int = 3) -> None:
    started = time.perf_counter()
    import git  # type: ignore[import-not-found]

    imported = time.perf_counter() - started
    repo = git.Repo(root)
    with tempfile.TemporaryDirectory() as tmp:
        index_path = Path(tmp) / "index"
        env = dict(os.environ, GIT_INDEX_FILE=str(index_path))
        subprocess.run(["git", "-C", str(root), "-c", "index.sparse=false", "-c", "core.sparseCheckout=false",
                        "read-tree", "HEAD"], env=env, check=True)
        loads, writes = [], []
        for _ in range(runs):
            started = time.perf_counter()
            index = git.IndexFile(repo, str(index_path))
            entries = len(index.entries)
            loads.append(time.perf_counter() - started)
            started = time.perf_counter()
            index.write(str(Path(tmp) / "written"))
            writes.append(time.perf_counter() - started)
        started = time.perf_counter()
        index.write_tree()
        tree = time.perf_counter() - started
    print(f"entries {entries}: import {imported:.3f} s, read {statistics.median(loads):.2f} s, "
          f"write {statistics.median(writes):.2f} s, write_tree {tree:.2f} s (medians of {runs})")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
