"""Tests of mwlib.bird22.nfw: NFW definitions (Eqs. 8-13), baryons, the (r200, c) fit, Section 4.6/5.4 numbers."""

from __future__ import annotations

import astropy.units as u
import numpy as np
import pytest
from astropy.cosmology import FlatLambdaCDM
from galpy.potential import MWPotential2014, NFWPotential

from mwlib.bird22 import nfw
from mwlib.core.constants import G_KPC_KMS2_PER_MSUN as G

RO, VO = 8.0, 220.0


def test_rho_crit_matches_astropy():
    cosmo = FlatLambdaCDM(H0=67.8, Om0=0.3)
    ref = cosmo.critical_density0.to_value(u.Msun / u.kpc**3)
    assert nfw.rho_crit_msun_per_kpc3() == pytest.approx(ref, rel=1e-10)
    assert nfw.rho_crit_msun_per_kpc3(70.0) == pytest.approx(
        FlatLambdaCDM(H0=70.0, Om0=0.3).critical_density0.to_value(u.Msun / u.kpc**3), rel=1e-10
    )


def test_m200_definitions():
    r200 = np.array([150.0, 173.0, 211.0])
    c = np.array([[5.0], [18.2], [30.0]])  # broadcast over a parameter grid
    m200 = nfw.m200_from_r200(r200)
    # Table 2 pairs: r200 = 173 kpc <-> M200 = 0.55e12, 211 kpc <-> 1.00e12
    assert m200[1] / 1e12 == pytest.approx(0.55, abs=0.01)
    assert m200[2] / 1e12 == pytest.approx(1.00, abs=0.01)
    assert np.allclose(nfw.r200_from_m200(m200), r200)
    # M_NFW(<r200) = M200 for every c; mean density inside r200 is 200 rho_crit
    m_at_r200 = nfw.nfw_mass_enclosed(r200[None, :], r200[None, :], c)
    assert m_at_r200.shape == (3, 3)
    assert np.allclose(m_at_r200, m200[None, :], rtol=1e-12)
    mean_rho = m200 / (4 / 3 * np.pi * r200**3)
    ref = FlatLambdaCDM(H0=67.8, Om0=0.3).critical_density0.to_value(u.Msun / u.kpc**3)
    assert np.allclose(mean_rho, 200 * ref, rtol=1e-10)


def test_nfw_eq8_to_10_and_galpy():
    r200, c = 190.0, 12.0
    rs = r200 / c
    r = np.array([0.01, 1.0, 8.3, 50.0, 190.0, 400.0])
    x = r / rs
    eq8 = 4 * np.pi * nfw.rho_crit_msun_per_kpc3() * nfw.nfw_delta_c(c) * rs**3 * (np.log1p(x) - x / (1 + x))
    assert np.allclose(nfw.nfw_mass_enclosed(r, r200, c), eq8, rtol=1e-6)
    m200 = nfw.m200_from_r200(r200)
    pot = NFWPotential(conc=c, mvir=m200 / 1e12, H=67.8, overdens=200, wrtcrit=True, ro=RO, vo=VO)
    galpy_m = np.array([pot.mass(ri / RO, ro=RO, vo=VO) for ri in r[1:]])
    assert np.allclose(nfw.nfw_mass_enclosed(r[1:], r200, c), galpy_m, rtol=1e-8)


def test_baryon_mass_profile_matches_galpy():
    bm = nfw.PAPER_BARYONS
    pots = bm.galpy_potentials(RO, VO)
    for r in (0.5, 2.0, 8.3, 20.0, 60.0, 200.0):
        ref = sum(p.mass(r / RO, ro=RO, vo=VO) for p in pots)
        assert bm.mass_enclosed(r) == pytest.approx(ref, rel=2e-4)
        assert bm.mass_enclosed_exact(r) == pytest.approx(ref, rel=1e-7)
    # Printed totals: bulge 0.5e10, disk 6.8e10
    assert bm.mass_enclosed(1e5) == pytest.approx(7.3e10, rel=1e-3)
    # Analytic midplane circular velocity equals galpy's vcirc
    assert bm.vcirc_midplane(8.3) == pytest.approx(
        np.sqrt(sum(p.vcirc(8.3 / RO, ro=RO, vo=VO) ** 2 for p in pots)), rel=1e-10
    )
    # Vectorised, shape-preserving
    grid = np.geomspace(0.1, 300, 12).reshape(3, 4)
    assert bm.mass_enclosed(grid).shape == (3, 4)


