"""The one settings object, read once at start-up and passed down.

Precedence: keyword arguments, then environment variables (``ONECENTER_<NAME>``),
then ``onecenter.toml`` (in the working directory, or the file named by
``ONECENTER_CONFIG``), then the defaults below. Unknown keys are rejected.
Every field's description is its documentation: ``onecenter settings`` prints
them and ``docs/settings.md`` lists them (a test keeps the two in step).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from graph.errors import SettingsError

__all__ = ["PROJECT_DIR", "Settings", "load_settings"]

# The repository root: ontology/, mappings/, shapes/, questions/ and data/ live here.
PROJECT_DIR = Path(__file__).resolve().parent.parent

_REGION_CODE = re.compile(r"^\d{2}(\.\d{2}){0,2}$")


def _secret(description: str) -> Any:
    """A secret setting, empty by default: pydantic never prints or logs its value."""
    return Field(SecretStr(""), description=description)


def _under_project(default: str, description: str) -> Any:
    """A path setting: a relative one is read from project_dir (``Settings.resolve``)."""
    return Field(Path(default), description=description)


class Settings(BaseSettings):
    """Settings of a One Center instance. Names carry their units."""

    model_config = SettingsConfigDict(
        env_prefix="ONECENTER_",
        extra="forbid",
        validate_default=True,
    )

    base_iri: str = Field(
        "https://data.pesawarankab.go.id/",
        description="Base of every IRI this instance mints (regions, datasets, observations). "
        "Must end with '/'.",
    )
    home_region: str = Field(
        "18.09",
        description="Kemendagri code of the region this instance serves (a kabupaten/kota, "
        "e.g. 18.09 Kabupaten Pesawaran). Names in agency tables are linked within it.",
    )
    project_dir: Path = Field(
        PROJECT_DIR,
        description="Folder holding ontology/, mappings/, shapes/, questions/ and data/.",
    )
    mappings_dir: Path = _under_project(
        "mappings",
        "Folder of the mapping files (one YAML per agency table); relative to project_dir.",
    )
    store_path: str = Field(
        "var/store",
        description="Where the embedded Oxigraph store keeps its files (relative to "
        "project_dir), or ':memory:' for an in-memory store that is lost on exit.",
    )
    store_url: str = Field(
        "",
        description="Base URL of a SPARQL server holding the graph instead of the embedded store "
        "(e.g. http://127.0.0.1:7878 for Oxigraph server, http://127.0.0.1:3030/onecenter for a "
        "Fuseki dataset); empty means the embedded store at store_path. See docs/remote-store.md.",
    )
    store_flavour: Literal["oxigraph", "fuseki", "virtuoso"] = Field(
        "oxigraph",
        description="Kind of SPARQL server at store_url: 'oxigraph' (endpoints /query, /update, "
        "/store), 'fuseki' (/query, /update, /data of the dataset) or 'virtuoso' (Virtuoso 7: "
        "/sparql and /sparql-graph-crud, their -auth forms with digest authentication when "
        "store_user is set).",
    )
    store_query_url: str = Field(
        "",
        description="Full URL of the server's SPARQL query endpoint when it is not where "
        "store_flavour puts it (e.g. GraphDB's /repositories/<id>); empty means the default.",
    )
    store_update_url: str = Field(
        "",
        description="Full URL of the server's SPARQL update endpoint when it is not the "
        "default; empty means the default.",
    )
    store_data_url: str = Field(
        "",
        description="Full URL of the server's Graph Store Protocol endpoint (where data is "
        "POSTed) when it is not the default; empty means the default.",
    )
    store_user: str = Field(
        "", description="User name for HTTP basic authentication to the SPARQL server (with store_password)."
    )
    store_password: SecretStr = _secret(
        "Password for HTTP basic authentication to the SPARQL server; never printed "
        "or logged. Prefer the environment variable ONECENTER_STORE_PASSWORD to a file.",
    )
    store_token: SecretStr = _secret(
        "Bearer token sent to the SPARQL server instead of a user and password; never printed or logged.",
    )
    store_timeout_s: float = Field(
        300.0,
        gt=0,
        description="Longest wait, in seconds, for the SPARQL server to accept, answer or read one "
        "request (a load's POST, an update, a validation query); a query past it fails with a "
        "time-out error. Give the server a time limit of its own (e.g. oxigraph serve --timeout-s) "
        "so it stops the query too.",
    )
    reports_dir: Path = _under_project(
        "var/reports",
        "Where loads and validation write their reports for agency staff (rejected "
        "cells, region review queue, coherence findings); relative to project_dir.",
    )
    accounts_path: Path = _under_project(
        "var/accounts.sqlite3",
        "Users of the upload API (Produsen Data, Walidata, admin) and their tokens, "
        "stored hashed (SQLite); relative to project_dir. Managed with `onecenter user`.",
    )
    uploads_dir: Path = _under_project(
        "var/uploads",
        "Where files uploaded through POST /ingest/{dataset} are kept, under names "
        "the server chooses (never the uploader's); relative to project_dir.",
    )
    mapping_proposals_dir: Path = _under_project(
        "var/usulan-pemetaan",
        "Mappings proposed with the mapping assistant (/saya/pemetaan-baru), with their sample "
        "tables, waiting for the Walidata (/walidata/pemetaan); never read by loads or uploads "
        "until approved into mappings_dir; relative to project_dir.",
    )
    mapping_assistant_hours: float = Field(
        2.0,
        gt=0,
        description="Hours a sample table uploaded to the mapping assistant is kept (under "
        "uploads_dir/.asisten/, readable by the service alone) without a step taken on it.",
    )
    refused_upload_keep_days: float = Field(
        0.0,
        ge=0,
        description="Days a refused upload (personal data, too many rejected rows, an unsafe file) is "
        "kept under uploads_dir/.ditolak/, readable by the service alone, for whoever looks into "
        "the refusal; 0 deletes it at once. Every upload is written with mode 0600.",
    )
    upload_max_bytes: int = Field(
        50 * 1024 * 1024,
        gt=0,
        description="Largest upload accepted (bytes); for .xlsx also the largest unpacked size "
        "of its parts, times 20 (a zip bomb is refused before it is opened).",
    )
    read_max_cells: int = Field(
        5_000_000,
        gt=0,
        description="Most cells one table may hold, counted as the sheet or CSV yields its rows "
        "(a formatted empty cell counts) and again as rows x columns once every row is padded to "
        "the widest; the read stops as soon as it passes the limit and the file is refused (an "
        "upload: 422, read before the upload lock is taken). 5 M cells of numbers are a 28 MB "
        ".xlsx read in about 60 s and 0.8 GB, or a 27 MB CSV read in 4 s; the province benchmark "
        "table has 1.2 M.",
    )
    read_max_seconds: float = Field(
        120.0,
        gt=0,
        description="Longest time reading one table may take (opening the workbook and reading "
        "its rows, wall-clock); past it the read stops and the file is refused. A backstop for "
        "workbooks slow to read within read_max_cells (long texts, rich formatting, a busy machine).",
    )
    reject_limit_percent: float = Field(
        10.0,
        ge=0,
        le=100,
        description="A load is refused (and the previous version stays published) when more "
        "than this share of its data rows is rejected.",
    )
    transform_chunk_rows: int = Field(
        50_000,
        gt=0,
        description="Observations turned into N-Quads and bulk-loaded at a time; bounds memory "
        "on large tables.",
    )
    compact_after_load: bool = Field(
        True,
        description="Compact the on-disk store after each load's bulk load: a province table "
        "arrives in hundreds of chunks, and reading across their files slowed validation and "
        "questions (1 M observations: compaction 6.5 s, validation 152 s to 129 s). A compaction "
        "rewrites the whole store, so turn it off for an embedded store much larger than a province.",
    )
    check_drafts_in_columns: bool = Field(
        True,
        description="Check the shapes that judge one observation at a time (structure, IC-1, "
        "IC-11, IC-12, IC-14, IC-15, IC-16, measure values) on a new draft's columns while "
        "they are still in memory, and trace the findings on its observations to file, row "
        "and cell from them, instead of by look-ups in the store; the same findings (1 M "
        "observations on disk: validation 113 s to 32 s, tracing 21 s to 1 s). Turn off to "
        "judge and trace everything in the store.",
    )
    max_result_rows: int = Field(
        10_000,
        gt=0,
        description="Most rows a SPARQL SELECT returns through the API; more are cut and the "
        "response says so.",
    )
    streaming_max_result_rows: int = Field(
        0,
        ge=0,
        description="Most rows (or triples) a SPARQL answer returns through the API in a format "
        "clients read as it arrives (SPARQL XML, CSV, TSV, Turtle, N-Triples, N3, RDF/XML), within "
        "query_timeout_ms; set it above max_result_rows so that clients such as rdflib's SPARQLStore "
        "read large patterns whole. 0 keeps max_result_rows for every format; SPARQL JSON and "
        "JSON-LD always keep it.",
    )
    query_timeout_ms: int = Field(
        30_000,
        gt=0,
        description="Time limit of one SPARQL query through the API, in milliseconds; a query past "
        "it is stopped (its worker process is killed) and answered with an error. Needs an on-disk "
        "store: queries on an in-memory store run without a time limit.",
    )
    query_workers: int = Field(
        2,
        gt=0,
        description="Worker processes that answer SPARQL queries for the API, each with its own "
        "read-only handle on the on-disk store; this many queries run at once, others wait for a "
        "free worker.",
    )
    query_max_bytes: int = Field(
        128 * 1024,
        gt=0,
        description="Longest SPARQL query the API accepts, in bytes of UTF-8 (GET ?query=, a POST "
        "body or form field); a longer one is refused (413, 414 for a GET) before it is read or "
        "parsed, and a POST whose Content-Length says it is longer is refused unread.",
    )
    query_slots_per_client: int = Field(
        1,
        gt=0,
        description="SPARQL queries one client (by its address, with or without a token) may run "
        "at once through /sparql; its further queries wait their turn (as long as a query may run, "
        "at least 5 s, then 503), so one client's runaway queries never hold every query worker. "
        "Behind a reverse proxy the address is the proxy's unless uvicorn trusts its "
        "X-Forwarded-For (it does for a proxy on 127.0.0.1).",
    )
    columnar_view: bool = Field(
        True,
        description="Keep a columnar view of the published observations (on an on-disk store, rebuilt "
        "after each publication) for named questions with a `columnar` plan and for the insight, map, "
        "home and region pages; off: questions run as SPARQL and those pages ask the store.",
    )
    view_cache_path: str = Field(
        "",
        description="Folder where the columnar view keeps each published version graph's "
        "observations as an Arrow file, so that a restarted service reads them instead of "
        "scanning the store (relative to project_dir). Empty means beside the store "
        "(var/store-tampilan-kolom for var/store); 'off' keeps them in memory only. A file "
        "that cannot be read or belongs to another store is ignored and written again.",
    )
    session_idle_minutes: int = Field(
        30,
        gt=0,
        description="A signed-in browser session (/masuk) ends after this many minutes without a "
        "request; sessions live in the service's memory and also end when it restarts.",
    )
    session_max_hours: int = Field(
        12,
        gt=0,
        description="A signed-in browser session ends this many hours after sign-in, however busy.",
    )
    session_cookie_secure: Literal["auto", "always", "never"] = Field(
        "auto",
        description="The Secure flag of the session cookie: 'auto' sets it when the request came "
        "over HTTPS (behind a proxy: when uvicorn trusts its X-Forwarded-Proto), 'always' for a "
        "service reached only over HTTPS, 'never' for plain-HTTP tests.",
    )
    sign_in_max_failures: int = Field(
        5,
        gt=0,
        description="Failed sign-ins (/masuk) allowed per account name and per client address "
        "within sign_in_window_minutes; further attempts are refused (429 with Retry-After).",
    )
    sign_in_window_minutes: int = Field(
        15, gt=0, description="The window sign_in_max_failures counts failed sign-ins over, in minutes."
    )
    server_host: str = Field("127.0.0.1", description="Address `onecenter serve` listens on.")
    server_port: int = Field(8000, gt=0, lt=65536, description="Port `onecenter serve` uses.")
    agent: str = Field(
        "",
        description="Name recorded as the person who ran a load (provenance); empty means the "
        "operating-system user.",
    )
    audit_path: str = Field(
        "",
        description="The audit chain: every load, link decision, validation and publication "
        "appended to a hash chain (JSON Lines; relative to project_dir). Empty means beside the "
        "store (var/audit/chain.jsonl for var/store; var/audit/chain.jsonl under project_dir with "
        "a SPARQL server; none with an in-memory store); 'off' turns it off. See docs/audit.md.",
    )
    audit_graph_hash_max_quads: int = Field(
        2_000_000,
        ge=0,
        description="Graphs larger than this are chained with their quad count (and the load's "
        "file and mapping SHA-256) but without their RDFC-1.0 hash: hashing reads the graph back, "
        "~45 s per million quads on disk, which would double a province load. 0: hash every graph.",
    )
    report_archive_path: str = Field(
        "",
        description="Where the full validation reports of superseded, rejected and replaced "
        "versions are kept as files (gzipped N-Quads, SHA-256 in the provenance) once the store "
        "keeps only their summary (counts per rule); relative to project_dir. Empty means beside "
        "the store (var/arsip-laporan for var/store; var/arsip-laporan under project_dir with a "
        "SPARQL server; none with an in-memory store, whose reports stay whole); 'off' keeps every "
        "report whole in the store. See docs/provenance.md.",
    )

    @field_validator("base_iri")
    @classmethod
    def _base_iri_ends_with_slash(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s<>\"]+/$", value):
            raise ValueError(
                "base_iri harus berupa IRI http(s) yang diakhiri '/' / must be an http(s) IRI ending with '/'"
            )
        return value

    @field_validator("store_url", "store_query_url", "store_update_url", "store_data_url")
    @classmethod
    def _store_urls_are_http(cls, value: str) -> str:
        if value and not re.match(r"^https?://[^\s/?#]+[^\s?#]*$", value):
            raise ValueError(
                f"harus berupa URL http(s) tanpa ?query / must be an http(s) URL without a query "
                f"string, got {re.sub(r'//[^/@]*@', '//***@', value)!r}"
            )
        return value.rstrip("/")

    @model_validator(mode="after")
    def _one_way_to_authenticate(self) -> Settings:
        if self.store_token.get_secret_value() and self.store_user:
            raise ValueError(
                "store_token dan store_user tidak boleh bersamaan / set store_token or "
                "store_user with store_password, not both"
            )
        if self.store_password.get_secret_value() and not self.store_user:
            raise ValueError("store_password tanpa store_user / store_password needs store_user")
        return self

    @field_validator("home_region")
    @classmethod
    def _home_region_is_a_code(cls, value: str) -> str:
        if not _REGION_CODE.match(value):
            raise ValueError(
                f"kode wilayah Kemendagri bertitik, mis. 18.09 / a dotted Kemendagri code such "
                f"as 18.09, got {value!r}"
            )
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_file = Path(os.environ.get("ONECENTER_CONFIG", "onecenter.toml"))
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file))

    # Derived paths: computed, never stored twice.
    def resolve(self, path: Path | str) -> Path:
        """A path relative to ``project_dir`` made absolute."""
        p = Path(path)
        return p if p.is_absolute() else self.project_dir / p

    @property
    def store_location(self) -> Path | None:
        """The on-disk store folder, or None for an in-memory store."""
        return None if self.store_path == ":memory:" else self.resolve(self.store_path)

    @property
    def audit_location(self) -> Path | None:
        """The audit chain file, or None when auditing is off.

        By default the log lives beside the store it describes, so a store in a test's
        temporary folder gets its own log; an in-memory store's data is gone when the
        process ends, so by default its loads are not chained at all.
        """
        if self.audit_path == "off":
            return None
        if self.audit_path:
            return self.resolve(self.audit_path)
        if self.store_url:
            return self.resolve("var/audit/chain.jsonl")
        store = self.store_location
        return None if store is None else store.parent / "audit" / "chain.jsonl"

    def view_cache_location(self, store: Path | None) -> Path | None:
        """The folder of the columnar view's partition files for the on-disk ``store`` (None:
        in memory), or None when they are not kept (``view_cache_path``; by default beside
        the store, named after it)."""
        if self.view_cache_path == "off" or store is None:
            return None
        if self.view_cache_path:
            return self.resolve(self.view_cache_path)
        return store.parent / f"{store.name}-tampilan-kolom"

    @property
    def report_archive_location(self) -> Path | None:
        """The folder of archived validation reports, or None when reports stay whole
        (``report_archive_path``; by default beside the store, like the audit chain)."""
        if self.report_archive_path == "off":
            return None
        if self.report_archive_path:
            return self.resolve(self.report_archive_path)
        if self.store_url:
            return self.resolve("var/arsip-laporan")
        store = self.store_location
        return None if store is None else store.parent / "arsip-laporan"

    @property
    def mappings_path(self) -> Path:
        return self.resolve(self.mappings_dir)

    @property
    def ontology_path(self) -> Path:
        return self.project_dir / "ontology"

    @property
    def shapes_path(self) -> Path:
        return self.project_dir / "shapes"


def load_settings(**overrides: Any) -> Settings:
    """Read settings, turning validation problems into one readable ``SettingsError``."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = [f"- {'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()]
        raise SettingsError(
            "Pengaturan tidak valid / invalid settings (onecenter.toml or ONECENTER_* "
            "variables):\n" + "\n".join(lines)
        ) from None
