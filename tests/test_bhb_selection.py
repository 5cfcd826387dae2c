"""The real BHB samples (mwlib.bird22.bhb_selection) and the Xue et al. (2008) cross-match (mwlib.bird22.xue2008):
every cut on a synthetic Barbosa-like table built star by star, the counts per step, the one-to-one sky match; the
real numbers of notebook 01 only where the external files exist."""

from __future__ import annotations

import numpy as np
import pytest
from astropy.table import Table

from mwlib.bird22 import barbosa, bhb_selection, xue2008
from mwlib.bird22.bhb_selection import CLEAN, LOOSE, XUE_MATCHED
from mwlib.core import coords, paths
from tests.conftest import external_or_skip

# Sky positions: towards the North Galactic Pole (r = sqrt(8.1^2 + d^2) kpc, inside 4-60 kpc for d = 20) and
# towards the Galactic centre (r = 8.1 - d: 2.1 kpc for d = 6).
NGP = (192.8595, 27.1283)
GC = (266.4050, -28.9362)

#: (group, number of stars, changes to a star that passes every cut); each group fails exactly one cut
GROUPS = [
    ("good", 10, {}),
    ("probability", 3, {"probability": 80.0}),
    ("gr", 3, [{"gr": 0.05}, {"gr": 0.0}, {"gr": -0.6}]),
    ("ug", 3, [{"ug": 1.7}, {"ug": 0.7}, {"ug": 1.6}]),
    ("logg", 2, {"logg_adop": 3.8}),
    ("ratio", 2, {"dist_ur": 0.9 * 20000.0}),
    ("r_min", 1, {"sky": GC, "dist_gr": 6000.0, "dist_ur": 6000.0}),
    ("r_max", 1, {"dist_gr": 80000.0, "dist_ur": 80000.0}),
]


def _barbosa_like() -> tuple[Table, np.ndarray]:
    """Columns of barbosa._FILE_SPECS plus gr, ug, logg_adop; returns the table and each star's group."""
    rows, groups = [], []
    for group, n, change in GROUPS:
        for k in range(n):
            star = {"probability": 99.5, "gr": -0.2, "ug": 1.2, "logg_adop": 3.2, "dist_gr": 20000.0,
                    "dist_ur": 20000.0, "sky": NGP}
            star.update(change[k] if isinstance(change, list) else change)
            rows.append(star)
            groups.append(group)
    n = len(rows)
    rng = np.random.default_rng(4)
    t = Table()
    t["objid"] = [f"12376{i:014d}" for i in range(n)]
    t["ra"] = np.array([r["sky"][0] for r in rows]) + 0.01 * np.arange(n)  # distinct stars, same directions
    t["dec"] = np.array([r["sky"][1] for r in rows])
    t["l"], t["b"] = np.zeros(n), np.zeros(n)
    t["rv_adop"], t["rv_adop_unc"] = rng.normal(0.0, 100.0, n), np.full(n, 5.0)
    for col in ("dist_gr", "dist_ur"):
        t[col] = [r[col] for r in rows]
        t[f"{col}_unc"] = 0.015 * t[col]
    t["probability"] = [r["probability"] for r in rows]
    t["pmra"], t["pmdec"] = rng.normal(0.0, 1.0, n), rng.normal(0.0, 1.0, n)
    t["pmra_error"], t["pmdec_error"] = np.full(n, 0.05), np.full(n, 0.05)
    for col in ("gr", "ug", "logg_adop"):
        t[col] = [r[col] for r in rows]
    return t, np.array(groups)


def test_the_synthetic_table_has_the_files_columns(tmp_path):
    raw, _ = _barbosa_like()
    assert {s.name for s in barbosa._FILE_SPECS} <= set(raw.colnames)
    path = tmp_path / "barbosa.csv"
    raw.write(path, format="ascii.csv")
    back = barbosa.read_barbosa_bhb(path)  # the reader of the real file takes it
    assert len(back) == len(raw) and back["logg_adop"].dtype.kind == "f"


