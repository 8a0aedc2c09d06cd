"""Importing a script of ``scripts/`` (not a package) in a test, as its own module."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


def script_module(name: str) -> Iterator[ModuleType]:
    """Yield ``scripts/<name>.py`` imported as module ``name``; for a fixture to ``yield from``.

    It is registered in ``sys.modules`` while in use (dataclasses look their module up) and
    removed afterwards.
    """
    try:
        yield _load(name)
    finally:
        sys.modules.pop(name, None)


def import_script(name: str) -> ModuleType:
    """``scripts/<name>.py`` imported once as module ``name`` and kept, for a test module that
    uses one of its functions at import time (e.g. ``shacl_reference``, shared by the SHACL
    benchmark and the engine's tests)."""
    module = sys.modules.get(name)
    if module is not None and getattr(module, "__file__", None) == str(SCRIPTS / f"{name}.py"):
        return module
    return _load(name)


def _load(name: str) -> ModuleType:
    """Execute ``scripts/<name>.py`` as module ``name``, registered in ``sys.modules``."""
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module
