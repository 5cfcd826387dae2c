"""Tests of mwlib.eh16: the EH16 power-law DF, its normalization, likelihood pieces, priors, scenarios."""

from __future__ import annotations

import csv
import math
import os
import warnings
from pathlib import Path

import numpy as np
import pytest
from scipy import integrate
from scipy.special import gamma as gamma_fn

from mwlib.eh16 import scenarios
from mwlib.eh16.scenarios import SCENARIOS, Scenario, alpha_prior_from_radii
from mwlib.eh16.fit import FitResult, fit
from mwlib.eh16.posterior import Posterior
from mwlib.eh16.model import is_valid, log_df, log_radial_normalization, mass_enclosed, potential, virial_mass, virial_radius
from mwlib.core.paths import GC_TABLE_PATH
from mwlib.eh16.df_mocks import hide_random_tangential_velocity, hide_tangential_velocity, sample_power_law_df

REPO = Path(__file__).resolve().parents[1]


def velocity_integral(r, phi0, gamma, alpha, beta, normalization) -> float:
    """∫ f d^3v by 2-D quadrature over (v, eta), f taken as a black box from log_df."""
    vesc = math.sqrt(2.0 * potential(r, phi0, gamma)) * 100.0

    def integrand(eta, v):
        f = np.exp(log_df(r, v * np.cos(eta), v * np.sin(eta), phi0, gamma, alpha, beta, normalization))
        return 2.0 * np.pi * v**2 * np.sin(eta) * f

    value, _ = integrate.dblquad(integrand, 0.0, vesc, 0.0, np.pi, epsabs=0.0, epsrel=1e-6)
    return value / 100.0**3  # f is per (100 km/s)^3


# ------------------------------------------------------------------------------------------
# Eq. 12 normalization
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("alpha, beta, gamma", [(3.5, 0.0, 0.5), (3.5, 0.4, 0.5), (3.5, -0.3, 0.5),
                                                (2.9, 0.4, 0.3), (4.0, 0.7, 0.8)])
def test_exact_normalization_gives_tracer_density(alpha, beta, gamma):
    for r in (0.7, 20.0):
        assert velocity_integral(r, 30.0, gamma, alpha, beta, "exact") * r**alpha == pytest.approx(1.0, rel=1e-5)


@pytest.mark.parametrize("beta", [0.4, -0.3])
def test_printed_eq12_normalization_is_off_by_gamma_of_one_minus_beta(beta):
    r, phi0, gamma, alpha = 3.0, 25.0, 0.5, 3.5
    printed = velocity_integral(r, phi0, gamma, alpha, beta, "paper") * r**alpha
    assert printed == pytest.approx(gamma_fn(1.0 - beta), rel=1e-5)
    assert abs(printed - 1.0) > 0.1  # so the printed K is not a valid normalization for beta != 0


def test_paper_and_exact_agree_for_isotropic_df():
    args = (np.array([1.0, 10.0]), np.array([50.0, -80.0]), np.array([120.0, 30.0]), 40.0, 0.5, 3.5, 0.0)
    np.testing.assert_allclose(log_df(*args, "paper"), log_df(*args, "exact"), rtol=0, atol=1e-12)


@pytest.mark.parametrize("alpha, beta, gamma", [(2.9, 0.4, 0.5), (2.5, -0.3, 0.3)])
def test_df_equals_galpy_constantbeta_power_law(alpha, beta, gamma):
    from galpy.df import constantbetaPowerLawdf
    from galpy.potential import PowerSphericalPotential, evaluatePotentials

    pot = PowerSphericalPotential(alpha=2.0 + gamma, normalize=1.0)  # Phi ∝ -r^-gamma
    tracer = PowerSphericalPotential(alpha=alpha, normalize=1.0)  # density ∝ r^-alpha
    gdf = constantbetaPowerLawdf(pot=pot, denspot=tracer, beta=beta, rmin=1e-3)
    psi0 = -evaluatePotentials(pot, 1.0, 0.0)  # galpy natural units; velocity unit = our 100 km/s
    r = np.array([0.4, 1.3, 4.0, 9.0])
    vr = np.array([0.3, -0.2, 0.1, 0.05])
    vt = np.array([0.4, 0.5, 0.2, 0.1])
    energy = evaluatePotentials(pot, r, 0.0) + 0.5 * (vr**2 + vt**2)
    galpy_f = gdf((energy, r * vt)) / gdf._nu0  # galpy normalizes to nu(1) = nu0
    ours = np.exp(log_df(r, 100 * vr, 100 * vt, psi0, gamma, alpha, beta))
    np.testing.assert_allclose(ours, galpy_f, rtol=1e-10)


