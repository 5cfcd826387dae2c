"""Shared fixtures: the committed Table 1 and the external data (skipped when absent)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np
import pytest

from mwlib.eh16 import cluster_kinematics
from mwlib.eh16 import gc_table as gc_table_module  # the fixture below is named gc_table
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
    return gc_table_module.read_gc_table(paths.GC_TABLE_PATH)


@pytest.fixture(scope="session")
def gc_kinematics(gc_table):
    return cluster_kinematics.eadie16_gc_kinematics(gc_table, rng=np.random.default_rng(0), n_mc=200)


@contextlib.contextmanager
def run_folder(root):
    """Products of the notebooks' helpers go to ``root`` only: ``MWLIB_RUN_DIR=root`` and no fallback to the
    committed ``results/`` (:mod:`mwlib.repro.products`), so that a test neither reads nor writes the repository's
    products. Use as ``with run_folder(tmp_path): run = products.open_run("01_data_prep", {})``."""
    from mwlib.repro import products

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(products.RUN_DIR_ENV, str(root))
        mp.setenv(products.FALLBACK_ENV, "0")
        mp.setenv(products.SETTINGS_ENV, "test")
        yield Path(root)