def test_each_cut_removes_exactly_the_stars_built_to_fail_it():
    raw, group = _barbosa_like()
    masks = bhb_selection.cut_masks(raw, CLEAN)
    assert list(masks) == ["BHB probability >= 99%", "-0.5 < (g-r)0 < 0", "0.8 < (u-g)0 < 1.6", "logg_adop < 3.5",
                           "dist_ur / dist_gr > 0.97"]
    for (name, mask), failing in zip(masks.items(), ("probability", "gr", "ug", "logg", "ratio")):
        assert set(np.flatnonzero(~mask)) == set(np.flatnonzero(group == failing)), name
    assert list(bhb_selection.cut_masks(raw, LOOSE)) == ["BHB probability >= 99%"]


def test_counts_per_step_and_the_selected_stars():
    raw, group = _barbosa_like()
    clean, counts = bhb_selection.select_bhb_sample(raw, CLEAN, sample="bhb_clean")
    assert list(counts.values()) == [25, 22, 19, 16, 14, 12, 10]
    assert list(counts)[0] == "in file" and list(counts)[-1] == "4 < r < 60 kpc"
    assert sorted(clean["star_id"]) == sorted(raw["objid"][group == "good"])
    assert np.all((clean["r_kpc"] > 4) & (clean["r_kpc"] < 60))
    np.testing.assert_allclose(clean["distance_kpc"], 20.0)
    np.testing.assert_allclose(clean["distance_err_kpc"], 2.0)  # the paper's 10%
    assert set(clean["sample"]) == {"bhb_clean"} and set(clean["survey"]) == {"SEGUE"}
    r_ngp = np.linalg.norm(coords.galactocentric_positions(np.array([NGP[0]]), np.array([NGP[1]]), np.array([20.0]),
                                                           coords.BIRD22_SUN), axis=-1)[0]
    assert clean["r_kpc"][0] == pytest.approx(r_ngp, rel=1e-3)
    loose, counts = bhb_selection.select_bhb_sample(raw, LOOSE)
    assert list(counts.values()) == [25, 22, 20]
    assert set(loose["star_id"]) == set(raw["objid"][~np.isin(group, ("probability", "r_min", "r_max"))])
    assert "  in file" in bhb_selection.describe_steps(counts)


def test_selections_and_their_errors():
    raw, _ = _barbosa_like()
    ur, _ = bhb_selection.select_bhb_sample(raw, bhb_selection.BhbSelection(distance="ur", distance_err_frac=None))
    ratio_star = raw["dist_ur"] < raw["dist_gr"]
    assert np.any(np.isclose(ur["distance_kpc"], 18.0)) and ratio_star.sum() == 2
    np.testing.assert_allclose(ur["distance_err_kpc"], 0.015 * ur["distance_kpc"])  # the file's own errors
    with pytest.raises(KeyError, match="dist_xue"):
        bhb_selection.select_bhb_sample(raw, XUE_MATCHED)
    raw.remove_column("logg_adop")
    bhb_selection.cut_masks(raw, LOOSE)  # the loose selection needs no gravity
    with pytest.raises(KeyError, match="logg_adop"):
        bhb_selection.cut_masks(raw, CLEAN)
    with pytest.raises(ValueError):
        barbosa.barbosa_to_halo_table(raw, distance="parallax")


def _xue(ra, dec, d=None) -> Table:
    n = len(ra)
    return Table({"RAdeg": np.asarray(ra, float), "DEdeg": np.asarray(dec, float),
                  "d": np.full(n, 21.0) if d is None else np.asarray(d, float), "HRVel": np.arange(n) * 10.0,
                  "e_HRVel": np.full(n, 5.0), "Type": np.full(n, "BHB")})


