"""One Center's library: agency tables to a provenanced, queryable RDF graph.

Imports without FastAPI; the web service lives in ``api``.
"""

__version__ = "0.1.0"

from graph.errors import (  # noqa: E402
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
from graph.mappings import Mapping, load_mapping  # noqa: E402
from graph.pipeline import LoadReport, Platform  # noqa: E402
from graph.settings import Settings, load_settings  # noqa: E402
from graph.store import EmbeddedStore, Store, open_store  # noqa: E402

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
