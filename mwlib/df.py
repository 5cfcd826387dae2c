"""Power-law distribution-function model of Eadie & Harris (2016, ApJ 829, 108; "EH16").

Equations of EH16 implemented here
----------------------------------
* Eq. 1   tracer number density ``rho_t ∝ r**-alpha`` (alpha > 0).
* Eq. 2   potential ``Phi = Phi_o r**-gamma`` (sign convention: Phi > 0 is the *relative* potential).
* Eq. 3/14 enclosed mass ``M(<r) = gamma Phi_o r**(1-gamma) / G`` (2.325e9 gamma Phi_o r**(1-gamma) Msun).
* Eq. 12  constant-anisotropy DF ``f(E, L) = K L**(-2 beta) E**n`` with its normalization ``K``.
* Eq. 13  validity ``alpha > beta (2 - gamma) + gamma / 2`` (together with ``alpha / gamma > 1``, Sec. 2).
* Eq. 15  binding energy ``E = Phi(r) - (vr**2 + vt**2) / 2``.
* Eq. 18  likelihood with the unknown tangential velocities as nuisance parameters.
* Eqs. 19-22 the Gamma prior on ``alpha - 3`` from the excluded clusters; Table 2 priors;
  Table 3 scenarios (``SCENARIOS``).

Units: ``Phi_o`` in 1e4 km^2 s^-2, ``r`` in kpc, velocities in km/s at the interface and in
units of 100 km/s inside (so that ``v**2`` and ``Phi`` share the unit 1e4 km^2 s^-2).

The normalization of Eq. 12 (a finding of this module)
-----------------------------------------------------
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

Likelihood choices (``fit(..., likelihood=, vt_prior=)``)
---------------------------------------------------------
* ``likelihood="paper"`` (default): each tracer contributes f at its (r, vr, vt) (EH16 Sec.
  4.1). ``likelihood="normalized"``: each term is divided by the number of tracers the model
  puts in the sample's radial range, ``∫_{rmin}^{rmax} 4 pi r^2 r^-alpha dr``, which makes it a
  proper probability density of (position, velocity). This only matters when alpha is free,
  and there it matters a lot: the un-normalized f rewards whichever alpha makes
  ``r**-alpha`` large at the data (r in kpc), so with alpha free the "paper" likelihood drags
  alpha to its lower prior bound unless the prior holds it (tests/test_sampling.py).
* A tracer without proper motion has vt unknown; EH16 give it a prior uniform in vt^2, i.e.
  ``p(vt) ∝ vt``. ``vt_prior="flat"`` (default) uses ``p(vt) = vt`` (a parameter-free constant;
  f vanishes above the escape speed anyway), which makes the marginal likelihood exactly the
  (r, vr) marginal of the DF's phase-space density. ``vt_prior="escape"`` normalizes it on
  ``[0, v_esc(r)]``, ``p(vt) = 2 vt / v_esc^2 = vt / Phi(r)``; since v_esc depends on
  (Phi_o, gamma) this multiplies the likelihood by ``prod_i 1/Phi(r_i)`` over the
  line-of-sight tracers and biases Phi_o low (about -1.2 posterior sd on mocks like the real
  sample, 18 of 89 tracers without vt).
* ``normalization="paper"`` (Eq. 12 as printed) with beta free gives an improper posterior
  when some vt are unknown: each line-of-sight term carries B(1 - beta, n + 1) ~ 1/(1 - beta)
  without the compensating 1/Gamma(1 - beta), so the posterior piles up at beta -> 1.

Marginal over an unknown vt (closed form used by the fast sampler)
------------------------------------------------------------------
With ``A = Phi(r) - vr^2/2 > 0``, ``L^(-2 beta) = (r vt)^(-2 beta)``, the prior's factor ``vt``
and ``u = vt^2 / (2 A)`` (so ``vt = sqrt(2 A u)``, ``dvt = sqrt(2A) du / (2 sqrt(u))``)::

    ∫_0^sqrt(2A) vt^(1-2 beta) (A - vt^2/2)^n dvt
        = (2A)^(1/2-beta) A^n sqrt(2A)/2 ∫_0^1 u^(-beta) (1-u)^n du
        = (2A)^(1-beta) A^n B(1-beta, n+1) / 2,

so the line-of-sight term is ``K r^(-2 beta) c (2A)^(1-beta) A^n B(1-beta, n+1) / 2`` with
``c = 1`` (``vt_prior="flat"``) or ``c = 1/Phi(r)`` (``"escape"``). It needs beta < 1 and
n > -1 (Eq. 13). The same algebra shows that, given the model parameters,
``u ~ Beta(1 - beta, n + 1)``: the exact conditional the hybrid-Gibbs sampler may use
(``vt_update="exact"``).
"""

from __future__ import annotations

import logging
import math
import os
import time
import warnings
from dataclasses import dataclass, field, replace
from typing import Any, Literal, Mapping

import numpy as np
from scipy.special import betaln, exprel, gammaln

from mwlib.core.constants import G_KPC_KMS2_PER_MSUN
from mwlib.core import sampling
from mwlib.core.io import atomic_path, write_json

logger = logging.getLogger(__name__)

#: Internal velocity unit in km/s; Phi_o and v^2 are then both in 1e4 km^2 s^-2.
VELOCITY_UNIT_KMS: float = 100.0
#: Unit of Phi_o in km^2 s^-2.
PHI_UNIT_KMS2: float = VELOCITY_UNIT_KMS**2
#: Planck 2015 Hubble constant used by EH16 for the virial radius (km/s/Mpc).
H0_EH16_KMS_MPC: float = 67.8
PARAM_NAMES: tuple[str, ...] = ("phi0", "gamma", "alpha", "beta")

Normalization = Literal["exact", "paper"]
LikelihoodKind = Literal["paper", "normalized"]
VtPrior = Literal["flat", "escape"]
SamplerKind = Literal["marginal", "gibbs"]

_LOG_PI = math.log(math.pi)
_LOG_2 = math.log(2.0)


# --------------------------------------------------------------------------------------------
# The model: Eqs. 1-3, 12-14
# --------------------------------------------------------------------------------------------
def potential(r_kpc: Any, phi0: Any, gamma: Any) -> np.ndarray:
    """Relative potential Phi = Phi_o r^-gamma (Eq. 2) in 1e4 km^2 s^-2."""
    return np.asarray(phi0, float) * np.asarray(r_kpc, float) ** (-np.asarray(gamma, float))


def tracer_density(r_kpc: Any, alpha: Any) -> np.ndarray:
    """Tracer number density r^-alpha (Eq. 1), unit amplitude at 1 kpc."""
    return np.asarray(r_kpc, float) ** (-np.asarray(alpha, float))


