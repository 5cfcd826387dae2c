"""Systematic-uncertainty tests of Bird et al. (2022): Sections 3.2, 3.3, 5.3 and the Appendix (Fig. 9).

Each test reruns the chain of notebooks 02-04 on one halo sample with one choice changed --
binned deconvolved dispersions (Section 4.3), the exponential sigma_r fit (Eqs. 2-3), the Jeans
masses (Eq. 1), the TME masses (Eq. 4) and the NFW + baryons fits (Section 2.3, Eqs. 8-13) -- and
returns the profiles and fits, so that the change of M(<r) and of M200 can be read off.

Variants (:func:`variant_tasks`)
--------------------------------
* ``distance x0.9`` / ``distance x1.1`` (Appendix, Fig. 9): every heliocentric distance and its
  error scaled; radii, velocities and Monte Carlo covariances recomputed. The tracer density is
  kept: the paper refits it and finds changes of "a few tenths" in the slopes and +-1 kpc in the
  break, which needs the survey selection function we do not have.
* ``alpha_in low`` / ``alpha_in high`` (Section 5.3): the inner slopes at which the Jeans circular
  velocity at 10 kpc is 200 and 250 km/s, i.e. M(<10 kpc) = 0.93-1.45e11 Msun (the paper's
  "0.9 to 1.5e11"). Eq. 1 is linear in alpha: v_c^2 = sigma_r^2 (alpha - dln sigma_r^2/dln r
  - 2 beta), so alpha = v_c^2/sigma_r^2 + dln sigma_r^2/dln r + 2 beta at 10 kpc, with the binned
  dispersions interpolated there (:func:`alpha_in_bounds`). The reruns refit sigma_r with their
  own seed, so their v_circ(10 kpc) lands near, not exactly on, 200 and 250 km/s.
* ``alpha_out -1`` / ``alpha_out +1`` (Section 5.3).
* ``no mean-velocity correction`` (Section 3.2, the LMC "sloshing" correction of Erkal et al.
  2020): dispersions about zero instead of about each bin's mean, sigma^2 -> sigma^2 + mean^2 per
  component (what a zero-mean Gaussian fitted to the same stars converges to), and the TME
  without subtracting <V_r>.

The 15% systematic for non-spherical and non-virial effects (Section 3.3) is not a rerun: it is
quoted beside the random errors, ``nfw.SYSTEMATIC_FRAC`` x M (:func:`systematic_error`).

mwlib's slope convention throughout: rho ∝ r^-alpha, alpha > 0 (Bird prints -alpha).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
from astropy.table import Table

from mwlib.bird22 import dispersion, jeans, nfw, tme
from mwlib.bird22.density import BrokenPowerLaw
from mwlib.bird22.nfw_summary import M200_AT_PRIOR_BOUND_MSUN, nfw_fit_entry
from mwlib.bird22.samples import HaloSample, compute_kinematics

__all__ = [
    "DISTANCE_SCALES",
    "ALPHA_OUT_SHIFT",
    "VCIRC_10KPC_RANGE_KMS",
    "M200_AT_PRIOR_BOUND_MSUN",
    "alpha_in_bounds",
    "without_mean_correction",
    "variant_tasks",
    "run_variant",
    "summarize",
    "mean_change",
    "systematic_error",
    "systematic_lines",
]

#: Appendix: distances scaled by -10% and +10%.
DISTANCE_SCALES: tuple[float, float] = (0.9, 1.1)
#: Section 5.3: "alpha_out ... could easily be as large as +-1".
ALPHA_OUT_SHIFT: float = 1.0
#: Section 5.3: 200 < v_circ(10 kpc) < 250 km/s, i.e. M(<10 kpc) in 0.9-1.5e11 Msun.
VCIRC_10KPC_RANGE_KMS: tuple[float, float] = (200.0, 250.0)
R_REF_KPC: float = 10.0


def alpha_in_bounds(
    disp: Table,
    sigma_fit: dispersion.ExponentialSigmaFit,
    density: BrokenPowerLaw,
    *,
    r_ref_kpc: float = R_REF_KPC,
    vcirc_range_kms: tuple[float, float] = VCIRC_10KPC_RANGE_KMS,
) -> tuple[float, float]:
    """Inner slopes giving the Jeans v_circ(r_ref) = 200 and 250 km/s (Section 5.3), r_ref = 10 kpc.

    Eq. 1 at r_ref: the three dispersions squared interpolated linearly in ln r between the usable
    bins that bracket r_ref, d sigma_r^2/dr from the exponential fit there, and the inversion
    alpha = v_c^2/sigma_r^2 + dln sigma_r^2/dln r + 2 beta (Eq. 1 is linear in alpha). r_ref must
    lie inside the density break and inside the bins' median radii. Returns (alpha_low,
    alpha_high); alpha_low belongs to 200 km/s.
    """
    if not r_ref_kpc < density.r_break_kpc:
        raise ValueError(f"r_ref_kpc = {r_ref_kpc} is not inside the density break at {density.r_break_kpc} kpc")
    ok = np.asarray(disp["ok"], bool)
    r = np.asarray(disp["r_median_kpc"], float)[ok]
    if r.size < 2 or not (r[0] <= r_ref_kpc <= r[-1]):
        raise ValueError(f"r_ref_kpc = {r_ref_kpc} kpc is not bracketed by the usable bins' median radii {r}")
    s2 = [np.interp(np.log(r_ref_kpc), np.log(r), np.asarray(disp[f"sigma_{c}_kms"], float)[ok] ** 2)
          for c in ("r", "theta", "phi")]
    two_beta = 2.0 - (s2[1] + s2[2]) / s2[0]
    dln = r_ref_kpc * float(sigma_fit.dsigma2_dr_best(np.array([r_ref_kpc]))[0]) / s2[0]
    lo, hi = (v**2 / s2[0] + dln + two_beta for v in vcirc_range_kms)
    return float(lo), float(hi)


def without_mean_correction(disp: Table) -> Table:
    """Dispersions about zero instead of about the bin mean: sigma^2 + mean^2 per component.

    The errors keep their sigma/sqrt(2N) form; beta is recomputed from the new dispersions.
    """
    out = disp.copy()
    for c in ("r", "theta", "phi"):
        s = np.hypot(np.asarray(disp[f"sigma_{c}_kms"], float), np.asarray(disp[f"mean_v{c}_kms"], float))
        out[f"sigma_{c}_kms"] = s
        out[f"sigma_{c}_err_kms"] = dispersion.dispersion_error(s, np.maximum(np.asarray(disp["n_stars"]), 1))
    sr, st, sp = (np.asarray(out[f"sigma_{c}_kms"], float) for c in ("r", "theta", "phi"))
    out["beta"] = dispersion.anisotropy(sr, st, sp)
    out["beta_err"] = dispersion.anisotropy_error(sr, st, sp, np.asarray(out["sigma_r_err_kms"]),
                                                  np.asarray(out["sigma_theta_err_kms"]),
                                                  np.asarray(out["sigma_phi_err_kms"]))
    return out


def variant_tasks(sample: HaloSample, *, seed: int, alpha_in_range: tuple[float, float], settings: Mapping[str, Any],
                  variants: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """The sweep tasks of one sample: the baseline and every variant of the module docstring.

    ``settings``: ``n_draws`` (Monte Carlo draws per star when distances change), ``sigma`` and
    ``nfw`` (emcee settings), ``n_jeans_mc``, ``n_boot``. Every task of a sample gets the same
    ``seed`` (common random numbers: differences between variants are not sampling noise).
    """
    d = sample.density
    all_variants = {
        "baseline": {},
        "distance x0.9": {"distance_scale": DISTANCE_SCALES[0]},
        "distance x1.1": {"distance_scale": DISTANCE_SCALES[1]},
        "alpha_in low": {"alpha_in": alpha_in_range[0]},
        "alpha_in high": {"alpha_in": alpha_in_range[1]},
        "alpha_out -1": {"alpha_out": d.alpha_out - ALPHA_OUT_SHIFT},
        "alpha_out +1": {"alpha_out": d.alpha_out + ALPHA_OUT_SHIFT},
        "no mean-velocity correction": {"mean_correction": False},
    }
    names = list(all_variants) if variants is None else list(variants)
    unknown = set(names) - set(all_variants)
    if unknown:
        raise ValueError(f"unknown variants {sorted(unknown)}; choose from {list(all_variants)}")
    base = {"distance_scale": 1.0, "alpha_in": d.alpha_in, "alpha_out": d.alpha_out, "mean_correction": True}
    return [{"sample": sample, "variant": name, "seed": int(seed), "settings": dict(settings),
             **base, **all_variants[name]} for name in names]


def _scaled_kinematics(sample: HaloSample, scale: float, n_draws: int, *, rng: np.random.Generator
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    t = sample.table.copy()
    t["distance_kpc"] = np.asarray(t["distance_kpc"], float) * scale
    t["distance_err_kpc"] = np.asarray(t["distance_err_kpc"], float) * scale
    kin = compute_kinematics(t, rng=rng, n_draws=n_draws)
    return kin.r_kpc, kin.v_kms, kin.v_cov


def run_variant(task: Mapping[str, Any]) -> dict[str, Any]:
    """One sweep task (:func:`variant_tasks`): dispersions, sigma_r fit, Jeans and TME profiles and
    their NFW fits (``nfw_fits.json`` entries) for one sample and one variant."""
    sample: HaloSample = task["sample"]
    st = task["settings"]
    rng_mc, rng_sigma, rng_jeans, rng_tme, rng_nfw = np.random.default_rng(task["seed"]).spawn(5)
    if task["distance_scale"] != 1.0:
        r, v, cov = _scaled_kinematics(sample, float(task["distance_scale"]), int(st["n_draws"]), rng=rng_mc)
    else:
        r, v, cov = sample.r_kpc, sample.v_kms, sample.v_cov
    disp = dispersion.bin_dispersions(r, v, cov, sample.edges_kpc, min_stars=10, on_sparse="flag")
    if not task["mean_correction"]:
        disp = without_mean_correction(disp)
    ok = np.asarray(disp["ok"], bool)
    fit = dispersion.fit_sigma_r_exponential(disp["r_median_kpc"][ok], disp["sigma_r_kms"][ok],
                                             disp["sigma_r_err_kms"][ok], rng=rng_sigma, **st["sigma"])
    density = replace(sample.density, alpha_in=float(task["alpha_in"]), alpha_out=float(task["alpha_out"]))
    jp = jeans.jeans_profile(None, None, sample.edges_kpc, density.slope, rng=rng_jeans, n_mc=st["n_jeans_mc"],
                             sigma_fit=fit, dispersions=disp)
    tp = tme.tme_profile(r, v[:, 0], sample.edges_kpc, density.slope, np.asarray(disp["beta"]),
                         subtract_mean=bool(task["mean_correction"]), n_boot=st["n_boot"], rng=rng_tme,
                         on_sparse="flag")
    fits = {m: nfw_fit_entry(nfw.fit_nfw_profile(p[np.asarray(p["ok"], bool)], rng=rng_nfw, **st["nfw"]))
            for m, p in (("jeans", jp), ("tme", tp))}
    keep = ("r_lo_kpc", "r_hi_kpc", "n_stars", "r_mass_kpc", "mass_msun", "mass_err_msun", "ok")
    return {"sample": sample.name, "variant": task["variant"],
            "distance_scale": float(task["distance_scale"]), "alpha_in": float(task["alpha_in"]),
            "alpha_out": float(task["alpha_out"]), "mean_correction": bool(task["mean_correction"]),
            "profiles": {"jeans": jp[list(keep)], "tme": tp[list(keep)]}, "nfw": fits}


def _pair_change(results: Mapping[str, Mapping[str, Any]], lo: str, hi: str, method: str,
                 rows: slice | np.ndarray | None = None) -> tuple[float, float]:
    """Half the difference between two variants relative to the baseline, in per cent: (median over
    the usable bins selected by ``rows``, at the last usable bin)."""
    base = results["baseline"]["profiles"][method]
    a, b = results[lo]["profiles"][method], results[hi]["profiles"][method]
    ok = np.asarray(base["ok"], bool) & np.asarray(a["ok"], bool) & np.asarray(b["ok"], bool)
    half = 50.0 * np.abs(np.asarray(b["mass_msun"]) - np.asarray(a["mass_msun"])) / np.asarray(base["mass_msun"])
    sel = ok if rows is None else ok & rows
    if not sel.any():
        return float("nan"), float("nan")
    return float(np.median(half[sel])), float(half[np.flatnonzero(sel)[-1]])


def _m200(run: Mapping[str, Any], method: str) -> float:
    m = run["nfw"][method]["M200"]["p50"]
    return float("nan") if m > M200_AT_PRIOR_BOUND_MSUN else float(m)


def _m200_pair_change(results, lo: str, hi: str, method: str) -> float:
    base = _m200(results["baseline"], method)
    return 50.0 * abs(_m200(results[hi], method) - _m200(results[lo], method)) / base


def summarize(runs: Sequence[Mapping[str, Any]], densities: Mapping[str, BrokenPowerLaw]) -> Table:
    """One row per sample, method and test: the mass change in per cent (half the spread of the two
    variants relative to the baseline; signed change for the mean-velocity correction), as the
    median over the bins the test affects, at the last of those bins, and of M200 (NaN where a
    fit ran into its prior bound, :data:`M200_AT_PRIOR_BOUND_MSUN`)."""
    by_sample: dict[str, dict[str, Any]] = {}
    for run in runs:
        by_sample.setdefault(run["sample"], {})[run["variant"]] = run
    rows = []
    for name, res in by_sample.items():
        if "baseline" not in res:
            raise ValueError(f"sample {name!r}: the runs have no 'baseline' variant to compare with")
        base = res["baseline"]["profiles"]["jeans"]
        inner = np.asarray(base["r_mass_kpc"], float) < densities[name].r_break_kpc
        for method in ("jeans", "tme"):
            inner_m = inner if method == "jeans" else (
                np.asarray(res["baseline"]["profiles"]["tme"]["r_mass_kpc"], float) <= densities[name].r_break_kpc)
            for test, lo, hi, sel in (("distance x0.9/x1.1", "distance x0.9", "distance x1.1", None),
                                      ("alpha_in (v_circ(10 kpc) 200-250 km/s)", "alpha_in low", "alpha_in high",
                                       inner_m),
                                      ("alpha_out +-1", "alpha_out -1", "alpha_out +1", ~inner_m)):
                if lo in res and hi in res:
                    med, last = _pair_change(res, lo, hi, method, sel)
                    rows.append((name, method, test, med, last, _m200_pair_change(res, lo, hi, method)))
            if "no mean-velocity correction" in res:
                b = res["baseline"]["profiles"][method]
                o = res["no mean-velocity correction"]["profiles"][method]
                ok = np.asarray(b["ok"], bool) & np.asarray(o["ok"], bool)
                ch = 100.0 * (np.asarray(o["mass_msun"]) / np.asarray(b["mass_msun"]) - 1.0)
                m200 = 100.0 * (_m200(res["no mean-velocity correction"], method) / _m200(res["baseline"], method)
                                - 1.0)
                rows.append((name, method, "mean-velocity correction off", float(np.median(ch[ok])),
                             float(ch[np.flatnonzero(ok)[-1]]), m200))
    t = Table(rows=rows, names=("sample", "method", "test", "median_bin_change_pct", "last_bin_change_pct",
                                "m200_change_pct"))
    for c in ("median_bin_change_pct", "last_bin_change_pct", "m200_change_pct"):
        t[c].info.format = ".1f"
    return t


def mean_change(summary: Table, samples: Sequence[str], test: str, column: str) -> float:
    """Mean of ``column`` of :func:`summarize` over the rows of ``samples`` whose test starts with
    ``test`` (both methods), ignoring NaN; NaN if there is none."""
    values = [row[column] for row in summary if row["sample"] in samples and row["test"].startswith(test)]
    values = [v for v in values if np.isfinite(v)]
    return float(np.mean(values)) if values else float("nan")


def systematic_error(mass: float, frac: float = nfw.SYSTEMATIC_FRAC) -> float:
    """Bird et al. (2022) Section 3.3's systematic error of a mass: ``frac`` (15%) of it, quoted beside the random error."""
    return float(frac * mass)


