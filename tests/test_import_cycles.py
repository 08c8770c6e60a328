"""No project module imports itself back, however indirectly: each layer stands on the ones below.

The imports are read from the source (ast), so a cycle hidden in a function-level import counts
too; only imports under `if TYPE_CHECKING:` (for type checkers, never run) are left out.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["skylocker", "locker", "accounts", "api", "previews", "skylocker_cli"]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imported_names(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """Every module name an import statement in `tree` may load (run-time imports only)."""
    names: set[str] = set()
    pending = [tree]
    while pending:
        node = pending.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and is_type_checking(child):
                pending.extend(child.orelse)
                continue
            if isinstance(child, ast.Import):
                names.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    package = module.split(".") if is_package else module.split(".")[:-1]
                    package = package[: len(package) - (child.level - 1)]
                    base = ".".join([*package, base] if base else package)
                names.add(base)
                names.update(f"{base}.{alias.name}" for alias in child.names)
            pending.append(child)
    return names


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    graph = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        names = imported_names(tree, module, path.name == "__init__.py")
        graph[module] = {name for name in names if name in modules and name != module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_project_module_imports_itself_back():
    assert cycles(import_graph()) == []


def test_the_check_sees_a_cycle_through_a_function_level_import():
    sources = {
        "locker.a": "from locker.b import thing\n",
        "locker.b": "def thing():\n    from locker import a\n",
    }
    graph = {
        module: {
            name
            for name in imported_names(ast.parse(source), module, False)
            if name in sources and name != module
        }
        for module, source in sources.items()
    }
    assert cycles(graph) == [["locker.a", "locker.b"]]


def test_the_check_reads_every_package_of_the_project():
    graph = import_graph()
    assert {"locker.storage", "locker.models", "api.errors", "skylocker.settings"} <= set(graph)
    assert "locker.storage" in graph["locker.models"]


def test_the_domain_knows_nothing_of_the_rest_framework():
    """locker/ and accounts/ raise plain exceptions; only api/ speaks Django REST framework."""
    modules = project_modules()
    speaking_drf = sorted(
        module
        for module, path in modules.items()
        if module.split(".")[0] in {"locker", "accounts"}
        and any(
            name.split(".")[0] in {"rest_framework", "drf_spectacular"}
            for name in imported_names(ast.parse(path.read_text()), module, False)
        )
    )
    assert speaking_drf == []
