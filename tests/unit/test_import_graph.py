"""The shape of ``lti_tool`` holds as features are added (issue 8).

- Shared modules (``core/``, ``web/``, ``db.py``, ``jobs.py``, ...) import no feature: any
  feature may import them without making a cycle.
- A feature never imports another feature's ``models``: features talk through each other's
  ``services.py`` (or ``access.py``), never through another's tables.

Read from the source with ``ast`` (no import runs), imports inside functions included: a
lazy import is still a dependency. ``KNOWN_DEBT`` lists the crossings left to remove; it may
only shrink (a fixed crossing still listed fails too, so the list stays true).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "lti_tool"

#: Shared packages and top-level modules: the floor every feature stands on.
SHARED_PACKAGES = frozenset({"core", "web"})
SHARED_MODULES = frozenset({"db", "config", "crypto", "jobs", "logging_setup", "migrate"})
#: Where the application is put together: these may import every feature.
ROOTS = frozenset({"app", "cli", "server", "api", "sandbox", "migrations"})
#: Modules inside a shared package that put the application together (import every feature).
ROOT_MODULES = frozenset({"lti_tool.db.models_registry"})

#: (importing module, imported module) crossings still to route through services.
KNOWN_DEBT: frozenset[tuple[str, str]] = frozenset({
    # Empty since 2026-12-06: every feature asks people's services/queries (people/queries.py
    # gives answers and SQL pieces to embed, people/imports.py the sync's bulk writes,
    # lti.sessions.LmsContext the launch's claims); network keeps its foreign keys to people's
    # tables by name, without ORM relationships to their classes. Keep it empty.
})


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    return _imports_of(path.read_text(encoding="utf-8"), package)


def _imports_of(source: str, package: str) -> set[str]:
    """Every ``lti_tool`` module this source imports (``from a import b`` counts ``a.b`` when
    ``b`` is a module, so ``from lti_tool.people import models`` is seen)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{a.name}" for a in node.names
                         if _is_module(f"{target}.{a.name}"))
    return {name for name in found if name == "lti_tool" or name.startswith("lti_tool.")}


def _is_module(name: str) -> bool:
    path = ROOT.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _top(module: str) -> str:
    """``lti_tool.people.views`` → ``people``; ``lti_tool.db`` → ``db``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _kind(module: str) -> str:
    if module in ROOT_MODULES:
        return "root"
    top = _top(module)
    if top in SHARED_PACKAGES or top in SHARED_MODULES:
        return "shared"
    if top in ROOTS or not top:
        return "root"
    return "feature"


def _graph() -> dict[str, set[str]]:
    return {_module_name(p): _imports(p) for p in sorted(ROOT.rglob("*.py"))
            if "migrations" not in p.parts}


def test_features_are_found() -> None:
    features = {_top(m) for m in _graph() if _kind(m) == "feature"}
    assert {"lti", "people", "sync", "journal", "lms_scores"} <= features


def test_shared_modules_import_no_feature() -> None:
    bad = sorted((module, imported) for module, imports in _graph().items()
                 if _kind(module) == "shared"
                 for imported in imports if _kind(imported) in ("feature", "root"))
    assert bad == [], "a shared module imports a feature (make the feature register itself)"


def _model_crossings() -> set[tuple[str, str]]:
    return {(module, imported) for module, imports in _graph().items()
            if _kind(module) == "feature"
            for imported in imports
            if _kind(imported) == "feature" and _top(imported) != _top(module)
            and imported.split(".")[2:3] == ["models"]}


def test_no_feature_imports_another_features_models() -> None:
    new = sorted(_model_crossings() - KNOWN_DEBT)
    assert new == [], "go through the owning feature's services.py, not its tables"


def test_known_debt_is_still_debt() -> None:
    """A crossing removed must leave KNOWN_DEBT too, so the list only ever shrinks."""
    assert sorted(KNOWN_DEBT - _model_crossings()) == []


def test_the_checker_sees_every_spelling() -> None:
    """Absolute, module-as-name, relative and lazy imports all count (guards the test)."""
    source = (
        "from lti_tool.lti.models import Launch\n"
        "from lti_tool.people import models\n"
        "from ..sync import models as sync_models\n"
        "def f():\n    import lti_tool.journal.models\n")
    assert _imports_of(source, "lti_tool.pathways") >= {
        "lti_tool.lti.models", "lti_tool.people.models", "lti_tool.sync.models",
        "lti_tool.journal.models"}
