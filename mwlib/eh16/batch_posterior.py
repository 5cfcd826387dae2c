"""The marginal posterior of Eadie & Harris (2016) Eq. 18 for a stack of data sets: one vectorized call per step.

:class:`BatchPosterior` equals :meth:`mwlib.eh16.posterior.Posterior.log_prob_marginal` (to ~1e-11) for B data
sets x M walkers at once, in the fast sampler's unbounded coordinates. Its sums over tracers run in a fixed order
whatever B and M, so a data set's numbers do not depend on the batch it is in (batched fits equal single fits
bitwise; :func:`mwlib.eh16.fit.fit_batch`).
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
from scipy.special import betaln, expit, exprel, gammaln, log_expit, logit

from mwlib.eh16.model import _LOG_2, _LOG_PI
from mwlib.eh16.posterior import Posterior


# --------------------------------------------------------------------------------------------
_LOG_K_CONST = 1.5 * _LOG_PI + 1.5 * _LOG_2


def _sum_log(e: np.ndarray, group: int, risky: np.ndarray) -> np.ndarray:
    """sum_i log e_i over axis 0 of positive (R, ...) rows, as the log of products of ``group``
    rows (one log per ``group`` values). Elementwise products and axis-0 sums only, so that a
    column's result does not depend on the other columns (batched == single fits, bitwise).
    ``risky`` columns (some value outside [1e-70, 1e70], where a product could leave the range
    of doubles) are summed term by term."""
    rows = e.shape[0]
    q = rows // group if group > 1 else 0
    if q == 0:
        return np.log(e).sum(axis=0)
    prod = e[0:q] * e[q:2 * q]
    for k in range(2, group):
        prod *= e[k * q:(k + 1) * q]
    total = np.log(prod).sum(axis=0)
    if group * q < rows:
        total = total + np.log(e[group * q:]).sum(axis=0)
    if risky.any():
        total = np.where(risky, 0.0, total)
        total[risky] = np.log(e[:, risky]).sum(axis=0)
    return total


class BatchPosterior:
    """The marginal posterior of :class:`Posterior` for B data sets at once (one scenario, same
    settings), in the fast sampler's unbounded coordinates (see ``to_sampler``).

    ``z`` arrays are (B, M, d): M points (walkers) of the d free parameters in sampler
    coordinates for each data set; the result is (B, M); :meth:`log_prob_marginal` takes model
    parameters instead and equals :meth:`Posterior.log_prob_marginal`. ``index`` arguments pick
    the data sets (rows) that an array belongs to (cached by identity: do not modify an index
    array in place between calls). The data sets must have equal numbers
    of complete and of line-of-sight tracers (mocks of one design). Per-tracer constants are
    precomputed and stacked as (T, B, 1); the energies of all walkers of all data sets are one
    (T, B, M) array (tracers first: sums over tracers run row by row, in the same order whatever
    B and M, so a data set's numbers do not depend on the batch it is in). With gamma fixed the
    radial factors r^-gamma are precomputed too (no exp per tracer). ``log_group`` energies
    are multiplied before each log (the energies are O(1e-3..1e3): a product of 4 is safe).
    """

    def __init__(self, posteriors: "Sequence[Posterior]", log_group: int = 4) -> None:
        posts = list(posteriors)
        if not posts:
            raise ValueError("BatchPosterior needs at least one data set")
        first = posts[0]
        for p in posts[1:]:
            if (p.scenario != first.scenario or (p.likelihood, p.normalization, p.vt_prior)
                    != (first.likelihood, first.normalization, first.vt_prior)):
                raise ValueError("all data sets of a batch need the same scenario and likelihood settings")
            if (p.n_complete, p.n_los) != (first.n_complete, first.n_los):
                raise ValueError("all data sets of a batch need the same numbers of complete and "
                                 "line-of-sight tracers (group them first, see fit_batch)")
        self.posteriors = posts
        self.scenario, self.free, self.priors = first.scenario, first.free, first.priors
        self.likelihood, self.normalization, self.vt_prior = first.likelihood, first.normalization, first.vt_prior
        self.n_complete, self.n_los = first.n_complete, first.n_los
        self.n_tracers = first.data.n
        self.n_sets = len(posts)
        self.log_group = int(log_group)
        col = lambda xs: np.stack([np.asarray(x, float) for x in xs], axis=1)[..., None]  # (T, B, 1)
        per = lambda xs: np.array([float(x) for x in xs])[:, None]  # (B, 1)
        c_masks = [p.data.complete for p in posts]
        self._L = col([np.concatenate([np.log(p.data.r_kpc[c]), np.log(p.data.r_kpc[~c])]) for p, c in zip(posts, c_masks)])
        self._h = col([0.5 * np.concatenate([p.data.vr[c] ** 2 + p.data.vt[c] ** 2, p.data.vr[~c] ** 2])
                       for p, c in zip(posts, c_masks)])
        self._sum_log_l_c = per([p._log_l_c.sum() for p in posts])
        self._sum_log_r_los = per([p._log_r_los.sum() for p in posts])
        self._log_r_pivot = per([p._log_r_pivot for p in posts])
        self._r_min = per([p.r_range_kpc[0] for p in posts])
        self._r_max = per([p.r_range_kpc[1] for p in posts])
        self._fixed = {name: prior.a for name, prior in self.priors.items() if prior.kind == "fixed"}
        self._x_fixed = None
        if "gamma" in self._fixed:
            with np.errstate(all="ignore"):
                self._x_fixed = np.exp(-self._fixed["gamma"] * self._L)  # r^-gamma, (T, B, 1)
        self._cache: tuple | None = None

    # -- data-set subsets (the sampler drops data sets that have converged) -------------------
    _PER_SET = ("_L", "_h", "_sum_log_l_c", "_sum_log_r_los", "_log_r_pivot", "_r_min", "_r_max", "_x_fixed")

    def _consts(self, index: np.ndarray | None) -> dict[str, Any]:
        if index is None:
            return {k: getattr(self, k) for k in self._PER_SET}
        if self._cache is not None and self._cache[2] is index:
            return self._cache[1]
        key = tuple(np.asarray(index).tolist())
        if self._cache is None or self._cache[0] != key:
            idx = np.asarray(index, int)
            sub = {}
            for k in self._PER_SET:
                v = getattr(self, k)
                sub[k] = None if v is None else (v[:, idx] if v.ndim == 3 else v[idx])
            self._cache = (key, sub, index)
        else:
            self._cache = (key, self._cache[1], index)
        return self._cache[1]

    # -- coordinates ------------------------------------------------------------------------
    # The fast sampler moves in unbounded coordinates: s = log(gamma Phi_o r_p^-gamma) for Phi_o
    # (as Posterior.to_sampler), logit((x - lo)/(hi - lo)) for a parameter with a uniform prior
    # on [lo, hi] (a posterior piled up at a bound, like gamma's at 0.3 in Scenario XII, becomes
    # a tail that a Student-t proposal covers), log(alpha - 3) under the Gamma prior.
    def _kind(self, name: str) -> str:
        if name == "phi0":
            return "s"
        return "logit" if self.priors[name].kind == "uniform" else "log3"

    def to_sampler(self, theta: np.ndarray, index: np.ndarray | None = None) -> np.ndarray:
        """Free parameters (B', ..., d) -> sampler coordinates (B', ..., d)."""
        c = self._consts(index)
        theta = np.asarray(theta, float)
        pivot = c["_log_r_pivot"].reshape((-1,) + (1,) * (theta.ndim - 2))
        gamma = self._fixed["gamma"] if "gamma" in self._fixed else theta[..., self.free.index("gamma")]
        z = np.empty_like(theta)
        with np.errstate(all="ignore"):
            for j, name in enumerate(self.free):
                x, kind = theta[..., j], self._kind(name)
                if kind == "s":
                    z[..., j] = np.log(x) + np.log(gamma) - gamma * pivot
                elif kind == "logit":
                    lo, hi = self.priors[name].a, self.priors[name].b
                    z[..., j] = logit((x - lo) / (hi - lo))
                else:
                    z[..., j] = np.log(x - 3.0)
        return z

    def _unpack(self, z: np.ndarray, pivot: np.ndarray):
        """Sampler coordinates (..., d) -> (log_phi0, gamma, alpha, beta, log prior + log Jacobian)."""
        shape = z.shape[:-1]
        values: dict[str, Any] = {k: np.broadcast_to(v, shape) for k, v in self._fixed.items()}
        extra = np.zeros(shape)
        for j, name in enumerate(self.free):
            kind, u = self._kind(name), z[..., j]
            if kind == "logit":
                lo, hi = self.priors[name].a, self.priors[name].b
                values[name] = lo + (hi - lo) * expit(u)
                extra = extra + (math.log(hi - lo) + log_expit(u) + log_expit(-u))
            elif kind == "log3":
                prior = self.priors[name]
                eta = np.exp(u)
                values[name] = 3.0 + eta
                extra = extra + u + (prior.a - 1.0) * u - prior.b * eta  # Jacobian + Gamma prior (Eq. 21)
        gamma = values["gamma"]
        if "phi0" in self._fixed:
            phi0 = self._fixed["phi0"]
            log_phi0 = np.broadcast_to(math.log(phi0) if phi0 > 0 else np.nan, shape)
        else:
            log_phi0 = z[..., self.free.index("phi0")] - np.log(gamma) + gamma * pivot
            extra = extra + log_phi0  # Jacobian of Phi_o -> s
            prior = self.priors["phi0"]
            if prior.kind == "uniform":
                phi0 = np.exp(log_phi0)
                extra = np.where((phi0 >= prior.a) & (phi0 <= prior.b), extra, -np.inf)
        return log_phi0, gamma, values["alpha"], values["beta"], extra

    def from_sampler(self, z: np.ndarray, index: np.ndarray | None = None) -> np.ndarray:
        """Sampler coordinates (B', ..., d) -> free parameters (B', ..., d)."""
        c = self._consts(index)
        z = np.asarray(z, float)
        pivot = c["_log_r_pivot"].reshape((-1,) + (1,) * (z.ndim - 2))
        with np.errstate(all="ignore"):
            log_phi0, gamma, alpha, beta, _ = self._unpack(z, pivot)
        values = {"phi0": np.exp(log_phi0), "gamma": gamma, "alpha": alpha, "beta": beta}
        return np.stack([np.broadcast_to(values[name], z.shape[:-1]) for name in self.free], axis=-1)

    # -- the density ------------------------------------------------------------------------
    def log_prob_sampler(self, z: np.ndarray, index: np.ndarray | None = None) -> np.ndarray:
        """log posterior (vt integrated out) + log Jacobian in the fast sampler's coordinates,
        (B', M) for z of shape (B', M, d); ``index`` selects the data sets (rows of the batch)."""
        c = self._consts(index)
        z = np.asarray(z, float)
        with np.errstate(all="ignore"):
            log_phi0, gamma, alpha, beta, extra = self._unpack(z, c["_log_r_pivot"])
            ok = ((gamma > 0) & (alpha > 0) & (beta < 1.0) & (alpha > gamma)
                  & (alpha > beta * (2.0 - gamma) + 0.5 * gamma) & np.isfinite(log_phi0)
                  & np.isfinite(gamma) & np.isfinite(alpha) & np.isfinite(beta) & np.isfinite(extra))
            # harmless values where invalid, so that the special functions stay quiet
            gamma, alpha, beta = np.where(ok, gamma, 0.5), np.where(ok, alpha, 3.5), np.where(ok, beta, 0.0)
            log_phi0 = np.where(ok, log_phi0, 3.0)
            s = (alpha - 2.0 * beta) / gamma
            n = s + beta - 1.5
            log_k = gammaln(s + 1.0) - gammaln(s + beta - 0.5) - _LOG_K_CONST + beta * _LOG_2 - s * log_phi0
            if self.normalization == "exact":
                log_k = log_k - gammaln(1.0 - beta)
            if c["_x_fixed"] is not None:
                energy = np.exp(log_phi0) * c["_x_fixed"] - c["_h"]
            else:
                energy = np.exp(log_phi0 - gamma * c["_L"]) - c["_h"]  # (T, B, M): Phi(r) - v^2/2
            e_min = energy.min(axis=0)
            bound = ok & (e_min > 0)
            risky = bound & ((e_min < 1e-70) | (energy.max(axis=0) > 1e70))
            nc, nl = self.n_complete, self.n_los
            ll = extra
            if nc:
                ll = ll + nc * log_k + n * _sum_log(energy[:nc], self.log_group, risky) - 2.0 * beta * c["_sum_log_l_c"]
            if nl:
                sum_log_a = _sum_log(energy[nc:], self.log_group, risky)
                ll = (ll + nl * (log_k + betaln(1.0 - beta, n + 1.0) - _LOG_2) - 2.0 * beta * c["_sum_log_r_los"]
                      + (1.0 - beta) * nl * _LOG_2 + (1.0 - beta + n) * sum_log_a)
                if self.vt_prior == "escape":  # - sum log Phi(r_i) over the line-of-sight tracers
                    ll = ll - (nl * log_phi0 - gamma * c["_sum_log_r_los"])
            if self.likelihood == "normalized":
                ll = ll - self.n_tracers * _log_radial_normalization_batch(alpha, c["_r_min"], c["_r_max"])
        return np.where(bound & np.isfinite(ll), ll, -np.inf)

    def log_prob_marginal(self, theta: np.ndarray, index: np.ndarray | None = None) -> np.ndarray:
        """log posterior at free parameters theta (B', M, d) (no Jacobian): Posterior.log_prob_marginal."""
        z = self.to_sampler(theta, index)
        c = self._consts(index)
        with np.errstate(all="ignore"):
            _, gamma, alpha, beta, _ = self._unpack(z, c["_log_r_pivot"])
            log_jac = np.zeros(z.shape[:-1])
            for j, name in enumerate(self.free):
                kind, u = self._kind(name), z[..., j]
                if kind == "s":
                    log_jac = log_jac + np.log(np.asarray(theta, float)[..., j])
                elif kind == "logit":
                    lo, hi = self.priors[name].a, self.priors[name].b
                    log_jac = log_jac + math.log(hi - lo) + log_expit(u) + log_expit(-u)
                else:
                    log_jac = log_jac + u
        lp = self.log_prob_sampler(z, index)
        return lp - log_jac


def _log_radial_normalization_batch(alpha: np.ndarray, r_min: np.ndarray, r_max: np.ndarray) -> np.ndarray:
    """:func:`log_radial_normalization` with per-data-set ranges (arrays broadcasting with alpha)."""
    s = 3.0 - alpha
    log_ratio = np.log(r_max / r_min)
    return math.log(4.0 * math.pi) + s * np.log(r_min) + np.log(log_ratio) + np.log(exprel(s * log_ratio))