def test_log_df_is_minus_inf_when_unbound_or_invalid_and_quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        unbound = log_df(10.0, 500.0, 500.0, 10.0, 0.5, 3.5, 0.0)
        assert unbound == -np.inf
        bad = log_df(1.0, 10.0, 10.0, np.array([30.0, 30, 30, -1]), np.array([0.5, 0.5, 0.9, 0.5]),
                     np.array([3.5, 0.4, 0.6, 3.5]), np.array([1.0, 0.0, 0.3, 0.0]))
        assert np.all(bad == -np.inf)


def test_validity_condition_eq13_boundary():
    gamma, beta = 0.5, 0.6
    edge = beta * (2 - gamma) + gamma / 2  # Eq. 13
    assert not is_valid(30.0, gamma, edge - 1e-9, beta)
    assert is_valid(30.0, gamma, edge + 1e-9, beta)
    assert not is_valid(30.0, 0.8, 0.79, -0.5)  # alpha/gamma > 1 also required
    assert not is_valid(30.0, 0.5, 3.5, 1.0)


# ------------------------------------------------------------------------------------------
# Mass, virial quantities
# ------------------------------------------------------------------------------------------
def test_mass_enclosed_matches_circular_speed_and_eq14():
    from astropy import constants as const, units as u

    r, phi0, gamma = np.array([2.0, 38.5, 125.0]), 40.0, 0.37
    h = 1e-6 * r
    dphi_dr = (potential(r + h, phi0, gamma) - potential(r - h, phi0, gamma)) / (2 * h) * 1e4  # km^2 s^-2 / kpc
    vc2 = -r * dphi_dr  # the relative potential decreases outwards
    g = const.G.to_value(u.kpc * u.km**2 / u.s**2 / u.Msun)
    np.testing.assert_allclose(mass_enclosed(r, phi0, gamma), r * vc2 / g, rtol=1e-6)
    # Eq. 14: 2.325e-3 gamma Phi_o r^(1-gamma) in 1e12 Msun (4 significant digits printed)
    np.testing.assert_allclose(mass_enclosed(r, phi0, gamma), 2.325e9 * gamma * phi0 * r ** (1 - gamma), rtol=3e-4)


def test_virial_radius_has_mean_density_200_rho_crit():
    from astropy import units as u
    from astropy.cosmology import FlatLambdaCDM

    rho_crit = FlatLambdaCDM(H0=67.8, Om0=0.3).critical_density0.to_value(u.Msun / u.kpc**3)
    phi0, gamma = np.array([20.0, 33.0, 60.0]), np.array([0.3, 0.5, 0.7])
    r_vir = virial_radius(phi0, gamma)
    mean_density = virial_mass(phi0, gamma) / (4 / 3 * np.pi * r_vir**3)
    np.testing.assert_allclose(mean_density, 200 * rho_crit, rtol=1e-4)
    assert r_vir.shape == (3,)
    # the paper's Scenario XII numbers: 6.8e11 Msun corresponds to about 185 kpc
    assert 180 < float(np.cbrt(6.82e11 / (200 * rho_crit * 4 / 3 * np.pi))) < 190


# ------------------------------------------------------------------------------------------
# Likelihood pieces
# ------------------------------------------------------------------------------------------
def _one_tracer(vt):
    return {"r": np.array([8.0]), "vr": np.array([120.0]), "vt": np.array([vt])}


@pytest.mark.parametrize("beta", [0.4, -0.3, 0.0])
@pytest.mark.parametrize("vt_prior", ["flat", "escape"])
def test_closed_form_vt_marginal_matches_quadrature(beta, vt_prior):
    phi0, gamma, alpha = 35.0, 0.45, 3.4
    post = Posterior(_one_tracer(np.nan), Scenario(gamma=gamma, alpha=alpha, beta=beta), vt_prior=vt_prior)
    closed = post.log_prob_marginal(np.array([[phi0]]))[0]
    r, vr = 8.0, 120.0
    a_max = math.sqrt(2 * potential(r, phi0, gamma) * 1e4 - vr**2)  # km/s

    def integrand(vt_kms):
        vt = vt_kms / 100.0
        prior = vt if vt_prior == "flat" else vt / potential(r, phi0, gamma)  # p(vt) = 2 vt / v_esc^2
        return float(np.exp(log_df(r, vr, vt_kms, phi0, gamma, alpha, beta))) * prior / 100.0

    numeric, _ = integrate.quad(integrand, 0.0, a_max, epsabs=0, epsrel=1e-10, limit=200)
    assert closed == pytest.approx(math.log(numeric), abs=1e-7)


