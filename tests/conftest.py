"""Shared fixtures: the committed Table 3 and the external data (skipped when absent)."""

from __future__ import annotations

import numpy as np
import pytest

from mwlib.eh16 import cluster_kinematics, table3
from mwlib.core import paths


def external_or_skip(name: str):
    path = paths.find_external(name)
    if path is None:
        pytest.skip(
            f"{name} not found (looked in: {', '.join(map(str, paths.external_data_dirs()))}); "
            "set MWLIB_EXTERNAL_DATA to the directory that holds it"
        )
    return path


@pytest.fixture(scope="session")
def gc_table():
    return table3.read_gc_table(paths.GC_TABLE_PATH)


@pytest.fixture(scope="session")
def gc_kinematics(gc_table):
    return cluster_kinematics.eadie16_gc_kinematics(gc_table, rng=np.random.default_rng(0), n_mc=200)
