"""One Center's library: agency tables to a provenanced, queryable RDF graph.

Imports without FastAPI; the web service lives in ``api``.
"""

from graph.errors import (
    CellProblem,
    LoadRejected,
    MappingError,
    OneCenterError,
    QueryError,
    QueryTimeout,
    ReferenceDataError,
    SettingsError,
    SourceError,
    StoreError,
)
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.read.mappings import Mapping, load_mapping
from graph.settings import Settings, load_settings
from graph.store.connect import open_store
from graph.store.embedded import EmbeddedStore
from graph.store.interface import Store
from graph.version import __version__

__all__ = [
    "CellProblem",
    "EmbeddedStore",
    "LoadRejected",
    "LoadReport",
    "Mapping",
    "MappingError",
    "OneCenterError",
    "Platform",
    "QueryError",
    "QueryTimeout",
    "ReferenceDataError",
    "Settings",
    "SettingsError",
    "SourceError",
    "Store",
    "StoreError",
    "__version__",
    "load_mapping",
    "load_settings",
    "open_store",
]
