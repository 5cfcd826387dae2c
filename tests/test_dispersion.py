"""Tests of mwlib.bird22.dispersion: extreme deconvolution, binned dispersions, exponential sigma_r fit."""

from __future__ import annotations

import numpy as np
import pytest

from mwlib.bird22 import deconvolution as X
from mwlib.bird22 import dispersion as D

TRUE_MEAN_KMS = np.array([10.0, -5.0, 30.0])
TRUE_SIGMA_KMS = np.array([120.0, 80.0, 90.0])


def mock_stars(n: int, rng: np.random.Generator, err_range_kms=(10.0, 80.0)):
    """Gaussian velocities plus heteroscedastic, correlated per-star Gaussian errors."""
    v_true = rng.normal(TRUE_MEAN_KMS, TRUE_SIGMA_KMS, size=(n, 3))
    e = rng.uniform(*err_range_kms, size=(n, 3))
    rho = rng.uniform(-0.45, 0.45, size=(n, 3))  # |rho| < 1/2 keeps every matrix positive definite
    cov = np.empty((n, 3, 3))
    cov[:, 0, 0], cov[:, 1, 1], cov[:, 2, 2] = (e**2).T
    cov[:, 0, 1] = cov[:, 1, 0] = rho[:, 0] * e[:, 0] * e[:, 1]
    cov[:, 0, 2] = cov[:, 2, 0] = rho[:, 1] * e[:, 0] * e[:, 2]
    cov[:, 1, 2] = cov[:, 2, 1] = rho[:, 2] * e[:, 1] * e[:, 2]
    chol = np.linalg.cholesky(cov)
    v_obs = v_true + np.einsum("nij,nj->ni", chol, rng.standard_normal((n, 3)))
    return v_obs, cov


@pytest.fixture(scope="module")
def stars2000():
    return mock_stars(2000, np.random.default_rng(20220101))


# ----------------------------------------------------------------------------------- deconvolve
def test_deconvolve_recovers_truth(stars2000):
    v, cov = stars2000
    result = X.deconvolve(v, cov)
    mean, covariance = result.mean, result.covariance
    sigma = np.sqrt(np.diag(covariance))
    # statistical precision for N = 2000 is ~2-3 per cent on sigma and ~3 km/s on the mean
    np.testing.assert_allclose(sigma, TRUE_SIGMA_KMS, rtol=0.06)
    np.testing.assert_allclose(mean, TRUE_MEAN_KMS, atol=12.0)
    corr = covariance / np.outer(sigma, sigma)
    assert np.all(np.abs(corr[np.triu_indices(3, 1)]) < 0.1)
    # the naive sample dispersion is inflated by the errors; the deconvolved one is not
    assert np.all(np.std(v, axis=0) > sigma)


def test_deconvolve_is_maximum_likelihood(stars2000):
    v, cov = stars2000
    result = X.deconvolve(v, cov)
    mean, covariance = result.mean, result.covariance
    best = X.log_likelihood(v, cov, mean, covariance)
    for dm in (np.array([1.0, 0, 0]), np.array([0, -1.0, 0])):
        assert X.log_likelihood(v, cov, mean + dm, covariance) < best
    for f in (0.98, 1.02):
        assert X.log_likelihood(v, cov, mean, covariance * f) < best


def test_deconvolve_matches_astroml(stars2000):
    xdeconv = pytest.importorskip(
        "astroML.density_estimation",
        reason="astroML not installed: pip install astroML to run the XDGMM oracle comparison",
    )
    v, cov = stars2000
    result = X.deconvolve(v, cov)
    mean, covariance = result.mean, result.covariance
    xd = xdeconv.XDGMM(n_components=1, max_iter=5000, tol=1e-9, random_state=0).fit(v, cov)
    sigma = np.sqrt(np.diag(covariance))
    # Same likelihood, same maximum: agreement is limited only by the convergence tolerances.
    np.testing.assert_allclose(mean, xd.mu[0], atol=1e-3 * sigma.min())
    np.testing.assert_allclose(sigma, np.sqrt(np.diag(xd.V[0])), rtol=1e-3)
    np.testing.assert_allclose(covariance / np.outer(sigma, sigma), xd.V[0] / np.outer(sigma, sigma), atol=1e-3)


def test_zero_errors_give_sample_moments():
    rng = np.random.default_rng(7)
    v = rng.normal(size=(50, 3)) * [100.0, 50.0, 70.0] + [3.0, 1.0, -2.0]
    v[:, 1] += 0.5 * v[:, 0]  # correlated
    result = X.deconvolve(v, np.zeros((50, 3, 3)))
    mean, covariance = result.mean, result.covariance
    np.testing.assert_allclose(mean, v.mean(axis=0), rtol=0, atol=1e-9)
    np.testing.assert_allclose(covariance, np.cov(v.T, bias=True), rtol=1e-10)


