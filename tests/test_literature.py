"""mwlib.repro.literature: the Bird et al. (2022) Fig. 8 compilation and its weighted means, the studies of their
Fig. 5, and the Eadie & Harris (2016) Section 6 comparison table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mwlib.repro import literature as lit

LITERATURE = Path(__file__).resolve().parents[1] / "data" / "literature"
FIG8 = LITERATURE / "bird22_fig8.csv"
FIG5 = LITERATURE / "bird22_fig5.csv"
EH16 = LITERATURE / "eadie16_section6.csv"


def test_the_compilation_reads_and_names_every_study():
    t = lit.read_bird22_fig8(FIG8)
    assert len(t) == 41 and len(set(t["reference"])) == 41
    assert set(t["group"]) <= set(lit.FIG8_GROUPS) and set(t["kind"]) <= set(lit.FIG8_KINDS)
    virial = t[t["kind"] == "virial"]
    assert np.all(np.isfinite(virial["minus_1e12msun"])) and np.all(virial["value_1e12msun"] > 0.3)
    # every value carries its source; the values quoted in Bird et al.'s own text are those numbers
    assert np.all(t["source"][t["kind"] != "not_found"] != "not found")
    row = {r["reference"]: r for r in t}
    assert row["Zhai et al. 2018"]["value_1e12msun"] == 1.08 and row["Zaritsky et al. 2020"]["kind"] == "lower_limit"


def test_group_means_are_the_documented_weighted_means():
    t = lit.read_bird22_fig8(FIG8)
    mean, err, n = lit.group_average(t, ["rotation_curve"])
    s = t[(t["group"] == "rotation_curve") & (t["kind"] == "virial")]
    w = 1 / (0.5 * (s["minus_1e12msun"] + s["plus_1e12msun"])) ** 2
    assert n == len(s) and mean == pytest.approx(np.sum(w * s["value_1e12msun"]) / np.sum(w))
    assert err == pytest.approx(1 / np.sqrt(np.sum(w)))
    assert lit.group_average(t, ["other"])[2] == 0 and np.isnan(lit.group_average(t, ["other"])[0])
    # 1/sigma weights by hand, with Eadie & Juric's 50% half-widths widened to 1 sigma
    v = t[t["kind"] == "virial"]
    s = 0.5 * (v["minus_1e12msun"] + v["plus_1e12msun"]) * np.where(v["interval"] == "50%", 1 / 0.6745, 1.0)
    assert lit.group_average(t, weighting="inverse_error")[0] == pytest.approx(
        np.sum(v["value_1e12msun"] / s) / np.sum(1 / s))
    assert np.sum(v["interval"] == "50%") == 1
    table = lit.group_averages(t)
    assert list(table["group"]) == list(lit.FIG8_GROUPS) and table["references"].sum() == len(t)


@pytest.mark.parametrize("change, message", [
    (("rotation_curve", "rotation"), "unknown group"),
    ((",virial,", ",guess,"), "unknown kind"),
    ((",not_found,,", ",not_found,0.9,"), "a value for a row of kind 'not_found'"),
    ((",50%,", ",90%,"), "unknown interval"),
])
def test_bad_rows_raise_with_file_and_line(tmp_path, change, message):
    text = FIG8.read_text()
    assert change[0] in text
    bad = tmp_path / "fig8.csv"
    bad.write_text(text.replace(change[0], change[1], 1))
    with pytest.raises(ValueError, match=message) as info:
        lit.read_bird22_fig8(bad)
    assert "fig8.csv: line" in str(info.value)


def test_eadie16_section6_reads_with_the_papers_numbers():
    t = lit.read_eadie16_section6(EH16)
    assert len(t) >= 10 and set(t["quantity"]) == {"M(<r)", "Mvir"}
    rows = {(r["reference"], r["quantity"], float(r["r_kpc"]) if np.isfinite(r["r_kpc"]) else None): r for r in t}
    # EH16 Section 6: Xue et al. (2008) M(<60 kpc) = 4.0 +- 0.7e11; Sakamoto et al. (2003) M(<50) = 5.5 +0.0 -0.2e11
    xue = rows[("Xue et al. (2008)", "M(<r)", 60.0)]
    assert (xue["value_1e11msun"], xue["minus_1e11msun"], xue["plus_1e11msun"]) == (4.0, 0.7, 0.7)
    sak = rows[("Sakamoto et al. (2003)", "M(<r)", 50.0)]
    assert (sak["value_1e11msun"], sak["minus_1e11msun"], sak["plus_1e11msun"]) == (5.5, 0.2, 0.0)
    # the rows drawn on a mass profile: a mass within a stated radius, inside the range asked for
    r = np.ma.filled(np.ma.asarray(t["r_kpc"], dtype=float), np.nan)
    drawn = lit.enclosed_masses(t)
    assert len(drawn) == int(np.isfinite(r).sum()) < len(t)
    inner = lit.enclosed_masses(t, (50.0, 150.0))
    assert len(inner) == int(np.sum((r >= 50) & (r <= 150))) and np.all((inner["r_kpc"] >= 50) & (inner["r_kpc"] <= 150))


def test_eadie16_section6_rejects_an_unknown_quantity(tmp_path):
    text = EH16.read_text()
    bad = tmp_path / "eh16.csv"
    bad.write_text(text.replace(",M(<r),", ",M(r),", 1))
    with pytest.raises(ValueError, match=r"eh16.csv: line 2, column 'quantity'"):
        lit.read_eadie16_section6(bad)


def test_bird22_fig5_points_are_the_enclosed_masses_with_a_radius():
    t = lit.read_bird22_fig5(FIG5)
    points = lit.fig5_points(t)
    r = np.ma.filled(np.ma.asarray(t["r_kpc"], dtype=float), np.nan)
    expect = np.isin(np.asarray(t["kind"]), ("enclosed", "no_error")) & np.isfinite(r) & (t["quantity"] == "M(<r)")
    assert 0 < len(points) == int(expect.sum()) < len(t)
    assert np.all(np.isfinite(points["minus_1e11msun"])) and np.all(np.isfinite(points["plus_1e11msun"]))
    assert np.all(points["minus_1e11msun"][points["kind"] == "no_error"] == 0.0)  # no error quoted: drawn without
    assert np.all(points["value_1e11msun"] > 0)
    row = {(p["reference"], float(p["r_kpc"])): p for p in points}
    # Malhan & Ibata (2019): M(<20 kpc) = 2.5 +- 0.2e11 Msun (their abstract, quoted in the file)
    assert row[("Malhan & Ibata 2019", 20.0)]["value_1e11msun"] == 2.5
    assert "2.5" in t[t["reference"] == "Malhan & Ibata 2019"]["quote"][0]


def test_profile_agreement_places_each_study_against_the_band():
    from astropy.table import Table

    table = Table(rows=[("A", "M(<r)", 50.0, 4.0, 0.5, 0.5, "as quoted"), ("B", "M(<r)", 50.0, 9.0, 4.0, 1.0, "as quoted"),
                      ("C", "M(<r)", 500.0, 9.0, 1.0, 1.0, "as quoted"), ("D", "Mvir", np.nan, 9.0, 1.0, 1.0, "as quoted")],
                names=("reference", "quantity", "r_kpc", "value_1e11msun", "minus_1e11msun", "plus_1e11msun",
                       "interval"))
    r = np.array([10.0, 100.0])
    out = lit.profile_agreement(table, r, lower=np.array([1.0, 4.0]), upper=np.array([2.0, 8.0]))
    assert list(out["reference"]) == ["A", "B", "C"]  # D has no radius
    # at 50 kpc the band is exp(interp(log r)): lower 1 * 4^(log5/log10) = 2.63, upper 5.26
    assert np.isclose(out["band_low"][0], 4.0 ** (np.log(5) / np.log(10)))
    assert list(out["inside"]) == [True, False, False]
    assert list(out["overlaps"]) == [True, True, False]  # B's interval 5-10 reaches the band (5.26); C is off the grid


def test_rows_without_a_radius_are_listed():
    table = lit.read_eadie16_section6(EH16)
    missing = lit.without_radius(table)
    assert "McMillan (2011) (Mvir)" in missing and all("(Mvir)" in m for m in missing)


def test_fig8_means_score_groups_and_the_overall_means():
    from mwlib.bird22 import published

    fig8 = lit.read_bird22_fig8(LITERATURE / "bird22_fig8.csv")
    score, table = lit.fig8_means(fig8, published.BIRD22_RESULTS)
    assert len(table) == len(lit.FIG8_SCORECARD_KEYS) + 2
    assert set(score) == {(k, "weighted mean_1e12") for k in [*lit.FIG8_SCORECARD_KEYS.values(), "Fig. 8 Jeans/TME with B22",
                                                              "Fig. 8 all"]}
    # the paper's own four M200 alone, weighted by 1/sigma, give its Section 4.6 average (0.53)
    t2 = lit.bird22_table2_rows(published.BIRD22_RESULTS)
    assert lit.group_average(t2, weighting="inverse_error")[0] == pytest.approx(0.535, abs=0.002)


def test_our_virial_masses_are_real_measurements_only():
    fit = {"M200": {"p16": 0.8e12, "p50": 1.0e12, "p84": 1.3e12}}
    bound = {"M200": {"p16": 3e13, "p50": 5e13, "p84": 8e13}}  # beyond the prior bound (1e13 Msun)
    ours = lit.our_virial_masses({"jeans": {"bhb_clean/jeans": fit, "kgiant_mock/jeans": fit},
                                  "tme": {"bhb_clean/tme": bound}}, "bhb_clean",
                                 {"median": 9.0e11, "q25": 8.0e11, "q75": 1.1e12})
    assert [o[0] for o in ours] == ["B22 jeans, bhb_clean", "EH16 Scenario XII (50%)"]
    assert ours[0][1:4] == pytest.approx((1.0, 0.2, 0.3)) and ours[0][4] == "public stand-in"
    assert ours[1][1:4] == pytest.approx((0.9, 0.1, 0.2)) and ours[1][4] == "same data"
