"""The enclosed-mass products of notebooks 03 (Jeans) and 04 (TME): ``results/halo_mass_profiles_<method>.csv``.

One row per sample and usable radial bin (:data:`MASS_PROFILE_COLUMNS`; masses in Msun, velocities in
km/s, radii in kpc). ``r_mass_kpc`` is the radius at which M(<r) applies -- the bin median for Jeans
(Bird et al. 2022 Eq. 1), the largest radius of the bin's stars for the literal Eq. 4 TME;
``true_mass_msun`` is the mock's true M(<r_mass), NaN for real data. Each method has its own file,
written by its own notebook (no file is shared between notebooks).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

import numpy as np
from astropy.table import Table, vstack

from mwlib.bird22 import halo_mocks
from mwlib.core.tables import ColumnSpec, read_validated_csv

__all__ = ["Method", "MASS_PROFILE_COLUMNS", "product_name", "mass_profile_rows", "write_mass_profiles",
           "read_mass_profiles"]

Method = Literal["jeans", "tme"]
#: Which notebook writes which method's file.
PRODUCER: dict[Method, str] = {"jeans": "03_jeans", "tme": "04_tme"}

#: Columns of ``results/halo_mass_profiles.csv``.
MASS_PROFILE_COLUMNS: tuple[str, ...] = (
    "sample", "method", "r_lo_kpc", "r_hi_kpc", "n_stars", "r_median_kpc", "r_mass_kpc",
    "mass_msun", "mass_err_msun", "vcirc_kms", "vcirc_err_kms", "true_mass_msun",
)
_FLOAT_FORMAT = ".6g"


def mass_profile_rows(sample: str, method: Method, profile: Table,
                      truth: halo_mocks.HaloTruth | None = None) -> Table:
    """Rows of ``halo_mass_profiles.csv`` from a :func:`~mwlib.bird22.jeans.jeans_profile` or
    :func:`~mwlib.bird22.tme.tme_profile` table (usable bins only); ``true_mass_msun`` = truth at r_mass."""
    if "/" in sample or "/" in method:
        raise ValueError("sample and method names must not contain '/'")
    ok = np.asarray(profile["ok"], bool)
    p = profile[ok]
    n = len(p)
    r_mass = np.asarray(p["r_mass_kpc"], float)
    t = Table()
    t["sample"] = np.full(n, sample, dtype=object).astype(str)
    t["method"] = np.full(n, method, dtype=object).astype(str)
    for col in ("r_lo_kpc", "r_hi_kpc", "n_stars", "r_median_kpc", "r_mass_kpc", "mass_msun",
                "mass_err_msun", "vcirc_kms", "vcirc_err_kms"):
        t[col] = np.asarray(p[col])
    t["true_mass_msun"] = truth.mass_enclosed(r_mass) if truth is not None else np.full(n, np.nan)
    return t


def product_name(method: Method) -> str:
    return f"halo_mass_profiles_{method}.csv"


def write_mass_profiles(run, method: Method, rows: Iterable[Table]) -> Table:
    """Stack the rows of every sample (:func:`mass_profile_rows`) into ``results/halo_mass_profiles_<method>.csv``."""
    tables = [r for r in rows if len(r)]
    if any(set(map(str, r["method"])) != {method} for r in tables):
        raise ValueError(f"every row must be of method {method!r}")
    table = vstack(tables, join_type="exact") if tables else Table(names=MASS_PROFILE_COLUMNS)
    table.meta = {}
    for col in MASS_PROFILE_COLUMNS:
        if table[col].dtype.kind == "f":
            table[col].info.format = _FLOAT_FORMAT
    run.write_csv(product_name(method), table)
    return table


_SPECS = [ColumnSpec("sample", "str"), ColumnSpec("method", "str"), ColumnSpec("n_stars", "int", non_negative=True)] + [
    ColumnSpec(c, required=c != "true_mass_msun") for c in MASS_PROFILE_COLUMNS
    if c not in ("sample", "method", "n_stars")]


def read_mass_profiles(run, method: Method) -> Table:
    """The mass profiles of ``method`` written by its notebook, validated."""
    return read_validated_csv(run.input(product_name(method), producer=PRODUCER[method]), _SPECS)


def table1_product(method: Method) -> str:
    return f"bird22_table1_{method}.csv"


def write_table1(run, method: Method, last: Mapping[str, tuple[float, float, float]]) -> Table:
    """``results/bird22_table1_<method>.csv``: each sample's Table 1 entry, the enclosed mass at its last bin's
    median radius, ``{sample: (r_kpc, mass_msun, mass_err_msun)}`` (Bird et al. 2022 Table 1)."""
    table = Table(rows=[(name, *values) for name, values in last.items()],
                  names=("sample", "r_kpc", "mass_msun", "mass_err_msun"))
    for col in table.colnames[1:]:
        table[col].info.format = ".6g"
    run.write_csv(table1_product(method), table)
    return table


def read_table1(run, method: Method) -> Table:
    """Notebook 03's (Jeans) or 04's (TME) Table 1 entries, validated."""
    specs = [ColumnSpec("sample", "str"), ColumnSpec("r_kpc", non_negative=True), ColumnSpec("mass_msun"),
             ColumnSpec("mass_err_msun", non_negative=True)]
    return read_validated_csv(run.input(table1_product(method), producer=PRODUCER[method]), specs)
