"""``python -m graph`` is the ``onecenter`` command."""

from graph.cli.commands import main

main()
