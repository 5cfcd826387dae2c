"""Tables that put the numbers computed here beside the published ones (always labelled as published)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from astropy.table import Table

__all__ = ["beside_published", "counts_table"]


def beside_published(ours: Mapping[str, Any], published: Mapping[str, Any], *, label: str = "quantity") -> Table:
    """One row per quantity of ``ours``: our value and the published one (blank where the paper gives none).

    ``published`` maps a quantity to a value, or to a ``(value, where)`` pair, or to a dict with ``"value"``.
    """
    rows = []
    for key, value in ours.items():
        pub = published.get(key)
        if isinstance(pub, tuple):
            pub = pub[0]
        elif isinstance(pub, Mapping):
            pub = pub.get("value")
        rows.append((key, value, "" if pub is None else pub))
    return Table(rows=rows, names=(label, "this work", "published"), dtype=(str, object, object))


def counts_table(values: np.ndarray, name: str, count_name: str = "count") -> Table:
    """How often each distinct value occurs, sorted by value."""
    keys, counts = np.unique(np.asarray(values), return_counts=True)
    return Table({name: keys, count_name: counts})
