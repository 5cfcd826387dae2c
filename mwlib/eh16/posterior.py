"""The posterior of Eadie & Harris (2016) Eq. 18 for one scenario and one tracer sample.

:class:`Posterior` evaluates, vectorized over parameter draws (rows) and tracers (columns), the DF of Eq. 12
at the complete tracers and, for the tracers without proper motion, either the DF at given tangential
velocities (the hybrid-Gibbs sampler of the paper, Sec. 4.1) or its integral over the unknown vt in closed
form (the marginal posterior of the other samplers).

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

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeAlias

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import betaln

from mwlib.eh16.model import (
    _LOG_2, PARAM_NAMES, VELOCITY_UNIT_KMS, Normalization, check_choice, energy_exponent, is_valid,
    log_df_normalization, log_radial_normalization, safe_params,
)
from mwlib.eh16.scenarios import Scenario

if TYPE_CHECKING:
    import pandas as pd
    from astropy.table import Table

LikelihoodKind = Literal["paper", "normalized"]
VtPrior = Literal["flat", "escape"]
#: Tracers as the fits take them: columns r [kpc], vr and vt [km/s] (vt NaN where unknown) in a mapping of
#: arrays, an astropy Table or a pandas DataFrame, or an already validated :class:`TracerSample`.
TracerTable: TypeAlias = "TracerSample | Mapping[str, ArrayLike] | Table | pd.DataFrame"


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


def _column(table: TracerTable, name: str) -> np.ndarray:
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


def prepare_tracers(tracers: TracerTable) -> TracerSample:
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
class Posterior:
    """Eadie & Harris (2016) Eq. 18: log posterior of EH16 Eq. 18 for one scenario and tracer sample.

    ``theta`` arrays have shape (W, d): W draws of the d free parameters (``self.free`` order).
    """

    def __init__(self, tracers: TracerTable, scenario: Scenario, *, likelihood: LikelihoodKind = "paper",
                 normalization: Normalization = "exact", vt_prior: VtPrior = "flat",
                 r_range_kpc: tuple[float, float] | None = None) -> None:
        check_choice("likelihood", likelihood, ("paper", "normalized"))
        check_choice("normalization", normalization, ("exact", "paper"))
        check_choice("vt_prior", vt_prior, ("flat", "escape"))
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

    def sample_prior(self, n: int, *, rng: np.random.Generator) -> np.ndarray:
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
        phi0, gamma, alpha, beta = safe_params(valid, phi0, gamma, alpha, beta)
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

    def draw_vt_conditional(self, theta: np.ndarray, *, rng: np.random.Generator) -> np.ndarray:
        """Exact draw of every unknown vt given theta: vt^2/(2A) ~ Beta(1 - beta, n + 1)."""
        with np.errstate(all="ignore"):
            valid, phi0, gamma, alpha, beta, n, log_k = self._model(theta)
            a = np.clip(self._phi_los(phi0, gamma) - 0.5 * self._vr2_los, 0.0, None)
            shape = a.shape
            u = rng.beta(np.broadcast_to((1.0 - beta)[:, None], shape), np.broadcast_to((n + 1.0)[:, None], shape))
        return np.sqrt(2.0 * a * u)

    def draw_vt_prior(self, theta: np.ndarray, *, rng: np.random.Generator) -> np.ndarray:
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

    def draw_vt_conditional_sampler(self, z: np.ndarray, *, rng: np.random.Generator) -> np.ndarray:
        return self.draw_vt_conditional(self.from_sampler(z), rng=rng)

    def initial_points(self, n_groups: int, n_per_group: int, *, rng: np.random.Generator,
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
            cand = self.sample_prior(max(4 * need, 256), rng=rng)
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
