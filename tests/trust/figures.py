"""The trust tests' figures (kills survived, reads checked, inputs tried), kept for quoting.

Each test merges its figures into ``tests/artifacts/trust-figures.json`` (ignored by
git) under its own key and prints one summary line (shown with ``pytest -s``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

FIGURES = Path(__file__).resolve().parent.parent / "artifacts" / "trust-figures.json"


def record_figures(key: str, figures: dict[str, Any]) -> None:
    """Write ``figures`` under ``key`` (replacing that key's earlier figures) and print them."""
    FIGURES.parent.mkdir(parents=True, exist_ok=True)
    try:
        everything = json.loads(FIGURES.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        everything = {}
    stamped = {
        **figures,
        "recorded": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
    }
    everything[key] = stamped
    FIGURES.write_text(json.dumps(everything, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"\n[trust] {key}: " + ", ".join(f"{k}={v}" for k, v in figures.items()))
