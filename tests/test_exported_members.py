"""The library's public surface: graph.__all__ is complete and sorted."""

from __future__ import annotations

import pytest

import graph


def test_all_is_sorted_and_names_every_public_import() -> None:
    public = {
        name
        for name in vars(graph)
        if not name.startswith("_") and not isinstance(getattr(graph, name), type(graph))
    }
    assert graph.__all__ == sorted(graph.__all__)
    assert public | {"__version__"} == set(graph.__all__)


@pytest.mark.slow
def test_graph_imports_without_fastapi() -> None:
    import subprocess
    import sys

    code = "import sys; sys.modules['fastapi'] = None; import graph, graph.cli.commands, graph.publish.platform; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.stdout.strip() == "ok", out.stderr
