"""Bulk runs and Python's cycle collector.

A run that reads tens of thousands of journal cells allocates enough objects to start
several full collections, and a full collection walks every object alive: the app, its
modules, SQLAlchemy's registry — far more than the run's own short-lived rows, which are
freed by reference counting anyway. :func:`settled` moves what is alive when the run starts
into the collector's permanent generation (``gc.freeze``, the standard library's remedy,
also used by pre-forking servers) and back when it ends, so a collection during the run
walks only what the run made. Nothing is left uncollected: garbage among the frozen objects
is collected after ``gc.unfreeze``. Measured by ``bench/exchange.py``.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def settled() -> Iterator[None]:
    gc.freeze()  # (no collection first: it would walk everything once more)
    try:
        yield
    finally:
        gc.unfreeze()