def energy_exponent(alpha: Any, beta: Any, gamma: Any) -> np.ndarray:
    """Exponent n of E in Eq. 12: beta (gamma - 2)/gamma + alpha/gamma - 3/2."""
    alpha, beta, gamma = (np.asarray(x, float) for x in (alpha, beta, gamma))
    return (alpha - 2.0 * beta) / gamma + beta - 1.5


def is_valid(phi0: Any, gamma: Any, alpha: Any, beta: Any) -> np.ndarray:
    """Parameters for which the DF of Eq. 12 exists and is normalizable.

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


def log_df_normalization(phi0: Any, gamma: Any, alpha: Any, beta: Any,
                         normalization: Normalization = "exact") -> np.ndarray:
    """log K, with f = K L^(-2 beta) E^n (Eq. 12), velocities in 100 km/s.

    ``"exact"`` makes ∫ f d^3v = (r/kpc)^-alpha; ``"paper"`` is Eq. 12 as printed, which is the
    exact K times Gamma(1 - beta) (see the module docstring). Invalid parameters give NaN-free
    garbage: mask them with :func:`is_valid`.
    """
    _check_choice("normalization", normalization, ("exact", "paper"))
    phi0, gamma, alpha, beta = (np.asarray(x, float) for x in (phi0, gamma, alpha, beta))
    s = (alpha - 2.0 * beta) / gamma  # = n + 3/2 - beta; the power of Phi_o in Eq. 12
    with np.errstate(all="ignore"):
        log_k = (gammaln(s + 1.0) - gammaln(s + beta - 0.5)
                 - 1.5 * _LOG_PI - (1.5 - beta) * _LOG_2 - s * np.log(phi0))
        if normalization == "exact":
            log_k = log_k - gammaln(1.0 - beta)
    return log_k


def log_df(r_kpc: Any, vr_kms: Any, vt_kms: Any, phi0: Any, gamma: Any, alpha: Any, beta: Any,
           normalization: Normalization = "exact") -> np.ndarray:
    """log f(E, L) of Eq. 12 at (r, vr, vt); broadcasts; -inf where unbound or invalid.

    f is per (100 km/s)^3 (velocities are converted internally), normalized as described in
    :func:`log_df_normalization`.
    """
    r, vr, vt = (np.asarray(x, float) for x in (r_kpc, vr_kms, vt_kms))
    vr, vt = vr / VELOCITY_UNIT_KMS, vt / VELOCITY_UNIT_KMS
    valid = is_valid(phi0, gamma, alpha, beta)
    phi0, gamma, alpha, beta = _safe_params(valid, phi0, gamma, alpha, beta)
    with np.errstate(all="ignore"):
        energy = potential(r, phi0, gamma) - 0.5 * (vr**2 + vt**2)  # Eq. 15
        n = energy_exponent(alpha, beta, gamma)
        value = (log_df_normalization(phi0, gamma, alpha, beta, normalization)
                 - 2.0 * beta * np.log(r * np.abs(vt)) + n * np.log(np.where(energy > 0, energy, 1.0)))
    ok = valid & (energy > 0) & np.isfinite(value)
    return np.where(ok, value, -np.inf)


def mass_enclosed(r_kpc: Any, phi0: Any, gamma: Any) -> np.ndarray:
    """M(<r) in Msun, Eq. 3/14: gamma Phi_o 1e4 r^(1-gamma) / G (= 2.325e9 gamma Phi_o r^(1-gamma))."""
    r, phi0, gamma = (np.asarray(x, float) for x in (r_kpc, phi0, gamma))
    return gamma * phi0 * PHI_UNIT_KMS2 * r ** (1.0 - gamma) / G_KPC_KMS2_PER_MSUN


def virial_radius(phi0: Any, gamma: Any, h0_kms_mpc: float = H0_EH16_KMS_MPC,
                  overdensity: float = 200.0) -> np.ndarray:
    """r_vir in kpc where the mean enclosed density is ``overdensity`` rho_crit (EH16 Sec. 5.5).

    rho_crit = 3 H^2 / (8 pi G), so M(<r) = (overdensity/2) H^2 r^3 / G; with Eq. 3 this gives
    r^(2+gamma) = gamma Phi_o / ((overdensity/2) H^2), H in km/s/kpc.
    """
    phi0, gamma = np.asarray(phi0, float), np.asarray(gamma, float)
    h_kms_kpc = h0_kms_mpc / 1000.0
    return (gamma * phi0 * PHI_UNIT_KMS2 / (0.5 * overdensity * h_kms_kpc**2)) ** (1.0 / (2.0 + gamma))


def virial_mass(phi0: Any, gamma: Any, h0_kms_mpc: float = H0_EH16_KMS_MPC,
                overdensity: float = 200.0) -> np.ndarray:
    """M_vir = M(<r_vir) in Msun, vectorized over draws."""
    return mass_enclosed(virial_radius(phi0, gamma, h0_kms_mpc, overdensity), phi0, gamma)


def log_radial_normalization(alpha: Any, r_min_kpc: float, r_max_kpc: float) -> np.ndarray:
    """log ∫_{rmin}^{rmax} 4 pi r^2 r^-alpha dr, stable through alpha = 3 (via exprel)."""
    alpha = np.asarray(alpha, float)
    s = 3.0 - alpha
    log_ratio = math.log(r_max_kpc / r_min_kpc)
    return math.log(4.0 * math.pi) + s * math.log(r_min_kpc) + math.log(log_ratio) + np.log(exprel(s * log_ratio))


def alpha_prior_from_radii(r_kpc: Any, b_kpc: float = 0.4, c: float = 0.001,
                           p: float = 0.001) -> tuple[float, float]:
    """Gamma prior on eta = alpha - 3 from the radii of the clusters left out of the fit.

    The radii follow a Pareto law with threshold b and index eta + 1 (Eqs. 19-20); the conjugate
    posterior of eta is Gamma(shape = n + c, rate = sum log(x_i/b) + p) (Eqs. 21-22).
    Returns ``(shape, rate)``; the mode of alpha is 3 + (shape - 1)/rate.
    """
    r = np.asarray(r_kpc, float).ravel()
    if r.size == 0 or not np.all(np.isfinite(r)):
        raise ValueError("alpha_prior_from_radii needs a non-empty array of finite radii")
    if np.any(r <= b_kpc):
        raise ValueError(f"{np.sum(r <= b_kpc)} radii are <= the Pareto threshold b = {b_kpc} kpc; "
                         "select r > b first (Eq. 20 has support x > b)")
    shape = r.size + c
    rate = float(np.sum(np.log(r / b_kpc))) + p  # Eq. 22
    return float(shape), rate


# --------------------------------------------------------------------------------------------
# Scenarios (Tables 2 and 3)
# --------------------------------------------------------------------------------------------
ALPHA_FROM_PRIOR = "prior"  #: placeholder: the alpha prior comes from fit(alpha_prior=...)
PHI0_PRIOR: tuple[float, float] = (1.0, 200.0)  # Table 2
GAMMA_PRIOR_WIDE: tuple[float, float] = (0.0, 1.0)  # Table 2
GAMMA_PRIOR_NARROW: tuple[float, float] = (0.3, 0.7)  # Sec. 5.2, the "b" scenarios
BETA_PRIOR: tuple[float, float] = (-0.5, 1.0)  # Table 2


@dataclass(frozen=True)
class _Prior:
    kind: Literal["fixed", "uniform", "gamma", "unresolved"]
    a: float = math.nan  # fixed value | lower bound | Gamma shape
    b: float = math.nan  # upper bound | Gamma rate


def _parse_spec(name: str, spec: Any) -> _Prior:
    if isinstance(spec, str):
        if name == "alpha" and spec == ALPHA_FROM_PRIOR:
            return _Prior("unresolved")
        raise ValueError(f"{name}: unknown prior spec {spec!r}")
    if isinstance(spec, (int, float, np.integer, np.floating)) and not isinstance(spec, bool):
        if not math.isfinite(float(spec)):
            raise ValueError(f"{name}: fixed value must be finite, got {spec!r}")
        return _Prior("fixed", float(spec))
    if isinstance(spec, (tuple, list)):
        if len(spec) == 3 and isinstance(spec[0], str):
            if name != "alpha" or spec[0] != "gamma":
                raise ValueError(f"{name}: only alpha takes a ('gamma', shape, rate) prior, got {spec!r}")
            shape, rate = float(spec[1]), float(spec[2])
            if not (shape > 0 and rate > 0):
                raise ValueError(f"alpha: Gamma prior needs shape > 0 and rate > 0, got {spec!r}")
            return _Prior("gamma", shape, rate)
        if len(spec) == 2:
            lo, hi = float(spec[0]), float(spec[1])
            if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
                raise ValueError(f"{name}: uniform bounds must be finite with lo < hi, got {spec!r}")
            return _Prior("uniform", lo, hi)
    extra = ", ('gamma', shape, rate) or 'prior'" if name == "alpha" else ""
    raise ValueError(f"{name}: prior spec must be a number (fixed) or (lo, hi) (uniform){extra}; got {spec!r}")


@dataclass(frozen=True)
class Scenario:
    """Which parameters are fixed and the priors of the free ones (EH16 Tables 2 and 3).

    Each field is a number (fixed: a delta prior), a ``(lo, hi)`` tuple (uniform prior) or, for
    ``alpha`` only, ``("gamma", shape, rate)`` (Gamma prior on alpha - 3, Eq. 21) or the
    placeholder ``"prior"``, resolved by ``fit(..., alpha_prior=(shape, rate))``.
    """

    phi0: Any = PHI0_PRIOR
    gamma: Any = GAMMA_PRIOR_WIDE
    alpha: Any = 3.5
    beta: Any = BETA_PRIOR
    name: str = ""

    def __post_init__(self) -> None:
        for param in PARAM_NAMES:
            _parse_spec(param, getattr(self, param))

    def prior(self, param: str) -> _Prior:
        return _parse_spec(param, getattr(self, param))

    @property
    def free_parameters(self) -> tuple[str, ...]:
        return tuple(p for p in PARAM_NAMES if self.prior(p).kind != "fixed")

    @property
    def needs_alpha_prior(self) -> bool:
        return self.prior("alpha").kind == "unresolved"

    def with_alpha_prior(self, shape: float, rate: float) -> "Scenario":
        """Copy with ``alpha="prior"`` replaced by the Gamma prior (shape, rate) on alpha - 3."""
        if not self.needs_alpha_prior:
            return self
        return replace(self, alpha=("gamma", float(shape), float(rate)))


def _build_scenarios() -> dict[str, Scenario]:
    # Table 3: group -> (gamma, alpha); within a group beta = 0, 0.5, free.
    # Group 4 uses the narrow gamma prior: EH16 Sec. 5.4 says gamma in Scenario XII piles up
    # at "the lower bound" and is constrained "in Groups (2) and (4)" by "the more informative
    # prior", and their XII numbers (M125 = 5.22e11, M(150) = 5.90e11, Mvir = 6.82e11 at 185 kpc)
    # imply gamma ≈ 0.32, incompatible with the wide prior (IV gives gamma ≈ 0.06).
    groups = ((0.5, 3.5), (GAMMA_PRIOR_WIDE, 3.5), (0.5, ALPHA_FROM_PRIOR), (GAMMA_PRIOR_NARROW, ALPHA_FROM_PRIOR))
    anisotropies = (0.0, 0.5, BETA_PRIOR)
    numerals = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
    table: dict[str, Scenario] = {}
    for i, ((gamma, alpha), beta) in enumerate((g, b) for g in groups for b in anisotropies):
        table[numerals[i]] = Scenario(phi0=PHI0_PRIOR, gamma=gamma, alpha=alpha, beta=beta, name=numerals[i])
    for key in ("IV", "V", "VI"):  # Sec. 5.2: the "b" variants restrict gamma to [0.3, 0.7]
        table[key + "b"] = replace(table[key], gamma=GAMMA_PRIOR_NARROW, name=key + "b")
    return table


#: EH16 Table 3 scenarios I..XII plus IVb, Vb, VIb. Scenarios with alpha free carry
#: ``alpha="prior"``; pass ``alpha_prior=(shape, rate)`` to :func:`fit` (e.g. from
#: :func:`alpha_prior_from_radii` on the excluded clusters) or use
#: :func:`scenarios_with_alpha_prior`.
SCENARIOS: dict[str, Scenario] = _build_scenarios()


def scenarios_with_alpha_prior(shape: float, rate: float) -> dict[str, Scenario]:
    """All scenarios with the ``"prior"`` placeholder replaced by Gamma(shape, rate) on alpha - 3."""
    return {key: sc.with_alpha_prior(shape, rate) for key, sc in SCENARIOS.items()}


# --------------------------------------------------------------------------------------------
# Tracer data
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TracerSample:
    """Validated tracers; velocities in internal units (100 km/s); vt NaN where unknown."""

    r_kpc: np.ndarray
    vr: np.ndarray
    vt: np.ndarray

    @property
    def complete(self) -> np.ndarray:
        return np.isfinite(self.vt)

    @property
    def n(self) -> int:
        return int(self.r_kpc.size)


_COLUMN_UNITS = {"r": "kpc", "vr": "km / s", "vt": "km / s"}


def _column(table: Any, name: str) -> np.ndarray:
    try:
        col = table[name]
    except (KeyError, IndexError, ValueError, TypeError):
        raise ValueError(f"tracers: missing column {name!r} (need r [kpc], vr [km/s], vt [km/s], vt NaN if unknown)") from None
    if getattr(col, "unit", None) is not None:  # astropy column or Quantity carrying a unit
        from astropy import units as u

        mask = np.ma.getmaskarray(col)
        col = np.where(mask, np.nan, u.Quantity(np.ma.getdata(col), col.unit).to_value(_COLUMN_UNITS[name]))
    col = np.ma.filled(np.ma.asarray(col, dtype=float), np.nan)  # masked entries -> NaN
    return np.asarray(col, float).ravel()


def prepare_tracers(tracers: Any) -> TracerSample:
    """Validate a table (dict of arrays, astropy Table, pandas DataFrame) with r, vr, vt."""
    if isinstance(tracers, TracerSample):
        return tracers
    r, vr, vt = (_column(tracers, c) for c in ("r", "vr", "vt"))
    if not (r.size == vr.size == vt.size):
        raise ValueError(f"tracers: columns differ in length (r {r.size}, vr {vr.size}, vt {vt.size})")
    if r.size == 0:
        raise ValueError("tracers: empty table")
    if not np.all(np.isfinite(r)):
        raise ValueError(f"tracers: r must be finite (rows {np.flatnonzero(~np.isfinite(r)).tolist()})")
    if np.any(r <= 0):
        raise ValueError(f"tracers: r must be > 0 kpc (rows {np.flatnonzero(r <= 0).tolist()})")
    if not np.all(np.isfinite(vr)):
        raise ValueError(f"tracers: vr must be finite (rows {np.flatnonzero(~np.isfinite(vr)).tolist()})")
    if np.any(np.isinf(vt)) or np.any(vt < 0):
        raise ValueError("tracers: vt must be >= 0 km/s, or NaN when unknown")
    return TracerSample(r, vr / VELOCITY_UNIT_KMS, vt / VELOCITY_UNIT_KMS)


# --------------------------------------------------------------------------------------------
# The posterior, vectorized over parameter draws (rows) and tracers (columns)
# --------------------------------------------------------------------------------------------
def _check_choice(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")


def _safe_params(valid: np.ndarray, phi0: Any, gamma: Any, alpha: Any, beta: Any):
    """Swap invalid parameter rows for harmless values so that special functions stay quiet."""
    return (np.where(valid, phi0, 1.0), np.where(valid, gamma, 0.5),
            np.where(valid, alpha, 3.5), np.where(valid, beta, 0.0))


class Posterior:
    """log posterior of EH16 Eq. 18 for one scenario and tracer sample.

    ``theta`` arrays have shape (W, d): W draws of the d free parameters (``self.free`` order).
    """

    def __init__(self, tracers: Any, scenario: Scenario, *, likelihood: LikelihoodKind = "paper",
                 normalization: Normalization = "exact", vt_prior: VtPrior = "flat",
                 r_range_kpc: tuple[float, float] | None = None) -> None:
        _check_choice("likelihood", likelihood, ("paper", "normalized"))
        _check_choice("normalization", normalization, ("exact", "paper"))
        _check_choice("vt_prior", vt_prior, ("flat", "escape"))
        if scenario.needs_alpha_prior:
            raise ValueError("scenario has alpha='prior': pass alpha_prior=(shape, rate) to fit() "
                             "or use scenario.with_alpha_prior(shape, rate)")
        self.data = prepare_tracers(tracers)
        self.scenario = scenario
        self.likelihood, self.normalization, self.vt_prior = likelihood, normalization, vt_prior
        self.priors = {p: scenario.prior(p) for p in PARAM_NAMES}
        self.free = scenario.free_parameters
        d = self.data
        c = d.complete
        self.n_complete, self.n_los = int(c.sum()), int((~c).sum())
        self._log_r_c = np.log(d.r_kpc[c])
        self._v2_c = d.vr[c] ** 2 + d.vt[c] ** 2
        with np.errstate(divide="ignore"):
            self._log_l_c = np.log(d.r_kpc[c] * d.vt[c])  # log L, Eq. 12
        self._r_los = d.r_kpc[~c]
        self._log_r_los = np.log(self._r_los)
        self._vr2_los = d.vr[~c] ** 2
        # pivot radius of the sampler coordinates (see to_sampler): the sample's geometric mean
        self._log_r_pivot = float(np.mean(np.log(d.r_kpc)))
        if r_range_kpc is None:
            r_range_kpc = (float(d.r_kpc.min()), float(d.r_kpc.max()))
        self.r_range_kpc = (float(r_range_kpc[0]), float(r_range_kpc[1]))
        if not (0 < self.r_range_kpc[0] <= d.r_kpc.min() and self.r_range_kpc[1] >= d.r_kpc.max()):
            raise ValueError(f"r_range_kpc {r_range_kpc} must be positive and contain all tracers")
        if likelihood == "normalized" and self.r_range_kpc[0] == self.r_range_kpc[1]:
            raise ValueError("likelihood='normalized' needs tracers spanning a radial range")

    # -- parameters -------------------------------------------------------------------------
    def unpack(self, theta: np.ndarray) -> tuple[np.ndarray, ...]:
        """(W, d) free-parameter rows -> (phi0, gamma, alpha, beta), each of shape (W,)."""
        theta = np.atleast_2d(np.asarray(theta, float))
        out, j = [], 0
        for p in PARAM_NAMES:
            prior = self.priors[p]
            if prior.kind == "fixed":
                out.append(np.full(theta.shape[0], prior.a))
            else:
                out.append(theta[:, j])
                j += 1
        return tuple(out)

    def log_prior(self, theta: np.ndarray) -> np.ndarray:
        theta = np.atleast_2d(np.asarray(theta, float))
        lp = np.zeros(theta.shape[0])
        with np.errstate(all="ignore"):
            for j, p in enumerate(self.free):
                x, prior = theta[:, j], self.priors[p]
                if prior.kind == "uniform":
                    lp = np.where((x >= prior.a) & (x <= prior.b), lp, -np.inf)
                else:  # Gamma(shape, rate) on alpha - 3 (Eq. 21); alpha <= 3 has zero prior
                    eta = x - 3.0
                    lp = lp + np.where(eta > 0, (prior.a - 1.0) * np.log(np.where(eta > 0, eta, 1.0)) - prior.b * eta, -np.inf)
        return lp

    def sample_prior(self, n: int, rng: np.random.Generator) -> np.ndarray:
        cols = []
        for p in self.free:
            prior = self.priors[p]
            if prior.kind == "uniform":
                cols.append(rng.uniform(prior.a, prior.b, n))
            else:
                cols.append(3.0 + rng.gamma(prior.a, 1.0 / prior.b, n))
        return np.column_stack(cols) if cols else np.empty((n, 0))

    # -- likelihood pieces ------------------------------------------------------------------
    def _model(self, theta: np.ndarray):
        phi0, gamma, alpha, beta = self.unpack(theta)
        valid = is_valid(phi0, gamma, alpha, beta)
        phi0, gamma, alpha, beta = _safe_params(valid, phi0, gamma, alpha, beta)
        n = energy_exponent(alpha, beta, gamma)
        log_k = log_df_normalization(phi0, gamma, alpha, beta, self.normalization)
        return valid, phi0, gamma, alpha, beta, n, log_k

    def _log_complete(self, phi0, gamma, beta, n, log_k) -> np.ndarray:
        """Sum over complete tracers of log f(E, L) (Eqs. 12, 15); -inf if any is unbound."""
        if self.n_complete == 0:
            return np.zeros(phi0.shape)
        energy = phi0[:, None] * np.exp(-gamma[:, None] * self._log_r_c) - 0.5 * self._v2_c
        bound = np.all(energy > 0, axis=1)
        log_e = np.log(np.where(energy > 0, energy, 1.0))
        total = self.n_complete * log_k + n * log_e.sum(axis=1) - 2.0 * beta * self._log_l_c.sum()
        return np.where(bound, total, -np.inf)

    def _phi_los(self, phi0, gamma) -> np.ndarray:
        return phi0[:, None] * np.exp(-gamma[:, None] * self._log_r_los)

    def _log_los_marginal(self, phi0, gamma, beta, n, log_k) -> np.ndarray:
        """Sum over line-of-sight tracers of ∫ f p(vt) dvt in closed form (module docstring)."""
        if self.n_los == 0:
            return np.zeros(phi0.shape)
        phi = self._phi_los(phi0, gamma)
        a = phi - 0.5 * self._vr2_los
        bound = np.all(a > 0, axis=1)
        log_a = np.log(np.where(a > 0, a, 1.0))
        per_tracer = (1.0 - beta[:, None]) * (_LOG_2 + log_a) + n[:, None] * log_a
        if self.vt_prior == "escape":
            per_tracer = per_tracer - np.log(phi)  # p(vt) = 2 vt / v_esc^2 = vt / Phi
        total = (self.n_los * (log_k + betaln(1.0 - beta, n + 1.0) - _LOG_2)
                 - 2.0 * beta * self._log_r_los.sum() + per_tracer.sum(axis=1))
        return np.where(bound, total, -np.inf)

    def _log_radial(self, alpha) -> np.ndarray:
        if self.likelihood == "paper":
            return 0.0
        return -self.data.n * log_radial_normalization(alpha, *self.r_range_kpc)

    def log_prob_marginal(self, theta: np.ndarray) -> np.ndarray:
        """log posterior with every unknown vt integrated out; shape (W,)."""
        theta = np.atleast_2d(np.asarray(theta, float))
        with np.errstate(all="ignore"):
            lp = self.log_prior(theta)
            valid, phi0, gamma, alpha, beta, n, log_k = self._model(theta)
            ll = (self._log_complete(phi0, gamma, beta, n, log_k)
                  + self._log_los_marginal(phi0, gamma, beta, n, log_k) + self._log_radial(alpha))
            out = lp + ll
        return np.where(valid & np.isfinite(out), out, -np.inf)

    # -- pieces for the hybrid-Gibbs sampler (vt of line-of-sight tracers as parameters) -----
    def vt_terms(self, theta: np.ndarray, vt: np.ndarray) -> np.ndarray:
        """Per line-of-sight tracer log f(E, L) + log p(vt) at the given vt; shape (W, n_los)."""
        with np.errstate(all="ignore"):
            valid, phi0, gamma, alpha, beta, n, log_k = self._model(theta)
            phi = self._phi_los(phi0, gamma)
            energy = phi - 0.5 * (self._vr2_los + vt**2)
            ok = (energy > 0) & (vt > 0) & valid[:, None]
            log_vt = np.log(np.where(vt > 0, vt, 1.0))
            terms = (log_k[:, None] - 2.0 * beta[:, None] * (self._log_r_los + log_vt)
                     + n[:, None] * np.log(np.where(energy > 0, energy, 1.0)) + log_vt)
            if self.vt_prior == "escape":
                terms = terms - np.log(phi)
        return np.where(ok, terms, -np.inf)

    def log_joint(self, theta: np.ndarray, vt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(log posterior of (theta, vt), the per-tracer vt terms); shapes (W,), (W, n_los)."""
        theta = np.atleast_2d(np.asarray(theta, float))
        terms = self.vt_terms(theta, vt)
        with np.errstate(all="ignore"):
            lp = self.log_prior(theta)
            valid, phi0, gamma, alpha, beta, n, log_k = self._model(theta)
            out = lp + self._log_complete(phi0, gamma, beta, n, log_k) + terms.sum(axis=1) + self._log_radial(alpha)
        return np.where(valid & np.isfinite(out), out, -np.inf), terms

    def vt_max(self, theta: np.ndarray) -> np.ndarray:
        """Largest bound vt of each line-of-sight tracer, sqrt(2 (Phi - vr^2/2)); (W, n_los)."""
        with np.errstate(all="ignore"):
            valid, phi0, gamma, *_ = self._model(theta)
            a = self._phi_los(phi0, gamma) - 0.5 * self._vr2_los
        return np.sqrt(np.clip(a, 0.0, None) * 2.0)

    def draw_vt_conditional(self, theta: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Exact draw of every unknown vt given theta: vt^2/(2A) ~ Beta(1 - beta, n + 1)."""
        with np.errstate(all="ignore"):
            valid, phi0, gamma, alpha, beta, n, log_k = self._model(theta)
            a = np.clip(self._phi_los(phi0, gamma) - 0.5 * self._vr2_los, 0.0, None)
            shape = a.shape
            u = rng.beta(np.broadcast_to((1.0 - beta)[:, None], shape), np.broadcast_to((n + 1.0)[:, None], shape))
        return np.sqrt(2.0 * a * u)

    def draw_vt_prior(self, theta: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """vt uniform in vt^2 below the largest bound speed (a valid start for the Gibbs chains)."""
        vmax = self.vt_max(theta)
        return vmax * np.sqrt(rng.uniform(0.05, 0.95, vmax.shape))

    # -- sampler coordinates ------------------------------------------------------------------
    # With gamma free the posterior of (Phi_o, gamma) is a curved ridge that narrows sharply as
    # gamma -> 0 (the DF exponent n ∝ 1/gamma), where walkers and random-walk chains get stuck.
    # The data pin down the potential's depth at the tracers' radii times gamma, i.e. the
    # velocity scale sigma^2 ∝ gamma Phi(r): the samplers therefore move in
    # s = log(gamma Phi_o r_p^-gamma) (r_p the sample's geometric-mean radius) instead of Phi_o,
    # with the Jacobian |dPhi_o/ds| = Phi_o added so that the target is the same posterior.
    def _phi0_column(self) -> int | None:
        return self.free.index("phi0") if "phi0" in self.free else None

    def to_sampler(self, theta: np.ndarray) -> np.ndarray:
        """Free parameters (W, d) -> sampler coordinates (phi0 replaced by s)."""
        theta = np.atleast_2d(np.asarray(theta, float))
        j = self._phi0_column()
        if j is None:
            return theta.copy()
        phi0, gamma, _, _ = self.unpack(theta)
        z = theta.copy()
        with np.errstate(all="ignore"):
            z[:, j] = np.log(phi0) + np.log(gamma) - gamma * self._log_r_pivot
        return z

    def from_sampler(self, z: np.ndarray) -> np.ndarray:
        """Sampler coordinates (W, d) -> free parameters; NaN Phi_o where gamma <= 0."""
        z = np.atleast_2d(np.asarray(z, float))
        j = self._phi0_column()
        if j is None:
            return z.copy()
        theta = z.copy()
        _, gamma, _, _ = self.unpack(z)  # gamma is not transformed
        with np.errstate(all="ignore"):
            theta[:, j] = np.where(gamma > 0, np.exp(z[:, j] + gamma * self._log_r_pivot - np.log(np.where(gamma > 0, gamma, 1.0))), np.nan)
        return theta

    def _log_jacobian(self, theta: np.ndarray) -> np.ndarray:
        if self._phi0_column() is None:
            return np.zeros(theta.shape[0])
        with np.errstate(all="ignore"):
            return np.log(theta[:, self._phi0_column()])

    def log_prob_sampler(self, z: np.ndarray) -> np.ndarray:
        """Marginal log posterior density in sampler coordinates; shape (W,)."""
        theta = self.from_sampler(z)
        lp = self.log_prob_marginal(theta)
        return np.where(np.isfinite(lp), lp + self._log_jacobian(theta), -np.inf)

    def log_joint_sampler(self, z: np.ndarray, vt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        theta = self.from_sampler(z)
        lp, terms = self.log_joint(theta, vt)
        return np.where(np.isfinite(lp), lp + self._log_jacobian(theta), -np.inf), terms

    def vt_terms_sampler(self, z: np.ndarray, vt: np.ndarray) -> np.ndarray:
        return self.vt_terms(self.from_sampler(z), vt)

    def vt_max_sampler(self, z: np.ndarray) -> np.ndarray:
        return self.vt_max(self.from_sampler(z))

    def draw_vt_conditional_sampler(self, z: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return self.draw_vt_conditional(self.from_sampler(z), rng)

    def initial_points(self, n_groups: int, n_per_group: int, rng: np.random.Generator,
                       max_rounds: int = 100) -> np.ndarray:
        """Dispersed starts: prior draws with finite posterior, split into n_groups blocks by the
        first free parameter (Phi_o in every EH16 scenario).

        Returns (n_groups, n_per_group, d); group k starts in the k-th quantile block of the
        allowed region, so that R-hat compares chains that began apart (EH16 Sec. 4.2).
        """
        need = n_groups * n_per_group
        pool: list[np.ndarray] = []
        n_found = 0
        for _ in range(max_rounds):
            cand = self.sample_prior(max(4 * need, 256), rng)
            keep = cand[np.isfinite(self.log_prob_marginal(cand))]
            pool.append(keep)
            n_found += keep.shape[0]
            if n_found >= 3 * need:
                break
        points = np.concatenate(pool)
        if points.shape[0] < need:
            raise RuntimeError(f"found only {points.shape[0]} prior draws with finite posterior "
                               f"(need {need}); the data may be incompatible with the scenario's priors")
        points = points[np.argsort(points[:, 0], kind="stable")]
        blocks = np.array_split(points, n_groups)
        return np.stack([blk[rng.choice(blk.shape[0], n_per_group, replace=False)] for blk in blocks])


# --------------------------------------------------------------------------------------------
# Fit results
# --------------------------------------------------------------------------------------------
def _quantile_summary(x: np.ndarray) -> dict[str, float]:
    q = np.percentile(x, [2.5, 25, 50, 75, 97.5])
    return {"mean": float(np.mean(x)), "median": float(q[2]), "q2.5": float(q[0]),
            "q25": float(q[1]), "q75": float(q[3]), "q97.5": float(q[4])}


@dataclass
class FitResult:
    """Posterior draws of one scenario fit and their diagnostics."""

    scenario: Scenario
    samples: dict[str, np.ndarray]  # 1-D draws of all four parameters (fixed ones constant)
    chains: dict[str, np.ndarray]  # free parameters as (chain, draw), the input to R-hat
    rhat: dict[str, float]
    ess: dict[str, float]
    acceptance: dict[str, float]
    n_tracers: int
    settings: dict[str, Any] = field(default_factory=dict)
    rhat_max: float = 1.1
    ess_min: float = 1000.0
    vt_draws: np.ndarray | None = None  # Gibbs sampler: thinned draws of unknown vt [km/s]

    @property
    def converged(self) -> bool:
        return all(v < self.rhat_max for v in self.rhat.values()) and all(v > self.ess_min for v in self.ess.values())

    def mass(self, r_kpc: Any) -> np.ndarray:
        """M(<r) draws in Msun: shape (n_draws,) for scalar r, (n_draws, n_r) for array r."""
        r = np.asarray(r_kpc, float)
        phi0, gamma = self.samples["phi0"], self.samples["gamma"]
        if r.ndim == 0:
            return mass_enclosed(r, phi0, gamma)
        return mass_enclosed(r[None, :], phi0[:, None], gamma[:, None])

    def virial_radius(self, h0_kms_mpc: float = H0_EH16_KMS_MPC) -> np.ndarray:
        return virial_radius(self.samples["phi0"], self.samples["gamma"], h0_kms_mpc)

    def virial_mass(self, h0_kms_mpc: float = H0_EH16_KMS_MPC) -> np.ndarray:
        return virial_mass(self.samples["phi0"], self.samples["gamma"], h0_kms_mpc)

    def summary(self) -> dict[str, Any]:
        """Posterior summaries: params, M125 = M(<125 kpc) (Msun), Mvir (Msun), rvir (kpc), diagnostics."""
        acc = [v for k, v in self.acceptance.items() if k in PARAM_NAMES]
        return {
            "params": {p: _quantile_summary(self.samples[p]) for p in PARAM_NAMES},
            "M125": _quantile_summary(self.mass(125.0)),
            "Mvir": _quantile_summary(self.virial_mass()),
            "rvir": _quantile_summary(self.virial_radius()),
            "rhat": dict(self.rhat),
            "ess": dict(self.ess),
            "acceptance": float(np.mean(acc)) if acc else float("nan"),
            "n_tracers": self.n_tracers,
            "converged": self.converged,  # R-hat < rhat_max and ESS > ess_min for every free parameter
        }

    def save_npz(self, path: str | os.PathLike) -> None:
        """Write draws, chains and diagnostics to ``path`` atomically (temp file + os.replace)."""
        arrays: dict[str, Any] = {f"sample_{k}": v for k, v in self.samples.items()}
        arrays.update({f"chain_{k}": v for k, v in self.chains.items()})
        arrays.update({f"rhat_{k}": v for k, v in self.rhat.items()})
        arrays.update({f"ess_{k}": v for k, v in self.ess.items()})
        arrays.update({f"acceptance_{k}": v for k, v in self.acceptance.items()})
        arrays["scenario"] = np.array(repr(self.scenario))
        arrays["settings"] = np.array(repr(self.settings))
        arrays["n_tracers"] = np.array(self.n_tracers)
        if self.vt_draws is not None:
            arrays["vt_draws_kms"] = self.vt_draws
        with atomic_path(path) as tmp:
            np.savez(tmp, **arrays)


class ConvergenceWarning(UserWarning):
    """A fit missed the R-hat or ESS bar."""


# --------------------------------------------------------------------------------------------
# fit(): glue between the posterior and the samplers in mwlib.core.sampling
# --------------------------------------------------------------------------------------------
def fit(tracers: Any, scenario: Scenario, *, seed: int, sampler: SamplerKind = "marginal",
        likelihood: LikelihoodKind = "paper", normalization: Normalization = "exact",
        vt_prior: VtPrior = "flat", alpha_prior: tuple[float, float] | None = None,
        r_range_kpc: tuple[float, float] | None = None, n_chains: int = 3,
        n_walkers: int = 48, n_burn: int | None = None, n_draws: int | None = None,
        max_draws: int | None = None, vt_update: Literal["mh", "exact"] = "mh",
        rhat_max: float = 1.1, ess_min: float = 1000.0, warn: bool = True) -> FitResult:
    """Sample the posterior of ``scenario`` given ``tracers`` (columns r [kpc], vr, vt [km/s]).

    sampler: ``"marginal"`` (default) integrates every unknown vt out in closed form and runs
    ``n_chains`` independent emcee ensembles of ``n_walkers`` walkers; ``"gibbs"`` is the EH16
    hybrid-Gibbs sampler (``n_chains`` Metropolis chains on the model parameters, the unknown
    vt updated as parameters: independent MH steps or, ``vt_update="exact"``, Beta draws).
    alpha_prior: ``(shape, rate)`` of the Gamma prior on alpha - 3; required when the scenario
    has ``alpha="prior"`` (see :func:`alpha_prior_from_radii`).
    Chains are extended (doubling the kept steps, up to ``max_draws`` steps per chain/walker)
    until R-hat < ``rhat_max`` and ESS > ``ess_min``; a :class:`ConvergenceWarning` is issued
    if they are not. Defaults (marginal: 3 x 48 walkers, 200 burn-in + 300 kept steps; Gibbs:
    3 chains, 3000 burn-in + 12000 kept sweeps) meet the bars on mocks like the real sample.
    With the marginal sampler ``FitResult.chains`` holds one chain per ensemble (its walkers
    interleaved step by step), which is what R-hat compares; ESS counts each walker as a chain.
    """
    _check_choice("sampler", sampler, ("marginal", "gibbs"))
    _check_choice("vt_update", vt_update, ("mh", "exact"))
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"seed must be an int, got {seed!r}")
    if scenario.needs_alpha_prior:
        if alpha_prior is None:
            raise ValueError(f"scenario {scenario.name or scenario!r} has alpha free with alpha='prior': "
                             "pass alpha_prior=(shape, rate), e.g. alpha_prior_from_radii(r_excluded_kpc)")
        scenario = scenario.with_alpha_prior(*alpha_prior)
    post = Posterior(tracers, scenario, likelihood=likelihood, normalization=normalization,
                     vt_prior=vt_prior, r_range_kpc=r_range_kpc)
    if not post.free:
        raise ValueError("scenario has no free parameter: nothing to sample")
    if n_chains < 2:
        raise ValueError("n_chains must be >= 2 for R-hat")
    seeds = np.random.SeedSequence(int(seed))
    init_seq, run_seq = seeds.spawn(2)
    rng_init = np.random.default_rng(init_seq)
    t0 = time.perf_counter()
    vt_draws = None
    if sampler == "marginal":
        n_burn = 200 if n_burn is None else n_burn
        n_draws = 300 if n_draws is None else n_draws
        start = post.initial_points(n_chains, n_walkers, rng_init)
        start = post.to_sampler(start.reshape(-1, start.shape[-1])).reshape(start.shape)
        run = sampling.EnsembleRun(post.log_prob_sampler, start, seed=run_seq, to_params=post.from_sampler)
        run.run(n_burn, n_draws, rhat_max=rhat_max, ess_min=ess_min,
                max_draws=max_draws if max_draws is not None else 8 * n_draws)
        chains, acc = run.chains(), run.acceptance()
        acceptance = {p: acc for p in post.free}
    else:
        n_burn = 3000 if n_burn is None else n_burn
        n_draws = 12000 if n_draws is None else n_draws
        theta0 = post.initial_points(n_chains, 1, rng_init)[:, 0, :]
        vt0 = post.draw_vt_prior(theta0, rng_init)
        run = sampling.HybridGibbsRun(
            log_joint=post.log_joint_sampler, vt_terms=post.vt_terms_sampler, vt_scale=post.vt_max_sampler,
            theta0=post.to_sampler(theta0), vt0=vt0, rng=np.random.default_rng(run_seq),
            vt_exact=post.draw_vt_conditional_sampler if vt_update == "exact" else None,
            to_params=post.from_sampler)
        run.run(n_burn, n_draws, rhat_max=rhat_max, ess_min=ess_min,
                max_draws=max_draws if max_draws is not None else 4 * n_draws)
        chains = run.chains()
        acceptance = {p: run.acceptance_theta() for p in post.free}
        if post.n_los:
            acceptance["vt"] = run.acceptance_vt()
            vt_draws = run.vt_draws() * VELOCITY_UNIT_KMS
    rhat = dict(zip(post.free, run.rhat.values()))
    ess = dict(zip(post.free, run.ess.values()))
    flat = chains.reshape(-1, chains.shape[-1])
    phi0, gamma, alpha, beta = post.unpack(flat)
    samples = {"phi0": phi0, "gamma": gamma, "alpha": alpha, "beta": beta}
    settings = {"sampler": sampler, "likelihood": likelihood, "normalization": normalization,
                "vt_prior": vt_prior, "seed": int(seed), "n_chains": n_chains,
                "n_walkers": n_walkers if sampler == "marginal" else 1, "n_burn": n_burn,
                "n_draws_per_chain": int(chains.shape[1]),
                "n_steps_kept": int(chains.shape[1] // (n_walkers if sampler == "marginal" else 1)),
                "vt_update": vt_update,
                "r_range_kpc": post.r_range_kpc, "elapsed_s": time.perf_counter() - t0}
    result = FitResult(scenario=scenario, samples=samples,
                       chains={p: chains[..., j] for j, p in enumerate(post.free)},
                       rhat=rhat, ess=ess, acceptance=acceptance, n_tracers=post.data.n,
                       settings=settings, rhat_max=rhat_max, ess_min=ess_min, vt_draws=vt_draws)
    if warn and not result.converged:
        warnings.warn(f"scenario {scenario.name or '(custom)'}: convergence bars missed "
                      f"(R-hat {_fmt(rhat)} vs < {rhat_max}; ESS {_fmt(ess)} vs > {ess_min}); "
                      "run longer (n_draws / max_draws) before using these draws",
                      ConvergenceWarning, stacklevel=2)
    return result


def _fmt(d: Mapping[str, float]) -> str:
    return ", ".join(f"{k}={v:.3g}" for k, v in d.items())


# --------------------------------------------------------------------------------------------
# Running the paper's analysis on a tracer table
# --------------------------------------------------------------------------------------------
def gc_tracers(table: Any) -> dict[str, np.ndarray]:
    """The fit input from the globular-cluster data product (notebook 01).

    Included clusters only; ``vt`` is NaN for the line-of-sight-only ones.
    """
    included = np.asarray(table["included"], bool)
    complete = np.asarray(table["complete"], bool)[included]
    return {
        "r": np.asarray(table["r_kpc"], float)[included],
        "vr": np.asarray(table["vr"], float)[included],
        "vt": np.where(complete, np.asarray(table["vt"], float)[included], np.nan),
    }


def fit_scenarios(tracers: Any, scenarios: Mapping[str, Scenario], *, seed: int,
                  alpha_prior: tuple[float, float] | None = None, progress: bool = True,
                  **fit_kwargs: Any) -> dict[str, FitResult]:
    """Fit every scenario (same seed for each, so reruns are identical), with a progress bar."""
    from tqdm import tqdm

    results = {}
    for name in tqdm(list(scenarios), desc="scenarios", disable=not progress):
        scenario = scenarios[name]
        results[name] = fit(tracers, scenario, seed=seed,
                            alpha_prior=alpha_prior if scenario.needs_alpha_prior else None,
                            **fit_kwargs)
    return results


def write_results(results: Mapping[str, FitResult], results_dir: str | os.PathLike) -> dict[str, Any]:
    """``<dir>/df/<scenario>.npz`` chains and ``<dir>/df_summary.json``, each written atomically."""
    from pathlib import Path

    directory = Path(results_dir)
    (directory / "df").mkdir(parents=True, exist_ok=True)
    for name, result in results.items():
        result.save_npz(directory / "df" / f"{name}.npz")
    summary = {name: result.summary() for name, result in results.items()}
    write_json(directory / "df_summary.json", summary)
    return summary


#: Percentiles kept by :func:`sweep_fit` for mass profiles: the 50, 75 and 95% central regions.
PROFILE_PERCENTILES: tuple[float, ...] = (2.5, 12.5, 25.0, 50.0, 75.0, 87.5, 97.5)


def sweep_fit(task: Mapping[str, Any]) -> dict[str, Any]:
    """One fit of a sweep (picklable, for :func:`mwlib.core.sweeps.run_sweep`).

    ``task`` keys: ``tracers`` (dict of r, vr, vt arrays), ``scenario`` (a key of
    :data:`SCENARIOS` or a :class:`Scenario`), ``seed``; optional ``alpha_prior``,
    ``r_min_kpc`` (keep tracers beyond it), ``radii_kpc`` (M(<r) summaries),
    ``profile_r_kpc`` (a grid for mass-profile percentiles), ``fit_kwargs``, and any
    labels, which are passed through. Returns the labels, :meth:`FitResult.summary`,
    the sample size and incomplete fraction, ``mass_at`` and ``profile``.
    """
    tracers = {k: np.asarray(v, float) for k, v in task["tracers"].items()}
    r_min = task.get("r_min_kpc")
    if r_min is not None:
        keep = tracers["r"] > r_min
        tracers = {k: v[keep] for k, v in tracers.items()}
    scenario = task["scenario"]
    scenario = SCENARIOS[scenario] if isinstance(scenario, str) else scenario
    result = fit(tracers, scenario, seed=int(task["seed"]),
                 alpha_prior=task.get("alpha_prior") if scenario.needs_alpha_prior else None,
                 warn=False, **task.get("fit_kwargs", {}))
    out = {k: v for k, v in task.items() if k not in ("tracers", "fit_kwargs", "alpha_prior")}
    out["scenario"] = scenario.name or str(task["scenario"])
    out["summary"] = result.summary()
    out["n_tracers"] = int(tracers["r"].size)
    out["incomplete_fraction"] = float(np.isnan(tracers["vt"]).mean())
    out["mass_at"] = {float(r): _quantile_summary(result.mass(float(r))) for r in task.get("radii_kpc", ())}
    if "profile_r_kpc" in task:
        grid = np.asarray(task["profile_r_kpc"], float)
        out["profile"] = {"r_kpc": grid, "percentiles": np.array(PROFILE_PERCENTILES),
                          "mass_msun": np.percentile(result.mass(grid), PROFILE_PERCENTILES, axis=0)}
    return out
