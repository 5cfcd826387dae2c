"""The power-law model of Eadie & Harris (2016, ApJ 829, 108; "EH16"): potential, distribution function, mass.

Equations implemented here
--------------------------
* Eq. 2   potential ``Phi = Phi_o r**-gamma`` (:func:`potential`; Phi > 0 is the *relative* potential).
* Eq. 3/14 enclosed mass ``M(<r) = gamma Phi_o r**(1-gamma) / G`` (:func:`mass_enclosed`; 2.325e9 gamma Phi_o
  r**(1-gamma) Msun).
* Eq. 12  constant-anisotropy DF ``f(E, L) = K L**(-2 beta) E**n`` (:func:`log_df`) with its normalization ``K``
  (:func:`log_df_normalization`); the exponent n (:func:`energy_exponent`).
* Eq. 13  validity ``alpha > beta (2 - gamma) + gamma / 2`` together with ``alpha / gamma > 1`` (:func:`is_valid`).
* Eq. 15  binding energy ``E = Phi(r) - (vr**2 + vt**2) / 2`` (inside :func:`log_df`).
* Section 5.5: the virial radius and mass at 200 rho_crit (:func:`virial_radius`, :func:`virial_mass`).

The tracer density of Eq. 1, rho_t ∝ r**-alpha, enters only through the DF and, for the normalized likelihood,
through :func:`log_radial_normalization`.

Units: ``Phi_o`` in 1e4 km^2 s^-2, ``r`` in kpc, velocities in km/s at the interface and in units of 100 km/s
inside (so that ``v**2`` and ``Phi`` share the unit 1e4 km^2 s^-2).

The normalization of Eq. 12 (a finding of this supplement)
---------------------------------------------------------
Writing ``n = (alpha - 2 beta)/gamma + beta - 3/2`` (the exponent of E in Eq. 12) and integrating
``f`` over velocities with ``v_r = v cos(eta)``, ``v_t = v sin(eta)``::

    ∫ f d^3v = K r^(-2 beta) 2 pi ∫_0^pi sin(eta)^(1-2 beta) d eta ∫_0^vesc v^(2-2 beta) (Phi - v^2/2)^n dv
             = K pi^(3/2) 2^(3/2-beta) Gamma(1-beta) Gamma(n+1) / Gamma(n+5/2-beta)
               Phi_o^((alpha-2 beta)/gamma) r^(-alpha)

(the eta integral is B(1/2, 1-beta) = sqrt(pi) Gamma(1-beta)/Gamma(3/2-beta); the v integral
is a Beta function in x = v^2/(2 Phi)). The ``K`` printed in Eq. 12 equals this exact ``K``
times ``Gamma(1 - beta)``: it is right for beta = 0 (Eq. 9) but for beta != 0 it integrates to
``Gamma(1 - beta) r**-alpha``. The factor is independent of r but depends on beta, so with beta
free it adds ``N log Gamma(1 - beta)`` to the log-likelihood of N tracers, which grows without
bound as beta -> 1 (see the likelihood notes below). The default here
is the exact normalization (which agrees with ``galpy.df.constantbetaPowerLawdf``); the printed
one is available as ``normalization="paper"``.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import exprel, gammaln

from mwlib.core.constants import G_KPC_KMS2_PER_MSUN

#: Internal velocity unit in km/s; Phi_o and v^2 are then both in 1e4 km^2 s^-2.
VELOCITY_UNIT_KMS: float = 100.0
#: Unit of Phi_o in km^2 s^-2.
PHI_UNIT_KMS2: float = VELOCITY_UNIT_KMS**2
#: Planck 2015 Hubble constant used by EH16 for the virial radius (km/s/Mpc).
H0_EH16_KMS_MPC: float = 67.8
PARAM_NAMES: tuple[str, ...] = ("phi0", "gamma", "alpha", "beta")

Normalization = Literal["exact", "paper"]

_LOG_PI = math.log(math.pi)
_LOG_2 = math.log(2.0)


def check_choice(name: str, value: str, allowed: tuple[str, ...]) -> None:
    """ValueError unless ``value`` is one of ``allowed``."""
    if value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")


def safe_params(valid: np.ndarray, phi0: ArrayLike, gamma: ArrayLike, alpha: ArrayLike, beta: ArrayLike):
    """Swap invalid parameter rows for harmless values so that special functions stay quiet."""
    return (np.where(valid, phi0, 1.0), np.where(valid, gamma, 0.5),
            np.where(valid, alpha, 3.5), np.where(valid, beta, 0.0))


# --------------------------------------------------------------------------------------------
def potential(r_kpc: ArrayLike, phi0: ArrayLike, gamma: ArrayLike) -> np.ndarray:
    """Eadie & Harris (2016) Eq. 2: relative potential Phi = Phi_o r^-gamma in 1e4 km^2 s^-2."""
    return np.asarray(phi0, float) * np.asarray(r_kpc, float) ** (-np.asarray(gamma, float))


def energy_exponent(alpha: ArrayLike, beta: ArrayLike, gamma: ArrayLike) -> np.ndarray:
    """Exponent n of E in Eq. 12: beta (gamma - 2)/gamma + alpha/gamma - 3/2."""
    alpha, beta, gamma = (np.asarray(x, float) for x in (alpha, beta, gamma))
    return (alpha - 2.0 * beta) / gamma + beta - 1.5


def is_valid(phi0: ArrayLike, gamma: ArrayLike, alpha: ArrayLike, beta: ArrayLike) -> np.ndarray:
    """Eadie & Harris (2016) Eq. 13: Parameters for which the DF of Eq. 12 exists and is normalizable.

    Phi_o > 0, gamma > 0, alpha > 0, alpha/gamma > 1 (Sec. 2, needed to drop the boundary
    term of Eq. 4), beta < 1 (Gamma(1 - beta) and the vt marginal diverge at beta = 1) and
    Eq. 13, alpha > beta (2 - gamma) + gamma/2 (equivalently n > -1).
    """
    phi0, gamma, alpha, beta = np.broadcast_arrays(*(np.asarray(x, float) for x in (phi0, gamma, alpha, beta)))
    with np.errstate(all="ignore"):
        ok = (phi0 > 0) & (gamma > 0) & (alpha > 0) & (beta < 1.0)
        ok &= alpha > gamma
        ok &= alpha > beta * (2.0 - gamma) + 0.5 * gamma  # Eq. 13
        ok &= np.isfinite(phi0) & np.isfinite(gamma) & np.isfinite(alpha) & np.isfinite(beta)
    return ok


def log_df_normalization(phi0: ArrayLike, gamma: ArrayLike, alpha: ArrayLike, beta: ArrayLike,
                         normalization: Normalization = "exact") -> np.ndarray:
    """Eadie & Harris (2016) Eq. 12: log K, with f = K L^(-2 beta) E^n (Eq. 12), velocities in 100 km/s.

    ``"exact"`` makes ∫ f d^3v = (r/kpc)^-alpha; ``"paper"`` is Eq. 12 as printed, which is the
    exact K times Gamma(1 - beta) (see the module docstring). Invalid parameters give NaN-free
    garbage: mask them with :func:`is_valid`.
    """
    check_choice("normalization", normalization, ("exact", "paper"))
    phi0, gamma, alpha, beta = (np.asarray(x, float) for x in (phi0, gamma, alpha, beta))
    s = (alpha - 2.0 * beta) / gamma  # = n + 3/2 - beta; the power of Phi_o in Eq. 12
    with np.errstate(all="ignore"):
        log_k = (gammaln(s + 1.0) - gammaln(s + beta - 0.5)
                 - 1.5 * _LOG_PI - (1.5 - beta) * _LOG_2 - s * np.log(phi0))
        if normalization == "exact":
            log_k = log_k - gammaln(1.0 - beta)
    return log_k


def log_df(r_kpc: ArrayLike, vr_kms: ArrayLike, vt_kms: ArrayLike, phi0: ArrayLike, gamma: ArrayLike, alpha: ArrayLike, beta: ArrayLike,
           normalization: Normalization = "exact") -> np.ndarray:
    """Eadie & Harris (2016) Eq. 12: log f(E, L) at (r, vr, vt), with the binding energy E of Eq. 15;
    broadcasts; -inf where unbound or invalid.

    f is per (100 km/s)^3 (velocities are converted internally), normalized as described in
    :func:`log_df_normalization`.
    """
    r, vr, vt = (np.asarray(x, float) for x in (r_kpc, vr_kms, vt_kms))
    vr, vt = vr / VELOCITY_UNIT_KMS, vt / VELOCITY_UNIT_KMS
    valid = is_valid(phi0, gamma, alpha, beta)
    phi0, gamma, alpha, beta = safe_params(valid, phi0, gamma, alpha, beta)
    with np.errstate(all="ignore"):
        energy = potential(r, phi0, gamma) - 0.5 * (vr**2 + vt**2)  # Eq. 15
        n = energy_exponent(alpha, beta, gamma)
        value = (log_df_normalization(phi0, gamma, alpha, beta, normalization)
                 - 2.0 * beta * np.log(r * np.abs(vt)) + n * np.log(np.where(energy > 0, energy, 1.0)))
    ok = valid & (energy > 0) & np.isfinite(value)
    return np.where(ok, value, -np.inf)


def mass_enclosed(r_kpc: ArrayLike, phi0: ArrayLike, gamma: ArrayLike) -> np.ndarray:
    """Eadie & Harris (2016) Eq. 3/14: M(<r) in Msun, gamma Phi_o 1e4 r^(1-gamma) / G (= 2.325e9 gamma Phi_o r^(1-gamma))."""
    r, phi0, gamma = (np.asarray(x, float) for x in (r_kpc, phi0, gamma))
    return gamma * phi0 * PHI_UNIT_KMS2 * r ** (1.0 - gamma) / G_KPC_KMS2_PER_MSUN


def virial_radius(phi0: ArrayLike, gamma: ArrayLike, h0_kms_mpc: float = H0_EH16_KMS_MPC,
                  overdensity: float = 200.0) -> np.ndarray:
    """r_vir in kpc where the mean enclosed density is ``overdensity`` rho_crit (EH16 Sec. 5.5).

    rho_crit = 3 H^2 / (8 pi G), so M(<r) = (overdensity/2) H^2 r^3 / G; with Eq. 3 this gives
    r^(2+gamma) = gamma Phi_o / ((overdensity/2) H^2), H in km/s/kpc.
    """
    phi0, gamma = np.asarray(phi0, float), np.asarray(gamma, float)
    h_kms_kpc = h0_kms_mpc / 1000.0
    return (gamma * phi0 * PHI_UNIT_KMS2 / (0.5 * overdensity * h_kms_kpc**2)) ** (1.0 / (2.0 + gamma))


def virial_mass(phi0: ArrayLike, gamma: ArrayLike, h0_kms_mpc: float = H0_EH16_KMS_MPC,
                overdensity: float = 200.0) -> np.ndarray:
    """Eadie & Harris (2016) Section 5.5: M_vir = M(<r_vir) in Msun (200 rho_crit), vectorized over draws."""
    return mass_enclosed(virial_radius(phi0, gamma, h0_kms_mpc, overdensity), phi0, gamma)


def log_radial_normalization(alpha: ArrayLike, r_min_kpc: float, r_max_kpc: float) -> np.ndarray:
    """log ∫_{rmin}^{rmax} 4 pi r^2 r^-alpha dr, stable through alpha = 3 (via exprel)."""
    alpha = np.asarray(alpha, float)
    s = 3.0 - alpha
    log_ratio = math.log(r_max_kpc / r_min_kpc)
    return math.log(4.0 * math.pi) + s * math.log(r_min_kpc) + math.log(log_ratio) + np.log(exprel(s * log_ratio))
