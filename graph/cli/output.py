"""What every ``onecenter`` command shares: the console it writes to, and the exit codes
of library errors.

Exit codes: 0 done; 1 some data was refused (a table, a draft that still breaks a rule,
a broken audit chain); 2 wrong input or settings. One place decides, so ``onecenter
audit`` and the other commands cannot come to disagree.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console

from graph.errors import LoadRejected, OneCenterError

__all__ = ["console", "exit_codes"]

# Piped output (CI, logs) gets a wide table instead of the 80 columns Rich assumes.
console = Console(stderr=True, width=None if sys.stderr.isatty() else 160)


@contextmanager
def exit_codes() -> Iterator[None]:
    """Library errors as a message and an exit code: 1 when data was refused (a table, or a
    draft that still breaks a rule), 2 for wrong input or settings; a dataset without a
    mapping or without a held draft (``NotFound``) is wrong input."""
    try:
        yield
    except LoadRejected as exc:
        console.print(f"[red]Ditolak / rejected:[/red] {exc}")
        raise typer.Exit(1) from None
    except OneCenterError as exc:
        console.print(f"[red]Galat / error:[/red] {exc}")
        raise typer.Exit(2) from None
