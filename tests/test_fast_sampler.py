"""Tests of the fast sampler: the batched density, the vectorized diagnostics, the batched ensemble
sampler (batched == single fits, bitwise), the convergence bars on every scenario, agreement
with exact references (grid quadrature, importance sampling, the hybrid-Gibbs sampler)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import integrate, special

from mwlib.eh16 import batch_posterior, model, scenario_fits, scenarios
from mwlib.core import batch_ensemble, mcmc_diagnostics
from mwlib.eh16.scenarios import SCENARIOS
from mwlib.eh16.batch_posterior import BatchPosterior
from mwlib.eh16.posterior import Posterior
from mwlib.eh16.fit import ConvergenceWarning, FitResult, fit, fit_batch
from mwlib.eh16.grid import grid_posteriors
from mwlib.eh16.df_mocks import hide_tangential_velocity, sample_power_law_df

TRUTH = {"phi0": 40.0, "gamma": 0.5, "alpha": 3.5, "beta": 0.3}
ALPHA_PRIOR = (68.001, 168.04)  # the real sample's: 68 excluded clusters (mode 3.40)


def make_mock(seed: int, n: int = 89, n_los: int = 18) -> dict:
    m = sample_power_law_df(n, *TRUTH.values(), 0.6, 125.0, rng=np.random.default_rng([0, 1000 + seed]))
    m = hide_tangential_velocity(m, count=n_los, selection="outermost")
    return {c: m[c] for c in ("r", "vr", "vt")}


@pytest.fixture(scope="module")
def mocks4():
    return [make_mock(k) for k in range(4)]


# ------------------------------------------------------------------------------------------
# The batched density equals Posterior's
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("settings", [{}, {"likelihood": "normalized"}, {"vt_prior": "escape"},
                                      {"normalization": "paper"}])
def test_batch_posterior_equals_posterior_in_every_scenario(mocks4, settings):
    rng = np.random.default_rng(0)
    for name, scenario in scenarios.scenarios_with_alpha_prior(*ALPHA_PRIOR).items():
        posts = [Posterior(m, scenario, **settings) for m in mocks4[:2]]
        batch = BatchPosterior(posts)
        theta = np.stack([np.concatenate([p.sample_prior(300, rng=rng), p.initial_points(1, 100, rng=rng)[0]]) for p in posts])
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # quiet outside the support too
            fast = batch.log_prob_marginal(theta)
            z = batch.to_sampler(theta)
            np.testing.assert_allclose(batch.from_sampler(z), theta, rtol=1e-12, atol=1e-12)
        for b, post in enumerate(posts):
            ref = post.log_prob_marginal(theta[b])
            assert np.array_equal(np.isfinite(ref), np.isfinite(fast[b])), name
            ok = np.isfinite(ref)
            assert ok.sum() > 50, name
            np.testing.assert_allclose(fast[b][ok], ref[ok], rtol=1e-11, atol=1e-9, err_msg=name)


def test_batch_posterior_rejects_mixed_designs(mocks4):
    other = make_mock(9, n_los=10)
    posts = [Posterior(mocks4[0], SCENARIOS["I"]), Posterior(other, SCENARIOS["I"])]
    with pytest.raises(ValueError, match="same numbers"):
        BatchPosterior(posts)


def test_sum_log_falls_back_where_products_could_underflow():
    e = np.array([[1e-200, 2.0], [1e-200, 3.0], [1e-200, 0.5], [1e-200, 7.0], [5.0, 1.0]])[:, None, :]
    risky = np.array([[True, False]])
    with np.errstate(divide="ignore"):  # the product underflows to 0 in the risky column
        out = batch_posterior._sum_log(e, 4, risky)
    np.testing.assert_allclose(out, np.log(e).sum(axis=0), rtol=1e-14)


# ------------------------------------------------------------------------------------------
# Vectorized diagnostics equal arviz
# ------------------------------------------------------------------------------------------
def test_batched_rhat_and_ess_equal_arviz():
    import arviz as az

    rng = np.random.default_rng(1)
    for trial in range(60):
        n_chain, n_draw, rho = int(rng.integers(2, 7)), int(rng.integers(4, 90)), rng.uniform(-0.5, 0.98)
        x = np.empty((n_chain, n_draw))
        x[:, 0] = rng.standard_normal(n_chain)
        for t in range(1, n_draw):
            x[:, t] = rho * x[:, t - 1] + rng.standard_normal(n_chain)
        if trial % 3 == 0:
            x = np.round(x, 1)  # ties, as rejected MCMC moves make
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref_ess, ref_rhat = float(az.ess(x)), float(az.rhat(x))
        assert mcmc_diagnostics.ess_bulk_batch(x[None])[0] == pytest.approx(ref_ess, rel=1e-10)
        assert mcmc_diagnostics.rhat_rank_batch(x[None])[0] == pytest.approx(ref_rhat, rel=1e-12)


# ------------------------------------------------------------------------------------------
# The sampler on targets with known answers
# ------------------------------------------------------------------------------------------
def test_find_modes_gives_mode_and_covariance_of_a_gaussian():
    cov = np.array([[2.0, 0.6, 0.0], [0.6, 0.5, -0.1], [0.0, -0.1, 0.3]])
    prec = np.linalg.inv(cov)
    means = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]])

    def log_prob(z, index):
        d = z - means[index][:, None, :]
        return -0.5 * np.einsum("bmi,ij,bmj->bm", d, prec, d)

    x0 = np.zeros((2, 3, 3)) + np.array([5.0, -5.0, 2.0])
    out = batch_ensemble.find_modes(log_prob, x0, np.arange(2))
    np.testing.assert_allclose(out["mode"], np.broadcast_to(means[:, None, :], (2, 3, 3)), atol=1e-4)
    np.testing.assert_allclose(out["cov"], np.broadcast_to(cov, (2, 3, 3, 3)), rtol=1e-4, atol=1e-6)
    assert out["ok"].all()


def test_batch_ensemble_samples_a_skewed_target_without_bias():
    """x = log of a Gamma(3) variable (skewed), y | x ~ N(x, 1): E = psi(3), Var x = psi1(3), Var y = psi1(3) + 1."""

    def log_prob(z, index):
        x, y = z[..., 0], z[..., 1]
        return 3.0 * x - np.exp(x) - 0.5 * (y - x) ** 2

    n_sets = 12
    start = np.random.default_rng(2).normal(0.0, 3.0, (n_sets, 3, 32, 2))
    run = batch_ensemble.BatchEnsembleRun(log_prob, start, rngs=np.random.default_rng(3).spawn(n_sets))
    run.run(20, 20, ess_min=1000.0, max_draws=500)
    assert run.converged.all()
    mean, var_x = special.digamma(3.0), special.polygamma(1, 3.0)
    z = []
    for b in range(n_sets):
        draws = run.draws(b).reshape(-1, 2)
        ess = run.ess[b]
        # each data set's mean within 4 Monte Carlo standard errors (from its own ESS)
        assert abs(draws[:, 0].mean() - mean) < 4 * np.sqrt(var_x / ess[0])
        assert abs(draws[:, 1].mean() - mean) < 4 * np.sqrt((var_x + 1) / ess[1])
        z.append((draws[:, 0].mean() - mean) / np.sqrt(var_x / ess[0]))
        assert draws[:, 0].var() == pytest.approx(var_x, rel=0.15)
        assert draws[:, 1].var() == pytest.approx(var_x + 1, rel=0.15)
    assert abs(np.mean(z)) < 4 / np.sqrt(n_sets)  # no common bias


# ------------------------------------------------------------------------------------------
# Batched fits == single fits, bitwise; seeding
# ------------------------------------------------------------------------------------------
def _same(a: FitResult, b: FitResult) -> bool:
    return (all(np.array_equal(a.samples[p], b.samples[p]) for p in model.PARAM_NAMES)
            and a.rhat == b.rhat and a.ess == b.ess and a.settings["n_steps_kept"] == b.settings["n_steps_kept"])


@pytest.mark.parametrize("name", ["XII", "I", "IVb"])
def test_batched_fit_equals_single_fits_bitwise(mocks4, name):
    seeds = [101, 7, 55, 3]
    batch = fit_batch(mocks4, SCENARIOS[name], rngs=[np.random.default_rng(s) for s in seeds], alpha_prior=ALPHA_PRIOR)
    for k, data in enumerate(mocks4):
        single = fit(data, SCENARIOS[name], rng=np.random.default_rng(seeds[k]), alpha_prior=ALPHA_PRIOR, sampler="fast")
        assert _same(batch[k], single), (name, k)
        assert batch[k].converged
    # the order of the batch does not matter either
    order = [2, 0, 3, 1]
    shuffled = fit_batch([mocks4[k] for k in order], SCENARIOS[name], rngs=[np.random.default_rng(s) for s in [seeds[k] for k in order]],
                         alpha_prior=ALPHA_PRIOR)
    for pos, k in enumerate(order):
        assert _same(shuffled[pos], batch[k])


def test_batch_with_two_designs_and_spawned_seeds(mocks4):
    data = [mocks4[0], make_mock(5, n_los=10), mocks4[1]]
    children = np.random.SeedSequence(2016).spawn(3)
    batch = fit_batch(data, SCENARIOS["VI"], rngs=np.random.default_rng(2016).spawn(len(data)))
    for k in range(3):
        single = fit_batch([data[k]], SCENARIOS["VI"], rngs=[np.random.default_rng(s) for s in [children[k]]])[0]
        assert _same(batch[k], single)
    assert batch[1].n_tracers == 89 and not np.array_equal(batch[0].samples["phi0"][:50], batch[2].samples["phi0"][:50])


def test_fast_fit_is_deterministic_and_independent_of_global_state(mocks4):
    a = fit(mocks4[0], SCENARIOS["XII"], rng=np.random.default_rng(4), alpha_prior=ALPHA_PRIOR, sampler="fast")
    np.random.seed(999)
    b = fit(mocks4[0], SCENARIOS["XII"], rng=np.random.default_rng(4), alpha_prior=ALPHA_PRIOR, sampler="fast")
    c = fit(mocks4[0], SCENARIOS["XII"], rng=np.random.default_rng(5), alpha_prior=ALPHA_PRIOR, sampler="fast")
    assert _same(a, b) and not np.array_equal(a.samples["phi0"], c.samples["phi0"])


def test_fit_batch_validates_arguments(mocks4):
    with pytest.raises(TypeError, match="rngs"):
        fit_batch(mocks4, SCENARIOS["I"])
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        fit_batch(mocks4, SCENARIOS["I"], rngs=[1, 2, 3, 4])
    with pytest.raises(ValueError, match="generators for"):
        fit_batch(mocks4, SCENARIOS["I"], rngs=[np.random.default_rng(s) for s in [1, 2]])
    with pytest.raises(ValueError, match="alpha_prior"):
        fit_batch(mocks4, SCENARIOS["XII"], rngs=np.random.default_rng(1).spawn(len(mocks4)))
    with pytest.raises(ValueError, match="alpha_prior"):
        fit(mocks4[0], SCENARIOS["XII"], rng=np.random.default_rng(1), sampler="fast")


# ------------------------------------------------------------------------------------------
# Convergence bars on every scenario, and the API of the results
# ------------------------------------------------------------------------------------------
def test_every_scenario_meets_the_bars_on_mocks(mocks4):
    for name, scenario in SCENARIOS.items():
        results = fit_batch(mocks4[:2], scenario, rngs=[np.random.default_rng(s) for s in [11, 12]], alpha_prior=ALPHA_PRIOR)
        for res in results:
            assert res.converged, name
            assert all(v < 1.1 for v in res.rhat.values()) and all(v > 1000 for v in res.ess.values()), name
            assert set(res.rhat) == set(scenario.free_parameters)
            assert res.chains[scenario.free_parameters[0]].shape[0] == 3
            assert 0.3 < res.acceptance["independence"] <= 1.0, name
            s = res.summary()
            assert s["converged"] and 1e11 < s["M125"]["median"] < 3e12


def test_max_draws_caps_a_run_and_flags_it(mocks4):
    with pytest.warns(ConvergenceWarning):
        res = fit(mocks4[0], SCENARIOS["XII"], rng=np.random.default_rng(1), alpha_prior=ALPHA_PRIOR, sampler="fast", n_draws=5,
                  max_draws=5, n_walkers=8)
    assert not res.converged and res.settings["n_steps_kept"] == 5


# ------------------------------------------------------------------------------------------
# Agreement with exact references
# ------------------------------------------------------------------------------------------
def test_grid_quadrature_matches_direct_integration_in_one_dimension(mocks4):
    grid = grid_posteriors([mocks4[0]], SCENARIOS["I"], rng=np.random.default_rng(0))[0]
    post = Posterior(mocks4[0], SCENARIOS["I"])
    lp = lambda phi0: post.log_prob_marginal(np.atleast_2d(phi0).T)
    peak = grid.theta[np.argmax(grid.weights), 0]
    f = lambda phi0: float(np.exp(lp([phi0])[0] - lp([peak])[0]))
    lo, hi = peak * 0.5, peak * 1.8
    norm = integrate.quad(f, lo, hi, limit=400, epsabs=0, epsrel=1e-11)[0]
    mean = integrate.quad(lambda x: x * f(x), lo, hi, limit=400, epsabs=0, epsrel=1e-11)[0] / norm
    var = integrate.quad(lambda x: (x - mean) ** 2 * f(x), lo, hi, limit=400, epsabs=0, epsrel=1e-11)[0] / norm
    s = grid.summary("phi0")
    assert s["mean"] == pytest.approx(mean, rel=1e-6)
    assert s["sd"] == pytest.approx(np.sqrt(var), rel=1e-4)


@pytest.mark.parametrize("name", ["I", "III", "IV", "IVb", "VII"])
def test_fast_sampler_agrees_with_grid_quadrature(mocks4, name):
    grids = grid_posteriors(mocks4[:2], SCENARIOS[name], rng=np.random.default_rng(0), alpha_prior=ALPHA_PRIOR)
    fits = fit_batch(mocks4[:2], SCENARIOS[name], rngs=[np.random.default_rng(s) for s in [21, 22]], alpha_prior=ALPHA_PRIOR)
    for grid, res in zip(grids, fits):
        for q in SCENARIOS[name].free_parameters + ("M125",):
            g = grid.summary(q)
            x = res.mass(125.0) if q == "M125" else res.samples[q]
            ess = min(res.ess.values())
            mc = g["sd"] / np.sqrt(ess)  # Monte Carlo standard error of the mean
            assert abs(x.mean() - g["mean"]) < 5 * mc, (name, q)
            values, weights = grid.values(q)
            # relative standard error of a sample sd: sqrt((kurtosis - 1) / (4 ESS)) (Phi_o in IV: kurtosis ~30)
            kurtosis = np.sum(weights * (values - g["mean"]) ** 4) / g["sd"] ** 4
            assert abs(x.std() / g["sd"] - 1.0) < 5 * np.sqrt((kurtosis - 1) / (4 * ess)), (name, q)
            for key, pct in (("q2.5", 2.5), ("median", 50), ("q97.5", 97.5)):
                # standard error of a sample quantile from ESS effective draws: sqrt(p(1-p)/ESS) / density
                p = pct / 100
                lo, hi = grid.weighted_quantile(values, weights, [p - 0.01, p + 0.01])
                se = np.sqrt(p * (1 - p) / ess) * (hi - lo) / 0.02
                assert abs(np.percentile(x, pct) - g[key]) < 5 * se, (name, q, key)


def _importance_reference(post: Posterior, pilot: FitResult, n: int = 400_000, seed: int = 5):
    theta = np.column_stack([pilot.samples[p] for p in post.free])
    z = post.to_sampler(theta)
    mu, chol = z.mean(axis=0), np.linalg.cholesky(np.cov(z.T) * 1.5**2)
    rng = np.random.default_rng(seed)
    nu, d = 4.0, z.shape[1]
    y = mu + (chol @ rng.standard_normal((d, n))).T * np.sqrt(nu / rng.chisquare(nu, n))[:, None]
    w = np.linalg.solve(chol, (y - mu).T)
    log_w = post.log_prob_sampler(y) + 0.5 * (nu + d) * np.log1p((w * w).sum(axis=0) / nu)
    ok = np.isfinite(log_w)
    wt = np.exp(log_w[ok] - log_w[ok].max())
    wt /= wt.sum()
    params = post.from_sampler(y[ok])
    mean = params.T @ wt
    sd = np.sqrt(((params - mean) ** 2).T @ wt)
    return dict(zip(post.free, mean)), dict(zip(post.free, sd)), 1.0 / np.sum(wt**2)


def test_fast_sampler_matches_importance_sampling_on_the_real_sample(gc_kinematics):
    tracers = scenario_fits.gc_tracers(gc_kinematics)
    prior = scenarios.alpha_prior_from_radii(np.asarray(gc_kinematics["r_kpc"][~gc_kinematics["included"]]))
    res = fit(tracers, SCENARIOS["XII"], rng=np.random.default_rng(3), alpha_prior=prior, sampler="fast")
    assert res.converged
    post = Posterior(tracers, SCENARIOS["XII"].with_alpha_prior(*prior))
    mean, sd, is_ess = _importance_reference(post, res)
    assert is_ess > 5e4
    for p in post.free:
        mc = sd[p] / np.sqrt(res.ess[p])
        assert abs(res.samples[p].mean() - mean[p]) < 5 * mc, p
        assert res.samples[p].std() / sd[p] == pytest.approx(1.0, abs=0.08), p


def test_fast_and_hybrid_gibbs_samplers_agree_on_the_real_sample(gc_kinematics):
    tracers = scenario_fits.gc_tracers(gc_kinematics)
    prior = scenarios.alpha_prior_from_radii(np.asarray(gc_kinematics["r_kpc"][~gc_kinematics["included"]]))
    fast = fit(tracers, SCENARIOS["XII"], rng=np.random.default_rng(1), alpha_prior=prior, sampler="fast")
    gibbs = fit(tracers, SCENARIOS["XII"], rng=np.random.default_rng(1), alpha_prior=prior, sampler="gibbs")
    assert fast.converged and gibbs.converged
    for p in SCENARIOS["XII"].free_parameters:
        a, b = fast.samples[p], gibbs.samples[p]
        assert abs(a.mean() - b.mean()) < 0.2 * a.std(), p
        assert b.std() == pytest.approx(a.std(), rel=0.12), p
    assert np.median(gibbs.mass(125.0)) == pytest.approx(np.median(fast.mass(125.0)), rel=0.02)
