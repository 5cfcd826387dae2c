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
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from astropy.table import Table, vstack

from mwlib.bird22 import nfw
from mwlib.core.tables import ColumnSpec, read_validated_csv

__all__ = ["FIG8_GROUPS", "FIG8_KINDS", "FIG8_SCORECARD_KEYS", "read_bird22_fig8", "group_average", "group_averages",
           "bird22_table2_rows", "fig8_means", "our_virial_masses", "read_eadie16_section6",
           "enclosed_masses", "without_radius", "profile_agreement", "read_bird22_fig5", "fig5_points"]

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


_EH16_COLUMNS = [
    ColumnSpec("reference", "str"),
    ColumnSpec("quantity", "str"),
    ColumnSpec("r_kpc", "float", required=False, non_negative=True),
    ColumnSpec("value_1e11msun", "float", non_negative=True),
    ColumnSpec("minus_1e11msun", "float", required=False, non_negative=True),
    ColumnSpec("plus_1e11msun", "float", required=False, non_negative=True),
    ColumnSpec("interval", "str"),
    ColumnSpec("tracers_method", "str"),
    ColumnSpec("quoted_in", "str"),
]


#: The scorecard labels of the Section 5.4 group means (Fig. 8 groups).
FIG8_SCORECARD_KEYS: dict[str, str] = {"df": "Fig. 8 distribution function", "high_velocity": "Fig. 8 high-velocity stars",
                                       "streams": "Fig. 8 streams", "rotation_curve": "Fig. 8 rotation curve",
                                       "satellites": "Fig. 8 satellite phenomenology"}


def bird22_table2_rows(published: Mapping[tuple[str, str], Mapping[str, Any]]) -> Table:
    """Bird et al. (2022)'s four published M200 (Table 2) as rows of the Fig. 8 file (group ``jeans_tme``)."""
    rows = []
    for label in ("Jeans KG", "Jeans BHB", "TME KG", "TME BHB"):
        q = published[(label, "M200_1e12")]
        rows.append((f"Bird et al. 2022, {label}", "jeans_tme", "virial", q["value"], q["value"] - q["low"],
                     q["high"] - q["value"], "68%"))
    return Table(rows=rows, names=("reference", "group", "kind", "value_1e12msun", "minus_1e12msun", "plus_1e12msun",
                                   "interval"))


def fig8_means(fig8: Table, published: Mapping[tuple[str, str], Mapping[str, Any]]
               ) -> tuple[dict[tuple[str, str], float], Table]:
    """Bird et al. (2022) Section 5.4 / 4.6: the weighted means of the Fig. 8 compilation, for the scorecard and as
    a table. The Section 5.4 group means are scored with 1/sigma^2 weights (their quoted errors are those of
    1/sigma^2); the two overall means of Section 4.6, which include the paper's own four M200, with 1/sigma
    weights (they reproduce its Table 2 average). Both weightings are shown."""
    table2 = bird22_table2_rows(published)
    with_b22 = vstack([fig8[table2.colnames], table2])
    score, rows = {}, []
    for group, key in FIG8_SCORECARD_KEYS.items():
        m2, e2, n = group_average(fig8, [group])
        m1, e1, _ = group_average(fig8, [group], weighting="inverse_error")
        score[(key, "weighted mean_1e12")] = m2
        pub = published[(key, "weighted mean_1e12")]
        rows.append((FIG8_GROUPS[group], f"{n}/{int(np.sum(fig8['group'] == group))}", f"{m2:.3f} ± {e2:.3f}",
                     f"{m1:.3f} ± {e1:.3f}", f"{pub['value']} {pub['interval']}", "1/sigma^2"))
    for key, groups in ((("Fig. 8 Jeans/TME with B22", "weighted mean_1e12"), ["jeans_tme"]),
                        (("Fig. 8 all", "weighted mean_1e12"), None)):
        m2, e2, n = group_average(with_b22, groups)
        m1, e1, _ = group_average(with_b22, groups, weighting="inverse_error")
        score[key] = m1
        rows.append((key[0][len("Fig. 8 "):], f"{n} rows", f"{m2:.3f} ± {e2:.3f}", f"{m1:.3f} ± {e1:.3f}",
                     f"~{published[key]['value']}", "1/sigma"))
    table = Table(rows=rows, names=("group", "used / named", "1/sigma^2 weights", "1/sigma weights", "published",
                                    "scored with"))
    return score, table