def test_complete_tracer_likelihood_is_log_df():
    post = Posterior(_one_tracer(90.0), Scenario(gamma=0.5, alpha=3.5, beta=0.3))
    value = post.log_prob_marginal(np.array([[30.0]]))[0]
    assert value == pytest.approx(float(log_df(8.0, 120.0, 90.0, 30.0, 0.5, 3.5, 0.3)), abs=1e-12)


def test_normalized_likelihood_subtracts_tracer_count_in_range():
    rng = np.random.default_rng(4)
    data = hide_random_tangential_velocity(sample_power_law_df(30, 30.0, 0.5, 3.2, 0.2, 1.0, 60.0, rng=rng),
                                           count=5, rng=rng)
    sc = Scenario(gamma=0.5, alpha=(2.5, 4.5), beta=0.2)
    theta = np.array([[30.0, 2.9], [30.0, 3.0], [28.0, 3.6]])
    paper = Posterior(data, sc).log_prob_marginal(theta)
    normed = Posterior(data, sc, likelihood="normalized").log_prob_marginal(theta)
    rmin, rmax = data["r"].min(), data["r"].max()
    for row, diff in zip(theta, paper - normed):
        n_model, _ = integrate.quad(lambda r: 4 * np.pi * r ** (2 - row[1]), rmin, rmax)
        assert diff == pytest.approx(30 * math.log(n_model), rel=1e-9)
    assert float(log_radial_normalization(3.0, 1.0, math.e)) == pytest.approx(math.log(4 * math.pi))


def test_escape_vt_prior_differs_by_log_potential_of_los_tracers():
    rng = np.random.default_rng(5)
    data = hide_tangential_velocity(sample_power_law_df(40, 30.0, 0.5, 3.5, 0.0, 1.0, 60.0, rng=rng), count=7,
                                    selection="outermost")
    sc = SCENARIOS["IVb"]
    theta = np.array([[30.0, 0.5], [45.0, 0.4]])
    diff = Posterior(data, sc, vt_prior="escape").log_prob_marginal(theta) - Posterior(data, sc).log_prob_marginal(theta)
    r_los = data["r"][~data["complete"]]
    expected = [-np.sum(np.log(potential(r_los, *row))) for row in theta]
    np.testing.assert_allclose(diff, expected, rtol=1e-10)


