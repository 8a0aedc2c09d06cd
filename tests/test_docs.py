"""Documentation that must not drift from the code."""

from __future__ import annotations

import re

from pydantic import BaseModel
from typer.main import get_command

from graph.cli.commands import app
from graph.read.mappings import Mapping
from graph.settings import PROJECT_DIR, Settings

DOCS = PROJECT_DIR / "docs"


def test_every_setting_is_documented_with_its_help_text() -> None:
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    for name, field in Settings.model_fields.items():
        assert f"| `{name}` |" in text, name
        assert field.description and field.description in text, name


def test_every_cli_command_is_in_the_readme() -> None:
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    commands = get_command(app).commands  # type: ignore[attr-defined]
    assert set(commands) == {
        "audit",
        "build",
        "cube-check",
        "init",
        "load",
        "publish",
        "query",
        "serve",
        "settings",
        "user",
        "validate",
    }
    for name in commands:
        assert f"onecenter {name}" in readme, name


def _mapping_keys(model: type[BaseModel]) -> set[str]:
    keys: set[str] = set()
    for name, field in model.model_fields.items():
        if field.exclude:
            continue
        keys.add(name)
        for kind in re.findall(r"graph\.read\.mappings\.(\w+)", repr(field.annotation)):
            import graph.read.mappings as m

            nested = getattr(m, kind)
            if isinstance(nested, type) and issubclass(nested, BaseModel):
                keys |= _mapping_keys(nested)
    return keys


def test_every_mapping_key_is_documented() -> None:
    text = (DOCS / "mapping-language.md").read_text(encoding="utf-8")
    keys = _mapping_keys(Mapping)
    assert {"header_rows", "drop_rows", "system", "semester", "decimal"} <= keys
    for key in sorted(keys):
        assert f"`{key}`" in text or f"{key}:" in text, key


def test_every_module_of_graph_is_in_the_architecture_page() -> None:
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    graph = PROJECT_DIR / "graph"
    modules = [p for p in graph.glob("*/*.py") if p.name != "__init__.py"]
    assert len(modules) > 50
    missing = [
        str(p.relative_to(graph)) for p in modules if f"`{p.relative_to(graph).as_posix()}`" not in text
    ]
    assert missing == [], "docs/architecture.md does not list these modules of graph/"
