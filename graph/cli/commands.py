"""The ``onecenter`` command: a thin layer over the library.

Commands call library functions; library errors become a readable message and a
non-zero exit code (1: some data was refused; 2: wrong input or settings).
``serve`` imports the web service lazily so ``graph`` never needs FastAPI.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from graph.answer.sparql import run_query
from graph.cli.audit import audit_app
from graph.cli.cube_check import cube_check
from graph.cli.load_output import (
    EMPTY_STORE,
    EMPTY_STORE_DRY_RUN,
    category_queue,
    linking_summary,
    report_findings,
    say_verdict,
    summary,
)
from graph.cli.output import console, exit_codes
from graph.errors import AccountError
from graph.publish.accounts import Accounts
from graph.publish.load_report import WOULD_BE
from graph.publish.platform import Platform
from graph.publish.reports import write_findings, write_problems, write_review_queue
from graph.rdf.iris import Iris
from graph.reference.vocabulary import Vocabulary
from graph.settings import Settings, load_settings
from graph.store.connect import connect_store, open_store
from graph.store.interface import Store

app = typer.Typer(
    help="One Center: tabel instansi -> graf pengetahuan Satu Data / agency tables -> a Satu "
    "Data knowledge graph.",
    no_args_is_help=True,
    add_completion=False,
)


def _settings() -> Settings:
    with exit_codes():
        return load_settings()


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


@app.command()
def build() -> None:
    """Muat ontologi, kode wilayah dan semua pemetaan / load the ontology, region codes and every mapping."""
    settings = _settings()
    with exit_codes():
        platform = Platform(settings)
        try:
            with _progress() as bar:

                def on_dataset(path: Path):  # type: ignore[no-untyped-def]
                    task = bar.add_task(path.stem, total=None)
                    return lambda done, total: bar.update(task, completed=done, total=total)

                reports, failures = platform.build(on_dataset)
            triples = platform.store.count()
        finally:
            platform.close()
    console.print(summary(reports))
    console.print(linking_summary(reports))
    folder = settings.resolve(settings.reports_dir)
    for report in reports:
        path = write_problems(report, folder)
        if path:
            console.print(
                f"{report.dataset}: {len(report.problems)} sel/baris ditolak, "
                f"{len(report.dropped)} dibuang — lihat / see {path}"
            )
    queue, entries = write_review_queue(reports, folder)
    console.print(
        f"Antrean tinjauan wilayah / region review queue: {entries} nama — {queue}"
        + (" (tambahkan keputusan ke / add decisions to mappings/linking/aliases.yaml)" if entries else "")
    )
    category_queue(reports, folder)
    report_findings(reports, settings)
    for path, exc in failures:
        console.print(f"[red]{path.name}:[/red] {exc}")
    console.print(f"Graf / graph: {triples:,} quads in {settings.store_url or settings.store_path}")
    if failures or any(r.outcome == "held" for r in reports):
        raise typer.Exit(1)


@app.command()
def init() -> None:
    """Muat ontologi dan kode wilayah / load (again) the ontology, region codes, periods and link
    decisions; the tables stay as they are."""
    settings = _settings()
    with exit_codes():
        platform = Platform(settings)
        try:
            quads = platform.load_reference()
        finally:
            platform.close()
    console.print(
        "Ontologi, kode wilayah, periode dan keputusan tautan dimuat / the ontology, region codes, "
        f"periods and link decisions were loaded: {quads:,} quads in "
        f"{settings.store_url or settings.store_path}"
    )


def _dry_run_store(settings: Settings) -> Store | None:
    """The store a dry run judges in: the instance's own (``None``), opened for writing since
    the draft is written privately and removed again (``graph.publish.dry_run``); in memory
    where no on-disk store exists yet, so that a dry run does not create one."""
    location = settings.store_location
    if settings.store_url or location is None or (location / "CURRENT").exists():
        return None
    return open_store(None)


@app.command()
def load(
    mapping: Annotated[Path, typer.Argument(help="Berkas pemetaan / mapping YAML file")],
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Uji coba: periksa seperti pemuatan, tanpa menerbitkan / a load that does not "
            "publish: map, link and validate against everything published, say whether it would "
            "be published, held or refused, and leave the store as it was",
        ),
    ] = False,
) -> None:
    """Muat satu tabel instansi / load one agency table; publish it unless it breaks a rule."""
    settings = _settings()
    with exit_codes():
        # A dry run writes its draft privately and removes it: it runs beside a server (whose
        # readers never see it), not beside another load (the store has one writer).
        platform = Platform(settings, _dry_run_store(settings) if dry_run else None)
        try:
            if platform.lacks_reference():  # a fresh store: the load writes them first
                console.print(EMPTY_STORE_DRY_RUN if dry_run else EMPTY_STORE)
            run = platform.dry_run if dry_run else platform.load
            with _progress() as bar:
                task = bar.add_task(mapping.stem, total=None)
                report = run(mapping, lambda done, total: bar.update(task, completed=done, total=total))
        finally:
            platform.close()
    console.print(summary([report]))
    console.print(linking_summary([report]))
    if report.review:
        queue, entries = write_review_queue([report], settings.resolve(settings.reports_dir))
        console.print(f"Antrean tinjauan wilayah / region review queue: {entries} nama — {queue}")
    if report.category_review:
        category_queue([report], settings.resolve(settings.reports_dir))
    path = write_problems(report, settings.resolve(settings.reports_dir))
    if path:
        console.print(f"Masalah / problems: {path}")
    report_findings([report], settings)
    if dry_run:
        say_verdict(report)
    if report.outcome in ("held", WOULD_BE["held"], WOULD_BE["rejected"]):
        raise typer.Exit(1)


@app.command()
def publish(
    dataset: Annotated[str, typer.Argument(help="Id dataset yang drafnya ditahan / id of the held dataset")],
    accept_violations: Annotated[
        str | None,
        typer.Option(
            "--accept-violations",
            help="Alasan menerbitkan meskipun ada pelanggaran (dicatat sebagai provenans) / reason to "
            "publish despite violations (recorded as provenance)",
        ),
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Siapa yang memutuskan / who decides (default: agent)")
    ] = None,
) -> None:
    """Terbitkan draf yang ditahan / publish a held draft after validating it again."""
    settings = _settings()
    with exit_codes():
        platform = Platform(settings)
        try:
            report = platform.publish_draft(dataset, accept_reason=accept_violations, decided_by=by)
        finally:
            platform.close()
    report_findings([report], settings)
    console.print(
        f"[green]{dataset} terbit / published[/green]: {report.violations} pelanggaran "
        f"({report.violations_accepted} diterima / accepted), {report.warnings} peringatan / warnings"
    )


@app.command()
def query(
    sparql: Annotated[str, typer.Argument(help="Teks SPARQL, atau @berkas.rq / SPARQL text or @file.rq")],
    fmt: Annotated[str, typer.Option("--format", help="table, csv atau json")] = "table",
    limit: Annotated[int | None, typer.Option(help="Baris maksimum / most rows")] = None,
) -> None:
    """Jalankan kueri SPARQL pada graf terbit / run a SPARQL query on the published graph."""
    settings = _settings()
    text = Path(sparql[1:]).read_text(encoding="utf-8") if sparql.startswith("@") else sparql
    with exit_codes():
        store = connect_store(settings, read_only=True)
        try:
            outcome = run_query(
                store,
                Iris(settings.base_iri),
                text,
                max_rows=limit or settings.max_result_rows,
                with_prefixes=True,
            )
        finally:
            store.close()
    if fmt == "json":
        sys.stdout.write(json.dumps(outcome.to_sparql_json(), ensure_ascii=False, indent=1) + "\n")
    elif fmt == "csv":
        sys.stdout.write(outcome.to_csv())
    else:
        table = RichTable(*outcome.variables) if outcome.kind != "ask" else RichTable("boolean")
        if outcome.kind == "ask":
            table.add_row(str(outcome.boolean).lower())
        for row in outcome.rows:
            table.add_row(*("" if t is None else t.value for t in row))
        Console().print(table)
    if outcome.truncated:
        console.print(
            f"[yellow]Dipotong pada {len(outcome.rows)} baris / cut at {len(outcome.rows)} rows[/yellow]"
        )


@app.command(name="validate")
def check() -> None:
    """Periksa koherensi antar-instansi / check the published graph against the SHACL shapes."""
    settings = _settings()
    with exit_codes():
        platform = Platform(settings, connect_store(settings, read_only=True))
        try:
            findings = platform.check_coherence()
            accepted = platform.accepted_findings()
            unaccepted = [f for f in findings if f.blocks_publication and (f.focus, f.shape) not in accepted]
        finally:
            platform.close()
    table = RichTable(title="Koherensi / coherence")
    for name in ("instansi / agency", "aturan / rule", "tingkat / severity", "temuan / findings"):
        table.add_column(name)
    counts: dict[tuple[str, str, str], int] = {}
    for f in findings:
        key = ((f.agency or "-").rsplit("/", 1)[-1], f.shape.rsplit("#", 1)[-1], f.severity_label.joined())
        counts[key] = counts.get(key, 0) + 1
    for (agency, rule, severity), n in sorted(counts.items()):
        table.add_row(agency, rule, severity, str(n))
    Console().print(table)
    paths = write_findings(findings, settings.resolve(settings.reports_dir))
    console.print(f"Laporan / reports: {', '.join(str(p) for p in paths)}")
    violations = sum(f.blocks_publication for f in findings)
    console.print(
        f"Pelanggaran / violations: {violations}, di antaranya diterima Walidata / of which accepted: "
        f"{violations - len(unaccepted)}"
    )
    if unaccepted:
        raise typer.Exit(1)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Alamat / address")] = None,
    port: Annotated[int | None, typer.Option(help="Port")] = None,
) -> None:
    """Layani API dan SPARQL / serve the API and the SPARQL endpoint."""
    settings = _settings()
    import uvicorn

    from api.app import create_app

    uvicorn.run(
        create_app(settings),
        host=host or settings.server_host,
        port=port or settings.server_port,
        log_level="info",
    )


@app.command(name="settings")
def show_settings() -> None:
    """Tampilkan pengaturan / show every setting, its value and what it does."""
    settings = _settings()
    table = RichTable("setting", "value", "description")
    for name, field in Settings.model_fields.items():
        table.add_row(name, str(getattr(settings, name)), field.description or "")
    Console().print(table)


users_app = typer.Typer(
    help="Pengguna API unggah dan tokennya / users of the upload API and their tokens.",
    no_args_is_help=True,
)
app.add_typer(users_app, name="user")


def _accounts() -> Accounts:
    settings = _settings()
    return Accounts(settings.resolve(settings.accounts_path))


@users_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="Nama pengguna / user name")],
    role: Annotated[str, typer.Option(help="produsen | walidata | admin")],
    agency: Annotated[str | None, typer.Option(help="Instansi Produsen Data / the agency's slug")] = None,
) -> None:
    """Buat pengguna; token dicetak sekali / make a user; the token is printed once."""
    with exit_codes():
        if agency is not None:
            settings = _settings()
            known = Vocabulary.load(settings.ontology_path, Iris(settings.base_iri)).agencies
            if agency not in known:
                raise AccountError(
                    f"instansi {agency!r} tidak dikenal / unknown agency; one of: {', '.join(sorted(known))}"
                )
        user, token = _accounts().add(name, role, agency)
    console.print(f"Pengguna / user [bold]{user.name}[/bold] ({user.role}{', ' + agency if agency else ''})")
    console.print("Token (simpan sekarang, tidak ditampilkan lagi / keep it now, it is not shown again):")
    typer.echo(token)


@users_app.command("list")
def user_list() -> None:
    """Daftar pengguna / list users (never their tokens)."""
    table = RichTable("name", "role", "agency", "token")
    for user, active in _accounts().users():
        state = "aktif / active" if active else "dicabut / revoked"
        table.add_row(user.name, user.role, user.agency or "", state)
    Console().print(table)


@users_app.command("revoke")
def user_revoke(name: Annotated[str, typer.Argument(help="Nama pengguna / user name")]) -> None:
    """Cabut token / revoke a user's token."""
    with exit_codes():
        _accounts().revoke(name)
    console.print(f"Token {name} dicabut / revoked")


@users_app.command("rotate")
def user_rotate(name: Annotated[str, typer.Argument(help="Nama pengguna / user name")]) -> None:
    """Token baru (yang lama berhenti berlaku) / a new token; the old one stops working."""
    with exit_codes():
        token = _accounts().rotate(name)
    typer.echo(token)


# The audit chain's commands live in their own module.
app.add_typer(audit_app, name="audit")
app.command(name="cube-check")(cube_check)


def main() -> None:
    app()