def test_log_posterior_minus_inf_for_unbound_invalid_and_out_of_prior_without_warnings():
    rng = np.random.default_rng(6)
    data = hide_random_tangential_velocity(sample_power_law_df(40, 30.0, 0.5, 3.5, 0.2, 1.0, 60.0, rng=rng),
                                           count=8, rng=rng)
    post = Posterior(data, SCENARIOS["XII"].with_alpha_prior(68.0, 160.0))
    theta = np.array([
        [1.5, 0.5, 3.4, 0.2],  # Phi_o too small: tracers unbound
        [30.0, 0.5, 3.4, 1.0],  # beta = 1
        [30.0, 0.5, 2.9, 0.2],  # alpha <= 3 has zero Gamma-prior density
        [30.0, 0.9, 3.4, 0.2],  # gamma outside [0.3, 0.7]
        [30.0, 0.5, 3.4, -0.7],  # beta below -0.5
        [250.0, 0.5, 3.4, 0.2],  # Phi_o above 200
        [np.nan, 0.5, 3.4, 0.2],
        [30.0, 0.5, 3.4, 0.2],  # fine
    ])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lp = post.log_prob_marginal(theta)
        lj, terms = post.log_joint(theta, np.full((theta.shape[0], post.n_los), 0.5))
    assert np.all(lp[:-1] == -np.inf) and np.isfinite(lp[-1])
    assert not np.any(np.isnan(lp)) and not np.any(np.isnan(lj)) and not np.any(np.isnan(terms))
    # the Eq. 13 boundary inside the prior box: alpha > beta (2 - gamma) + gamma / 2
    post2 = Posterior(data, Scenario(gamma=(0.3, 0.7), alpha=(0.1, 5.0), beta=(-0.5, 1.0)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert post2.log_prob_marginal(np.array([[30.0, 0.5, 1.0, 0.6]]))[0] == -np.inf


# ------------------------------------------------------------------------------------------
# alpha prior (Eqs. 19-22)
# ------------------------------------------------------------------------------------------
def test_alpha_prior_from_excluded_clusters_has_mode_3p40():
    with open(GC_TABLE_PATH, newline="") as fh:  # the committed transcription of Table 1
        rows = list(csv.DictReader(fh))
    excluded = np.array([float(r["r_gc_kpc"]) for r in rows if int(r["included_paper"]) == 0])
    assert excluded.size == 68
    shape, rate = alpha_prior_from_radii(excluded)
    assert shape == pytest.approx(68.001)
    assert round(3.0 + (shape - 1.0) / rate, 2) == 3.40


def test_alpha_prior_is_the_conjugate_pareto_posterior():
    rng = np.random.default_rng(7)
    eta_true, b = 0.5, 0.4
    x = b * (1.0 - rng.uniform(size=4000)) ** (-1.0 / eta_true)  # Pareto(eta, b), Eq. 20
    shape, rate = alpha_prior_from_radii(x, b_kpc=b)
    assert shape / rate == pytest.approx(eta_true, rel=0.05)  # posterior mean of eta
    with pytest.raises(ValueError, match="threshold"):
        alpha_prior_from_radii([0.3, 1.0, 2.0], b_kpc=0.4)


# ------------------------------------------------------------------------------------------
# Scenarios (Table 1)
# ------------------------------------------------------------------------------------------
def test_scenario_table():
    expected_free = {
        "I": ("phi0",), "II": ("phi0",), "III": ("phi0", "beta"),
        "IV": ("phi0", "gamma"), "V": ("phi0", "gamma"), "VI": ("phi0", "gamma", "beta"),
        "VII": ("phi0", "alpha"), "VIII": ("phi0", "alpha"), "IX": ("phi0", "alpha", "beta"),
        "X": ("phi0", "gamma", "alpha"), "XI": ("phi0", "gamma", "alpha"), "XII": ("phi0", "gamma", "alpha", "beta"),
        "IVb": ("phi0", "gamma"), "Vb": ("phi0", "gamma"), "VIb": ("phi0", "gamma", "beta"),
    }
    assert set(SCENARIOS) == set(expected_free)
    for key, free in expected_free.items():
        assert SCENARIOS[key].free_parameters == free, key
    for key in ("I", "IV", "VII", "X", "IVb"):
        assert SCENARIOS[key].beta == 0.0
    for key in ("II", "V", "VIII", "XI", "Vb"):
        assert SCENARIOS[key].beta == 0.5
    for key in ("I", "II", "III", "IV", "V", "VI"):
        assert SCENARIOS[key].alpha == 3.5
    for key in ("I", "II", "III", "VII", "VIII", "IX"):
        assert SCENARIOS[key].gamma == 0.5
    assert SCENARIOS["IV"].gamma == (0.0, 1.0) and SCENARIOS["IVb"].gamma == (0.3, 0.7)
    assert SCENARIOS["XII"].gamma == (0.3, 0.7)  # see the note in _build_scenarios
    assert all(sc.phi0 == (1.0, 200.0) for sc in SCENARIOS.values())
    assert SCENARIOS["III"].beta == (-0.5, 1.0)
    assert [k for k, sc in SCENARIOS.items() if sc.needs_alpha_prior] == ["VII", "VIII", "IX", "X", "XI", "XII"]
    resolved = scenarios.scenarios_with_alpha_prior(68.0, 160.0)
    assert resolved["XII"].alpha == ("gamma", 68.0, 160.0) and resolved["I"].alpha == 3.5


@pytest.mark.parametrize("kwargs", [dict(phi0="prior"), dict(gamma=(0.7, 0.3)), dict(beta=("gamma", 2, 1)),
                                    dict(alpha=("gamma", -1, 1)), dict(alpha=(3.0,)), dict(phi0=float("nan"))])
def test_scenario_rejects_bad_specs(kwargs):
    with pytest.raises(ValueError):
        Scenario(**kwargs)


# ------------------------------------------------------------------------------------------
# fit(): input validation and result API
# ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_mock():
    rng = np.random.default_rng(11)
    m = sample_power_law_df(60, 30.0, 0.5, 3.5, 0.2, 0.5, 100.0, rng=rng)
    return hide_tangential_velocity(m, count=12, selection="outermost")


def _table(**cols):
    base = {"r": np.array([1.0, 5.0, 20.0]), "vr": np.array([50.0, -100.0, 20.0]), "vt": np.array([80.0, np.nan, 60.0])}
    base.update(cols)
    return base


@pytest.mark.parametrize("table, match", [
    ({"r": np.ones(3), "vr": np.ones(3)}, "missing column 'vt'"),
    (_table(r=np.array([1.0, -5.0, 20.0])), "r must be > 0"),
    (_table(r=np.array([1.0, np.nan, 20.0])), "r must be finite"),
    (_table(vr=np.array([1.0, np.nan, 20.0])), "vr must be finite"),
    (_table(vt=np.array([1.0, -3.0, 20.0])), "vt must be >= 0"),
])
def test_fit_validates_tracers(table, match):
    with pytest.raises(ValueError, match=match):
        fit(table, SCENARIOS["I"], rng=np.random.default_rng(0))


def test_fit_requires_alpha_prior_for_free_alpha(small_mock):
    with pytest.raises(ValueError, match="alpha_prior"):
        fit(small_mock, SCENARIOS["XII"], rng=np.random.default_rng(0))


def test_fit_accepts_astropy_table_and_pandas(small_mock):
    import pandas as pd
    from astropy.table import Table

    cols = {k: small_mock[k] for k in ("r", "vr", "vt")}
    kw = dict(n_walkers=16, n_burn=40, n_draws=20, max_draws=20, warn=False)
    a = fit(Table(cols), SCENARIOS["I"], rng=np.random.default_rng(3), **kw)
    b = fit(pd.DataFrame(cols), SCENARIOS["I"], rng=np.random.default_rng(3), **kw)
    np.testing.assert_array_equal(a.samples["phi0"], b.samples["phi0"])
    from astropy import units as u
    from astropy.table import QTable

    q = QTable({"r": cols["r"] * 1000 * u.pc, "vr": cols["vr"] * 1000 * u.m / u.s, "vt": cols["vt"] * u.km / u.s})
    c = fit(q, SCENARIOS["I"], rng=np.random.default_rng(3), **kw)  # units are converted, not assumed
    np.testing.assert_allclose(c.samples["phi0"], a.samples["phi0"], rtol=1e-9)


def test_fit_result_api(small_mock, tmp_path):
    res = fit(small_mock, SCENARIOS["VI"], rng=np.random.default_rng(1))
    assert isinstance(res, FitResult) and res.converged
    n = res.samples["phi0"].size
    assert all(res.samples[p].shape == (n,) for p in ("phi0", "gamma", "alpha", "beta"))
    assert np.all(res.samples["alpha"] == 3.5)
    assert set(res.rhat) == set(res.ess) == {"phi0", "gamma", "beta"}
    assert all(v < 1.1 for v in res.rhat.values()) and all(v > 1000 for v in res.ess.values())
    assert 0.1 < res.acceptance["phi0"] < 0.9
    assert res.mass(125.0).shape == (n,)
    assert res.mass(np.array([10.0, 50.0, 125.0])).shape == (n, 3)
    np.testing.assert_allclose(res.mass(np.array([125.0]))[:, 0], res.mass(125.0))
    s = res.summary()
    assert set(s) == {"params", "M125", "Mvir", "rvir", "rhat", "ess", "acceptance", "n_tracers", "converged"}
    assert set(s["M125"]) == {"mean", "median", "q2.5", "q25", "q75", "q97.5"}
    assert s["n_tracers"] == 60
    assert s["M125"]["q2.5"] < s["M125"]["median"] < s["M125"]["q97.5"]
    assert 1e11 < s["M125"]["median"] < 2e12 and 100 < s["rvir"]["median"] < 400
    path = tmp_path / "chains.npz"
    res.save_npz(path)
    assert sorted(os.listdir(tmp_path)) == ["chains.npz"]  # no temp file left behind
    with np.load(path) as z:
        np.testing.assert_array_equal(z["sample_phi0"], res.samples["phi0"])
        assert z["chain_gamma"].shape[0] == 3
