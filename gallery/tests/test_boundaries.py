"""The gallery is the bottom app: it never imports the apps built on it.

Short links depend on the gallery (DESIGN.md, App boundaries); the gallery announces what
happened through gallery.signals. This reads every module of gallery/ (tests included)
and fails on any import of shortlinks, at the top or inside a function, plain or through
importlib.
"""

import ast
from pathlib import Path

import pytest

GALLERY = Path(__file__).resolve().parent.parent
UPPER_APPS = ("shortlinks", "imageplatform.stores")


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                found.append((node.lineno, node.args[0].value))
    return found


def offending(source: str) -> list[str]:
    return [
        f"line {line}: {module}"
        for line, module in imported_modules(ast.parse(source))
        if any(module == app or module.startswith(app + ".") for app in UPPER_APPS)
    ]


@pytest.mark.parametrize("path", sorted(GALLERY.rglob("*.py")), ids=lambda p: str(p.relative_to(GALLERY)))
def test_gallery_module_imports_no_app_built_on_it(path):
    assert offending(path.read_text()) == []


@pytest.mark.parametrize(
    "source",
    [
        "import shortlinks",
        "from shortlinks.services import shortlink_create",
        "def f():\n    try:\n        from shortlinks import services\n    except ImportError:\n        pass",
        "import importlib\nimportlib.import_module('shortlinks.services')",
        "__import__('shortlinks')",
        "from imageplatform.stores import stores_ensure",
    ],
)
def test_the_check_catches_every_way_of_importing(source):
    assert offending(source)