def our_virial_masses(nfw_fits: Mapping[str, Mapping[str, Mapping[str, Any]]], stand_in: str,
                      xii_mvir: Mapping[str, float]) -> list[tuple[str, float, float, float, str]]:
    """This repository's real measurements for the Fig. 8 comparison, as (label, M [1e12 Msun], minus, plus,
    basis): the Bird et al. NFW fits of the public stand-in BHB sample (``nfw_fits[method]["<stand_in>/<method>"]``,
    16-84%; left out at their prior bound or when absent) and the Eadie & Harris Scenario XII virial mass
    (``xii_mvir``: median, q25, q75 in Msun; 50%). No mock result is ever among them."""
    from mwlib.bird22.nfw_summary import at_prior_bound

    out = []
    for method, fits in nfw_fits.items():
        entry = fits.get(f"{stand_in}/{method}")
        if entry is not None and not at_prior_bound(entry):
            m = entry["M200"]
            out.append((f"B22 {method}, {stand_in}", m["p50"] / 1e12, (m["p50"] - m["p16"]) / 1e12,
                        (m["p84"] - m["p50"]) / 1e12, "public stand-in"))
    out.append(("EH16 Scenario XII (50%)", xii_mvir["median"] / 1e12, (xii_mvir["median"] - xii_mvir["q25"]) / 1e12,
                (xii_mvir["q75"] - xii_mvir["median"]) / 1e12, "same data"))
    return out


def read_eadie16_section6(path: str | os.PathLike) -> Table:
    """``data/literature/eadie16_section6.csv``, validated: the studies of Eadie & Harris (2016) Section 6 and of
    the caption of their Fig. 13 (masses in 1e11 Msun)."""
    table = read_validated_csv(path, _EH16_COLUMNS)
    bad = [k for k, q in enumerate(table["quantity"]) if q not in ("M(<r)", "Mvir")]
    if bad:
        raise ValueError(f"{path}: line {bad[0] + 2}, column 'quantity': {table['quantity'][bad[0]]!r} is neither "
                         "'M(<r)' nor 'Mvir'")
    return table


def enclosed_masses(table: Table, r_range_kpc: tuple[float, float] = (0.0, np.inf)) -> Table:
    """The rows of :func:`read_eadie16_section6` that can be drawn on a mass profile: a mass within a stated radius
    (``M(<r)``, or a virial mass quoted with its radius) inside ``r_range_kpc``."""
    r = np.ma.filled(np.ma.asarray(table["r_kpc"], dtype=float), np.nan)
    keep = np.isfinite(r) & (r >= r_range_kpc[0]) & (r <= r_range_kpc[1])
    return table[keep]


def without_radius(table: Table) -> list[str]:
    """"reference (quantity)" of the rows of :func:`read_eadie16_section6` quoted without a radius: they cannot be
    drawn on a mass profile (e.g. a virial mass alone)."""
    r = np.ma.filled(np.ma.asarray(table["r_kpc"], dtype=float), np.nan)
    return [f"{row['reference']} ({row['quantity']})" for row, ok in zip(table, np.isfinite(r)) if not ok]


