"""``onecenter cube-check``: the 21 W3C Data Cube integrity constraints on the published graph.

The published graphs are copied into a scratch in-memory store, normalised as the
Recommendation says, and each constraint (``shapes/data-cube-ic/``) counted
(``graph.check.cube_ic``). Exit codes as for the rest of the CLI: 0 every count is 0,
1 some constraint has violations, 2 a store that cannot be read or bad settings.
"""

from __future__ import annotations

import sys
import time

import typer
from rich.console import Console
from rich.table import Table as RichTable

from graph.check.cube_ic import check_published
from graph.cli.output import console, exit_codes
from graph.rdf.iris import Iris
from graph.settings import load_settings
from graph.store.connect import connect_store

__all__ = ["cube_check"]


def cube_check() -> None:
    """Periksa 21 batasan integritas W3C Data Cube pada graf terbit / run the 21 W3C Data Cube
    integrity constraints on the normalised published graph."""
    start = time.perf_counter()
    with exit_codes():
        settings = load_settings()
        store = connect_store(settings, read_only=True)
        try:
            counts = check_published(store, Iris(settings.base_iri))
        finally:
            store.close()
    table = RichTable(title="W3C Data Cube: batasan integritas / integrity constraints")
    for name in ("IC", "judul / title", "pelanggaran / violations", "detik / seconds"):
        table.add_column(name)
    for c in counts:
        mark = "[green]0[/green]" if c.violations == 0 else f"[red]{c.violations}[/red]"
        table.add_row(c.constraint.id, c.constraint.title, mark, f"{c.seconds:.2f}")
    # Piped output gets the whole titles rather than Rich's 80 columns.
    Console(width=None if sys.stdout.isatty() else 160).print(table)
    failed = [c.constraint.id for c in counts if c.violations]
    took = time.perf_counter() - start
    if failed:
        console.print(f"[red]Gagal / failed[/red]: {', '.join(failed)} ({took:.1f} s)")
        raise typer.Exit(1)
    console.print(f"[green]Ke-21 batasan terpenuhi / all 21 constraints hold[/green] ({took:.1f} s)")
