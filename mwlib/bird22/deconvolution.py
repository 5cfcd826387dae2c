"""One-component extreme deconvolution of 3-D velocities (Bird et al. 2022, Sections 2.1 and 4.4).

Bird et al. (2022) run the ``extreme-deconvolution`` package (Bovy, Hogg & Roweis 2011, AnnApSci
5, 1657) with one Gaussian component on the (v_r, v_theta, v_phi) of the stars of each radial bin,
with every star's full error covariance: v_i ~ N(m, V + S_i). With one component the maximum of
that likelihood can be found directly, which is what :func:`deconvolve` does:

* **direct maximization** of sum_i ln N(v_i | m, V + S_i) over the mean m and the Cholesky factor
  of V (log diagonal), by BFGS with the analytic gradient (d/dm = sum T_i^-1 w_i,
  d/dV = (1/2) sum (T_i^-1 w_i w_i^T T_i^-1 - T_i^-1), T_i = V + S_i, w_i = v_i - m), on data
  centred and scaled per component for conditioning;
* **EM as the check** (:func:`em_step`, Bovy et al. 2011 Eqs. 16-19 with one component and R = I):
  at a maximum of the likelihood the EM update leaves (m, V) unchanged. The result is accepted as
  converged when one EM step moves no element of m or V by more than ``tol`` in units of the
  dispersions; if it does, EM iterations continue from the optimizer's point (up to ``max_iter``).

EM alone converges slowly where the errors exceed the dispersion (the outer bins; thousands of
iterations); from the optimizer's point it needs none or a few. Non-convergence is not a warning
but part of the result (:attr:`Deconvolution.converged`), reported per bin by
:func:`mwlib.bird22.dispersion.bin_dispersions`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

__all__ = ["Deconvolution", "deconvolve", "em_step", "log_likelihood"]

_NDIM = 3
# Index pairs of the 6 unique elements of a symmetric 3x3 matrix, order (00, 01, 02, 11, 12, 22).
_IU = np.triu_indices(_NDIM)
_IL = np.tril_indices(_NDIM)
_DIAG = np.array([0, 2, 5])  # positions of the diagonal in the row-major lower triangle
_SYM_TOL = 1e-8  # relative asymmetry tolerated in input covariances
_PSD_TOL = 1e-10  # relative negative minor tolerated (round-off) in input covariances


@dataclass(frozen=True)
class Deconvolution:
    """The error-deconvolved (intrinsic) mean [3] and covariance [3x3] of one set of stars.

    ``converged``: one EM step from the result moves (m, V) by less than ``tol`` (see the module
    docstring); ``em_iterations``: EM steps taken after the direct maximization (0 when the
    optimizer's point already passed the check); ``max_change``: the last EM step's largest change.
    """

    mean: np.ndarray
    covariance: np.ndarray
    converged: bool
    em_iterations: int
    max_change: float

    @property
    def sigma(self) -> np.ndarray:
        return np.sqrt(np.diag(self.covariance))


def _validate_xd_inputs(v: np.ndarray, cov: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Check shapes, finiteness, symmetry and positive semi-definiteness; return float arrays."""
    v = np.asarray(v, dtype=float)
    cov = np.asarray(cov, dtype=float)
    if v.ndim != 2 or v.shape[1] != _NDIM:
        raise ValueError(f"v must have shape (N, 3); got {v.shape}")
    n = v.shape[0]
    if cov.shape != (n, _NDIM, _NDIM):
        raise ValueError(f"cov must have shape (N, 3, 3) = ({n}, 3, 3); got {cov.shape}")
    if n < _NDIM + 1:
        raise ValueError(f"need at least {_NDIM + 1} stars to estimate a 3x3 covariance; got {n}")
    if not np.all(np.isfinite(v)):
        raise ValueError("v contains non-finite values")
    if not np.all(np.isfinite(cov)):
        raise ValueError("cov contains non-finite values")

    d = np.einsum("nii->ni", cov)  # view of the diagonals
    if np.any(d < 0):
        raise ValueError("cov has negative variances on its diagonal")
    scale = np.sqrt(d[:, :, None] * d[:, None, :])
    asym = np.abs(cov - np.swapaxes(cov, 1, 2))
    if np.any(asym > _SYM_TOL * scale + 1e-300):
        raise ValueError("cov is not symmetric (per-star error covariances must be symmetric)")
    del asym, scale
    # A symmetric 3x3 matrix is PSD iff all its principal minors are >= 0.
    minors2 = (
        (d[:, 0] * d[:, 1] - cov[:, 0, 1] ** 2, d[:, 0] * d[:, 1]),
        (d[:, 0] * d[:, 2] - cov[:, 0, 2] ** 2, d[:, 0] * d[:, 2]),
        (d[:, 1] * d[:, 2] - cov[:, 1, 2] ** 2, d[:, 1] * d[:, 2]),
    )
    for minor, ref in minors2:
        if np.any(minor < -_PSD_TOL * ref):
            raise ValueError("cov is not positive semi-definite for some stars (2x2 minor < 0)")
    det = np.linalg.det(cov)
    if np.any(det < -_PSD_TOL * d.prod(axis=1)):
        raise ValueError("cov is not positive semi-definite for some stars (determinant < 0)")
    return v, cov


def _sym_inv3(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Inverse and determinant of symmetric 3x3 matrices stored as 6 rows (00,01,02,11,12,22).

    ``a`` has shape (6, N); cofactors avoid building N x 3 x 3 temporaries and are exact enough
    because the matrices are whitened (order-unity entries) before the EM loop.
    """
    a00, a01, a02, a11, a12, a22 = a
    c = np.empty_like(a)
    c[0] = a11 * a22 - a12 * a12
    c[1] = a02 * a12 - a01 * a22
    c[2] = a01 * a12 - a02 * a11
    c[3] = a00 * a22 - a02 * a02
    c[4] = a01 * a02 - a00 * a12
    c[5] = a00 * a11 - a01 * a01
    det = a00 * c[0] + a01 * c[1] + a02 * c[2]
    c /= det
    return c, det


def _sym_matvec(a: np.ndarray, w: np.ndarray) -> np.ndarray:
    """(6, N) symmetric matrices times (3, N) vectors -> (3, N)."""
    a00, a01, a02, a11, a12, a22 = a
    return np.stack(
        (
            a00 * w[0] + a01 * w[1] + a02 * w[2],
            a01 * w[0] + a11 * w[1] + a12 * w[2],
            a02 * w[0] + a12 * w[1] + a22 * w[2],
        )
    )


def _sym_to_full(a6: np.ndarray) -> np.ndarray:
    full = np.empty((_NDIM, _NDIM))
    full[_IU] = a6
    full.T[_IU] = a6
    return full


def _initial_covariance(x: np.ndarray, s6: np.ndarray) -> np.ndarray:
    """Moment estimate V0 = cov(x) - <S>, eigenvalues floored so V0 is positive definite."""
    sample = np.cov(x, bias=True)
    v0 = sample - _sym_to_full(s6.mean(axis=1))
    evals, evecs = np.linalg.eigh(v0)
    floor = 1e-2 * max(np.trace(sample) / _NDIM, np.finfo(float).tiny)
    evals = np.maximum(evals, floor)
    return (evecs * evals) @ evecs.T


def em_step(x: np.ndarray, s6: np.ndarray, m: np.ndarray, vmat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One EM update (Bovy et al. 2011, Eqs. 16-19, one component, R = I) in whitened units.

    ``x`` (3, N) data, ``s6`` (6, N) unique elements of the error covariances, ``m`` (3,), ``vmat``
    (3, 3). With b_i = m + V T_i^-1 (v_i - m): m' = <b_i>, V' = <(b_i - m')(b_i - m')^T> + V - V <T_i^-1> V.
    """
    n = x.shape[1]
    tinv, _det = _sym_inv3(s6 + vmat[_IU][:, None])
    w = x - m[:, None]
    b = m[:, None] + vmat @ _sym_matvec(tinv, w)
    m_new = b.mean(axis=1)
    d = b - m_new[:, None]
    v_new = (d @ d.T) / n + vmat - vmat @ _sym_to_full(tinv.mean(axis=1)) @ vmat
    return m_new, 0.5 * (v_new + v_new.T)


def _relative_change(m_old, v_old, m_new, v_new) -> float:
    sig = np.sqrt(np.diag(v_new))
    return float(max(np.max(np.abs(m_new - m_old) / sig), np.max(np.abs(v_new - v_old) / np.outer(sig, sig))))


def _unpack(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(9,) = mean (3) and the row-major lower triangle of L with log diagonal (6) -> (m, L)."""
    m = theta[:3]
    lower = theta[3:].copy()
    lower[_DIAG] = np.exp(lower[_DIAG])
    chol = np.zeros((_NDIM, _NDIM))
    chol[_IL] = lower
    return m, chol


def _pack(m: np.ndarray, vmat: np.ndarray) -> np.ndarray:
    chol = np.linalg.cholesky(vmat)
    lower = chol[_IL].copy()
    lower[_DIAG] = np.log(lower[_DIAG])
    return np.concatenate([m, lower])


def _neg_log_likelihood(theta: np.ndarray, x: np.ndarray, s6: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean negative log-likelihood (constant dropped) and its gradient in the packed parameters."""
    m, chol = _unpack(theta)
    vmat = chol @ chol.T
    n = x.shape[1]
    tinv, det = _sym_inv3(s6 + vmat[_IU][:, None])
    if np.any(det <= 0):
        return np.inf, np.zeros_like(theta)
    w = x - m[:, None]
    u = _sym_matvec(tinv, w)  # T_i^-1 w_i, (3, N)
    value = 0.5 * (np.sum(u * w) + np.sum(np.log(det))) / n
    grad_m = -u.sum(axis=1) / n
    # G = dF/dV = (1/2N) sum (T^-1 - u u^T)
    g = 0.5 * (_sym_to_full(tinv.sum(axis=1)) - u @ u.T) / n
    grad_l = 2.0 * (g @ chol)
    grad_lower = grad_l[_IL]
    grad_lower[_DIAG] *= chol[_IL][_DIAG]  # d/d(log L_kk)
    return float(value), np.concatenate([grad_m, grad_lower])


def deconvolve(v: np.ndarray, cov: np.ndarray, *, tol: float = 1e-6, max_iter: int = 10_000) -> Deconvolution:
    """Maximum-likelihood mean and intrinsic covariance of noisy 3-D data: the one-component extreme
    deconvolution of Bird et al. (2022) Sections 2.1 and 4.4 (module docstring).

    Parameters
    ----------
    v : (N, 3) array
        Observed velocities (any units; km/s in mwlib).
    cov : (N, 3, 3) array
        Per-star error covariances, symmetric positive semi-definite (zeros allowed: with all-zero
        errors the result is the sample mean and the ML sample covariance, normalised by N).
    tol : float
        The EM check: converged when one EM step changes no element of the mean or covariance by
        more than ``tol`` in units of the dispersions (|dm_k|/sigma_k, |dV_jk|/(sigma_j sigma_k)).
    max_iter : int
        Most EM steps taken after the direct maximization if the check fails.
    """
    if not (tol > 0):
        raise ValueError(f"tol must be positive; got {tol}")
    if max_iter < 1:
        raise ValueError(f"max_iter must be >= 1; got {max_iter}")
    v, cov = _validate_xd_inputs(v, cov)
    n = v.shape[0]

    # Whiten per component: centre on the sample mean, scale by the observed rms (data + errors).
    shift = v.mean(axis=0)
    mean_err_var = np.einsum("nii->i", cov) / n
    scale = np.sqrt(v.var(axis=0) + mean_err_var)
    if np.any(scale == 0):
        raise ValueError("a velocity component has zero spread and zero errors: covariance singular")
    x = ((v - shift) / scale).T  # (3, N), contiguous rows
    inv_outer = 1.0 / np.outer(scale, scale)
    s6 = cov[:, _IU[0], _IU[1]].T * inv_outer[_IU][:, None]  # (6, N) whitened unique elements

    start = _pack(np.zeros(_NDIM), _initial_covariance(x, s6))
    with np.errstate(all="ignore"):
        res = minimize(_neg_log_likelihood, start, args=(x, s6), jac=True, method="BFGS",
                       options={"gtol": 1e-10, "maxiter": 2000})
    m, chol = _unpack(res.x)
    vmat = chol @ chol.T
    change, steps = np.inf, 0
    while steps < max_iter:
        m_new, v_new = em_step(x, s6, m, vmat)
        change = _relative_change(m, vmat, m_new, v_new)
        steps += 1
        m, vmat = m_new, v_new
        if change < tol:
            break
    mean = shift + scale * m
    covariance = vmat * np.outer(scale, scale)
    return Deconvolution(mean, covariance, bool(change < tol), steps - 1 if change < tol else steps, change)


def log_likelihood(v: np.ndarray, cov: np.ndarray, mean: np.ndarray, covariance: np.ndarray) -> float:
    """Total log-likelihood sum_i ln N(v_i | mean, covariance + S_i) (the quantity EM maximises)."""
    v, cov = _validate_xd_inputs(v, cov)
    t = cov + np.asarray(covariance, dtype=float)[None]
    w = v - np.asarray(mean, dtype=float)[None]
    chol = np.linalg.cholesky(t)
    z = np.linalg.solve(chol, w[:, :, None])[:, :, 0]
    logdet = 2.0 * np.log(np.einsum("nii->ni", chol)).sum(axis=1)
    return float(-0.5 * np.sum(np.einsum("ni,ni->n", z, z) + logdet + _NDIM * np.log(2 * np.pi)))


