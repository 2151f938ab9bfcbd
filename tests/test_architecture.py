"""The package's shape: layers import downwards only, no import circle, no private name shared.

cli → services → documents / oversight → record → trust → rules → the floor (errors, resources).
Every import counts, also one inside a function or under ``TYPE_CHECKING``: a circle hidden in
a function is still a circle a reader has to untangle.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "disputectl"

# The rank of each part; a module may import its own part and any part of a lower rank.
# documents and oversight share a rank but stay apart (PEERS).
RANKS = {
    "disputectl": 0, "disputectl.errors": 0, "disputectl.resources": 0,
    "disputectl.rules": 1,
    "disputectl.trust": 2,
    "disputectl.record": 3,
    "disputectl.documents": 4, "disputectl.oversight": 4,
    "disputectl.services": 5, "disputectl.governance": 5, "disputectl.importing": 5,
    "disputectl.cli": 6, "disputectl.demo": 6, "disputectl.__main__": 6,
}
PEERS = {("disputectl.documents", "disputectl.oversight"), ("disputectl.oversight", "disputectl.documents")}


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def part_of(module: str) -> str:
    """The entry of RANKS a module belongs to (the longest matching prefix)."""
    best = ""
    for part in RANKS:
        if (module == part or module.startswith(part + ".")) and len(part) > len(best):
            best = part
    assert best, f"{module} belongs to no layer: add it to RANKS or move it into a layer"
    return best


def imports_of(path: Path, modules: set[str], root: Path = ROOT) -> list[tuple[int, str, list[str]]]:
    """(line, imported module, names) for every import of a disputectl module in ``path``."""
    here = module_name(path, root)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name, []) for a in node.names if a.name.split(".")[0] == "disputectl"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "disputectl":
                continue
            names = [a.name for a in node.names]
            # ``from disputectl.record import gitstore`` imports the module disputectl.record.gitstore
            submodules = [f"{target}.{n}" for n in names if f"{target}.{n}" in modules]
            if submodules:
                found += [(node.lineno, m, []) for m in submodules]
                names = [n for n in names if f"{target}.{n}" not in modules]
                if not names:
                    continue
            found.append((node.lineno, target, names))
    return found


def package_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def import_graph() -> dict[str, list[tuple[int, str, list[str]]]]:
    modules = package_modules()
    names = set(modules)
    return {name: imports_of(path, names) for name, path in modules.items()}


def test_every_module_belongs_to_a_layer() -> None:
    for name in package_modules():
        part_of(name)


def test_layers_import_downwards_only() -> None:
    wrong = []
    for module, imports in import_graph().items():
        mine = part_of(module)
        for line, target, _ in imports:
            theirs = part_of(target)
            if RANKS[theirs] > RANKS[mine] or (mine, theirs) in PEERS:
                wrong.append(f"{module}:{line} imports {target} ({theirs} is not below {mine})")
    assert wrong == []


def test_no_import_circle() -> None:
    graph = {m: sorted({t for _, t, _ in imports if t != m}) for m, imports in import_graph().items()}
    for m in list(graph):  # importing a package runs its __init__; edges to it are edges to the package
        graph[m] = [t for t in graph[m] if t in graph]
    state: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for t in graph[m]:
            if state.get(t) == 1:
                circles.append(stack[stack.index(t):] + [t])
            elif t not in state:
                visit(t)
        stack.pop()
        state[m] = 2

    for m in graph:
        if m not in state:
            visit(m)
    assert circles == []


def test_no_private_name_is_imported_from_another_module() -> None:
    wrong = [f"{module}:{line} imports {name} from {target}"
             for module, imports in import_graph().items()
             for line, target, names in imports for name in names
             if name.startswith("_") and not name.startswith("__") and target != module]
    assert wrong == []


@pytest.mark.parametrize("library", ["typer", "rich", "click"])
def test_only_the_cli_imports_the_terminal_libraries(library: str) -> None:
    wrong = []
    for name, path in package_modules().items():
        if part_of(name) == "disputectl.cli":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import) and any(a.name.split(".")[0] == library for a in node.names):
                wrong.append(f"{name}:{node.lineno}")
            if isinstance(node, ast.ImportFrom) and not node.level and (node.module or "").split(".")[0] == library:
                wrong.append(f"{name}:{node.lineno}")
    assert wrong == []


def test_every_package_says_what_lives_there_and_what_it_may_import() -> None:
    for init in sorted(PACKAGE.rglob("__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc, f"{init.relative_to(ROOT)} has no docstring"


def test_the_readme_map_matches_the_folders() -> None:
    """Every package and top-level module is in the README's map, and the map names nothing else."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- package map -->", 2)
    assert len(block) == 3, "README.md: the 开发 section keeps the map between two <!-- package map --> lines"
    listed = set(re.findall(r"^  ([a-z_]+(?:/|\.py)) ", block[1], re.MULTILINE))  # the map's entries
    actual = {p.name + "/" for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    actual |= {p.name for p in PACKAGE.glob("*.py") if p.name not in ("__init__.py", "__main__.py")}
    assert listed == actual


def test_the_layer_test_fails_on_an_upward_import(tmp_path: Path) -> None:
    """The check itself: a rules module importing the record is caught."""
    fake = tmp_path / "disputectl" / "rules"
    fake.mkdir(parents=True)
    module = fake / "bad.py"
    module.write_text("from disputectl.record.session import Session\nfrom ..record import gitstore\n")
    modules = {"disputectl.rules.bad", "disputectl.record.gitstore", "disputectl.record.session"}
    found = imports_of(module, modules, tmp_path)
    assert [(t, RANKS[part_of(t)]) for _, t, _ in found] == [
        ("disputectl.record.session", 3), ("disputectl.record.gitstore", 3)]
    assert RANKS[part_of("disputectl.rules.bad")] < 3


def declared_dependencies() -> set[str]:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0].lower().replace("_", "-") for spec in project["dependencies"]}


def imported_distributions() -> set[str]:
    from importlib.metadata import packages_distributions

    owners = packages_distributions()
    found = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                tops = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                tops = [node.module.split(".")[0]]
            else:
                continue
            for top in tops:
                found |= {d.lower().replace("_", "-") for d in owners.get(top, [])}
    return found


def test_every_declared_dependency_is_imported_by_the_package() -> None:
    """A dependency nothing imports does not stay in pyproject.toml (the test extras aside)."""
    assert declared_dependencies() - imported_distributions() == set()