def test_match_to_barbosa_is_one_to_one_within_2_arcsec():
    raw, _ = _barbosa_like()
    ra, dec = np.asarray(raw["ra"], float), np.asarray(raw["dec"], float)
    arcsec = 1.0 / 3600.0
    xue = _xue([ra[0], ra[1], ra[2], ra[3], ra[3], 10.0],
               [dec[0] + 0.5 * arcsec, dec[1] + 1.9 * arcsec, dec[2] + 2.5 * arcsec, dec[3] + 1.0 * arcsec,
                dec[3] - 0.3 * arcsec, -60.0], d=[20.0, 21.0, 22.0, 23.0, 24.0, 25.0])
    matched = xue2008.match_to_barbosa(raw, xue)
    # Xue 0 and 1 within 2"; 2 at 2.5" is not; 3 and 4 both nearest to Barbosa 3: the nearer (4) wins; 5 is far away
    assert list(matched["objid"]) == [raw["objid"][0], raw["objid"][1], raw["objid"][3]]
    np.testing.assert_allclose(matched["sep_xue_arcsec"], [0.5, 1.9, 0.3], atol=1e-3)
    np.testing.assert_allclose(matched["dist_xue"], [20000.0, 21000.0, 24000.0])  # kpc -> pc
    np.testing.assert_allclose(matched["hrvel_xue"], [0.0, 10.0, 40.0])
    assert matched.meta["n_xue"] == 6 and matched.meta["n_within"] == 4 and matched.meta["n_duplicates"] == 1
    assert len(set(matched["objid"])) == len(matched)
    # the matched stars on Xue's distance scale
    sample, counts = bhb_selection.select_bhb_sample(matched, XUE_MATCHED, sample="bhb_xue")
    np.testing.assert_allclose(sample["distance_kpc"], [20.0, 21.0, 24.0])
    assert counts["in file"] == 3
    with pytest.raises(ValueError, match="distance_err_frac"):
        barbosa.barbosa_to_halo_table(matched, distance="xue", distance_err_frac=None)


_CDS_HEADER = """Title: A test of the Xue et al. (2008) reader
Byte-by-byte Description of file: xue.dat
--------------------------------------------------------------------------------
   Bytes Format Units   Label     Explanations
--------------------------------------------------------------------------------
   1-  8  F8.4  deg     RAdeg     Right ascension (J2000)
  10- 17  F8.4  deg     DEdeg     Declination (J2000)
  19- 23  F5.1  kpc     d         Heliocentric distance
  25- 31  F7.1  km/s    HRVel     Heliocentric radial velocity
  33- 37  F5.1  km/s    e_HRVel   Error of HRVel
  39- 41  A3    ---     Type      Classification
--------------------------------------------------------------------------------
"""


def test_read_xue2008_reads_a_cds_table_and_names_what_is_wrong(tmp_path):
    good = tmp_path / "xue.txt"
    good.write_text(_CDS_HEADER + "120.0000  10.0000  20.0   -50.0   5.0 BHB\n130.5000 -20.2500  35.5   120.0  10.0 BHB\n")
    t = xue2008.read_xue2008(good)
    assert len(t) == 2 and list(t["d"]) == [20.0, 35.5] and list(t["Type"]) == ["BHB", "BHB"]
    garbage = tmp_path / "garbage.txt"
    garbage.write_text("this is not\na CDS table\n")
    with pytest.raises(ValueError, match="garbage.txt: not a readable CDS table"):
        xue2008.read_xue2008(garbage)
    no_type = tmp_path / "no_type.txt"
    no_type.write_text(_CDS_HEADER.replace("  39- 41  A3    ---     Type      Classification\n", "")
                       + "120.0000  10.0000  20.0   -50.0   5.0\n")
    with pytest.raises(ValueError, match=r"no_type.txt: columns \['Type'\] missing"):
        xue2008.read_xue2008(no_type)
    bad_dec = tmp_path / "bad_dec.txt"
    bad_dec.write_text(_CDS_HEADER + "120.0000  10.0000  20.0   -50.0   5.0 BHB\n130.5000 -95.0000  35.5   120.0  10.0 BHB\n")
    line = len(_CDS_HEADER.splitlines()) + 2  # the second data row's line in the file
    with pytest.raises(ValueError, match=rf"bad_dec.txt, line {line}, column 'DEdeg': -95.0 is not in \[-90, 90\]"):
        xue2008.read_xue2008(bad_dec)


