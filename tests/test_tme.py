"""Tests of mwlib.bird22.tme: Bird et al. (2022) Eq. 4 on exact scale-free tracer populations."""

from __future__ import annotations

import numpy as np
import pytest

from mwlib.core.constants import G_KPC_KMS2_PER_MSUN as G
from mwlib.bird22.dispersion import KG_EDGES_KPC
from mwlib.bird22.tme import tme_coefficient, tme_mass, tme_profile

# Scale-free potential: G M(<r) = V0^2 R0 (r/R0)^(1 - gamma), Phi(r) = (V0^2/gamma) (r/R0)^-gamma.
V0_KMS = 200.0
R0_KPC = 10.0


def true_mass(r_kpc, gamma):
    return V0_KMS**2 * R0_KPC * (np.asarray(r_kpc) / R0_KPC) ** (1.0 - gamma) / G


def scale_free_mock(n, alpha, beta, gamma, r_in, r_out, rng):
    """Exact sampler of the Evans (1997) scale-free DF, f(E, L) ∝ L^-2beta E^(n - ...).

    r: p(r) ∝ r^(2 - alpha) on [r_in, r_out]; x = v^2/(2 Phi) ~ Beta(3/2 - beta, n + 1) with
    n = (alpha - 2 beta)/gamma + beta - 3/2; the angle eta between v and the radial direction has
    density ∝ sin(eta)^(1 - 2 beta), i.e. cos^2(eta) ~ Beta(1/2, 1 - beta) with a random sign.
    Returns (r, v_r). For this DF sigma_r^2 = gamma Phi / (alpha + gamma - 2 beta) exactly.
    """
    p = 3.0 - alpha
    u = rng.uniform(size=n)
    if abs(p) < 1e-12:  # alpha = 3: p(r) ∝ 1/r
        r = r_in * (r_out / r_in) ** u
    else:
        r = (r_in**p + u * (r_out**p - r_in**p)) ** (1.0 / p)
    phi = V0_KMS**2 / gamma * (r / R0_KPC) ** (-gamma)
    n_idx = (alpha - 2.0 * beta) / gamma + beta - 1.5
    x = rng.beta(1.5 - beta, n_idx + 1.0, size=n)
    v = np.sqrt(2.0 * phi * x)
    cos_eta = np.sqrt(rng.beta(0.5, 1.0 - beta, size=n)) * rng.choice([-1.0, 1.0], size=n)
    return r, v * cos_eta


@pytest.fixture(scope="module")
def mock():
    rng = np.random.default_rng(20220101)
    alpha, beta, gamma = 3.5, 0.3, 0.5
    r, vr = scale_free_mock(100_000, alpha, beta, gamma, 3.0, 125.0, rng)
    return r, vr, alpha, beta, gamma


def test_sampler_dispersion_matches_jeans(mock):
    """sigma_r^2 r^gamma = V0^2 R0^gamma / (alpha + gamma - 2 beta) for the mock (sanity)."""
    r, vr, alpha, beta, gamma = mock
    s2 = np.mean(vr**2 * r**gamma)
    expect = V0_KMS**2 * R0_KPC**gamma / (alpha + gamma - 2 * beta)
    assert s2 == pytest.approx(expect, rel=0.02)


@pytest.mark.parametrize("subtract_mean", [True, False])
def test_tme_recovers_mass_scale_free(mock, subtract_mean):
    r, vr, alpha, beta, gamma = mock
    m = tme_mass(r, vr, alpha, beta, gamma, subtract_mean=subtract_mean)
    assert m == pytest.approx(true_mass(r.max(), gamma), rel=0.02)


@pytest.mark.parametrize("alpha, beta, gamma", [(3.0, 0.0, 0.5), (4.0, 0.5, 0.3), (2.5, -0.3, 1.0)])
def test_tme_other_parameters(alpha, beta, gamma):
    rng = np.random.default_rng(7)
    r, vr = scale_free_mock(100_000, alpha, beta, gamma, 5.0, 80.0, rng)
    m = tme_mass(r, vr, alpha, beta, gamma)
    assert m == pytest.approx(true_mass(r.max(), gamma), rel=0.03)


def test_tme_hand_example():
    # coefficient 3 + 0.5 - 0 = 3.5, r_out^0.5 = 2, <r^0.5 v^2> = (1*100 + 2*100)/2 = 150
    m = tme_mass([1.0, 4.0], [10.0, -10.0], alpha=3.0, beta=0.0, gamma=0.5, subtract_mean=False)
    assert m == pytest.approx(3.5 * 2.0 * 150.0 / G, rel=1e-12)
    # mean subtraction: v = [20, 0] -> [10, -10]
    m2 = tme_mass([1.0, 4.0], [20.0, 0.0], alpha=3.0, beta=0.0, gamma=0.5, subtract_mean=True)
    assert m2 == pytest.approx(m, rel=1e-12)
    assert tme_coefficient(3.0, 0.25, 0.5) == pytest.approx(3.0)


