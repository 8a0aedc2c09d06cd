"""``onecenter audit``: replay the audit chain and show its last entries (docs/audit.md).

Exit codes as for the rest of the CLI: 0 the chain holds, 1 it is broken (the first
broken entry and the head of what still holds are printed), 2 no log to read or bad
settings.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table as RichTable

from graph.cli.output import console, exit_codes
from graph.provenance.chain import AuditChain
from graph.settings import load_settings

__all__ = ["audit_app"]

audit_app = typer.Typer(
    help="Rantai audit: setiap pemuatan, validasi dan penerbitan / the audit chain of every load, "
    "validation and publication.",
    no_args_is_help=True,
)

PathOption = Annotated[
    Path | None,
    typer.Option(
        "--path",
        help="Berkas log lain (mis. salinan) / another log file, e.g. a copy; default: audit_path",
    ),
]


def _chain(path: Path | None) -> AuditChain:
    if path is not None:
        if not path.is_file():  # a log named by hand must be there: nothing read is no proof
            what = "sebuah folder / a folder" if path.is_dir() else "tidak ada / not found"
            console.print(f"[red]Bukan berkas log / not a log file[/red]: {path} ({what})")
            raise typer.Exit(2)
        return AuditChain(path)
    with exit_codes():
        location = load_settings().audit_location
    if location is None:
        console.print(
            "[red]Rantai audit tidak aktif / the audit chain is off[/red] (audit_path = 'off', or an "
            "in-memory store); use --path FILE to read a log"
        )
        raise typer.Exit(2)
    return AuditChain(location)


@audit_app.command("verify")
def verify(
    path: PathOption = None,
    head: Annotated[
        str | None,
        typer.Option(
            "--head",
            help="Hash kepala yang dicatat sebelumnya; harus masih ada di rantai / a head hash recorded "
            "earlier; it must still be in the chain",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Hasil sebagai JSON / the result as JSON")] = False,
) -> None:
    """Periksa ulang rantai audit / replay the audit chain and name the first broken entry."""
    chain = _chain(path)
    if not chain.path.exists() and not head:
        console.print(f"Belum ada log / no log yet at {chain.path}")
    result = chain.verify(known_head=head)
    if as_json:
        sys.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=1) + "\n")
    elif result.ok:
        console.print(
            f"[green]Rantai utuh / chain intact[/green]: {result.entries} entri / entries in {result.path}"
        )
    else:
        assert result.broken is not None
        console.print(f"[red]Rantai audit rusak / audit chain broken[/red] ({result.broken.reason}):")
        console.print(f"  {result.broken.message}")
        console.print(
            f"  utuh sampai / intact up to: {result.verified} dari / of {result.entries} entri / entries"
        )
    # The head goes to stdout alone, so a script can record it elsewhere.
    if not as_json:
        console.print("Kepala / head:")
        typer.echo(result.head)
    if not result.ok:
        raise typer.Exit(1)


@audit_app.command("show")
def show(
    path: PathOption = None,
    last: Annotated[int, typer.Option("--last", min=1, help="Jumlah entri / how many entries")] = 10,
) -> None:
    """Tampilkan entri terakhir / show the last entries of the audit chain."""
    chain = _chain(path)
    entries = list(chain.entries())[-last:]
    table = RichTable(title=f"Rantai audit / audit chain: {chain.path}")
    for name in ("seq", "waktu / time (UTC)", "jenis / kind", "pelaku / actor", "tentang / subject", "hash"):
        table.add_column(name)
    for e in entries:
        table.add_row(
            str(e.seq), e.time[:19], e.kind, e.actor, e.subjects[0] if e.subjects else "", e.hash[:16]
        )
    Console().print(table)
