"""Where store work runs: a ``Runner`` calls ``fn(store, *args)`` here or in a query worker.

Answers and code lists are computed by module-level functions of a store. The web service
runs them in its query workers, which are killed at the time limit
(``api.deps.ServiceState.run``); scripts, tests and the CLI run them in place with
``run_here``. Code that takes a ``Runner`` works the same both ways.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Concatenate, ParamSpec, Protocol, TypeVar

from graph.store.interface import Store

__all__ = ["Runner", "run_here"]

P = ParamSpec("P")
T = TypeVar("T")


class Runner(Protocol):
    """Runs ``fn(store, *args, **kwargs)`` on some store (here, or in a worker process)."""

    def __call__(self, fn: Callable[Concatenate[Store, P], T], /, *args: P.args, **kwargs: P.kwargs) -> T: ...


def run_here(store: Store) -> Runner:
    """A runner that calls the function on ``store`` in this thread (no time limit)."""

    def run(fn: Callable[Concatenate[Store, P], T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        return fn(store, *args, **kwargs)

    return run
