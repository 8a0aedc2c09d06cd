"""``python -m graph`` is the ``onecenter`` command."""

from graph.cli import main

main()
