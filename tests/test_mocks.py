"""Tests of mwlib.eh16.df_mocks: the exact sampler of the EH16 power-law DF."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from scipy.integrate import cumulative_trapezoid

from mwlib.eh16.model import log_df, potential
from mwlib.eh16.df_mocks import (
    hide_random_tangential_velocity, hide_tangential_velocity, sample_power_law_df, sample_radii,
)


def df_marginal_cdfs(r, phi0, gamma, alpha, beta, n_v=4001, n_eta=400):
    """CDFs of x = v^2/(2 Phi) and cos(eta) at radius r, integrating exp(log_df) over a grid."""
    vesc = np.sqrt(2 * potential(r, phi0, gamma)) * 100.0
    v = np.linspace(0.0, vesc, n_v)[1:-1]
    nodes, weights = np.polynomial.legendre.leggauss(n_eta)
    eta = 0.5 * np.pi * (nodes + 1.0)
    w_eta = 0.5 * np.pi * weights
    vv, ee = np.meshgrid(v, eta, indexing="ij")
    density = np.exp(log_df(r, vv * np.cos(ee), vv * np.sin(ee), phi0, gamma, alpha, beta)) * vv**2 * np.sin(ee)
    p_v = density @ w_eta  # marginal density of v
    cdf_v = cumulative_trapezoid(p_v, v, initial=0.0)
    x_grid = v**2 / vesc**2
    cdf_x = cdf_v / cdf_v[-1]
    p_eta = np.trapezoid(density, v, axis=0)
    order = np.argsort(np.cos(eta))
    cos_grid = np.cos(eta)[order]
    # density of t = cos(eta) is p_eta / sin(eta); integrate in t on the Gauss grid
    p_t = (p_eta / np.sin(eta))[order]
    cdf_t = cumulative_trapezoid(p_t, cos_grid, initial=0.0)
    cdf_t = cdf_t / cdf_t[-1]
    return (lambda x: np.interp(x, x_grid, cdf_x)), (lambda t: np.interp(t, cos_grid, cdf_t))


@pytest.mark.parametrize("alpha, beta, gamma", [(3.5, 0.0, 0.5), (3.5, 0.4, 0.5), (3.5, -0.3, 0.5), (3.2, 0.6, 0.35)])
def test_speeds_and_angles_follow_the_df(alpha, beta, gamma):
    rng = np.random.default_rng(20)
    r0, phi0 = 5.0, 30.0
    m = sample_power_law_df(5000, phi0, gamma, alpha, beta, r0, r0 * (1 + 1e-9), rng=rng)
    x = (m["v"] / 100.0) ** 2 / (2 * potential(m["r"], phi0, gamma))
    cos_eta = m["vr"] / m["v"]
    cdf_x, cdf_t = df_marginal_cdfs(r0, phi0, gamma, alpha, beta)
    assert stats.kstest(x, cdf_x).pvalue > 1e-3
    assert stats.kstest(cos_eta, cdf_t).pvalue > 1e-3


def test_ks_check_has_power():
    """The DF-based KS check rejects a sample drawn with the wrong anisotropy."""
    rng = np.random.default_rng(21)
    m = sample_power_law_df(5000, 30.0, 0.5, 3.5, 0.0, 5.0, 5.0 * (1 + 1e-9), rng=rng)
    _, cdf_t = df_marginal_cdfs(5.0, 30.0, 0.5, 3.5, 0.4)
    assert stats.kstest(m["vr"] / m["v"], cdf_t).pvalue < 1e-6


@pytest.mark.parametrize("alpha", [3.5, 3.0, 2.2])
def test_radii_follow_power_law(alpha):
    r = sample_radii(4000, alpha, 0.5, 125.0, rng=np.random.default_rng(22))
    assert r.min() >= 0.5 and r.max() <= 125.0
    s = 3.0 - alpha
    cdf = (lambda q: np.log(q / 0.5) / np.log(250.0)) if s == 0 else (lambda q: (q**s - 0.5**s) / (125.0**s - 0.5**s))
    assert stats.kstest(r, cdf).pvalue > 1e-3


def test_velocity_dispersions_match_jeans_solution_from_galpy():
    """sigma_r^2 = gamma Phi / (alpha - 2 beta + gamma) (Jeans, power laws) checked with galpy's solver."""
    from galpy.df import jeans
    from galpy.potential import PowerSphericalPotential, evaluatePotentials

    phi0, gamma, alpha, beta = 30.0, 0.5, 3.5, 0.3
    m = sample_power_law_df(40000, phi0, gamma, alpha, beta, 1.0, 50.0, rng=np.random.default_rng(23))
    phi = potential(m["r"], phi0, gamma) * 1e4  # km^2 s^-2
    ratio_r = m["vr"] ** 2 / phi  # independent of r for power laws
    pot = PowerSphericalPotential(alpha=2.0 + gamma, normalize=1.0)
    r_test = 3.0
    jeans_ratio = jeans.sigmar(pot, r_test, dens=lambda q: q**-alpha, beta=beta) ** 2 / -evaluatePotentials(pot, r_test, 0.0)
    assert jeans_ratio == pytest.approx(gamma / (alpha - 2 * beta + gamma), rel=1e-6)
    assert ratio_r.mean() == pytest.approx(jeans_ratio, abs=4 * ratio_r.std() / np.sqrt(ratio_r.size))
    # Eq. 11: beta = 1 - (sigma_theta^2 + sigma_phi^2) / (2 sigma_r^2)
    beta_hat = 1.0 - np.mean((m["vtheta"] ** 2 + m["vphi"] ** 2) / phi) / (2 * ratio_r.mean())
    assert beta_hat == pytest.approx(beta, abs=0.02)
    assert abs(np.mean(m["vtheta"] ** 2 / phi) - np.mean(m["vphi"] ** 2 / phi)) < 0.02 * np.mean(m["vtheta"] ** 2 / phi) + 1e-3


