"""The package's shape, as ARCHITECTURE.md states it: the layer rule (import-linter), sizes a
reader can hold, and each fact in one place. Each check names what broke it."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import ENV, ROOT, make_project

PACKAGE = ROOT / "pilotkb"
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 80


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> Iterator[tuple[str, list[str], int]]:
    """(module imported, names imported from it, line) for every import in the file."""
    here = _module_name(path).split(".")
    is_pkg = path.name == "__init__.py"
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, [], node.lineno
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = here if is_pkg else here[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([module] if module else []))
            yield module, [a.name for a in node.names], node.lineno


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """import-linter's contracts in ``root``/pyproject.toml, checked on ``root``/pilotkb."""
    return subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache", str(root / "pyproject.toml")],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_layer_rule_holds():
    """import-linter's contracts in pyproject.toml: the layers, MkDocs only under
    pilotkb/mkdocs, no import cycle among the modules of any package."""
    run = _lint_imports(ROOT)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "BROKEN" not in run.stdout


@pytest.mark.parametrize(
    "module,line,contract",
    [
        ("data/urls.py", "import pilotkb.site.render", "Layers: a layer imports only the layers below it"),
        ("site/render.py", "import mkdocs.utils", "Only pilotkb.mkdocs talks to MkDocs and Material"),
        ("site/views/paging.py", "import pilotkb.site.views.context", "No import cycle among the modules"),
    ],
)
def test_an_import_against_a_contract_breaks_it(tmp_path: Path, module: str, line: str, contract: str):
    """The contracts are checked on the code: one import against each, in a copy, fails it."""
    shutil.copytree(PACKAGE, tmp_path / "pilotkb", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with (tmp_path / "pilotkb" / module).open("a", encoding="utf-8") as f:
        f.write(f"\n{line}\n")
    run = _lint_imports(tmp_path)
    assert run.returncode != 0
    broken = [x for x in run.stdout.splitlines() if x.endswith(" BROKEN")]
    assert any(b.startswith(contract) for b in broken), run.stdout[-3000:]


def test_no_module_is_longer_than_a_reader_can_hold():
    long = {
        _rel(p): n
        for p in MODULES
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not long, f"modules over {MAX_MODULE_LINES} lines: {long}"


def test_no_function_is_longer_than_a_screenful():
    long = {}
    for path in MODULES:
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                n = (node.end_lineno or node.lineno) - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    long[f"{_rel(path)}:{node.lineno} {node.name}"] = n
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines: {long}"


def test_the_package_top_level_stays_small():
    top = sorted(p.name for p in PACKAGE.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists())
    assert len(top) <= 12, top


def test_no_private_name_is_imported_from_another_module():
    crossing = []
    for path in [*MODULES, *sorted((ROOT / "hooks").glob("*.py"))]:
        for module, names, line in _imports(path):
            if module.startswith("pilotkb"):
                private = [n for n in names if n.startswith("_") and not n.startswith("__")]
                if private or any(part.startswith("_") and part != "__init__" for part in module.split(".")):
                    crossing.append(f"{_rel(path)}:{line}: {module} {private}")
    assert not crossing, crossing


def _modules_using(pred) -> list[str]:
    return sorted(_rel(p) for p in MODULES if pred(p.read_text(encoding="utf-8"), p))


def _imports_module(name: str):
    def pred(_text: str, path: Path) -> bool:
        return any(m == name or m.startswith(name + ".") for m, _, _ in _imports(path))

    return pred


@pytest.mark.parametrize(
    "fact,expected,pred",
    [
        # one module chooses the YAML loader and calls PyYAML's loading functions
        (
            "YAML loading",
            ["pilotkb/data/load.py"],
            lambda t, p: any(
                s in t for s in ("CSafeLoader", "yaml.compose(", "yaml.load(", "yaml.safe_load(")
            ),
        ),
        # one Jinja environment, charts included
        ("Jinja environments", ["pilotkb/site/render.py"], lambda t, p: "Environment(" in t),
        # one jieba loader
        ("jieba", ["pilotkb/search/segment.py"], _imports_module("jieba")),
        # one place that starts a process (git)
        ("subprocesses", ["pilotkb/analysis/git.py"], _imports_module("subprocess")),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_each_fact_lives_in_one_module(fact, expected, pred):
    assert _modules_using(pred) == expected, fact


def test_only_the_mkdocs_folder_imports_mkdocs():
    users = _modules_using(lambda t, p: any(_imports_module(m)(t, p) for m in ("mkdocs", "material")))
    assert users and all(u.startswith("pilotkb/mkdocs/") for u in users), users


# Every function and class attribute of MkDocs' and Material's modules (all imported first), by
# identity, before and after the hooks are loaded and a site is built: a name bound to another
# object is a method swap.
SWAP_PROBE = """
import importlib, inspect, pkgutil, sys
import material, mkdocs
from mkdocs.commands.build import build
from mkdocs.config import load_config

for package in (mkdocs, material):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        try:
            importlib.import_module(info.name)
        except Exception:
            pass

def callables():
    out = {}
    for name, module in list(sys.modules.items()):
        if module is None or name.split(".")[0] not in ("mkdocs", "material"):
            continue
        for attr, value in list(vars(module).items()):
            if inspect.isclass(value) and value.__module__ == name:
                out.update((f"{name}.{attr}.{a}", v) for a, v in vars(value).items() if callable(v)
                           or isinstance(v, (property, classmethod, staticmethod)))
            elif inspect.isfunction(value) and value.__module__ == name:
                out[f"{name}.{attr}"] = value
    return out

before = callables()
config = load_config(sys.argv[1])
config.plugins.on_startup(command="build", dirty=False)
build(config)
config.plugins.on_shutdown()
after = callables()
print("swapped:", sorted(k for k in before if after.get(k, before[k]) is not before[k]))
"""


def test_no_runtime_method_swaps(tmp_path: Path):
    """MkDocs and Material are used through their API (or subclasses), never patched: a
    build of the site leaves every function and method of theirs as it found it."""
    golden = ROOT / "tests" / "fixtures" / "golden"
    project = make_project(
        tmp_path / "p",
        (golden / "pilots.yaml").read_text(encoding="utf-8"),
        {"source.txt": (golden / "source.txt").read_text(encoding="utf-8")},
    )
    run = subprocess.run(
        [sys.executable, "-c", SWAP_PROBE, str(project / "mkdocs.yml")],
        cwd=project,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.splitlines()[-1] == "swapped: []"


def test_hooks_only_hand_events_to_the_package():
    for path in sorted((ROOT / "hooks").glob("*.py")):
        tree = _tree(path)
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                assert len(node.body) <= 2, f"{_rel(path)}: {node.name} does more than delegate"
            else:
                assert isinstance(node, ast.Import | ast.ImportFrom | ast.Assign | ast.Expr), (
                    f"{_rel(path)}:{node.lineno}: only imports and delegations belong in a hook file"
                )


def test_collections_are_declared_by_keyword():
    """Registry declarations name every field (nine positional arguments were unreadable)."""
    tree = _tree(PACKAGE / "data" / "registry.py")
    calls = [
        n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "Collection"
    ]
    assert calls and all(not c.args for c in calls)


def test_the_tests_mirror_the_package():
    """Each folder of tests/ with tests in it is a folder of the package (tests/site/views/ for
    pilotkb/site/views/), so a module's tests are found where the module is."""
    tests = ROOT / "tests"
    folders = {p.parent.relative_to(tests) for p in tests.rglob("test_*.py")} - {Path(".")}
    stray = sorted(str(f) for f in folders if not (PACKAGE / f / "__init__.py").exists())
    assert not stray, stray