def test_from_mwpotential2014_matches_galpy_components():
    bm = nfw.BaryonModel.from_mwpotential2014(RO, VO)
    assert bm.bulge_mass_msun == pytest.approx(4.50e9, rel=1e-3)  # printed 0.5e10 is rounded
    assert bm.disk_mass_msun == pytest.approx(6.82e10, rel=1e-3)
    assert (bm.bulge_rc_kpc, bm.disk_a_kpc, bm.disk_b_kpc) == pytest.approx((1.9, 3.0, 0.28))
    for r in (1.0, 8.3, 50.0):
        ref = sum(p.mass(r / RO, ro=RO, vo=VO) for p in MWPotential2014[:2])
        assert bm.mass_enclosed(r) == pytest.approx(ref, rel=2e-4)


R_DATA = np.array([5.7, 19.0, 29.4, 39.6, 49.7, 59.6, 87.2])


def synthetic(r200, c, frac_err=0.1, rng=None):
    m = nfw.PAPER_BARYONS.mass_enclosed(R_DATA) + nfw.nfw_mass_enclosed(R_DATA, r200, c)
    err = frac_err * m
    if rng is not None:
        m = m + err * rng.standard_normal(m.size)
    return m, err


@pytest.mark.parametrize("noisy", [False, True])
def test_fit_recovers_truth(noisy):
    r200, c = 190.0, 12.0
    m200 = nfw.m200_from_r200(r200)
    m, err = synthetic(r200, c, rng=np.random.default_rng(5) if noisy else None)
    fit = nfw.fit_nfw(R_DATA, m, err, rng=np.random.default_rng(1), n_walkers=64, n_steps=400, n_burn=200)
    p = fit.percentiles
    if noisy:  # truth within 2 sigma (the 16-84 half-width on the appropriate side)
        for key, true in (("m200_msun", m200), ("c", c), ("r200_kpc", r200)):
            lo, med, hi = p[key]
            assert med - 2 * (med - lo) < true < med + 2 * (hi - med), key
    else:
        for key, true in (("m200_msun", m200), ("c", c), ("r200_kpc", r200)):
            assert p[key][0] < true < p[key][2], key
    # total mass at r200 = baryons(<r200) + M200 sample by sample
    expect = fit.m200_msun + nfw.PAPER_BARYONS.mass_enclosed(fit.samples[:, 0])
    assert np.allclose(fit.m_total_r200_msun, expect)
    # every sample satisfies the circular-velocity prior
    v = np.sqrt(nfw.PAPER_BARYONS.vcirc_midplane(8.3) ** 2
                + G * nfw.nfw_mass_enclosed(8.3, fit.samples[:, 0], fit.samples[:, 1]) / 8.3)
    assert np.all((v > 200) & (v < 250))
    assert 0.2 < fit.acceptance_fraction < 0.9


def test_fit_dark_equals_total_and_is_reproducible():
    m, err = synthetic(180.0, 15.0)
    kw = dict(n_walkers=32, n_steps=100, n_burn=50)
    a = nfw.fit_nfw(R_DATA, m, err, fit_to="dark", **kw, rng=np.random.default_rng(0))
    b = nfw.fit_nfw(R_DATA, m, err, fit_to="total", **kw, rng=np.random.default_rng(0))
    c = nfw.fit_nfw(R_DATA, m, err, fit_to="dark", **kw, rng=np.random.default_rng(0))
    assert np.allclose(a.samples, b.samples, rtol=1e-6)
    assert np.array_equal(a.samples, c.samples)


