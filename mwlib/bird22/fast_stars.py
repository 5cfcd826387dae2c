"""Stars faster than they could be if bound: the diagnostic of a contaminated public BHB selection.

:func:`escape_speed` of a spherical mass profile, :func:`velocity_tail_summary` per radial bin (the
fraction above v_esc and how heavy-tailed each velocity component is), and
:func:`without_fast_stars`, a diagnostic (not a result) that drops the stars faster than v_esc and
redoes the dispersions and the TME (Bird et al. 2022 Eq. 4); :func:`fast_fraction` of a sample and
:func:`selection_study`, the two criteria of the clean BHB selection cut by cut.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from astropy.table import Table
from scipy.integrate import cumulative_trapezoid

from mwlib.bird22 import dispersion, tme
from mwlib.bird22.samples import HaloSample
from mwlib.core import coords
from mwlib.core.constants import G_KPC_KMS2_PER_MSUN

__all__ = ["escape_speed", "velocity_tail_summary", "without_fast_stars", "fast_fraction", "fast_fraction_table",
           "selection_study"]

_G = G_KPC_KMS2_PER_MSUN


def escape_speed(r_kpc: np.ndarray, mass_fn: Callable[[np.ndarray], np.ndarray],
                 r_max_kpc: float = 1.0e5, n_grid: int = 4001) -> np.ndarray:
    """v_esc(r) = sqrt(2 int_r^inf G M(<r')/r'^2 dr') [km/s] for a spherical mass profile M(<r) [Msun].

    Trapezoid rule in ln r up to ``r_max_kpc``; beyond it the mass is treated as a point mass
    (adds G M(r_max)/r_max to the potential depth).
    """
    r = np.asarray(r_kpc, float)
    if np.any(~(r > 0)) or np.any(r >= r_max_kpc):
        raise ValueError(f"radii must lie in (0, {r_max_kpc}) kpc")
    grid = np.geomspace(0.5 * r.min(), r_max_kpc, int(n_grid))
    m = np.asarray(mass_fn(grid), float)
    integrand = _G * m / grid  # G M / r^2 * r for d ln r
    outward = cumulative_trapezoid(integrand[::-1], -np.log(grid[::-1]), initial=0.0)[::-1]
    depth = outward + _G * m[-1] / grid[-1]
    return np.sqrt(2.0 * np.interp(np.log(r), np.log(grid), depth))


def velocity_tail_summary(sample: HaloSample, v_esc_fn: Callable[[np.ndarray], np.ndarray]) -> Table:
    """Per radial bin: stars, the median tangential velocity error sqrt((C_tt + C_pp)/2) [km/s], the
    fraction of stars faster than v_esc(r), and for each component the ratio of the standard deviation
    to the robust (1.4826 x MAD) dispersion of the observed velocities -- about 1 for a Gaussian,
    well above 1 when a tail of outliers inflates the dispersion."""
    edges = np.asarray(sample.edges_kpc, float)
    k = dispersion.bin_index(sample.r_kpc, edges)
    speed = np.linalg.norm(sample.v_kms, axis=1)
    above = speed > v_esc_fn(sample.r_kpc)
    err_t = np.sqrt(0.5 * (sample.v_cov[:, 1, 1] + sample.v_cov[:, 2, 2]))
    rows = []
    for i in range(edges.size - 1):
        s = k == i
        v = sample.v_kms[s]
        if s.sum() < 3:
            rows.append((edges[i], edges[i + 1], int(s.sum()), np.nan, np.nan, np.nan, np.nan, np.nan))
            continue
        mad = 1.4826 * np.median(np.abs(v - np.median(v, axis=0)), axis=0)
        ratio = np.std(v, axis=0) / mad
        rows.append((edges[i], edges[i + 1], int(s.sum()), float(np.median(err_t[s])), float(above[s].mean()),
                     *map(float, ratio)))
    out = Table(rows=rows, names=("r_lo_kpc", "r_hi_kpc", "n_stars", "err_t_median_kms", "frac_above_vesc",
                                  "sd_over_mad_r", "sd_over_mad_theta", "sd_over_mad_phi"))
    for col, fmt in (("err_t_median_kms", ".0f"), ("frac_above_vesc", ".2f"), ("sd_over_mad_r", ".2f"),
                     ("sd_over_mad_theta", ".2f"), ("sd_over_mad_phi", ".2f")):
        out[col].info.format = fmt
    return out


def without_fast_stars(sample: HaloSample, v_esc_fn: Callable[[np.ndarray], np.ndarray], n_boot: int, *,
                       rng: np.random.Generator) -> tuple[np.ndarray, Table, Table]:
    """Diagnostic: drop stars faster than ``v_esc_fn(r)``; redo the bin dispersions and the TME.

    Returns (kept mask, dispersions, TME profile with each bin's beta).
    """
    keep = np.linalg.norm(sample.v_kms, axis=1) < v_esc_fn(sample.r_kpc)
    disp = dispersion.bin_dispersions(sample.r_kpc[keep], sample.v_kms[keep], sample.v_cov[keep],
                                      sample.edges_kpc, min_stars=10)
    profile = tme.tme_profile(sample.r_kpc[keep], sample.v_kms[keep, 0], sample.edges_kpc, sample.density.slope,
                              np.asarray(disp["beta"]), n_boot=n_boot, rng=rng)
    return keep, disp, profile


def published_model_escape_speed(label: str) -> Callable[[np.ndarray], np.ndarray]:
    """v_esc(r) of a published Table 2 fit (e.g. "Jeans BHB": its NFW + the paper's baryons)."""
    from mwlib.bird22 import nfw, published

    pub = published.BIRD22_RESULTS
    r200 = float(nfw.r200_from_m200(pub[(label, "M200_1e12")]["value"] * 1e12))
    c = pub[(label, "c")]["value"]
    return lambda r_kpc: escape_speed(r_kpc, lambda r: nfw.PAPER_BARYONS.mass_enclosed(r)
                                      + nfw.nfw_mass_enclosed(r, r200, c))


def fast_fraction(table: Table, v_esc_fn: Callable[[np.ndarray], np.ndarray], *,
                  sun: coords.SolarParameters = coords.BIRD22_SUN, r_far_kpc: float = 35.0,
                  v_fast_kms: float = 400.0) -> dict[str, float]:
    """How clean a halo-star table is, from its nominal Galactocentric velocities (no Monte Carlo): N, the median
    r [kpc], the number and fraction of stars beyond ``r_far_kpc``, and among those the fractions (and numbers)
    faster than ``v_fast_kms`` and than ``v_esc_fn(r)``."""
    position, velocity = coords.galactocentric_phase_space(
        np.asarray(table["ra"], float), np.asarray(table["dec"], float), np.asarray(table["distance_kpc"], float),
        np.asarray(table["pmra_masyr"], float), np.asarray(table["pmdec_masyr"], float),
        np.asarray(table["vlos_kms"], float), sun)
    r = np.linalg.norm(position, axis=1)
    speed = np.linalg.norm(velocity, axis=1)
    far = r > r_far_kpc
    n_far = int(far.sum())
    n_fast = int(np.sum(far & (speed > v_fast_kms)))
    n_unbound = int(np.sum(far & (speed > v_esc_fn(r))))
    return {"n": int(r.size), "median_r_kpc": float(np.median(r)), "n_r_gt_35": n_far,
            "frac_r_gt_35": n_far / r.size, "n_fast_400": n_fast, "n_above_vesc": n_unbound,
            "frac_faster_400": n_fast / n_far if n_far else float("nan"),
            "frac_above_vesc": n_unbound / n_far if n_far else float("nan")}


def fast_fraction_table(stats: dict[str, dict[str, float]]) -> Table:
    """:func:`fast_fraction` of several samples as a table (fractions beyond 35 kpc, counts in brackets)."""
    rows = [(name, s["n"], s["median_r_kpc"], s["n_r_gt_35"], s["frac_r_gt_35"],
             f"{s['frac_faster_400']:.3f} ({s['n_fast_400']})", f"{s['frac_above_vesc']:.3f} ({s['n_above_vesc']})")
            for name, s in stats.items()]
    out = Table(rows=rows, names=("sample", "N", "median r [kpc]", "N(r > 35)", "fraction r > 35",
                                  "r > 35: |v| > 400 km/s", "r > 35: |v| > v_esc"))
    out["median r [kpc]"].info.format = ".1f"
    out["fraction r > 35"].info.format = ".3f"
    return out


def selection_study(raw: Table, selection, v_esc_fn: Callable[[np.ndarray], np.ndarray], *,
                    sun: coords.SolarParameters = coords.BIRD22_SUN) -> Table:
    """The two criteria the clean BHB selection was chosen on, after each of its catalogue cuts in turn
    (:func:`mwlib.bird22.bhb_selection.selection_steps`, all within the paper's radial range): N, the median r, the
    number and fraction of stars beyond 35 kpc (the radial coverage) and, among those, the fractions faster than
    400 km/s and than ``v_esc_fn(r)`` (:func:`fast_fraction`). ``raw`` is the file as read by
    :func:`mwlib.bird22.barbosa.read_barbosa_bhb`."""
    from mwlib.bird22 import bhb_selection

    table, steps = bhb_selection.selection_steps(raw, selection, sun, sample="study")
    r = np.asarray(table["r_kpc"])
    in_range = (r > selection.r_min_kpc) & (r < selection.r_max_kpc)
    cuts = list(steps.items())[:-1]  # "in file" and the catalogue cuts; the radial range is applied to each
    rows = []
    for k, (step, keep) in enumerate(cuts):
        s = fast_fraction(table[keep & in_range], v_esc_fn, sun=sun)
        rows.append(("radial range only" if k == 0 else f"+ {step}", s["n"], s["median_r_kpc"], s["n_r_gt_35"],
                     s["frac_r_gt_35"], s["frac_faster_400"], s["frac_above_vesc"]))
    out = Table(rows=rows, names=("cut (cumulative)", "N", "median r [kpc]", "N(r > 35)", "fraction r > 35",
                                  "r > 35: fraction |v| > 400 km/s", "r > 35: fraction |v| > v_esc"))
    out["median r [kpc]"].info.format = ".1f"
    for col in ("fraction r > 35", "r > 35: fraction |v| > 400 km/s", "r > 35: fraction |v| > v_esc"):
        out[col].info.format = ".3f"
    return out