def test_affine_equivariance(stars2000):
    """XD commutes with v -> A v + c, S -> A S A^T (checks the internal whitening)."""
    v, cov = stars2000
    a = np.array([[2.0, 0.3, 0.0], [0.0, 0.5, -0.2], [0.1, 0.0, 3.0]])
    c = np.array([100.0, -40.0, 7.0])
    r1 = X.deconvolve(v, cov, tol=1e-10)
    m1, v1 = r1.mean, r1.covariance
    r2 = X.deconvolve(v @ a.T + c, a @ cov @ a.T, tol=1e-10)
    m2, v2 = r2.mean, r2.covariance
    np.testing.assert_allclose(m2, a @ m1 + c, atol=1e-5)
    np.testing.assert_allclose(v2, a @ v1 @ a.T, rtol=1e-6, atol=1e-6)


def test_small_n_and_large_errors_converge():
    rng = np.random.default_rng(11)
    v, cov = mock_stars(12, rng, err_range_kms=(50.0, 150.0))
    result = X.deconvolve(v, cov)
    mean, covariance = result.mean, result.covariance
    assert np.all(np.isfinite(mean)) and np.all(np.linalg.eigvalsh(covariance) > 0)


def test_direct_maximum_passes_the_em_check(stars2000):
    """The BFGS maximum is a fixed point of EM: no EM step is needed after it."""
    v, cov = stars2000
    result = X.deconvolve(v, cov, tol=1e-8)
    assert result.converged and result.em_iterations == 0 and result.max_change < 1e-8


def test_em_alone_agrees_with_the_direct_maximum(stars2000):
    """EM from the moment estimate converges (slowly) to the same point: the check is an independent one."""
    v, cov = stars2000
    direct = X.deconvolve(v, cov, tol=1e-10)
    shift, scale = v.mean(axis=0), np.sqrt(v.var(axis=0) + np.einsum("nii->i", cov) / len(v))
    x = ((v - shift) / scale).T
    s6 = cov[:, X._IU[0], X._IU[1]].T / np.outer(scale, scale)[X._IU][:, None]
    m, vm = np.zeros(3), X._initial_covariance(x, s6)
    for _ in range(3000):
        m, vm = X.em_step(x, s6, m, vm)
    np.testing.assert_allclose(shift + scale * m, direct.mean, atol=1e-4 * direct.sigma.min())
    np.testing.assert_allclose(vm * np.outer(scale, scale), direct.covariance, rtol=1e-4, atol=1e-4 * direct.sigma.min() ** 2)


def test_outer_bin_like_errors_converge():
    """Errors several times the dispersion (the outer bins) made EM stall at its iteration cap; the
    direct maximization converges and passes the EM check."""
    rng = np.random.default_rng(5)
    v, cov = mock_stars(60, rng, err_range_kms=(200.0, 500.0))
    result = X.deconvolve(v, cov)
    assert result.converged and np.all(np.isfinite(result.sigma))


def test_nonconvergence_is_reported(stars2000):
    v, cov = stars2000
    result = X.deconvolve(v, cov, tol=1e-30, max_iter=2)
    assert not result.converged and result.em_iterations == 2


@pytest.mark.parametrize(
    "mutate, match",
    [
        (lambda v, c: (v[:, :2], c), r"v must have shape \(N, 3\)"),
        (lambda v, c: (v, c[:-1]), r"cov must have shape"),
        (lambda v, c: (v[:3], c[:3]), r"at least 4 stars"),
        (lambda v, c: (np.where(np.arange(v.size).reshape(v.shape) == 4, np.nan, v), c), "non-finite"),
        (lambda v, c: (v, np.where(np.arange(c.size).reshape(c.shape) == 9, np.inf, c)), "non-finite"),
        (lambda v, c: (v, c * np.array([[1, 1.5, 1], [1, 1, 1], [1, 1, 1]])), "not symmetric"),
        (lambda v, c: (v, -c), "negative variances"),
        (lambda v, c: (v, _not_psd(c)), "not positive semi-definite"),
    ],
)
def test_bad_inputs_raise(stars2000, mutate, match):
    v, cov = stars2000
    bad_v, bad_cov = mutate(v[:20].copy(), cov[:20].copy())
    with pytest.raises(ValueError, match=match):
        X.deconvolve(bad_v, bad_cov)


def _not_psd(cov):
    cov = cov.copy()
    cov[5, 0, 1] = cov[5, 1, 0] = 1.1 * np.sqrt(cov[5, 0, 0] * cov[5, 1, 1])
    return cov