def test_fit_profile_table_and_band():
    from astropy.table import Table

    m, err = synthetic(190.0, 12.0)
    t = Table({"r_mass_kpc": R_DATA, "mass_msun": m, "mass_err_msun": err})
    t["mass_msun"][0] = np.nan  # flagged rows are dropped
    fit = nfw.fit_nfw_profile(t, rng=np.random.default_rng(0), n_walkers=32, n_steps=150, n_burn=75)
    band = fit.mass_band(np.array([10.0, 100.0]))
    assert band.shape == (3, 2) and np.all(np.diff(band, axis=0) >= 0)
    s = fit.summary()
    assert {"m200_msun", "m200_msun_minus", "m200_msun_plus", "c", "r200_kpc", "m_total_r200_msun"} <= set(s)


def test_weighted_average_hand_example():
    # w = 1/s = (1, 0.5): mean (1 + 1)/1.5, error sqrt(1 + 1)/1.5
    mean, err = nfw.weighted_average([1.0, 2.0], [1.0, 2.0])
    assert mean == pytest.approx(4 / 3) and err == pytest.approx(np.sqrt(2) / 1.5)
    # inverse variance: w = (1, 1/4): mean 1.5/1.25 = 1.2, error 1/sqrt(1.25)
    mean, err = nfw.weighted_average([1.0, 2.0], [1.0, 2.0], weighting="inverse_variance")
    assert mean == pytest.approx(1.2) and err == pytest.approx(1 / np.sqrt(1.25))
    # asymmetric errors are averaged: s = (0.5 + 1.5)/2 = 1
    assert nfw.weighted_average([1.0, 3.0], [0.5, 1.0], [1.5, 1.0]) == pytest.approx((2.0, np.sqrt(2) / 2))


def test_weighted_average_reproduces_section_4_6():
    """Table 2 -> 'M200 = 0.53 +- 0.05 x 10^12, r200 = 172 +- 5 kpc, c = 20 +- 3'."""
    m, m_err = nfw.weighted_average([0.55, 1.00, 0.46, 0.67], [0.11, 0.33, 0.040, 0.14], [0.15, 0.67, 0.043, 0.21])
    # 0.535 with s = (lower + upper)/2 (0.534 with rms errors): the paper's 0.53 to its rounding
    assert m == pytest.approx(0.53, abs=0.006) and round(m_err, 2) == 0.05
    r, r_err = nfw.weighted_average([173, 211, 162, 185], [12, 26, 4.9, 14], [15, 39, 4.9, 17])
    assert round(r) == 172 and round(r_err) == 5
    c, _ = nfw.weighted_average([18.2, 9.4, 28.5, 19.0], [6.8, 3.2, 2.2, 4.1], [7.1, 4.4, 2.4, 4.7])
    assert round(c) == 20  # the paper's +-3 is not reproduced (we get 1.9)


def test_baryon_fraction_section_5_4():
    assert nfw.baryon_fraction(0.53e12) == pytest.approx(0.151, abs=1e-3)
    assert np.allclose(nfw.baryon_fraction(np.array([0.5e12, 1e12])), [0.16, 0.08])


def test_bad_inputs_raise():
    m, err = synthetic(190.0, 12.0)
    with pytest.raises(ValueError, match="equal length"):
        nfw.fit_nfw(R_DATA, m[:-1], err, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="positive"):
        nfw.fit_nfw(R_DATA, m, -err, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="fit_to"):
        nfw.fit_nfw(R_DATA, m, err, fit_to="baryons", rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="prior"):
        nfw.fit_nfw(R_DATA, m, err, vcirc_prior_kms=(260.0, 250.0), rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="circular-velocity prior"):
        nfw.fit_nfw(R_DATA, m, err, vcirc_prior_kms=(10.0, 20.0), n_walkers=8, n_steps=2, n_burn=1, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="errors must be positive"):
        nfw.weighted_average([1.0, 2.0], [1.0, -1.0])
    with pytest.raises(ValueError, match="weighting"):
        nfw.weighted_average([1.0], [1.0], weighting="median")
    with pytest.raises(ValueError, match="positive"):
        nfw.baryon_fraction(-1.0)
    with pytest.raises(ValueError):
        nfw.BaryonModel(bulge_alpha=3.5)
    with pytest.raises(ValueError, match="H0"):
        nfw.rho_crit_msun_per_kpc3(0.0)
    with pytest.raises(ValueError, match="non-negative"):
        nfw.PAPER_BARYONS.mass_enclosed(-1.0)