def profile_agreement(table: Table, r_grid_kpc: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> Table:
    """How each literature mass with a radius (rows of :func:`enclosed_masses`) compares with a credible band of
    a mass profile: the band [``lower``, ``upper``] on ``r_grid_kpc`` [1e11 Msun] interpolated in log r at the
    study's radius; ``inside``: its quoted value lies in the band; ``overlaps``: its quoted interval (value -
    minus, value + plus) overlaps the band. Radii outside the grid give NaN and False."""
    r_grid = np.asarray(r_grid_kpc, float)
    rows = []
    for row in enclosed_masses(table):
        r = float(row["r_kpc"])
        value = float(row["value_1e11msun"])
        minus = 0.0 if np.ma.is_masked(row["minus_1e11msun"]) else float(row["minus_1e11msun"])
        plus = 0.0 if np.ma.is_masked(row["plus_1e11msun"]) else float(row["plus_1e11msun"])
        if r_grid.min() <= r <= r_grid.max():
            lo, hi = (float(np.exp(np.interp(np.log(r), np.log(r_grid), np.log(np.asarray(b, float)))))
                      for b in (lower, upper))
        else:
            lo = hi = np.nan
        inside = bool(lo <= value <= hi)
        overlaps = bool(value - minus <= hi and value + plus >= lo)
        rows.append((str(row["reference"]), r, value, value - minus, value + plus, lo, hi, inside, overlaps))
    out = Table(rows=rows, names=("reference", "r_kpc", "value", "low", "high", "band_low", "band_high", "inside",
                                  "overlaps"), dtype=(str, float, float, float, float, float, float, bool, bool))
    for col in ("value", "low", "high", "band_low", "band_high"):
        out[col].info.format = ".3g"
    return out


_FIG5_COLUMNS = [
    ColumnSpec("reference", "str"),
    ColumnSpec("quantity", "str"),
    ColumnSpec("r_kpc", "float", required=False, non_negative=True),
    ColumnSpec("value_1e11msun", "float", required=False, non_negative=True),
    ColumnSpec("minus_1e11msun", "float", required=False, non_negative=True),
    ColumnSpec("plus_1e11msun", "float", required=False, non_negative=True),
    ColumnSpec("interval", "str", required=False),
    ColumnSpec("kind", "str"),
    ColumnSpec("definition", "str", required=False),
    ColumnSpec("source", "str"),
    ColumnSpec("quote", "str", required=False),
]


def read_bird22_fig5(path: str | os.PathLike) -> Table:
    """``data/literature/bird22_fig5.csv``, validated: the studies Bird et al. (2022) draw in their Fig. 5 (Section
    4.4, after Wang et al. 2020), each value from the study's own abstract (masses in 1e11 Msun)."""
    return read_validated_csv(path, _FIG5_COLUMNS)


def fig5_points(table: Table) -> Table:
    """The rows of :func:`read_bird22_fig5` drawn on Fig. 5: enclosed masses with a radius (``kind`` enclosed or
    no_error; errors set to 0 where none is quoted)."""
    r = np.ma.filled(np.ma.asarray(table["r_kpc"], dtype=float), np.nan)
    keep = np.isin(np.asarray(table["kind"]), ("enclosed", "no_error")) & np.isfinite(r) & (table["quantity"] == "M(<r)")
    out = table[keep]
    for col in ("minus_1e11msun", "plus_1e11msun"):
        out[col] = np.nan_to_num(np.ma.filled(np.ma.asarray(out[col], dtype=float), np.nan), nan=0.0)
    return out


def fig8_figure(fig8: Table, published_table2: Table, ours: Sequence[tuple[str, float, float, float, str]],
                mean_line: tuple[float, str] | None = None):
    """After Bird et al. (2022) Fig. 8: every value of ``bird22_fig8.csv`` by method group (enclosed masses,
    limits, ranges marked), the paper's Table 2 (published) and ``ours`` = (label, value, minus, plus, basis)
    [1e12 Msun]; ``mean_line`` = (value, label) draws a dotted weighted mean."""
    import matplotlib.pyplot as plt

    colors = dict(zip(FIG8_GROUPS, ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown",
                                    "tab:gray"]))
    points = []
    for row in fig8[fig8["kind"] != "not_found"]:
        minus = 0.0 if not np.isfinite(row["minus_1e12msun"]) else row["minus_1e12msun"]
        plus = 0.0 if not np.isfinite(row["plus_1e12msun"]) else row["plus_1e12msun"]
        tag = {"enclosed": " (enclosed mass)", "lower_limit": " (lower limit)", "range": " (range)",
               "no_error": " (no error quoted)"}.get(row["kind"], "")
        points.append((row["reference"] + tag, row["value_1e12msun"], minus, plus, colors[row["group"]], row["kind"]))
    for row in published_table2:
        points.append((row["reference"] + " (published)", row["value_1e12msun"], row["minus_1e12msun"],
                       row["plus_1e12msun"], "k", "virial"))
    for label, value, minus, plus, basis in ours:
        points.append((f"this work: {label} [{basis}]", value, minus, plus, "tab:cyan", "virial"))
    fig, ax = plt.subplots(figsize=(7.0, 0.22 * len(points) + 1.2))
    for i, (label, value, minus, plus, color, kind) in enumerate(points):
        if kind == "range":
            ax.plot([value, value + plus], [i, i], color=color, lw=3)
        elif kind == "lower_limit":
            ax.errorbar(value, i, xerr=0.15 * value, xlolims=True, fmt="o", color=color, ms=4)
        else:
            ax.errorbar(value, i, xerr=[[minus], [plus]], fmt="s" if kind == "enclosed" else "o", color=color, ms=4,
                        mfc="none" if kind in ("enclosed", "no_error") else color)
    for group, color in colors.items():
        ax.plot([], [], "o", color=color, label=FIG8_GROUPS[group])
    if mean_line is not None:
        ax.axvline(mean_line[0], color="0.5", ls=":", lw=1, label=mean_line[1])
    ax.set_yticks(range(len(points)), [p[0] for p in points], fontsize=6)
    ax.set(xscale="log", xlabel=r"virial mass [$10^{12}$ M$_\odot$] (definitions differ between studies)",
           title="After Fig. 8 of Bird et al. (2022)")
    ax.legend(fontsize=6, loc="lower right")
    return fig


def virial_figure(entries: Sequence[tuple[str, float, float, float, str]]):
    """Virial masses [1e11 Msun]: (label, value, minus, plus, basis) rows, literature in black, ours in blue."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 0.35 * len(entries) + 1))
    for i, (name, value, minus, plus, basis) in enumerate(entries):
        ax.errorbar(value, i, xerr=[[minus], [plus]], fmt="o", color="k" if basis == "literature" else "tab:blue", ms=4)
    ax.set_yticks(range(len(entries)), [f"{e[0]} [{e[4]}]" for e in entries], fontsize=7)
    ax.set(xscale="log", xlabel=r"virial mass [$10^{11} M_\odot$] (definitions differ between studies)",
           title="Virial masses beside Eadie & Harris (2016) Section 6")
    return fig