def test_read_xue2008_names_the_file_line_of_a_bad_value(tmp_path):
    """The line is counted in the file (ReadMe header and notes included); a blank row is a missing value."""
    notes = "Note (1): a note after the byte-by-byte description.\n" + "-" * 80 + "\n"
    bad = tmp_path / "bad_distance.txt"
    bad.write_text(_CDS_HEADER + notes + "120.0000  10.0000  20.0   -50.0   5.0 BHB\n"
                   + "130.5000 -20.2500 350.0   120.0  10.0 BHB\n")
    lines = bad.read_text().splitlines()
    expected = next(i for i, text in enumerate(lines, start=1) if text.startswith("130.5000"))
    with pytest.raises(ValueError, match=rf"bad_distance.txt, line {expected}, column 'd': 350.0 is not in"):
        xue2008.read_xue2008(bad)
    blank = tmp_path / "blank_row.txt"
    blank.write_text(_CDS_HEADER + "120.0000  10.0000  20.0   -50.0   5.0 BHB\n\n")
    with pytest.raises(ValueError, match=rf"blank_row.txt, line {len(_CDS_HEADER.splitlines()) + 2}, "
                                         r"column 'RAdeg': no value"):
        xue2008.read_xue2008(blank)


# ---- the real files (skipped when absent) ------------------------------------------------------
@pytest.fixture(scope="module")
def real_raw():
    return barbosa.read_barbosa_bhb(external_or_skip(paths.BARBOSA_BHB_NAME))


def test_real_loose_and_clean_samples(real_raw):
    assert len(real_raw) == 5699
    loose, _ = bhb_selection.select_bhb_sample(real_raw, LOOSE)
    clean, counts = bhb_selection.select_bhb_sample(real_raw, CLEAN)
    assert len(loose) == 4514 and len(clean) == 3292 and list(counts.values())[-1] == 3292
    assert set(clean["star_id"]) <= set(loose["star_id"])


def test_real_xue_matched_sample(real_raw):
    xue = xue2008.read_xue2008(external_or_skip(paths.XUE2008_BHB_NAME))
    assert len(xue) == 2558
    matched = xue2008.match_to_barbosa(real_raw, xue)
    assert matched.meta["n_within"] == len(matched) == 1979  # no Barbosa star nearest to two Xue stars
    sample, _ = bhb_selection.select_bhb_sample(matched, XUE_MATCHED)
    assert len(sample) == 1977


def test_selection_study_follows_the_cuts_and_their_fast_fractions():
    from mwlib.bird22 import fast_stars

    raw, groups = _barbosa_like()
    # every star at 20 kpc from the Sun towards the NGP is at r ~ 21.6 kpc: move the 'logg' group far out and make
    # it fast, so that the gravity cut is the one that cleans the outer halo
    far = groups == "logg"
    raw["dist_gr"][far] = raw["dist_ur"][far] = 50000.0
    raw["pmra"][far] = 5.0  # ~1200 km/s of tangential speed at 50 kpc
    study = fast_stars.selection_study(raw, CLEAN, lambda r: np.full_like(r, 500.0))
    assert list(study["cut (cumulative)"]) == ["radial range only", *[f"+ {k}" for k in bhb_selection.cut_masks(raw, CLEAN)]]
    counts = [int(n) for n in study["N"]]
    assert counts[0] == len(raw) - 2  # the r_min and r_max stars
    _, steps = bhb_selection.select_bhb_sample(raw, CLEAN)
    assert counts[-1] == list(steps.values())[-1]  # the end of the study is the selected sample
    i_logg = list(study["cut (cumulative)"]).index("+ logg_adop < 3.5")
    assert study["N(r > 35)"][i_logg - 1] == 2 and study["N(r > 35)"][i_logg] == 0
    assert study["r > 35: fraction |v| > 400 km/s"][i_logg - 1] == 1.0
