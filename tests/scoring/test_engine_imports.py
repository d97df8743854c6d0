"""The engine is a library of its own: nothing under scoring/engine may import Django or any third-party package."""

import ast
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "scoring" / "engine"


def _imported_modules(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, node.lineno))
    return found


def test_engine_package_has_modules_to_check():
    assert len(list(ENGINE.glob("*.py"))) >= 8


def test_engine_imports_only_the_standard_library():
    offenders = []
    for path in sorted(ENGINE.rglob("*.py")):
        for module, line in _imported_modules(path):
            if module.split(".")[0] not in sys.stdlib_module_names:
                offenders.append(f"{path.name}:{line} imports {module}")
    assert offenders == []


def test_engine_never_imports_django_dynamically():
    calls = []
    for path in ENGINE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and any(
                isinstance(arg, ast.Constant) and str(arg.value).startswith("django") for arg in node.args
            ):
                calls.append(f"{path.name}:{node.lineno}")
    assert calls == []