def _galpy_sample(alpha, beta, gamma, n, seed):
    from galpy.df import constantbetaPowerLawdf
    from galpy.potential import PowerSphericalPotential, evaluatePotentials

    pot = PowerSphericalPotential(alpha=2.0 + gamma, normalize=1.0)
    gdf = constantbetaPowerLawdf(pot=pot, denspot=PowerSphericalPotential(alpha=alpha, normalize=1.0),
                                 beta=beta, rmin=0.1, rmax=10.0)
    np.random.seed(seed)  # galpy draws from the global numpy state
    R, vR, vT, z, vz, _ = gdf.sample(n=n, return_orbit=False)
    r = np.hypot(R, z)
    vr = (R * vR + z * vz) / r
    v = np.sqrt(vR**2 + vT**2 + vz**2)
    return r, v**2 / (-2 * evaluatePotentials(pot, r, 0.0)), vr / v, -evaluatePotentials(pot, 1.0, 0.0)


def test_matches_galpy_sampler_where_galpy_allows_it():
    """galpy's constantbetaPowerLawdf needs a tracer slope < 3: compare at alpha = 2.9, beta = 0.4."""
    alpha, beta, gamma = 2.9, 0.4, 0.5
    r_g, x_g, c_g, psi0 = _galpy_sample(alpha, beta, gamma, 3000, 1)
    m = sample_power_law_df(3000, psi0, gamma, alpha, beta, 0.1, 10.0, rng=np.random.default_rng(24))
    x_o = (m["v"] / 100.0) ** 2 / (2 * potential(m["r"], psi0, gamma))  # natural velocity unit = 100 km/s
    assert stats.ks_2samp(x_g, x_o).pvalue > 1e-3
    assert stats.ks_2samp(c_g, m["vr"] / m["v"]).pvalue > 1e-3
    assert stats.ks_2samp(r_g, m["r"]).pvalue > 1e-3
    # negative control: a different anisotropy is detected
    wrong = sample_power_law_df(3000, psi0, gamma, alpha, 0.0, 0.1, 10.0, rng=np.random.default_rng(25))
    assert stats.ks_2samp(c_g, wrong["vr"] / wrong["v"]).pvalue < 1e-4


def test_sampler_is_deterministic_and_needs_a_generator():
    a = sample_power_law_df(50, 30.0, 0.5, 3.5, 0.2, 0.5, 125.0, rng=np.random.default_rng(3))
    b = sample_power_law_df(50, 30.0, 0.5, 3.5, 0.2, 0.5, 125.0, rng=np.random.default_rng(3))
    c = sample_power_law_df(50, 30.0, 0.5, 3.5, 0.2, 0.5, 125.0, rng=np.random.default_rng(4))
    for key in ("r", "vr", "vt", "x", "y", "z"):
        np.testing.assert_array_equal(a[key], b[key])
    assert not np.array_equal(a["vr"], c["vr"])
    np.testing.assert_allclose(np.sqrt(a["x"] ** 2 + a["y"] ** 2 + a["z"] ** 2), a["r"])
    np.testing.assert_allclose(np.sqrt(a["vr"] ** 2 + a["vtheta"] ** 2 + a["vphi"] ** 2), a["v"])
    assert np.all(log_df(a["r"], a["vr"], a["vt"], 30.0, 0.5, 3.5, 0.2) > -np.inf)  # all bound
    with pytest.raises(TypeError):
        sample_power_law_df(5, 30.0, 0.5, 3.5, 0.2, 0.5, 125.0, rng=3)
    with pytest.raises(ValueError):
        sample_power_law_df(5, 30.0, 0.5, 1.0, 0.6, 0.5, 125.0, rng=np.random.default_rng(0))  # Eq. 13 fails


def test_hide_tangential_velocity():
    m = sample_power_law_df(40, 30.0, 0.5, 3.5, 0.2, 0.5, 125.0, rng=np.random.default_rng(5))
    outer = hide_tangential_velocity(m, count=8, selection="outermost")
    assert np.isnan(outer["vt"]).sum() == 8 and np.isfinite(m["vt"]).all()  # input untouched
    hidden = np.isnan(outer["vt"])
    assert outer["r"][~hidden].max() < outer["r"][hidden].min()  # the 8 outermost lost vt
    assert np.array_equal(outer["complete"], np.isfinite(outer["vt"]))
    assert np.isnan(outer["vphi"][~outer["complete"]]).all()
    np.testing.assert_array_equal(outer["vr"], m["vr"])
    rand = hide_random_tangential_velocity(m, fraction=0.25, rng=np.random.default_rng(1))
    assert np.isnan(rand["vt"]).sum() == 10
    again = hide_random_tangential_velocity(m, fraction=0.25, rng=np.random.default_rng(1))
    assert np.array_equal(rand["complete"], again["complete"])
    by_mask = hide_tangential_velocity(m, mask=[0, 3])
    assert np.flatnonzero(np.isnan(by_mask["vt"])).tolist() == [0, 3]
    with pytest.raises(ValueError):
        hide_tangential_velocity(m)
    with pytest.raises(ValueError, match="hide_random_tangential_velocity"):
        hide_tangential_velocity(m, count=3)  # a random subset needs the function that takes the generator
    with pytest.raises(TypeError):
        hide_random_tangential_velocity(m, count=3)  # rng has no default
    with pytest.raises(TypeError):
        hide_random_tangential_velocity(m, count=3, rng=3)