def systematic_lines(values: Mapping[tuple[str, str], float], published: Mapping[tuple[str, str], Mapping],
                     labels: Sequence[str]) -> str:
    """Section 3.3's systematic errors beside the published ones, one line per mass: for each of ``labels`` (e.g.
    "Jeans KG") its Table 1 mass and M200 from ``values`` ({(label, quantity): value}), "not computed" where
    absent, "not defined" where M200 is at its prior bound."""
    lines = []
    for label in labels:
        radius = "M(<73)" if "KG" in label else "M(<52)"
        for quantity, unit in ((radius, "1e11 Msun"), ("M200_1e12", "1e12 Msun")):
            value = values.get((label, quantity))
            pub_key = (label, f"{radius} systematic" if quantity == radius else "M200 systematic_1e12")
            if pub_key not in published:
                continue
            name = f"{label:9s} {'M200' if quantity == 'M200_1e12' else radius}:"
            if value is None or not np.isfinite(value):
                lines.append(f"{name} not computed")
            elif quantity == "M200_1e12" and value * 1e12 > M200_AT_PRIOR_BOUND_MSUN:
                lines.append(f"{name} not defined (NFW fit at its prior bound)")
            else:
                lines.append(f"{name} ours {value:.3g} ± {systematic_error(value):.2g} (systematic) {unit}; published "
                             f"{published[(label, quantity)]['value']} ± {published[pub_key]['value']} (systematic)")
    return "\n".join(lines)

