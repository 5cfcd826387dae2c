"""Exact quadrature of the Eadie & Harris (2016) posterior for scenarios with one or two free parameters.

:func:`grid_posteriors` tabulates the marginal posterior on an adaptive grid (midpoint rule): a check of the
samplers (``tests/test_fast_sampler.py``), not a production path.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from mwlib.core import batch_ensemble
from mwlib.eh16.batch_posterior import BatchPosterior
from mwlib.eh16.model import PARAM_NAMES, Normalization, mass_enclosed
from mwlib.eh16.posterior import LikelihoodKind, Posterior, TracerTable, VtPrior
from mwlib.eh16.scenarios import Scenario

#: What :meth:`GridPosterior.values` evaluates: a parameter name, ``"M125"``, or a function of the parameters.
Quantity = str | Callable[[dict[str, np.ndarray]], ArrayLike]


@dataclass
class GridPosterior:
    """The posterior of one data set tabulated on a grid (midpoint rule), for 1-2 free parameters.

    The grid is a box in the coordinates of :meth:`Posterior.to_sampler` (s = log(gamma Phi_o
    r_p^-gamma) for Phi_o, the other parameters as they are), clipped to the prior's support and
    otherwise wide enough that the density on its open faces is below ``exp(-edge_log_drop)`` of
    the peak. ``theta`` (n_nodes, d) are the free parameters at the cell centres, ``weights``
    their normalized posterior masses.
    """

    free: tuple[str, ...]
    fixed: dict[str, float]
    theta: np.ndarray
    weights: np.ndarray
    edges: list[np.ndarray]
    to_params: Callable[[np.ndarray], np.ndarray] | None = field(repr=False, default=None)

    def params(self, theta: np.ndarray | None = None) -> dict[str, np.ndarray]:
        theta = self.theta if theta is None else theta
        cols = dict(zip(self.free, theta.T))
        return {p: cols[p] if p in cols else np.full(theta.shape[0], self.fixed[p]) for p in PARAM_NAMES}

    def _sub_points(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """k^d points per cell on a regular sub-grid (the density is constant on a cell) and their
        weights: a function of the parameters varies within a cell, the density does not."""
        d = len(self.edges)
        shape = tuple(e.size - 1 for e in self.edges)
        axes = []
        for e in self.edges:
            h = np.diff(e)
            frac = (np.arange(k) + 0.5) / k
            axes.append((e[:-1, None] + h[:, None] * frac[None, :]).ravel())  # (n * k,)
        mesh = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, d)
        w = self.weights.reshape(shape)
        for j in range(d):
            w = np.repeat(w, k, axis=j)
        return self.to_params(mesh), w.ravel() / k**d

    def values(self, quantity: Quantity, k: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Values of a parameter, of ``"M125"`` or of ``quantity(params_dict)`` on the sub-points,
        with their weights."""
        k = (8 if len(self.edges) == 1 else 4) if k is None else int(k)
        theta, w = self._sub_points(k)
        p = self.params(theta)
        if callable(quantity):
            return np.asarray(quantity(p), float), w
        if quantity == "M125":
            return mass_enclosed(125.0, p["phi0"], p["gamma"]), w
        return p[quantity], w

    @staticmethod
    def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: ArrayLike) -> np.ndarray:
        """Quantiles of a weighted sample, ties merged, linear between the mid-points of the CDF steps."""
        vals, inv = np.unique(values, return_inverse=True)
        wsum = np.bincount(inv.ravel(), weights=weights)
        cdf = np.cumsum(wsum) - 0.5 * wsum
        return np.interp(np.asarray(q, float), cdf, vals)

    def summary(self, quantity: Quantity) -> dict[str, float]:
        """Mean, sd and the 2.5/25/50/75/97.5% quantiles of a parameter, ``"M125"`` or a function."""
        values, w = self.values(quantity)
        m = float(np.sum(w * values))
        q = self.weighted_quantile(values, w, [0.025, 0.25, 0.5, 0.75, 0.975])
        return {"mean": m, "sd": float(np.sqrt(np.sum(w * (values - m) ** 2))), "q2.5": float(q[0]),
                "q25": float(q[1]), "median": float(q[2]), "q75": float(q[3]), "q97.5": float(q[4])}

    def sample(self, n: int, *, rng: np.random.Generator) -> np.ndarray:
        """iid draws (n, d) of the free parameters from the piecewise-constant grid density."""
        cells = rng.choice(self.weights.size, size=n, p=self.weights)
        idx = np.unravel_index(cells, tuple(e.size - 1 for e in self.edges))
        z = np.column_stack([e[i] + (e[i + 1] - e[i]) * rng.uniform(size=n) for e, i in zip(self.edges, idx)])
        return self.to_params(z)


