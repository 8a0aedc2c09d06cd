"""``onecenter audit``: replay the audit chain, check it names every published version, and
show its last entries (docs/audit.md).

Exit codes as for the rest of the CLI: 0 the chain holds, 1 it is broken (the first
broken entry and the head of what still holds are printed) or a published version is
missing from it, 2 no log to read, a store that cannot be read, or bad settings.
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
from graph.provenance.chain_versions import unrecorded_versions
from graph.publish.chain_recovery import record_with_own_store
from graph.rdf.iris import Iris
from graph.settings import Settings, load_settings
from graph.store.connect import connect_store
from graph.store.versions import EVERYONE_INTERNAL, published_datasets

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
    return AuditChain(_own_log(_settings()))


def _settings() -> Settings:
    with exit_codes():
        return load_settings()


def _own_log(settings: Settings) -> Path:
    location = settings.audit_location
    if location is None:
        console.print(
            "[red]Rantai audit tidak aktif / the audit chain is off[/red] (audit_path = 'off', or an "
            "in-memory store); use --path FILE to read a log"
        )
        raise typer.Exit(2)
    return location


def _unrecorded(chain: AuditChain, path: Path | None) -> dict[str, str]:
    """Published versions (dataset IRI -> graph) in the instance's store that the chain does
    not name. Only for the instance's own log: a copy given with ``--path`` may be older
    than the store. The store is opened read-only: verifying changes nothing."""
    if path is not None:
        with exit_codes():
            own = load_settings().audit_location
        if own is None or own.resolve() != path.resolve():
            return {}
    settings = _settings()
    folder = settings.store_location
    if not settings.store_url and (folder is None or not (folder / "CURRENT").exists()):
        return {}  # in memory, or nothing written yet: nothing published
    with exit_codes():
        store = connect_store(settings, read_only=True)
        try:
            pointers = published_datasets(store, Iris(settings.base_iri), EVERYONE_INTERNAL)
        finally:
            store.close()
    return unrecorded_versions(pointers, chain.path)


def _unrecorded_message(dataset_iri: str, graph: str) -> str:
    dataset = dataset_iri.rsplit("/", 1)[-1]
    return (
        f"dataset {dataset}: versi terbit {graph} tidak tercatat di rantai audit (penerbitan terputus "
        "sebelum tercatat?); jalankan `onecenter audit record`, mulai layanan, atau perintah onecenter "
        f"apa pun yang membuka penyimpanan untuk menulis: itu mencatatnya / dataset {dataset}: the "
        f"published version {graph} is not in the audit chain (a publication interrupted before it "
        "was recorded?); run `onecenter audit record`, start the service, or any onecenter command "
        "that opens the store for writing: it records it"
    )


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
    """Periksa ulang rantai audit / replay the audit chain, name the first broken entry, and
    check that it names every version published in the store."""
    chain = _chain(path)
    if not chain.path.exists() and not head:
        console.print(f"Belum ada log / no log yet at {chain.path}")
    result = chain.verify(known_head=head)
    unrecorded = _unrecorded(chain, path)
    ok = result.ok and not unrecorded
    if as_json:
        body = result.as_dict()
        body["ok"] = ok
        body["unrecorded"] = [
            {
                "dataset": d,
                "dataset_id": d.rsplit("/", 1)[-1],
                "graph": g,
                "message": _unrecorded_message(d, g),
            }
            for d, g in unrecorded.items()
        ]
        sys.stdout.write(json.dumps(body, ensure_ascii=False, indent=1) + "\n")
    elif ok:
        console.print(
            f"[green]Rantai utuh / chain intact[/green]: {result.entries} entri / entries in {result.path}"
        )
    elif result.ok:
        console.print(
            f"[red]Rantai audit tidak lengkap / audit chain incomplete[/red]: {result.entries} entri utuh, "
            f"tetapi {len(unrecorded)} versi terbit tanpa entri / entries hold, but {len(unrecorded)} "
            "published version(s) have no entry:"
        )
    else:
        assert result.broken is not None
        console.print(f"[red]Rantai audit rusak / audit chain broken[/red] ({result.broken.reason}):")
        console.print(f"  {result.broken.message}")
        console.print(
            f"  utuh sampai / intact up to: {result.verified} dari / of {result.entries} entri / entries"
        )
    if unrecorded and not as_json:
        if not result.ok:
            missing = len(unrecorded)
            console.print(
                f"[red]Versi terbit tanpa entri / published versions without an entry[/red]: {missing}"
            )
        for d, g in unrecorded.items():
            console.print(f"  {_unrecorded_message(d, g)}")
    # The head goes to stdout alone, so a script can record it elsewhere.
    if not as_json:
        console.print("Kepala / head:")
        typer.echo(result.head)
    if not ok:
        raise typer.Exit(1)


@audit_app.command("record")
def record() -> None:
    """Catat versi terbit yang terlewat / chain the published versions the audit chain missed
    (a publication cut off by a crash); opens the store for writing."""
    settings = _settings()
    _own_log(settings)
    with exit_codes():
        entries = record_with_own_store(settings)
    for e in entries:
        console.print(
            f"Dicatat / recorded: {e.payload['dataset']} {e.payload['graph']} (entri / entry {e.seq})"
        )
    if not entries:
        console.print("Tidak ada yang terlewat / nothing missing: the chain names every published version")


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
