"""Tests of mwlib.bird22.systematics: Bird et al. (2022) Sections 3.2, 5.3 and the Appendix."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from astropy.table import Table

from mwlib.bird22 import dispersion, halo_mocks, jeans, samples, systematics
from mwlib.core.constants import G_KPC_KMS2_PER_MSUN as G

QUICK = {"n_draws": 50, "n_jeans_mc": 20, "n_boot": 20, "sigma": dict(n_walkers=32, n_steps=300, n_burn=100),
         "nfw": dict(n_walkers=32, n_steps=300, n_burn=150)}


@pytest.fixture(scope="module")
def bhb():
    mock = halo_mocks.make_halo_mock(halo_mocks.BHB_MOCK, rng=np.random.default_rng(31), n_stars=1500)
    t = mock.table
    kin = samples.compute_kinematics(t, rng=np.random.default_rng(32), n_draws=50)
    sample = samples.HaloSample("bhb_mock", "bhb", t, kin, mock.truth, None, False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        disp = dispersion.bin_dispersions(sample.r_kpc, sample.v_kms, sample.v_cov, sample.edges_kpc,
                                          on_sparse="flag")
    fit = dispersion.fit_sigma_profile(disp, rng=np.random.default_rng(3), **QUICK["sigma"])
    return sample, disp, fit


def test_alpha_in_bounds_invert_eq1_at_10_kpc(bhb):
    """Put the returned slopes back into Eq. 1 at 10 kpc (dispersions interpolated in ln r between
    the bracketing bins): v_circ(10 kpc) is 200 and 250 km/s."""
    sample, disp, fit = bhb
    lo, hi = systematics.alpha_in_bounds(disp, fit, sample.density)
    assert 2.0 < lo < hi < 6.0
    ok = np.asarray(disp["ok"])
    r = np.asarray(disp["r_median_kpc"])[ok]
    sig = [np.sqrt(np.interp(np.log(10.0), np.log(r), np.asarray(disp[f"sigma_{c}_kms"])[ok] ** 2))
           for c in ("r", "theta", "phi")]
    ds2 = fit.dsigma2_dr_best(np.array([10.0]))[0]
    for alpha, v in ((lo, 200.0), (hi, 250.0)):
        m = jeans.jeans_mass(10.0, *sig, ds2, alpha)
        assert np.sqrt(G * m / 10.0) == pytest.approx(v, rel=1e-9)
        assert m == pytest.approx(v**2 * 10.0 / G, rel=1e-9)  # M(<10 kpc) = 0.93 / 1.45e11 Msun
    with pytest.raises(ValueError, match="inside the density break"):
        systematics.alpha_in_bounds(disp, fit, sample.density.__class__(3.5, 8.0, 4.7))
    with pytest.raises(ValueError, match="not bracketed"):
        systematics.alpha_in_bounds(disp, fit, sample.density, r_ref_kpc=2.0)


def test_without_mean_correction_adds_the_mean_in_quadrature():
    t = Table({"n_stars": [50, 200], "ok": [True, True]})
    for c, s, m in (("r", (100.0, 90.0), (30.0, -5.0)), ("theta", (80.0, 70.0), (0.0, 10.0)),
                    ("phi", (85.0, 75.0), (40.0, 0.0))):
        t[f"sigma_{c}_kms"], t[f"mean_v{c}_kms"] = s, m
        t[f"sigma_{c}_err_kms"] = np.zeros(2)
    t["beta"], t["beta_err"] = np.zeros(2), np.zeros(2)
    out = systematics.without_mean_correction(t)
    np.testing.assert_allclose(out["sigma_r_kms"], np.hypot([100.0, 90.0], [30.0, -5.0]))
    np.testing.assert_allclose(out["sigma_phi_err_kms"], out["sigma_phi_kms"] / np.sqrt(2 * np.array([50, 200])))
    np.testing.assert_allclose(out["beta"], dispersion.anisotropy(out["sigma_r_kms"], out["sigma_theta_kms"],
                                                                  out["sigma_phi_kms"]))
    assert t["sigma_r_kms"][0] == 100.0  # input untouched


def test_variants_rerun_the_chain(bhb):
    sample, disp, fit = bhb
    lo, hi = systematics.alpha_in_bounds(disp, fit, sample.density)
    tasks = systematics.variant_tasks(sample, seed=5, alpha_in_range=(lo, hi), settings=QUICK)
    assert [t["variant"] for t in tasks][:3] == ["baseline", "distance x0.9", "distance x1.1"] and len(tasks) == 8
    assert {t["seed"] for t in tasks} == {5}
    with pytest.raises(ValueError, match="unknown variants"):
        systematics.variant_tasks(sample, seed=5, alpha_in_range=(lo, hi), settings=QUICK, variants=["nope"])
    runs = [systematics.run_variant(t) for t in tasks]
    by = {r["variant"]: r for r in runs}
    base, far = by["baseline"]["profiles"]["jeans"], by["distance x1.1"]["profiles"]["jeans"]
    # farther stars: larger radii and larger tangential speeds -> larger masses in most bins
    ok = np.asarray(base["ok"]) & np.asarray(far["ok"])
    assert np.median(np.asarray(far["mass_msun"])[ok] / np.asarray(base["mass_msun"])[ok]) > 1.0
    # a steeper outer slope raises the Jeans masses beyond the break only (Eq. 1: M grows with alpha)
    steep = by["alpha_out +1"]["profiles"]["jeans"]
    outer = np.asarray(base["r_mass_kpc"]) > sample.density.r_break_kpc
    assert np.all(np.asarray(steep["mass_msun"])[outer & ok] > np.asarray(base["mass_msun"])[outer & ok])
    np.testing.assert_allclose(np.asarray(steep["mass_msun"])[~outer & ok], np.asarray(base["mass_msun"])[~outer & ok])
    # determinism: the same task gives the same numbers
    again = systematics.run_variant(tasks[2])
    np.testing.assert_array_equal(again["profiles"]["tme"]["mass_msun"], by["distance x1.1"]["profiles"]["tme"]["mass_msun"])
    # without the mean-velocity correction the TME uses <V_r^2> instead of the variance: never lower
    raw, corr = by["no mean-velocity correction"]["profiles"]["tme"], by["baseline"]["profiles"]["tme"]
    both = np.asarray(raw["ok"]) & np.asarray(corr["ok"])
    assert np.all(np.asarray(raw["mass_msun"])[both] >= np.asarray(corr["mass_msun"])[both] * (1 - 1e-12))
    summary = systematics.summarize(runs, {sample.name: sample.density})
    assert len(summary) == 8 and set(summary["method"]) == {"jeans", "tme"}
    rows = {(r["method"], r["test"].split(" ")[0]): r for r in summary}
    row = rows[("jeans", "alpha_out")]
    assert row["median_bin_change_pct"] > 5 and row["last_bin_change_pct"] > 5
    # the alpha_in test: its last bin is the last one inside the break, where the change is not zero
    a_in = rows[("jeans", "alpha_in")]
    assert a_in["last_bin_change_pct"] > 5 and np.isfinite(a_in["median_bin_change_pct"])
    # hand check of the median for alpha_out: half the spread over the bins beyond the break
    lo_m, hi_m = (np.asarray(by[v]["profiles"]["jeans"]["mass_msun"]) for v in ("alpha_out -1", "alpha_out +1"))
    half = 50 * np.abs(hi_m - lo_m) / np.asarray(base["mass_msun"])
    assert row["median_bin_change_pct"] == pytest.approx(np.median(half[outer & ok]))
    with pytest.raises(ValueError, match="baseline"):
        systematics.summarize([r for r in runs if r["variant"] != "baseline"], {sample.name: sample.density})
    assert systematics.systematic_error(4.0) == pytest.approx(0.6)
    # the scorecard's mean over samples and methods of one test, NaN-free
    expect = np.mean([r["median_bin_change_pct"] for r in summary if r["test"].startswith("alpha_out")])
    assert systematics.mean_change(summary, [sample.name], "alpha_out", "median_bin_change_pct") == pytest.approx(expect)
    assert np.isnan(systematics.mean_change(summary, ["absent"], "alpha_out", "median_bin_change_pct"))


def _hand_run(variant, factor, m200, *, outer_only=False):
    """A hand-made run_variant result: baseline masses 1-4e11 at 10-40 kpc times ``factor`` (beyond the BHB break at
    22 kpc only if ``outer_only``), and M200 [Msun] for both methods."""
    r = np.array([10.0, 20.0, 30.0, 40.0])
    base = 1e11 * np.arange(1.0, 5.0)
    mass = base * np.where(r > 22.0, factor, 1.0) if outer_only else base * factor
    profile = Table({"r_lo_kpc": r - 5, "r_hi_kpc": r + 5, "n_stars": np.full(4, 100), "r_mass_kpc": r,
                     "mass_msun": mass, "mass_err_msun": 0.1 * mass, "ok": np.ones(4, bool)})
    return {"sample": "s", "variant": variant, "profiles": {"jeans": profile, "tme": profile.copy()},
            "nfw": {m: {"M200": {"p50": m200}} for m in ("jeans", "tme")}}


def test_summarize_by_hand_and_prior_bound_m200_is_nan():
    density = samples.paper_density("bhb")
    runs = [_hand_run("baseline", 1.0, 1e12),
            _hand_run("distance x0.9", 0.8, 0.7e12), _hand_run("distance x1.1", 1.2, 1.3e12),
            _hand_run("alpha_out -1", 0.9, 0.9e12, outer_only=True),
            _hand_run("alpha_out +1", 1.1, 2.0 * systematics.M200_AT_PRIOR_BOUND_MSUN, outer_only=True),
            _hand_run("no mean-velocity correction", 1.05, 1.1e12)]
    summary = systematics.summarize(runs, {"s": density})
    rows = {(r["method"], r["test"].split(" ")[0]): r for r in summary}
    assert len(summary) == 6 and set(summary["method"]) == {"jeans", "tme"}
    for method in ("jeans", "tme"):
        d = rows[(method, "distance")]
        assert d["median_bin_change_pct"] == pytest.approx(20.0) and d["last_bin_change_pct"] == pytest.approx(20.0)
        assert d["m200_change_pct"] == pytest.approx(30.0)  # 50 |1.3 - 0.7| / 1
        a = rows[(method, "alpha_out")]
        assert a["median_bin_change_pct"] == pytest.approx(10.0)  # over the bins beyond the break only
        assert np.isnan(a["m200_change_pct"])  # one of the two fits ran into its prior bound
        m = rows[(method, "mean-velocity")]
        assert m["median_bin_change_pct"] == pytest.approx(5.0) and m["m200_change_pct"] == pytest.approx(10.0)
    assert systematics.mean_change(summary, ["s"], "distance", "m200_change_pct") == pytest.approx(30.0)
    assert np.isnan(systematics.mean_change(summary, ["s"], "alpha_out", "m200_change_pct"))


def test_systematic_lines_quote_15_percent_beside_the_published():
    from mwlib.bird22 import published, systematics

    pub = published.BIRD22_RESULTS
    text = systematics.systematic_lines({("Jeans KG", "M(<73)"): 4.0, ("Jeans KG", "M200_1e12"): 50.0}, pub,
                                        ("Jeans KG", "Jeans BHB"))
    lines = text.splitlines()
    assert lines[0].startswith("Jeans KG  M(<73): ours 4 ± 0.6 (systematic) 1e11 Msun; published 4.3 ± 0.6")
    assert "not defined (NFW fit at its prior bound)" in lines[1]  # 5e13 Msun is beyond the bound
    assert lines[2] == "Jeans BHB M(<52): not computed" and lines[3] == "Jeans BHB M200: not computed"
