"""Which definition of the "direct" anisotropy gives Eadie & Harris (2016)'s <beta> = 0.209?

Section 5.5: "we also estimate beta directly from the complete data (71 GCs ...), and obtain a mean value
<beta> = 0.209". :func:`beta_definitions` computes every candidate reading on the complete clusters of given
tracers: Eq. 11 with sample variances or second moments, with the mean removed or not, the tangential speed as
one component, robust and error-corrected dispersions, weighted variances, bootstrap and Monte Carlo means,
averages over radial bins, radial cuts, and the cylindrical or Cartesian components instead of the spherical ones.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mwlib.core import coords
from mwlib.eh16.forensic_inputs import ClusterInputs, Tracers, Transform
from mwlib.eh16.forensic_widths import error_draws

__all__ = ["eq11", "beta_definitions", "frame_definitions"]


def eq11(vr: np.ndarray, vtheta: np.ndarray, vphi: np.ndarray, axis: int = -1) -> np.ndarray:
    """EH16 Eq. 11 with sample variances (ddof = 1) along ``axis``."""
    return 1 - (np.var(vtheta, ddof=1, axis=axis) + np.var(vphi, ddof=1, axis=axis)) / (2 * np.var(vr, ddof=1, axis=axis))


def _second_moments(vr: np.ndarray, vtheta: np.ndarray, vphi: np.ndarray) -> float:
    return float(1 - (np.mean(vtheta**2) + np.mean(vphi**2)) / (2 * np.mean(vr**2)))


def _mad(x: np.ndarray) -> float:
    return float(1.4826 * np.median(np.abs(x - np.median(x))))


def _weighted_var(x: np.ndarray, err: np.ndarray) -> float:
    w = 1 / np.maximum(err, 1.0) ** 2
    mean = np.sum(w * x) / np.sum(w)
    return float(np.sum(w * (x - mean) ** 2) / np.sum(w))


def beta_definitions(tracers: Tracers, inputs: ClusterInputs, make: Callable[[ClusterInputs], Tracers], *,
                     rng: np.random.Generator, n_boot: int = 4000, n_error_draws: int = 400) -> dict[str, float]:
    """Every candidate definition (name -> beta) on the complete clusters of ``tracers`` (``make`` rebuilds the
    tracers from perturbed inputs for the Monte Carlo mean)."""
    c = tracers.complete
    vr, vth, vph, vt, r = tracers.vr[c], tracers.vtheta[c], tracers.vphi[c], tracers.vt[c], tracers.r[c]
    er, eth, eph = tracers.vr_err[c], tracers.vtheta_err[c], tracers.vphi_err[c]
    beta_i = 1 - vt**2 / (2 * vr**2)
    out = {
        "Eq. 11, sample variances (mean subtracted) [mwlib's estimators.direct_anisotropy]": float(eq11(vr, vth, vph)),
        "Eq. 11 with second moments (no mean subtracted)": _second_moments(vr, vth, vph),
        "second moments, mean subtracted from v_phi only (rotation)": float(
            1 - (np.mean(vth**2) + np.var(vph)) / (2 * np.mean(vr**2))),
        "1 - var(vt) / (2 var(vr)) (the speed vt as one component)": float(
            1 - np.var(vt, ddof=1) / (2 * np.var(vr, ddof=1))),
        "1 - var(vt) / var(vr)": float(1 - np.var(vt, ddof=1) / np.var(vr, ddof=1)),
        "1 - <vt^2> / <vr^2> (no factor 2)": float(1 - np.mean(vt**2) / np.mean(vr**2)),
        "1 - (<vt> / <|vr|>)^2 / 2 (mean speeds)": float(1 - (np.mean(vt) / np.mean(np.abs(vr))) ** 2 / 2),
        "1 - var(vphi) / var(vr) (phi only)": float(1 - np.var(vph, ddof=1) / np.var(vr, ddof=1)),
        "1 - var(vtheta) / var(vr) (theta only)": float(1 - np.var(vth, ddof=1) / np.var(vr, ddof=1)),
        "MAD dispersions (robust), Eq. 11": float(1 - (_mad(vth) ** 2 + _mad(vph) ** 2) / (2 * _mad(vr) ** 2)),
        "median of per-cluster 1 - vt_i^2 / (2 vr_i^2)": float(np.median(beta_i)),
        "mean of per-cluster beta_i clipped to the prior range [-0.5, 1]": float(np.mean(np.clip(beta_i, -0.5, 1))),
        "Eq. 11 with the mean error variance subtracted per component": float(
            1 - (np.var(vth, ddof=1) - np.mean(eth**2) + np.var(vph, ddof=1) - np.mean(eph**2))
            / (2 * (np.var(vr, ddof=1) - np.mean(er**2)))),
        "second moments with the error variances subtracted": float(
            1 - (np.mean(vth**2 - eth**2) + np.mean(vph**2 - eph**2)) / (2 * np.mean(vr**2 - er**2))),
        "inverse-variance weighted variances, Eq. 11": float(
            1 - (_weighted_var(vth, eth) + _weighted_var(vph, eph)) / (2 * _weighted_var(vr, er))),
        "sigma_r from all clusters (line-of-sight v_r too), sigma_t from the complete ones": float(
            1 - (np.var(vth, ddof=1) + np.var(vph, ddof=1)) / (2 * np.var(tracers.vr, ddof=1))),
    }
    boot_rng, mc_rng = rng.spawn(2)
    idx = boot_rng.integers(0, vr.size, size=(n_boot, vr.size))
    boots = eq11(vr[idx], vth[idx], vph[idx], axis=1)
    out[f"bootstrap mean of Eq. 11 ({n_boot} resamples)"] = float(np.mean(boots))
    out["bootstrap median of Eq. 11"] = float(np.median(boots))
    perturbed = error_draws(inputs, make, n_error_draws, rng=mc_rng)
    out[f"mean of Eq. 11 over {n_error_draws} Monte Carlo error draws"] = float(
        np.mean(eq11(*(perturbed[k][c] for k in ("vr", "vtheta", "vphi")), axis=0)))
    for n_bins in (2, 3, 4, 5):
        edges = np.quantile(r, np.linspace(0, 1, n_bins + 1))
        which = np.clip(np.searchsorted(edges, r, side="right") - 1, 0, n_bins - 1)
        values = [float(eq11(vr[which == k], vth[which == k], vph[which == k])) for k in range(n_bins)]
        out[f"mean of Eq. 11 in {n_bins} equal-count radial bins"] = float(np.mean(values))
    for r_cut in (5.0, 10.0):
        m = r > r_cut
        out[f"Eq. 11 on the complete clusters beyond {r_cut:g} kpc ({int(m.sum())})"] = float(eq11(vr[m], vth[m], vph[m]))
        out[f"second moments beyond {r_cut:g} kpc"] = _second_moments(vr[m], vth[m], vph[m])
    return out


def frame_definitions(inputs: ClusterInputs) -> dict[str, float]:
    """Definitions with cylindrical or Cartesian components instead of the spherical ones, and the heliocentric
    velocities, on the complete clusters."""
    c = inputs.complete
    pos, vel = coords.galactocentric_phase_space(inputs.ra, inputs.dec, inputs.distance_kpc, np.nan_to_num(inputs.pmra),
                                                 np.nan_to_num(inputs.pmdec), inputs.vlos, Transform().sun())
    x, y, z = pos[c].T
    vx, vy, vz = vel[c].T
    rc = np.hypot(x, y)
    v_cyl_r, v_cyl_phi = (x * vx + y * vy) / rc, (x * vy - y * vx) / rc
    var = lambda a: np.var(a, ddof=1)  # noqa: E731
    k_mu = coords.K_KMS_PER_KPC_MASYR * inputs.distance_kpc[c]
    return {
        "cylindrical: 1 - (var v_phi + var v_z) / (2 var v_R)": float(1 - (var(v_cyl_phi) + var(vz)) / (2 * var(v_cyl_r))),
        "Cartesian: 1 - (var v_y + var v_z) / (2 var v_x) (U, V, W taken as r, phi, theta)": float(
            1 - (var(vy) + var(vz)) / (2 * var(vx))),
        "cylindrical: 1 - (var v_R + var v_phi) / (2 var v_z)": float(1 - (var(v_cyl_r) + var(v_cyl_phi)) / (2 * var(vz))),
        "heliocentric: v_r = v_los, v_t = 4.74 d |mu|, second moments": float(
            1 - np.mean(k_mu**2 * (inputs.pmra[c] ** 2 + inputs.pmdec[c] ** 2)) / (2 * np.mean(inputs.vlos[c] ** 2))),
    }