def test_bad_tol_raises(stars2000):
    v, cov = stars2000
    with pytest.raises(ValueError, match="tol"):
        X.deconvolve(v, cov, tol=0)


# ----------------------------------------------------------------------------------- binning
def test_paper_bin_edges():
    assert D.KG_EDGES_KPC[0] == 3.0 and D.BHB_EDGES_KPC[0] == 4.0
    assert D.KG_EDGES_KPC[1:] == (15, 25, 35, 45, 55, 65, 125)
    assert D.BHB_EDGES_KPC[1:] == (7, 8, 10, 13, 20, 25, 30, 35, 43, 50, 125)


def test_bin_index_edges_rule():
    edges = np.array([1.0, 2.0, 3.0])
    k = D.bin_index(np.array([0.5, 1.0, 1.999, 2.0, 3.0, 3.1, np.nan]), edges)
    np.testing.assert_array_equal(k, [-1, 0, 0, 1, 1, -1, -1])


def test_anisotropy_formula():
    assert D.anisotropy(100.0, 100.0, 100.0) == pytest.approx(0.0)
    assert D.anisotropy(100.0, 0.0, 0.0) == pytest.approx(1.0)
    # Eq. 5 with (sigma_r, sigma_theta, sigma_phi) = (150, 90, 60): 1 - (8100 + 3600) / 45000
    assert D.anisotropy(150.0, 90.0, 60.0) == pytest.approx(0.74)


def test_anisotropy_error_matches_monte_carlo():
    rng = np.random.default_rng(3)
    s, e = np.array([150.0, 90.0, 60.0]), np.array([3.0, 2.0, 1.5])
    draws = s + e * rng.standard_normal((400_000, 3))
    mc = np.std(D.anisotropy(*draws.T))
    assert D.anisotropy_error(*s, *e) == pytest.approx(mc, rel=0.02)


def _binned_mock(rng, edges, counts):
    r = np.concatenate([rng.uniform(lo, hi, n) for lo, hi, n in zip(edges[:-1], edges[1:], counts)])
    v, cov = mock_stars(r.size, rng)
    return r, v, cov


def test_bin_dispersions_table():
    rng = np.random.default_rng(5)
    edges = np.array([4.0, 10.0, 20.0, 50.0])
    counts = [400, 300, 200]
    r, v, cov = _binned_mock(rng, edges, counts)
    r = np.append(r, [1.0, 200.0])  # outside: ignored
    v = np.vstack([v, np.zeros((2, 3))])
    cov = np.concatenate([cov, np.repeat(np.eye(3)[None], 2, axis=0)])
    t = D.bin_dispersions(r, v, cov, edges)
    np.testing.assert_array_equal(t["n_stars"], counts)
    np.testing.assert_array_equal(t["r_lo_kpc"], edges[:-1])
    np.testing.assert_array_equal(t["r_hi_kpc"], edges[1:])
    assert np.all(t["ok"])
    for i, (lo, hi) in enumerate(zip(edges[:-1], edges[1:])):
        sel = (r >= lo) & (r < hi)
        assert t["r_median_kpc"][i] == pytest.approx(np.median(r[sel]))
        xd = X.deconvolve(v[sel], cov[sel])
        m, c = xd.mean, xd.covariance
        assert t["xd_converged"][i]
        assert t["sigma_theta_kms"][i] == pytest.approx(np.sqrt(c[1, 1]))
        assert t["mean_vphi_kms"][i] == pytest.approx(m[2])
    sig = np.column_stack([t["sigma_r_kms"], t["sigma_theta_kms"], t["sigma_phi_kms"]])
    np.testing.assert_allclose(t["sigma_r_err_kms"], sig[:, 0] / np.sqrt(2 * np.array(counts)))
    np.testing.assert_allclose(t["beta"], D.anisotropy(*sig.T))
    np.testing.assert_allclose(
        t["beta_err"],
        D.anisotropy_error(*sig.T, t["sigma_r_err_kms"], t["sigma_theta_err_kms"], t["sigma_phi_err_kms"]),
    )
    # truth beta for (120, 80, 90): 1 - (6400 + 8100)/28800
    np.testing.assert_allclose(t["beta"], 1 - (80**2 + 90**2) / (2 * 120**2), atol=0.15)


def test_too_few_stars_raises_or_flags():
    rng = np.random.default_rng(9)
    edges = np.array([4.0, 10.0, 20.0, 50.0])
    r, v, cov = _binned_mock(rng, edges, [100, 10, 11])  # 10 is not "over 10"
    with pytest.raises(ValueError, match=r"<= 10 stars: \[10, 20\) kpc: 10"):
        D.bin_dispersions(r, v, cov, edges)
    t = D.bin_dispersions(r, v, cov, edges, on_sparse="flag")
    np.testing.assert_array_equal(t["ok"], [True, False, True])
    assert np.isnan(t["sigma_r_kms"][1]) and np.isnan(t["beta"][1])
    assert np.isfinite(t["sigma_r_kms"][2])
    assert t["n_stars"][1] == 10


