"""The globular-cluster data product of notebook 01 (``results/gc_kinematics.csv``).

:func:`eadie16_gc_kinematics` turns Eadie & Harris (2016) Table 1 into Galactocentric radii,
velocities (v_r, v_theta, v_phi, v_t with Monte Carlo errors), cos(xi) from positions and the
Section 3 inclusion flags; :func:`read_gc_kinematics` reads the product back, validated.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from astropy.table import Table

from mwlib.core import coords
from mwlib.core.tables import ColumnSpec, line_of, read_validated_csv
from mwlib.eh16.galpy_clusters import galpy_positions
from mwlib.eh16.gc_table import eadie16_selection

def eadie16_gc_kinematics(
    table: Table,
    *,
    rng: np.random.Generator,
    n_mc: int = 1000,
    sun: coords.SolarParameters = coords.EADIE16_SUN,
    catalogue: dict | None = None,
) -> Table:
    """Galactocentric kinematics and the inclusion flags of every Table 1 cluster.

    * Sky positions from galpy's catalogue; the heliocentric distance is solved so that
      the Galactocentric radius equals the table's r_gc for the paper's solar position
      (of two roots, the one nearer galpy's distance).
    * Complete clusters: (vr, vtheta, vphi, vt) from astropy's Galactocentric frame;
      errors from ``n_mc`` Monte Carlo draws of the listed proper-motion and vlos
      errors (Table 1 lists no distance errors).
    * Line-of-sight-only clusters: vr is the line-of-sight velocity in the Galactic rest
      frame (``vlos_gsr``: the Sun's motion removed); the raw heliocentric vlos is kept
      in ``vlos`` for comparison. vtheta, vphi, vt are NaN.
    """
    names = np.asarray(table["name"], dtype=str)
    positions = galpy_positions(names, catalogue)
    distance, distance_status = coords.distance_from_galactocentric_radius(
        positions["ra"], positions["dec"], np.asarray(table["r_gc_kpc"]), sun,
        reference_distance_kpc=positions["distance_galpy_kpc"],
    )
    has_position = np.isfinite(positions["ra"])
    xyz = coords.galactocentric_positions(positions["ra"], positions["dec"], distance, sun)
    cos_xi = np.where(
        has_position, coords.cos_xi(xyz, sun), np.asarray(table["cos_xi"], dtype=float)
    )
    pmra = np.asarray(table["pmra_masyr"], float)
    pmdec = np.asarray(table["pmdec_masyr"], float)
    vlos = np.asarray(table["vlos_kms"], float)
    included, complete, reason = eadie16_selection(
        names, np.isfinite(vlos), np.isfinite(pmra), cos_xi
    )

    nan = np.full(len(names), np.nan)
    kin = {key: nan.copy() for key in ("vr", "vtheta", "vphi", "vt", "vr_err", "vt_err")}
    if complete.any():
        idx = np.flatnonzero(complete)
        mc = coords.monte_carlo_spherical_velocities(
            positions["ra"][idx], positions["dec"][idx], distance[idx],
            pmra[idx], pmdec[idx], vlos[idx],
            pmra_err=np.asarray(table["pmra_err"], float)[idx],
            pmdec_err=np.asarray(table["pmdec_err"], float)[idx],
            vlos_err=np.asarray(table["vlos_err"], float)[idx],
            sun=sun, n_draws=n_mc, rng=rng,
        )
        for key in ("vr", "vtheta", "vphi", "vt", "vr_err", "vt_err"):
            kin[key][idx] = mc[key]
    vlos_gsr = coords.galactic_rest_frame_vlos(positions["ra"], positions["dec"], vlos, sun)
    line_of_sight_only = included & ~complete
    kin["vr"][line_of_sight_only] = vlos_gsr[line_of_sight_only]
    kin["vr_err"][line_of_sight_only] = np.asarray(table["vlos_err"], float)[line_of_sight_only]

    r_check = np.linalg.norm(xyz, axis=-1)
    out = Table()
    out["name"] = names
    out["ra"] = positions["ra"]
    out["dec"] = positions["dec"]
    out["distance_kpc"] = distance
    out["r_kpc"] = np.asarray(table["r_gc_kpc"], float)
    out["vlos"] = vlos
    out["pmra"] = pmra
    out["pmdec"] = pmdec
    for key in ("vr", "vtheta", "vphi", "vt", "vr_err", "vt_err"):
        out[key] = kin[key]
    out["cos_xi"] = cos_xi
    out["complete"] = complete
    out["included"] = included
    out["reason"] = reason
    # Extra columns for checks and plots.
    out["vlos_gsr"] = vlos_gsr
    out["x_kpc"], out["y_kpc"], out["z_kpc"] = xyz[:, 0], xyz[:, 1], xyz[:, 2]
    out["r_from_position_kpc"] = r_check
    out["distance_galpy_kpc"] = positions["distance_galpy_kpc"]
    out["distance_status"] = distance_status
    out["galpy_key"] = positions["galpy_key"]
    out["cos_xi_table"] = np.asarray(table["cos_xi"], float)
    out["included_paper"] = np.asarray(table["included_paper"]).astype(bool)
    out.meta.update(
        {
            "sun": sun.describe(),
            "n_mc": n_mc,
            "vr_line_of_sight_only": "line-of-sight velocity in the Galactic rest frame",
        }
    )
    return out


GC_KINEMATICS_SPECS = [
    ColumnSpec("name", "str"),
    ColumnSpec("r_kpc", non_negative=True),
    ColumnSpec("vr", required=False),
    ColumnSpec("vt", required=False, non_negative=True),
    ColumnSpec("vtheta", required=False),
    ColumnSpec("vphi", required=False),
    ColumnSpec("vr_err", required=False, non_negative=True),
    ColumnSpec("vt_err", required=False, non_negative=True),
    ColumnSpec("vlos", required=False),
    ColumnSpec("vlos_gsr", required=False),
    ColumnSpec("cos_xi", required=False, bounds=(-1.0, 1.0)),
    ColumnSpec("complete", "bool"),
    ColumnSpec("included", "bool"),
]


def read_gc_kinematics(path: str | os.PathLike) -> Table:
    """Read ``results/gc_kinematics.csv`` written by notebook 01 (validated)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: run notebook 01 (01_data_prep) first")
    table = read_validated_csv(path, GC_KINEMATICS_SPECS)
    for name in ("ra", "dec", "distance_kpc", "pmra", "pmdec", "x_kpc", "y_kpc", "z_kpc"):
        if name in table.colnames:
            table[name] = np.where(np.char.strip(table[name]) == "", "nan", table[name]).astype(float)
    unknown = table["included"] & np.isnan(table["vr"])
    if unknown.any():
        bad = int(np.flatnonzero(unknown)[0])
        raise ValueError(f"{path}: line {line_of(table, bad)}, column 'vr': included cluster without vr")
    return table



R_CUTS_KPC: tuple[float, ...] = (5.0, 10.0, 15.0, 20.0)  # Section 5.6


def sample_counts(gc: Table) -> dict[str, float]:
    """The sample numbers Eadie & Harris (2016) print (Sections 3, 4.3, 5.1, 5.6), computed from the flags."""
    included, complete, r = np.asarray(gc["included"]), np.asarray(gc["complete"]), np.asarray(gc["r_kpc"])
    out: dict[str, float] = {"n_table": len(gc), "n_included": int(included.sum()), "n_complete": int(complete.sum()),
                             "n_incomplete": int((included & ~complete).sum()), "n_excluded": int((~included).sum())}
    for r_cut in R_CUTS_KPC:
        beyond = included & (r > r_cut)
        out[f"n_beyond_{r_cut:g}"] = int(beyond.sum())
        out[f"incomplete_pct_beyond_{r_cut:g}"] = round(100 * float((beyond & ~complete).sum()) / beyond.sum(), 1)
    out["r_outermost_complete_kpc"] = float(r[complete].max())
    return out


#: The data product of notebook 01.
PRODUCT = "gc_kinematics.csv"
PRODUCT_COLUMNS: tuple[str, ...] = (
    "name", "ra", "dec", "distance_kpc", "r_kpc", "vlos", "pmra", "pmdec", "vr", "vtheta", "vphi", "vt", "vr_err",
    "vt_err", "cos_xi", "complete", "included", "reason", "vlos_gsr", "x_kpc", "y_kpc", "z_kpc",
    "distance_galpy_kpc", "distance_status")


def product_table(gc: Table) -> Table:
    """The columns of ``results/gc_kinematics.csv`` (:data:`PRODUCT_COLUMNS`), without metadata."""
    out = gc[list(PRODUCT_COLUMNS)]
    out.meta = {}
    return out


def ambiguous_distances(gc: Table, harris_r_sun_kpc: np.ndarray, max_cos_xi_change: float = 0.05) -> Table:
    """Tangent-point solutions and clusters whose computed cos(xi) differs from the printed one by more than
    ``max_cos_xi_change``: our distance, galpy's and Harris's (NaN without the Harris catalogue)."""
    odd = (gc["distance_status"] == "tangent point") | (np.abs(gc["cos_xi"] - gc["cos_xi_table"]) > max_cos_xi_change)
    out = gc[odd]["name", "r_kpc", "distance_kpc", "distance_galpy_kpc", "distance_status", "cos_xi", "cos_xi_table",
                  "included"]
    out["distance_harris_kpc"] = np.asarray(harris_r_sun_kpc, float)[np.asarray(odd)]
    out.round(2)
    return out


def line_of_sight_only(gc: Table) -> Table:
    """The included clusters without proper motion: v_los heliocentric and in the Galactic rest frame."""
    los = np.asarray(gc["included"]) & ~np.asarray(gc["complete"])
    out = gc[los]["name", "r_kpc", "cos_xi", "vlos", "vlos_gsr"]
    out["difference"] = out["vlos_gsr"] - out["vlos"]
    out.round(2)
    return out


def borderline_clusters(gc: Table, names) -> Table:
    """The printed and the computed cos(xi) of ``names``, and whether the cluster is included."""
    out = gc[np.isin(gc["name"], list(names))]["name", "cos_xi_table", "cos_xi", "included"]
    out["cos_xi"].info.format = ".4f"
    return out
