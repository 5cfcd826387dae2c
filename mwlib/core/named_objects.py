"""galpy's catalogue of named objects (``galpy/orbit/named_objects.json``): Gaia EDR3 kinematics of 161 globular
clusters and 50 satellites, read directly -- never through ``Orbit.from_name``, which goes online for unknown names
and ignores the uncertainties. Used by both papers' parts: the clusters (:mod:`mwlib.eh16.galpy_clusters`) and the
Sagittarius dwarf (:mod:`mwlib.bird22.substructure`)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

__all__ = ["normalize_name", "galpy_named_objects_path", "load_galpy_named_objects"]


def normalize_name(name: str) -> str:
    """galpy's matching rule: drop spaces and punctuation, lower-case."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def galpy_named_objects_path() -> Path:
    import galpy

    return Path(galpy.__file__).resolve().parent / "orbit" / "named_objects.json"


def load_galpy_named_objects(path: str | os.PathLike | None = None) -> dict:
    """galpy's named-object catalogue (a dict keyed by galpy's names)."""
    with open(path or galpy_named_objects_path()) as handle:
        return json.load(handle)