def test_bin_dispersions_shape_errors():
    with pytest.raises(ValueError, match="shapes disagree"):
        D.bin_dispersions(np.ones(5), np.ones((4, 3)), np.ones((5, 3, 3)), [0, 2])
    with pytest.raises(ValueError, match="strictly increasing"):
        D.bin_dispersions(np.ones(5), np.ones((5, 3)), np.ones((5, 3, 3)), [0, 2, 1])


# ----------------------------------------------------------------------------------- exponential fit
def test_eq3_is_derivative_of_eq2_squared():
    r = np.linspace(5, 100, 7)
    h = 1e-5
    num = (D.sigma_r_exponential(r + h, 187.0, 68.0) ** 2 - D.sigma_r_exponential(r - h, 187.0, 68.0) ** 2) / (2 * h)
    np.testing.assert_allclose(D.dsigma2_dr_exponential(r, 187.0, 68.0), num, rtol=1e-6)


@pytest.fixture(scope="module")
def synthetic_profile():
    rng = np.random.default_rng(42)
    r = np.array([9.0, 20.0, 30.0, 40.0, 50.0, 60.0, 73.0])
    n = np.array([5000, 2000, 800, 400, 200, 100, 60])
    truth = (150.0, 90.0)
    sig = D.sigma_r_exponential(r, *truth)
    err = D.dispersion_error(sig, n)
    return r, sig + err * rng.standard_normal(r.size), err, truth


def test_exponential_fit_recovers_truth(synthetic_profile):
    r, obs, err, (s0, h) = synthetic_profile
    fit = D.fit_sigma_r_exponential(r, obs, err, rng=np.random.default_rng(0), n_walkers=64, n_steps=800, n_burn=300)
    for pct, truth in ((fit.sigma0_kms, s0), (fit.h_r_kpc, h)):
        assert pct[0] < pct[1] < pct[2]
        half = 0.5 * (pct[2] - pct[0])
        assert abs(pct[1] - truth) < 3 * half
    assert 0.2 < fit.acceptance_fraction < 0.9
    assert fit.samples.shape == (64 * 500, 2)
    grid = np.linspace(5, 100, 11)
    band = fit.dsigma2_dr_band(grid)
    assert band.shape == (3, 11) and np.all(band[0] <= band[1]) and np.all(band[1] <= band[2])
    assert np.all(band[2] < 0)  # sigma_r falls
    np.testing.assert_allclose(band[1], fit.dsigma2_dr_best(grid), rtol=0.05)
    truth_curve = D.dsigma2_dr_exponential(grid, s0, h)
    assert np.all(np.abs(band[1] - truth_curve) < 3 * (band[2] - band[0]) / 2 + 1e-9)


def test_exponential_fit_seeded_and_independent_of_global_state(synthetic_profile):
    r, obs, err, _ = synthetic_profile
    kw = dict(n_walkers=16, n_steps=60, n_burn=10)
    np.random.seed(1)
    a = D.fit_sigma_r_exponential(r, obs, err, rng=np.random.default_rng(123), **kw)
    np.random.seed(2)
    b = D.fit_sigma_r_exponential(r, obs, err, rng=np.random.default_rng(123), **kw)
    c = D.fit_sigma_r_exponential(r, obs, err, rng=np.random.default_rng(124), **kw)
    np.testing.assert_array_equal(a.samples, b.samples)
    assert not np.array_equal(a.samples, c.samples)


def test_exponential_fit_defaults_are_the_papers():
    assert (D.SIGMA_FIT_N_WALKERS, D.SIGMA_FIT_N_STEPS, D.SIGMA_FIT_N_BURN) == (1000, 1500, 500)
    assert D.H_R_MAX_KPC == 1000.0


def test_exponential_fit_bad_inputs(synthetic_profile):
    r, obs, err, _ = synthetic_profile
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="positive"):
        D.fit_sigma_r_exponential(r, obs, -err, rng=rng)
    with pytest.raises(ValueError, match="non-finite"):
        D.fit_sigma_r_exponential(r, np.where(r > 50, np.nan, obs), err, rng=rng)
    with pytest.raises(ValueError, match="n_burn"):
        D.fit_sigma_r_exponential(r, obs, err, rng=rng, n_steps=10, n_burn=10)
    with pytest.raises(TypeError, match="Generator"):
        D.fit_sigma_r_exponential(r, obs, err, rng=1)
