"""The halo-star mass pipeline of notebooks 01-04 on a small seeded BHB-like mock with known truth: the samples and
their kinematics (mwlib.bird22.samples) through a run folder (mwlib.repro.products), the Jeans, TME and NFW
estimators, and the products the notebooks write (mass_profiles, nfw_summary, dispersion, fast_stars, settings)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from astropy.table import Table

from mwlib.bird22 import (dispersion, fast_stars, halo_mocks, halo_table, jeans, mass_profiles, nfw, nfw_summary,
                          published, samples, settings, tme)
from mwlib.core import paths
from mwlib.core.constants import G_KPC_KMS2_PER_MSUN as G
from mwlib.repro import products
from tests.conftest import run_folder

N_STARS = 3000
STARS = "local/halo_bhb_mock_stars.csv"
TRUTH = "halo_bhb_mock_truth.json"
SEED = 22


def _write_notebook01(run, name, table, truth=None, kind="bhb"):
    """What notebook 01 writes for one sample: its star table, its truth and the sample list."""
    stars = f"local/halo_{name}_stars.csv"
    halo_table.write_halo_table(run.output(stars), table)
    entry = {"kind": kind, "stars": stars, "truth": None, "real": False}
    if truth is not None:
        entry["truth"] = f"halo_{name}_truth.json"
        truth.write_json(run.output(entry["truth"]))
    return entry


def _write_notebook02(run, n_draws):
    """What notebook 02 writes first: every sample's kinematics, each from its own generator."""
    for name, (table, _, _) in samples.star_tables(run).items():
        kin = samples.compute_kinematics(table, rng=samples.sample_rng(SEED, "kinematics", name), n_draws=n_draws)
        samples.write_kinematics(run, name, kin)


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    """A 3000-star BHB-like mock written as notebook 01 does, its kinematics as notebook 02 does, and the samples
    as notebooks 03-04 load them -- all in a temporary run folder."""
    mock = halo_mocks.make_halo_mock(halo_mocks.BHB_MOCK, rng=np.random.default_rng(21), n_stars=N_STARS)
    root = tmp_path_factory.mktemp("run")
    with run_folder(root):
        run01 = products.open_run("01_data_prep", {"seed": 0})
        samples.write_sample_list(run01, {"bhb_mock": _write_notebook01(run01, "bhb_mock", mock.table, mock.truth)})
        run01.finish()
        run02 = products.open_run("02_dispersion", {"seed": 0})
        _write_notebook02(run02, 200)
        run02.finish()
        loaded = samples.load_halo_samples(products.open_run("03_jeans", {"seed": 0}))
    s = loaded["bhb_mock"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        disp = dispersion.bin_dispersions(s.r_kpc, s.v_kms, s.v_cov, s.edges_kpc, on_sparse="flag")
    return s, disp, mock, root


@pytest.fixture(scope="module")
def sample(pipeline):
    return pipeline[:3]


def test_loader_reads_the_sample_list_and_the_kinematics(pipeline):
    s, _, mock, _ = pipeline
    assert s.name == "bhb_mock" and s.kind == "bhb" and s.is_mock and not s.real
    assert s.cleaned is None and len(s.table) == N_STARS
    assert s.edges_kpc == tuple(dispersion.BHB_EDGES_KPC) == samples.bin_edges("bhb")
    assert s.density == samples.paper_density("bhb") == halo_mocks.BHB_MOCK.density
    assert s.v_kms.shape == (N_STARS, 3) and s.v_cov.shape == (N_STARS, 3, 3)
    assert s.r_kpc.min() > halo_mocks.BHB_MOCK.r_min_kpc and s.r_kpc.max() < halo_mocks.BHB_MOCK.r_max_kpc
    # the truth survives its JSON round trip
    r = np.geomspace(5.0, 100.0, 7)
    np.testing.assert_allclose(s.truth.mass_enclosed(r), mock.truth.mass_enclosed(r), rtol=1e-12)
    # the observed radial velocities scatter about the truth by about their Monte Carlo errors
    pull = (s.v_kms[:, 0] - np.asarray(mock.table["vr_true_kms"])) / np.sqrt(s.v_cov[:, 0, 0])
    assert 0.8 < np.std(pull) < 1.3
    # the kinematics read back are those computed from the sample's own generator (npz is lossless)
    again = samples.compute_kinematics(s.table, rng=samples.sample_rng(SEED, "kinematics", "bhb_mock"), n_draws=200)
    np.testing.assert_array_equal(again.v_cov, s.v_cov)
    np.testing.assert_array_equal(again.r_kpc, s.r_kpc)


def test_paper_densities_and_bins():
    assert samples.paper_density("kgiant").alpha_in == 2.8  # Section 4.2: adjusted from 3.1
    assert samples.paper_density("kgiant").r_break_kpc == 17 and samples.paper_density("kgiant").alpha_out == 4.6
    bhb = samples.paper_density("bhb")
    assert (bhb.alpha_in, bhb.r_break_kpc, bhb.alpha_out) == (3.5, 22, 4.7)
    assert samples.bin_edges("kgiant")[1:] == (15.0, 25.0, 35.0, 45.0, 55.0, 65.0, 125.0)
    for bad in (samples.paper_density, samples.bin_edges):
        with pytest.raises(ValueError):
            bad("rr_lyrae")


def test_sample_generators_are_per_sample_and_reproducible():
    a = samples.sample_rng(3, "kinematics", "bhb_mock").standard_normal(5)
    assert np.array_equal(a, samples.sample_rng(3, "kinematics", "bhb_mock").standard_normal(5))
    for other in (samples.sample_rng(3, "kinematics", "kgiant_mock"), samples.sample_rng(3, "sigma fit", "bhb_mock"),
                  samples.sample_rng(4, "kinematics", "bhb_mock")):
        assert not np.array_equal(a, other.standard_normal(5))


def test_loader_splits_cleaned_and_uncleaned_and_corrects_lamost(tmp_path):
    mock = halo_mocks.make_halo_mock(halo_mocks.KGIANT_MOCK, rng=np.random.default_rng(5), n_stars=300)
    table = mock.table
    table["substructure"] = np.arange(len(table)) % 10 == 0
    with run_folder(tmp_path):
        run01 = products.open_run("01_data_prep", {})
        samples.write_sample_list(run01, {"kgiant_mock": _write_notebook01(run01, "kgiant_mock", table, kind="kgiant")})
        with pytest.raises(ValueError, match="kind"):
            samples.write_sample_list(run01, {"x": {"kind": "rr_lyrae", "stars": "x.csv"}})
        run01.finish()
        run02 = products.open_run("02_dispersion", {})
        tables = samples.star_tables(run02)
        assert list(tables) == ["kgiant_mock_uncleaned", "kgiant_mock"]
        (uncleaned, _, flag_u), (cleaned, _, flag_c) = tables.values()
        assert len(uncleaned) == 300 and len(cleaned) == 270 and flag_u is False and flag_c is True
        lamost = np.asarray(table["survey"]) == "LAMOST"
        assert 0 < lamost.sum() < len(table)
        np.testing.assert_allclose(uncleaned["vlos_kms"], np.round(np.asarray(table["vlos_kms"]), 3) + 8.0 * lamost,
                                   atol=1e-6)
        _write_notebook02(run02, 20)
        run02.finish()
        run03 = products.open_run("03_jeans", {})
        out = samples.load_halo_samples(run03)
        assert list(out) == ["kgiant_mock_uncleaned", "kgiant_mock"]
        assert out["kgiant_mock"].cleaned and out["kgiant_mock_uncleaned"].cleaned is False
        assert out["kgiant_mock"].truth is None and not out["kgiant_mock"].is_mock
        assert out["kgiant_mock"].edges_kpc == dispersion.KG_EDGES_KPC
        assert len(out["kgiant_mock"].r_kpc) == 270
        # kinematics of one sample are refused for another sample's stars
        with pytest.raises(ValueError, match="stars differ"):
            samples.read_kinematics(run03, "kgiant_mock", uncleaned)
        with pytest.raises(TypeError):
            samples.compute_kinematics(cleaned, rng=1, n_draws=5)
    with run_folder(tmp_path / "empty"):
        with pytest.raises(FileNotFoundError, match="01_data_prep"):
            samples.load_halo_samples(products.open_run("03_jeans", {}))


# Tolerances of the two recovery tests. With 200-1000 stars per bin the sampling noise of a bin mass is
# 4-10%, and the bin just inside the density break (13-20 kpc) carries a systematic of the method of
# about -10 to -15% (the exponential d sigma_r^2/dr for Jeans; a broken power law is not scale-free for
# the TME), as notebooks 03 and 04 show on the full-size mocks. So: every bin with >= 200 stars within
# 15% (Jeans) / 20% (TME) plus twice its own error, and the mean |bias| over those bins below 10%.


def test_jeans_profile_recovers_the_true_mass(sample):
    """Eq. 1 hybrid on the mock recovers the true M(<r) in the populated bins (see above)."""
    s, disp, _ = sample
    fit = dispersion.fit_sigma_profile(disp, rng=np.random.default_rng(3), n_walkers=64, n_steps=600, n_burn=200)
    p = jeans.jeans_profile(None, None, s.edges_kpc, s.density.slope, rng=np.random.default_rng(4), sigma_fit=fit,
                            dispersions=disp)
    rich = np.asarray(p["n_stars"]) >= 200
    assert rich.sum() >= 4
    true = s.truth.mass_enclosed(np.asarray(p["r_median_kpc"]))
    bias = np.asarray(p["mass_msun"])[rich] / true[rich] - 1
    err = np.asarray(p["mass_err_msun"])[rich] / true[rich]
    assert np.all(err > 0)
    assert np.all(np.abs(bias) < 0.15 + 2 * err), (bias, err)
    assert np.mean(np.abs(bias)) < 0.10, bias


def test_tme_profile_recovers_the_true_mass(sample):
    """Eq. 4 per bin (beta from the deconvolved dispersions) recovers the true M(<r_max) (see above)."""
    s, disp, _ = sample
    p = tme.tme_profile(s.r_kpc, s.v_kms[:, 0], s.edges_kpc, s.density.slope, np.asarray(disp["beta"]),
                        rng=np.random.default_rng(5), on_sparse="flag")
    rich = np.asarray(p["n_stars"]) >= 200
    assert rich.sum() >= 4
    true = s.truth.mass_enclosed(np.asarray(p["r_mass_kpc"]))
    bias = np.asarray(p["mass_msun"])[rich] / true[rich] - 1
    err = np.asarray(p["mass_err_msun"])[rich] / true[rich]
    assert np.all(np.abs(bias) < 0.20 + 2 * err), (bias, err)
    assert np.mean(np.abs(bias)) < 0.10, bias
    # the mean-velocity subtraction (Section 3.2) changes the masses by little
    raw = tme.tme_profile(s.r_kpc, s.v_kms[:, 0], s.edges_kpc, s.density.slope, np.asarray(disp["beta"]),
                          rng=np.random.default_rng(5), on_sparse="flag", subtract_mean=False)
    change = np.asarray(raw["mass_msun"])[rich] / np.asarray(p["mass_msun"])[rich] - 1
    assert np.all((change >= 0) & (change < 0.05)), change


def test_nfw_fit_recovers_the_mock_truth(sample):
    """The NFW + baryons fit to the mock's true M(<r) (5% errors) brackets its M200 and c."""
    truth = sample[0].truth
    model = truth.mass_model
    r = np.geomspace(5.0, 60.0, 11)
    m = truth.mass_enclosed(r)
    fit = nfw.fit_nfw(r, m, 0.05 * m, rng=np.random.default_rng(6), baryons=model.baryons, n_walkers=64,
                      n_steps=600, n_burn=200)
    entry = nfw_summary.nfw_fit_entry(fit)
    assert entry["sampler"]["n_walkers"] == 64 and 0 < entry["sampler"]["acceptance_fraction"] < 1
    rec = nfw_summary.nfw_recovery(entry, model)
    assert rec["M200"]["inside"] and rec["c"]["inside"] and rec["r200"]["inside"], rec
    assert rec["M200"]["truth"] == model.m200_msun
    assert entry["Mtot_r200"]["p50"] == pytest.approx(entry["M200"]["p50"] + float(model.baryons.mass_enclosed(
        entry["r200"]["p50"])), rel=0.02)
    assert not nfw_summary.at_prior_bound(entry)
    with pytest.raises(ValueError, match="2.5/97.5"):
        nfw_summary.nfw_recovery({k: {q: v[q] for q in ("p16", "p50", "p84")} for k, v in entry.items()
                                  if k != "sampler"}, model)


def test_nfw_validation_with_the_papers_error_budget(sample):
    """Notebooks 03-04, Section 6b: the NFW fit to the mock's Jeans profile, with the paper's whole
    error budget (random errors + the 15% systematic of Section 3.3), has the mock's M200, r200 and
    c inside its 95% interval; the systematic widens the intervals it is added to."""
    s, disp, _ = sample
    p = jeans.jeans_profile(None, None, s.edges_kpc, s.density.slope, rng=np.random.default_rng(4), dispersions=disp,
                            n_walkers=64, n_steps=600, n_burn=200)
    kw = dict(n_walkers=64, n_steps=600, n_burn=200)
    random_only = nfw_summary.nfw_fit_entry(nfw.fit_nfw_profile(p, rng=np.random.default_rng(7), **kw))
    budget = nfw_summary.nfw_fit_entry(nfw.fit_nfw_profile(p, systematic_frac=nfw.SYSTEMATIC_FRAC,
                                                           rng=np.random.default_rng(7), **kw))
    rec = nfw_summary.nfw_recovery(budget, s.truth.mass_model)
    assert all(v["inside95"] for v in rec.values()), rec
    width = lambda e: e["M200"]["p84"] - e["M200"]["p16"]  # noqa: E731
    assert width(budget) > 1.3 * width(random_only)
    assert budget["M200"]["p2.5"] < budget["M200"]["p16"] < budget["M200"]["p50"] < budget["M200"]["p84"] \
        < budget["M200"]["p97.5"]
    with pytest.raises(ValueError, match="systematic_frac"):
        nfw.fit_nfw_profile(p, systematic_frac=1.5, rng=np.random.default_rng(0))
    table = nfw_summary.validation_table({"bhb_mock/jeans": random_only, "bhb_mock/jeans_sys15": budget},
                                         {"bhb_mock": s.truth},
                                         {"random": "jeans", "budget": "jeans_sys15", "absent": "jeans_fd"})
    assert list(table["variant"]) == ["random", "budget"]  # a variant without a fit has no row
    row = table[1]
    assert row["M200 in 68/95%"].endswith("/yes") and row["c in 68/95%"].endswith("/yes")
    v = rec["M200"]
    assert row["M200 pull"] == pytest.approx((v["p50"] - v["truth"]) / (0.5 * (v["p84"] - v["p16"])), abs=0.051)
    assert row["true M200"] == f"{s.truth.mass_model.m200_msun / 1e12:.2f}"


def _profile(n=3, scale=1.0):
    p = Table()
    p["r_lo_kpc"], p["r_hi_kpc"] = np.arange(n) * 10.0 + 5, np.arange(n) * 10.0 + 15
    p["n_stars"] = np.full(n, 50)
    p["r_median_kpc"] = p["r_mass_kpc"] = np.arange(n) * 10.0 + 10
    p["mass_msun"], p["mass_err_msun"] = scale * 1e11 * (1 + np.arange(n)), np.full(n, 1e10)
    p["vcirc_kms"], p["vcirc_err_kms"] = np.full(n, 200.0), np.full(n, 5.0)
    p["ok"] = np.ones(n, bool)
    return p


def _rows(sample_name, method, scale=1.0, n=3, truth=None):
    return mass_profiles.mass_profile_rows(sample_name, method, _profile(n, scale), truth)


def test_mass_profile_rows_carry_the_truth_and_keep_usable_bins(sample):
    truth = sample[0].truth
    rows = _rows("bhb_mock", "jeans", truth=truth)
    assert list(rows.colnames) == list(mass_profiles.MASS_PROFILE_COLUMNS)
    np.testing.assert_allclose(rows["true_mass_msun"], truth.mass_enclosed(np.array([10.0, 20.0, 30.0])))
    assert np.all(np.isnan(_rows("real", "jeans")["true_mass_msun"]))
    p = _profile()
    p["ok"][1] = False
    assert list(mass_profiles.mass_profile_rows("a", "tme", p)["r_mass_kpc"]) == [10.0, 30.0]
    with pytest.raises(ValueError):
        _rows("a/b", "jeans")


def test_mass_profile_and_table1_products_round_trip(tmp_path, sample):
    with run_folder(tmp_path):
        run = products.open_run("03_jeans", {})
        written = mass_profiles.write_mass_profiles(run, "jeans", [_rows("a", "jeans", 3.0),
                                                                   _rows("b", "jeans", truth=sample[0].truth)])
        assert (tmp_path / "results" / mass_profiles.product_name("jeans")).is_file()
        back = mass_profiles.read_mass_profiles(run, "jeans")
        assert list(back.colnames) == list(mass_profiles.MASS_PROFILE_COLUMNS) and len(back) == len(written) == 6
        a = back[np.asarray(back["sample"]) == "a"]
        np.testing.assert_allclose(a["mass_msun"], [3e11, 6e11, 9e11])
        assert np.all(np.isnan(np.asarray(a["true_mass_msun"], float)))
        b = back[np.asarray(back["sample"]) == "b"]
        np.testing.assert_allclose(b["true_mass_msun"], sample[0].truth.mass_enclosed(np.array([10.0, 20, 30])),
                                   rtol=1e-5)  # written with 6 significant digits
        with pytest.raises(ValueError, match="method"):
            mass_profiles.write_mass_profiles(run, "jeans", [_rows("a", "tme")])
        t1 = mass_profiles.write_table1(run, "jeans", {"a": (52.0, 4.1e11, 1.2e11), "b": (73.0, 4.3e11, 0.95e11)})
        back1 = mass_profiles.read_table1(run, "jeans")
        assert list(back1["sample"]) == ["a", "b"] and len(t1) == 2
        np.testing.assert_allclose(back1["mass_msun"], [4.1e11, 4.3e11])
        with pytest.raises(FileNotFoundError, match="04_tme"):
            mass_profiles.read_table1(run, "tme")


def test_nfw_fit_products_round_trip(tmp_path):
    entry = {"M200": {"p2.5": 0.5, "p16": 1.0, "p50": 2.0, "p84": 3.0, "p97.5": 4.0}}
    with run_folder(tmp_path):
        run = products.open_run("04_tme", {})
        nfw_summary.write_nfw_fits(run, "tme", {"b/tme": entry, "a/tme_sys15": entry})
        back = nfw_summary.read_nfw_fits(run, "tme")
        assert back == {"a/tme_sys15": entry, "b/tme": entry} and list(back) == ["a/tme_sys15", "b/tme"]
        for bad in ({"a/jeans": entry}, {"a": entry}, {"a/b/tme": entry}):
            with pytest.raises(ValueError):
                nfw_summary.write_nfw_fits(run, "tme", bad)


def test_prior_bound_fits_are_flagged():
    bound = {"M200": {"p16": 1e13, "p50": 5e13, "p84": 9e13}, "r200": {"p16": 1, "p50": 2, "p84": 3},
             "c": {"p16": 0.01, "p50": 0.02, "p84": 0.03}, "Mtot_r200": {"p16": 1e13, "p50": 5e13, "p84": 9e13}}
    assert nfw_summary.at_prior_bound(bound)
    table = nfw_summary.nfw_table({"x": bound}, "Jeans", published.BIRD22_RESULTS)
    assert len(table) == 3 and "prior bound" in table["note"][0]
    assert list(table["fit"][1:]) == ["published Jeans KG", "published Jeans BHB"]
    assert table["M200 [1e12 Msun]"][2] == "1.00 +0.67 -0.33"  # Table 2: 1.00 (0.67, 1.67)


def test_weighted_average_of_table_2_reproduces_section_4_6():
    pub = published.BIRD22_RESULTS
    fits = {f"{kind} {method}": {par: {"p16": pub[(f"{method} {kind}", key)]["low"],
                                       "p50": pub[(f"{method} {kind}", key)]["value"],
                                       "p84": pub[(f"{method} {kind}", key)]["high"]}
                                 for par, key in (("M200", "M200_1e12"), ("r200", "r200_kpc"), ("c", "c"))}
            for kind in ("KG", "BHB") for method in ("Jeans", "TME")}
    avg = nfw_summary.weighted_nfw_average(fits, fits)
    assert avg["M200"][0] == pytest.approx(0.53, abs=0.01) and round(avg["r200"][0]) == 172
    assert round(avg["c"][0]) == 20
    assert round(float(nfw.baryon_fraction(avg["M200"][0] * 1e12)), 2) == 0.15
    with pytest.raises(ValueError):
        nfw_summary.weighted_nfw_average(fits, [])
    # the same four fits from published.py, M200 in Msun
    entries = nfw_summary.published_table2_entries(pub)
    assert sorted(entries) == sorted(fits)
    avg_msun = nfw_summary.weighted_nfw_average(entries, entries)
    assert avg_msun["M200"][0] == pytest.approx(1e12 * avg["M200"][0], rel=1e-12)
    table = nfw_summary.averages_table({"Table 2": (entries, list(entries)), "none": (entries, [])})
    assert table["M200 [1e12 Msun]"][0].startswith("0.53") and np.isnan(table["baryon fraction"][1])


def test_escape_speed_and_tail_summary(sample):
    r = np.array([5.0, 20.0, 50.0])
    point = fast_stars.escape_speed(r, lambda x: np.full_like(x, 1e12))
    np.testing.assert_allclose(point, np.sqrt(2 * G * 1e12 / r), rtol=1e-3)
    with pytest.raises(ValueError):
        fast_stars.escape_speed(np.array([0.0, 1.0]), lambda x: np.full_like(x, 1e12))
    # a Hernquist sphere: Phi = -G M / (r + a), v_esc = sqrt(2 G M / (r + a))
    a = 10.0
    hernquist = fast_stars.escape_speed(r, lambda x: 1e12 * x**2 / (x + a) ** 2)
    np.testing.assert_allclose(hernquist, np.sqrt(2 * G * 1e12 / (r + a)), rtol=1e-3)
    # the paper's Table 2 BHB model: deeper than the point mass of M(<r) alone, and falling outwards
    v_esc = fast_stars.published_model_escape_speed("Jeans BHB")
    pub = published.BIRD22_RESULTS
    r200 = float(nfw.r200_from_m200(pub[("Jeans BHB", "M200_1e12")]["value"] * 1e12))
    grid = np.array([5.0, 20.0, 50.0, 100.0])
    mass = nfw.PAPER_BARYONS.mass_enclosed(grid) + nfw.nfw_mass_enclosed(grid, r200, pub[("Jeans BHB", "c")]["value"])
    v = v_esc(grid)
    assert np.all(np.diff(v) < 0) and np.all(v**2 > 2 * G * mass / grid)
    s = sample[0]
    tail = fast_stars.velocity_tail_summary(s, lambda x: np.full_like(x, 1e4))
    assert len(tail) == len(s.edges_kpc) - 1 and np.all(np.asarray(tail["frac_above_vesc"])[
        np.asarray(tail["n_stars"]) >= 3] == 0)
    assert int(np.sum(tail["n_stars"])) == int(np.sum(dispersion.bin_index(s.r_kpc, np.asarray(s.edges_kpc)) >= 0))
    rich = np.asarray(tail["n_stars"]) >= 200
    assert np.all(np.abs(np.asarray(tail["sd_over_mad_r"])[rich] - 1) < 0.25)  # Gaussian mock
    slow = fast_stars.velocity_tail_summary(s, lambda x: np.zeros_like(x))
    assert np.all(np.asarray(slow["frac_above_vesc"])[rich] == 1)


def test_fast_fraction_counts(sample):
    table = sample[0].table
    never = fast_stars.fast_fraction(table, lambda r: np.full_like(r, np.inf))
    always = fast_stars.fast_fraction(table, lambda r: np.zeros_like(r))
    assert never["n"] == always["n"] == len(table)
    assert never["n_above_vesc"] == 0 and always["n_above_vesc"] == always["n_r_gt_35"] > 0
    assert always["frac_above_vesc"] == 1.0 and never["frac_r_gt_35"] == pytest.approx(never["n_r_gt_35"] / len(table))
    assert 0 <= never["n_fast_400"] <= never["n_r_gt_35"]
    out = fast_stars.fast_fraction_table({"a": never, "b": always})
    assert list(out["sample"]) == ["a", "b"] and list(out["N"]) == [len(table)] * 2


def test_sampler_settings_are_the_papers():
    paper = settings.sampler_settings(False)
    assert paper["sigma"] == dict(n_walkers=1000, n_steps=1500, n_burn=500)  # Section 2.1
    assert paper["density"] == dict(n_walkers=300, n_steps=700, n_burn=200)  # Section 4.2
    assert paper["nfw"] == dict(n_walkers=500, n_steps=400, n_burn=250)  # Section 2.3
    quick = settings.sampler_settings(True)
    assert set(quick) == set(paper)
    assert all(quick[k]["n_walkers"] < paper[k]["n_walkers"] for k in paper)
    assert all(0 <= quick[k]["n_burn"] < quick[k]["n_steps"] for k in quick)


def test_fast_star_cut_and_sigma_fit(sample):
    s, disp, _ = sample
    keep_all, _, all_profile = fast_stars.without_fast_stars(s, lambda r: np.full(np.shape(r), np.inf), 20,
                                                             rng=np.random.default_rng(5))
    assert keep_all.all()
    keep, _, cut_profile = fast_stars.without_fast_stars(s, lambda r: np.full(np.shape(r), 250.0), 20,
                                                         rng=np.random.default_rng(5))
    speeds = np.linalg.norm(s.v_kms, axis=1)
    assert np.array_equal(keep, speeds < 250.0) and 0 < keep.sum() < keep.size
    # dropping the fastest stars lowers the radial velocity dispersion, hence the TME masses
    ok = np.asarray(all_profile["ok"]) & np.asarray(cut_profile["ok"])
    assert ok.sum() >= 4
    assert np.all(cut_profile["mass_msun"][ok] < all_profile["mass_msun"][ok])
    fit = dispersion.fit_sigma_profile(disp, rng=np.random.default_rng(3), n_walkers=40, n_steps=300, n_burn=100)
    assert 100 < fit.sigma0_kms[1] < 200
    # the same as the fit to the usable bins by hand, draw for draw
    ok = np.asarray(disp["ok"], bool)
    direct = dispersion.fit_sigma_r_exponential(np.asarray(disp["r_median_kpc"])[ok], np.asarray(disp["sigma_r_kms"])[ok],
                                                np.asarray(disp["sigma_r_err_kms"])[ok], rng=np.random.default_rng(3),
                                                n_walkers=40, n_steps=300, n_burn=100)
    np.testing.assert_array_equal(direct.samples, fit.samples)


def test_dispersion_and_sigma_fit_products_round_trip(tmp_path, sample):
    _, disp, _ = sample
    fit = dispersion.fit_sigma_profile(disp, rng=np.random.default_rng(8), n_walkers=16, n_steps=60, n_burn=20)
    big = dispersion.ExponentialSigmaFit(np.tile(fit.samples, (40, 1)), fit.sigma0_kms, fit.h_r_kpc,
                                         fit.acceptance_fraction, fit.n_walkers, fit.n_steps, fit.n_burn)
    assert big.samples.shape[0] > dispersion.SIGMA_FIT_SAMPLES_KEPT
    with run_folder(tmp_path):
        run = products.open_run("02_dispersion", {})
        dispersion.write_dispersions(run, "bhb_mock", disp)
        back = dispersion.read_dispersions(run, "bhb_mock")
        assert "cov_kms2" not in back.colnames and len(back) == len(disp)
        assert np.array_equal(np.asarray(back["ok"], bool), np.asarray(disp["ok"], bool))
        for col in ("r_median_kpc", "sigma_r_kms", "sigma_theta_kms", "beta_err"):
            np.testing.assert_allclose(np.asarray(back[col], float), np.asarray(disp[col], float), rtol=1e-9,
                                       equal_nan=True)
        dispersion.write_sigma_fits(run, {"small": fit, "big": big})
        fits = dispersion.read_sigma_fits(run)
    np.testing.assert_array_equal(fits["small"].samples, fit.samples)  # fewer than kept: all of them
    kept = fits["big"].samples
    assert 0 < kept.shape[0] <= dispersion.SIGMA_FIT_SAMPLES_KEPT
    assert set(map(tuple, kept)) <= set(map(tuple, fit.samples))  # rows of the chain, thinned
    np.testing.assert_array_equal(fits["big"].sigma0_kms, fit.sigma0_kms)  # percentiles of the full chain
    assert fits["big"].n_walkers == 16 and fits["big"].n_burn == 20


def test_notebooks_after_01_say_which_external_file_is_absent(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(products.RUN_DIR_ENV, str(tmp_path))
    monkeypatch.setenv(products.FALLBACK_ENV, "0")
    name = "barbosa2022_segue_bhb_edr3.csv"
    first = products.open_run("01_data_prep", {})
    first.externals[name] = {"file": name, "found_in": None, "sha256": None}  # what run.external records if absent
    samples.write_sample_list(first, {"bhb_mock": {"kind": "bhb", "stars": "local/x.csv"}})
    later = products.open_run("03_jeans", {})
    assert samples.say_what_is_skipped(later, "the Jeans masses of the real BHB samples") == [name]
    assert capsys.readouterr().out.strip() == (
        f"external file {name} absent (notebook 01 ran without it): the Jeans masses of the real BHB samples "
        "(python -m mwlib.data fetch downloads it)")
    # with every file found, nothing is said
    first.externals[name] = {"file": name, "found_in": "data/external", "sha256": "0" * 64}
    samples.write_sample_list(first, {"bhb_mock": {"kind": "bhb", "stars": "local/x.csv"}})
    assert samples.say_what_is_skipped(later, "anything") == [] and capsys.readouterr().out == ""


def test_a_missing_harris_catalogue_skips_nothing_after_notebook_01(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(products.RUN_DIR_ENV, str(tmp_path))
    monkeypatch.setenv(products.FALLBACK_ENV, "0")
    first = products.open_run("01_data_prep", {})
    first.externals["harris2010_mwgc.dat"] = {"file": "harris2010_mwgc.dat", "found_in": None, "sha256": None}
    samples.write_sample_list(first, {"bhb_mock": {"kind": "bhb", "stars": "local/x.csv"}})
    assert samples.say_what_is_skipped(products.open_run("02_dispersion", {}), "x") == []
    assert capsys.readouterr().out == ""
    assert set(samples.SAMPLE_SOURCES) == {paths.BARBOSA_BHB_NAME, paths.XUE2008_BHB_NAME}
