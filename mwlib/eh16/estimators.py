"""Simple estimators on the complete globular clusters of Eadie & Harris (2016): their cross-checks.

* :func:`watkins2010_mass_3d` -- the Watkins, Evans & An (2010) mass estimator from full 3D speeds
  (their Eq. 24), which Eadie & Harris (2016, Section 5.1) apply to the 71 complete clusters.
* :func:`direct_anisotropy` -- beta from sample variances (Eadie & Harris 2016 Eq. 11), their
  Section 5.5 "direct" estimate from the complete clusters.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from mwlib.core.constants import G_KPC_KMS2_PER_MSUN

__all__ = ["watkins2010_mass_3d", "direct_anisotropy", "kernel_number_density"]


def watkins2010_mass_3d(r_kpc: ArrayLike, speed_kms: ArrayLike, tracer_slope: float, beta: float,
                        potential_slope: float = 0.5, r_out_kpc: float | None = None) -> float:
    """Watkins et al. (2010) Eq. 24: Watkins, Evans & An (2010) estimator from full 3D speeds (their Eq. 24), in Msun.

        M(< r_out) = (alpha + gamma - 2 beta) / (G (3 - 2 beta)) r_out^(1 - gamma) <v^2 r^gamma>

    in mwlib's notation (tracer density ∝ r^-alpha, potential ∝ r^-gamma; Watkins et al. swap
    the two letters). Eadie & Harris (2016, Section 5.1) apply it to their complete clusters
    with alpha = 3.5, gamma = 0.5 and r_out = 38.5 kpc, the outermost cluster with a proper motion.
    """
    r, v = np.asarray(r_kpc, dtype=float), np.asarray(speed_kms, dtype=float)
    if r.ndim != 1 or v.shape != r.shape or r.size < 2:
        raise ValueError(f"r_kpc and speed_kms must be 1-D of equal length >= 2; got {r.shape}, {v.shape}")
    if not (np.all(np.isfinite(r)) and np.all(np.isfinite(v))) or np.any(r <= 0):
        raise ValueError("radii must be finite and positive, speeds finite")
    if not 0.0 <= potential_slope <= 1.0:
        raise ValueError(f"potential_slope (Phi ∝ r^-gamma) must be in [0, 1]; got {potential_slope}")
    if not beta < 1.5:
        raise ValueError(f"beta must be < 1.5 for the 3D estimator; got {beta}")
    r_out = float(np.max(r)) if r_out_kpc is None else float(r_out_kpc)
    coefficient = (tracer_slope + potential_slope - 2 * beta) / (3 - 2 * beta)
    return float(coefficient * r_out ** (1 - potential_slope) * np.mean(v**2 * r**potential_slope)
                 / G_KPC_KMS2_PER_MSUN)


def direct_anisotropy(vr_kms: ArrayLike, vtheta_kms: ArrayLike, vphi_kms: ArrayLike) -> float:
    """Eadie & Harris (2016) Eq. 11: beta = 1 - (sigma_theta^2 + sigma_phi^2) / (2 sigma_r^2) from sample variances (Eq. 11)."""
    vr, vtheta, vphi = (np.asarray(v, float) for v in (vr_kms, vtheta_kms, vphi_kms))
    if not (vr.size == vtheta.size == vphi.size >= 2) or not np.isfinite([vr, vtheta, vphi]).all():
        raise ValueError("need at least two tracers with finite (vr, vtheta, vphi)")
    return float(1 - (np.var(vtheta, ddof=1) + np.var(vphi, ddof=1)) / (2 * np.var(vr, ddof=1)))


def kernel_number_density(r_kpc: ArrayLike, grid_kpc: ArrayLike, bandwidth_kpc: float = 1.0) -> np.ndarray:
    """Smoothed number density n(r) = sum_i K(r - r_i) / (4 pi r^2) with a Gaussian kernel in r (EH16 Figs. 3, 11:
    "the density function in R ... with a Gaussian kernel of bandwidth 1 kpc")."""
    r, grid = np.asarray(r_kpc, float), np.asarray(grid_kpc, float)
    z = (grid[:, None] - r[None, :]) / bandwidth_kpc
    kernel = np.exp(-0.5 * z**2) / (np.sqrt(2 * np.pi) * bandwidth_kpc)
    return kernel.sum(axis=1) / (4 * np.pi * grid**2)