def grid_posteriors(datasets: Sequence[TracerTable], scenario: Scenario, *, rng: np.random.Generator,
                    n_cells: int | None = None,
                    half_width: float = 8.0, edge_log_drop: float = 25.0, max_widen: int = 8,
                    likelihood: LikelihoodKind = "paper", normalization: Normalization = "exact",
                    vt_prior: VtPrior = "flat", alpha_prior: tuple[float, float] | None = None,
                    r_range_kpc: tuple[float, float] | None = None) -> list[GridPosterior]:
    """Tabulate the posterior of each data set (1 or 2 free parameters) on an adaptive grid.

    No Monte Carlo error (the midpoint rule's error is O(cell^2)): the mode and Laplace covariance
    (:func:`mwlib.core.batch_ensemble.find_modes`, started from the best of 512 prior draws, data set k's
    from the k-th child of ``rng``; only the start of the mode search is random) centre a box of +-``half_width`` Laplace sds per axis in the
    coordinates of :meth:`Posterior.to_sampler`, clipped to the prior's support, with
    ``n_cells`` cells per axis (default 4000 in 1-D, 300 x 300 in 2-D); each open face moves out
    by 50% until the log density on it is ``edge_log_drop`` below the peak. The density is that
    of :class:`BatchPosterior` (all data sets of a batch in one call per round).
    """
    if scenario.needs_alpha_prior:
        if alpha_prior is None:
            raise ValueError("scenario has alpha='prior': pass alpha_prior=(shape, rate)")
        scenario = scenario.with_alpha_prior(*alpha_prior)
    posts = [Posterior(d, scenario, likelihood=likelihood, normalization=normalization, vt_prior=vt_prior,
                       r_range_kpc=r_range_kpc) for d in datasets]
    free = posts[0].free
    d = len(free)
    if d not in (1, 2):
        raise ValueError(f"grid quadrature is for 1 or 2 free parameters, not {d}")
    n_cells = (4000 if d == 1 else 300) if n_cells is None else int(n_cells)
    # prior support per axis in Posterior.to_sampler coordinates (s for Phi_o is unbounded)
    support = []
    for name in free:
        prior = posts[0].priors[name]
        if name == "phi0":
            support.append((-np.inf, np.inf))
        elif prior.kind == "uniform":
            support.append((prior.a, prior.b))
        else:
            support.append((3.0, np.inf))
    out: list[GridPosterior | None] = [None] * len(posts)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    children = rng.spawn(len(posts))
    groups: dict[tuple[int, int], list[int]] = {}
    for k, p in enumerate(posts):
        groups.setdefault((p.n_complete, p.n_los), []).append(k)
    for members in groups.values():
        batch = BatchPosterior([posts[k] for k in members])
        nb = len(members)
        starts = np.stack([posts[k].sample_prior(512, rng=children[k]) for k in members])
        z0 = batch.to_sampler(starts)
        lp0 = batch.log_prob_sampler(z0)
        best = np.argmax(np.where(np.isfinite(lp0), lp0, -np.inf), axis=1)
        modes = batch_ensemble.find_modes(batch.log_prob_sampler, z0[np.arange(nb), best][:, None, :], np.arange(nb))
        # Laplace mode and sds, mapped to Posterior.to_sampler coordinates by sampling around the mode
        fast_mode, fast_cov = modes["mode"][:, 0], modes["cov"][:, 0]
        probe = fast_mode[:, None, :] + np.sqrt(np.diagonal(fast_cov, axis1=-2, axis2=-1))[:, None, :] * np.concatenate(
            [np.zeros((1, d)), np.eye(d), -np.eye(d)])[None]
        theta_probe = batch.from_sampler(probe)
        legacy = np.stack([posts[k].to_sampler(theta_probe[j]) for j, k in enumerate(members)])
        centre = legacy[:, 0]
        spread = np.maximum(np.abs(legacy[:, 1:d + 1] - centre[:, None]), np.abs(legacy[:, d + 1:] - centre[:, None]))
        sd = np.stack([spread[:, j, j] for j in range(d)], axis=-1)
        lo = np.stack([np.maximum(centre[:, j] - half_width * sd[:, j], support[j][0]) for j in range(d)], axis=-1)
        hi = np.stack([np.minimum(centre[:, j] + half_width * sd[:, j], support[j][1]) for j in range(d)], axis=-1)
        todo = np.ones(nb, bool)
        results: list[Any] = [None] * nb
        for _ in range(max_widen + 1):
            idx = np.flatnonzero(todo)
            if not idx.size:
                break
            edges = [np.linspace(lo[idx, j], hi[idx, j], n_cells + 1, axis=-1) for j in range(d)]  # (b, n+1)
            mids = [0.5 * (e[:, 1:] + e[:, :-1]) for e in edges]
            mesh = np.stack(np.broadcast_arrays(*[m.reshape((idx.size,) + tuple(n_cells if i == j else 1 for i in range(d)))
                                                  for j, m in enumerate(mids)]), axis=-1).reshape(idx.size, -1, d)
            theta = np.stack([posts[members[b]].from_sampler(mesh[slot]) for slot, b in enumerate(idx)])
            lp = batch.log_prob_marginal(theta, idx)
            if "phi0" in free:  # density in s = log(gamma Phi_o r_p^-gamma): Jacobian Phi_o
                with np.errstate(divide="ignore", invalid="ignore"):
                    lp = lp + np.log(theta[..., free.index("phi0")])
            lp = np.where(np.isfinite(lp), lp, -np.inf).reshape((idx.size,) + (n_cells,) * d)
            peak = np.max(lp.reshape(idx.size, -1), axis=1)
            widened = np.zeros(idx.size, bool)
            for j in range(d):
                width = hi[idx, j] - lo[idx, j]
                for side, cell in (("lo", 0), ("hi", n_cells - 1)):
                    face = np.take(lp, cell, axis=j + 1).reshape(idx.size, -1).max(axis=1)
                    at_bound = (lo[idx, j] <= support[j][0]) if side == "lo" else (hi[idx, j] >= support[j][1])
                    grow = (face > peak - edge_log_drop) & ~at_bound
                    if side == "lo":
                        lo[idx[grow], j] = np.maximum(lo[idx[grow], j] - 0.5 * width[grow], support[j][0])
                    else:
                        hi[idx[grow], j] = np.minimum(hi[idx[grow], j] + 0.5 * width[grow], support[j][1])
                    widened |= grow
            for slot, b in enumerate(idx):
                results[b] = (lp[slot], theta[slot], [e[slot] for e in edges])
            todo[idx] = widened
        for slot, k in enumerate(members):
            lp, theta, edges = results[slot]
            w = np.exp(lp.ravel() - np.max(lp))
            w /= w.sum()
            out[k] = GridPosterior(free=free, fixed={p: pr.a for p, pr in posts[k].priors.items() if pr.kind == "fixed"},
                                   theta=theta, weights=w, edges=edges, to_params=posts[k].from_sampler)
            if todo[slot]:
                warnings.warn(f"grid for data set {k}: density at the edge still above exp(-{edge_log_drop}) of the peak")
    return out  # type: ignore[return-value]