def test_mean_subtraction_removes_bulk_motion(mock):
    r, vr, alpha, beta, gamma = mock
    shifted = vr + 40.0
    m_true = true_mass(r.max(), gamma)
    assert tme_mass(r, shifted, alpha, beta, gamma, subtract_mean=True) == pytest.approx(m_true, rel=0.02)
    assert tme_mass(r, shifted, alpha, beta, gamma, subtract_mean=False) > 1.1 * m_true


@pytest.mark.parametrize("mode", ["bin", "cumulative"])
def test_tme_profile_recovers_each_bin(mock, mode):
    r, vr, alpha, beta, gamma = mock
    t = tme_profile(r, vr, KG_EDGES_KPC, alpha, beta, gamma, n_boot=100, rng=np.random.default_rng(3), mode=mode)
    truth = true_mass(t["r_mass_kpc"], gamma)
    rel = t["mass_msun"] / truth - 1
    pull = (t["mass_msun"] - truth) / t["mass_err_msun"]
    assert np.all(np.abs(rel) < 0.06), rel
    assert np.all(np.abs(pull) < 3.5), pull
    # bootstrap error: statistical scale ~ 1/sqrt(N) of a kurtotic quantity, a few per cent at most
    frac = t["mass_err_msun"] / t["mass_msun"]
    assert np.all((frac > 0.002) & (frac < 0.06))
    # r_eval="max": the radius is the largest radius in the bin / sample
    assert np.all(t["r_mass_kpc"] <= t["r_hi_kpc"])
    assert np.all(t["ok"])


def test_tme_profile_r_eval_and_per_bin_beta(mock):
    r, vr, alpha, beta, gamma = mock
    nb = len(KG_EDGES_KPC) - 1
    t_edge = tme_profile(r, vr, KG_EDGES_KPC, lambda x: np.full_like(x, alpha), np.full(nb, beta),
                         gamma, n_boot=20, r_eval="edge", rng=np.random.default_rng(1))
    assert np.allclose(t_edge["r_mass_kpc"], KG_EDGES_KPC[1:])
    assert np.allclose(t_edge["mass_msun"] / true_mass(t_edge["r_mass_kpc"], gamma), 1, atol=0.06)
    t_med = tme_profile(r, vr, KG_EDGES_KPC, alpha, lambda x: np.full_like(x, beta), gamma,
                        n_boot=20, r_eval="median", rng=np.random.default_rng(1))
    assert np.allclose(t_med["r_mass_kpc"], t_med["r_median_kpc"])
    assert np.allclose(t_med["mass_msun"] / true_mass(t_med["r_mass_kpc"], gamma), 1, atol=0.06)


def test_tme_profile_reproducible_and_seed_dependent(mock):
    r, vr, alpha, beta, gamma = mock
    a = tme_profile(r[:5000], vr[:5000], KG_EDGES_KPC, alpha, beta, n_boot=50, rng=np.random.default_rng(11))
    b = tme_profile(r[:5000], vr[:5000], KG_EDGES_KPC, alpha, beta, n_boot=50, rng=np.random.default_rng(11))
    c = tme_profile(r[:5000], vr[:5000], KG_EDGES_KPC, alpha, beta, n_boot=50, rng=np.random.default_rng(12))
    assert np.array_equal(a["mass_err_msun"], b["mass_err_msun"])
    assert not np.array_equal(a["mass_err_msun"], c["mass_err_msun"])
    assert np.array_equal(a["mass_msun"], c["mass_msun"])  # the point estimate uses no random draws


def test_bad_inputs_raise(mock):
    r, vr, alpha, beta, gamma = mock
    with pytest.raises(ValueError, match="positive"):
        tme_mass(r, vr, -3.5, beta)  # Bird's signed slope
    with pytest.raises(ValueError, match="beta"):
        tme_mass(r, vr, alpha, 1.2)
    with pytest.raises(ValueError, match="gamma"):
        tme_mass(r, vr, alpha, beta, gamma=1.5)
    with pytest.raises(ValueError, match="equal length"):
        tme_mass(r, vr[:-1], alpha, beta)
    with pytest.raises(ValueError, match="finite"):
        tme_mass(np.array([1.0, np.nan]), np.array([1.0, 2.0]), alpha, beta)
    with pytest.raises(ValueError, match="alpha \\+ gamma - 2 beta"):
        tme_mass(r, vr, 0.3, 0.9)
    with pytest.raises(ValueError, match="one value per bin"):
        tme_profile(r, vr, KG_EDGES_KPC, alpha, [0.1, 0.2], rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="mode"):
        tme_profile(r, vr, KG_EDGES_KPC, alpha, beta, mode="shell", rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="<= 10 stars"):
        tme_profile(r[:30], vr[:30], KG_EDGES_KPC, alpha, beta, rng=np.random.default_rng(0))
    flagged = tme_profile(r[:300], vr[:300], KG_EDGES_KPC, alpha, beta, on_sparse="flag", n_boot=10, rng=np.random.default_rng(0))
    assert not np.all(flagged["ok"]) and np.all(np.isnan(flagged["mass_msun"][~flagged["ok"]]))
