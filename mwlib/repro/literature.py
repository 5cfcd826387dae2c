"""Literature compilations of the two papers and their weighted averages.

* Bird et al. (2022) Fig. 8 and Sections 4.6 / 5.4: virial-mass estimates of the Milky Way from
  the literature, grouped by method, and error-weighted group means (``data/literature/
  bird22_fig8.csv``; the paper lists the references but not the values: each value there was
  transcribed from the original paper's abstract, with its source and a quote, see
  ``data/literature/README.md``).
* Eadie & Harris (2016) Section 6 and Fig. 13: ``data/literature/eadie16_section6.csv``.

Weighted means use :func:`mwlib.bird22.nfw.weighted_average` with the symmetrized error
(minus + plus)/2, converted to a 68% (1-sigma) half-width where the source quotes another
interval (Eadie & Jurić 2019 quote a 50% credible interval: half-widths / 0.6745, as for a
Gaussian); Bird's Section 4.6 average of Table 2 is reproduced by 1/sigma weights, the
Section 5.4 group errors by 1/sigma^2 weights, so both are offered (``weighting``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
from astropy.table import Table

from mwlib.bird22 import nfw
from mwlib.core.tables import ColumnSpec, read_validated_csv

__all__ = ["FIG8_GROUPS", "FIG8_KINDS", "read_bird22_fig8", "group_average", "group_averages"]

#: Method groups of Bird et al. (2022) Fig. 8 / Section 5.4, in the paper's order.
FIG8_GROUPS: dict[str, str] = {
    "jeans_tme": "Jeans and TME with tracers",
    "df": "distribution function",
    "high_velocity": "high-velocity stars",
    "streams": "Sagittarius / Magellanic streams",
    "rotation_curve": "rotation curve",
    "satellites": "satellite phenomenology",
    "other": "timing argument and others",
}
#: ``kind`` of a row: a virial-type mass with errors (the only kind averaged), an enclosed mass,
#: a lower limit, a range (value = lower end, value + plus = upper end), a value without errors,
#: or a reference whose value was not found in any stored text (no value).
FIG8_KINDS: tuple[str, ...] = ("virial", "enclosed", "lower_limit", "range", "no_error", "not_found")

_FIG8_COLUMNS = [
    ColumnSpec("reference", "str"),
    ColumnSpec("group", "str"),
    ColumnSpec("kind", "str"),
    ColumnSpec("value_1e12msun", "float", required=False, non_negative=True),
    ColumnSpec("minus_1e12msun", "float", required=False, non_negative=True),
    ColumnSpec("plus_1e12msun", "float", required=False, non_negative=True),
    ColumnSpec("interval", "str"),
    ColumnSpec("definition", "str", required=False),
    ColumnSpec("source", "str"),
    ColumnSpec("quote", "str", required=False),
]


#: 1-sigma error per half-width of a quoted interval (Gaussian): 68% -> 1, 50% -> 1/0.6745.
_SIGMA_PER_HALF_WIDTH: dict[str, float] = {"68%": 1.0, "50%": 1.0 / 0.6745}


def read_bird22_fig8(path: str | os.PathLike) -> Table:
    """Read and check ``bird22_fig8.csv``: known groups and kinds, a value for every kind but
    ``not_found``, both errors for ``virial`` rows. Errors name the file, line and column."""
    t = read_validated_csv(path, _FIG8_COLUMNS)
    for i, row in enumerate(t):
        line = i + 2
        if row["group"] not in FIG8_GROUPS:
            raise ValueError(f"{path}: line {line}, column 'group': unknown group {row['group']!r}; "
                             f"expected one of {list(FIG8_GROUPS)}")
        if row["kind"] not in FIG8_KINDS:
            raise ValueError(f"{path}: line {line}, column 'kind': unknown kind {row['kind']!r}; "
                             f"expected one of {list(FIG8_KINDS)}")
        has_value = np.isfinite(row["value_1e12msun"])
        if has_value == (row["kind"] == "not_found"):
            raise ValueError(f"{path}: line {line}, column 'value_1e12msun': "
                             + ("a value for a row of kind 'not_found'" if has_value else "missing value"))
        if row["interval"] not in _SIGMA_PER_HALF_WIDTH:
            raise ValueError(f"{path}: line {line}, column 'interval': unknown interval {row['interval']!r}; "
                             f"expected one of {list(_SIGMA_PER_HALF_WIDTH)}")
        if row["kind"] == "virial" and not (np.isfinite(row["minus_1e12msun"]) and np.isfinite(row["plus_1e12msun"])):
            raise ValueError(f"{path}: line {line}: a 'virial' row needs minus_1e12msun and plus_1e12msun")
    return t


def group_average(table: Table, groups: Sequence[str] | None = None, *,
                  weighting: str = "inverse_variance") -> tuple[float, float, int]:
    """Weighted mean and its error [1e12 Msun] of the ``virial`` rows of ``groups`` (all if None),
    and the number of rows used."""
    use = np.asarray(table["kind"]) == "virial"
    if groups is not None:
        use &= np.isin(np.asarray(table["group"]), list(groups))
    if not use.any():
        return float("nan"), float("nan"), 0
    t = table[use]
    scale = np.array([_SIGMA_PER_HALF_WIDTH[str(i)] for i in t["interval"]]) if "interval" in t.colnames else 1.0
    mean, err = nfw.weighted_average(np.asarray(t["value_1e12msun"], float),
                                     scale * np.asarray(t["minus_1e12msun"], float),
                                     scale * np.asarray(t["plus_1e12msun"], float), weighting=weighting)
    return float(mean), float(err), int(use.sum())


def group_averages(table: Table, weighting: str = "inverse_variance") -> Table:
    """One row per group of :data:`FIG8_GROUPS`: references, rows averaged, weighted mean, error."""
    rows = []
    for group, label in FIG8_GROUPS.items():
        in_group = np.asarray(table["group"]) == group
        mean, err, n = group_average(table, [group], weighting=weighting)
        rows.append((group, label, int(in_group.sum()), n, mean, err))
    t = Table(rows=rows, names=("group", "label", "references", "averaged", "mean_1e12msun", "err_1e12msun"))
    t["mean_1e12msun"].info.format = ".3f"
    t["err_1e12msun"].info.format = ".3f"
    return t
