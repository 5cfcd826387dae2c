"""Loaders, the galpy name map, and the Eadie & Harris (2016) sample."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from mwlib.bird22 import barbosa
from mwlib.eh16 import galpy_clusters, cluster_kinematics, harris, gc_table
from mwlib.eh16.gc_table import eadie16_selection  # the fixture gc_table (the table) shadows the module in tests
from mwlib.core import paths
from tests.conftest import external_or_skip

# ----------------------------------------------------------------------------- loaders


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "table.csv"
    path.write_text(text)
    return path


def _gc_csv_lines() -> list[str]:
    return paths.GC_TABLE_PATH.read_text().splitlines()


def test_gc_table_reads_157_clusters(gc_table):
    assert len(gc_table) == 157
    assert gc_table["r_gc_kpc"].dtype.kind == "f"
    assert np.isnan(gc_table["pmra_masyr"]).sum() == 157 - 72


def test_missing_column_is_named(tmp_path):
    lines = _gc_csv_lines()
    header = lines[0].split(",")
    drop = header.index("cos_xi")
    text = "\n".join(",".join(f for i, f in enumerate(l.split(",")) if i != drop) for l in lines[:5])
    with pytest.raises(ValueError, match=r"missing column\(s\) cos_xi"):
        gc_table.read_gc_table(_write(tmp_path, text))


def test_text_in_numeric_column_names_file_line_column(tmp_path):
    lines = _gc_csv_lines()
    lines[3] = lines[3].replace(",9.4,", ",nine,", 1)  # NGC 362's r_gc
    path = _write(tmp_path, "\n".join(lines))
    with pytest.raises(ValueError, match=rf"{re.escape(str(path))}: line 4, column 'r_gc_kpc': 'nine'"):
        gc_table.read_gc_table(path)


def test_missing_required_value(tmp_path):
    lines = _gc_csv_lines()
    fields = lines[2].split(",")
    fields[1] = ""
    lines[2] = ",".join(fields)
    with pytest.raises(ValueError, match=r"line 3, column 'r_gc_kpc': a value is required"):
        gc_table.read_gc_table(_write(tmp_path, "\n".join(lines)))


def test_nan_text_in_required_column(tmp_path):
    lines = _gc_csv_lines()
    fields = lines[5].split(",")
    fields[1] = "nan"
    lines[5] = ",".join(fields)
    with pytest.raises(ValueError, match=r"line 6, column 'r_gc_kpc'"):
        gc_table.read_gc_table(_write(tmp_path, "\n".join(lines)))


def test_negative_radius(tmp_path):
    lines = _gc_csv_lines()
    lines[1] = lines[1].replace(",7.4,", ",-7.4,", 1)
    with pytest.raises(ValueError, match=r"line 2, column 'r_gc_kpc': negative value"):
        gc_table.read_gc_table(_write(tmp_path, "\n".join(lines)))


def test_measurement_without_error(tmp_path):
    lines = _gc_csv_lines()
    fields = lines[1].split(",")
    fields[7] = ""  # vlos_err of NGC 104
    lines[1] = ",".join(fields)
    with pytest.raises(ValueError, match=r"line 2: columns 'vlos_kms' and 'vlos_err'"):
        gc_table.read_gc_table(_write(tmp_path, "\n".join(lines)))


def test_ragged_row(tmp_path):
    lines = _gc_csv_lines()[:4]
    lines[2] += ",extra"
    with pytest.raises(ValueError, match=r"line 3 has 13 fields, the header has 12"):
        gc_table.read_gc_table(_write(tmp_path, "\n".join(lines)))


BHB_HEADER = (
    "objid,ra,dec,l,b,rv_adop,rv_adop_unc,dist_gr,dist_gr_unc,dist_ur,dist_ur_unc,"
    "probability,pmra,pmra_error,pmdec,pmdec_error"
)
BHB_ROW = "1,10.0,20.0,120.0,-40.0,-50.0,5.0,20000,400,21000,300,90.0,-1.0,0.1,-2.0,0.1"


def test_halo_star_loader_accepts_good_rows(tmp_path):
    table = barbosa.read_barbosa_bhb(_write(tmp_path, f"{BHB_HEADER}\n{BHB_ROW}\n{BHB_ROW.replace('1,', '2,', 1)}\n"))
    assert len(table) == 2
    assert table["dist_gr"][0] == 20000.0


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("dist_gr", "-3", r"line 3, column 'dist_gr': negative value"),
        ("rv_adop", "fast", r"line 3, column 'rv_adop': 'fast' is not a number"),
        ("pmra", "", r"line 3, column 'pmra': a value is required"),
        ("pmdec", "NaN", r"line 3, column 'pmdec': a value is required"),
    ],
)
def test_halo_star_loader_rejects_bad_values(tmp_path, column, value, message):
    names = BHB_HEADER.split(",")
    bad = BHB_ROW.split(",")
    bad[names.index(column)] = value
    bad[0] = "2"
    path = _write(tmp_path, f"{BHB_HEADER}\n{BHB_ROW}\n{','.join(bad)}\n")
    with pytest.raises(ValueError, match=message):
        barbosa.read_barbosa_bhb(path)


def test_halo_star_loader_missing_column(tmp_path):
    header = BHB_HEADER.replace(",probability", "")
    row = BHB_ROW.replace(",90.0", "")
    with pytest.raises(ValueError, match=r"missing column\(s\) probability"):
        barbosa.read_barbosa_bhb(_write(tmp_path, f"{header}\n{row}\n"))


def test_real_bhb_file_loads():
    path = external_or_skip(paths.BARBOSA_BHB_NAME)
    table = barbosa.read_barbosa_bhb(path)
    assert len(table) == 5699
    assert (table["dist_gr"] > 1000).all()  # pc


# ----------------------------------------------------------------------------- galpy names


def test_every_cluster_resolves_in_galpy_or_is_listed_absent(gc_table):
    catalogue = galpy_clusters.load_galpy_named_objects()
    keys = [galpy_clusters.galpy_key(name, catalogue) for name in gc_table["name"]]
    absent = {name for name, key in zip(gc_table["name"], keys) if key is None}
    assert absent == set(galpy_clusters.GALPY_ABSENT)
    assert all(key in catalogue for key in keys if key is not None)


def test_absent_clusters_cannot_enter_the_sample(gc_table):
    rows = gc_table[np.isin(gc_table["name"], list(galpy_clusters.GALPY_ABSENT))]
    assert not rows["included_paper"].any()
    assert np.isnan(rows["pmra_masyr"]).all()


def test_unknown_cluster_name_raises():
    with pytest.raises(KeyError, match="extend the explicit map"):
        galpy_clusters.galpy_key("NGC 99999", galpy_clusters.load_galpy_named_objects())


# ----------------------------------------------------------------------------- the sample


def test_sample_counts_match_the_paper(gc_kinematics):
    included, complete = gc_kinematics["included"], gc_kinematics["complete"]
    assert included.sum() == 89
    assert complete.sum() == 71
    assert (included & ~complete).sum() == 18
    assert (~included).sum() == 68
    r = gc_kinematics["r_kpc"]
    counts = [int((included & (r > cut)).sum()) for cut in (5, 10, 15, 20)]
    assert counts == [53, 33, 24, 16]
    incomplete_5 = (included & (r > 5) & ~complete).sum() / (included & (r > 5)).sum()
    incomplete_20 = (included & (r > 20) & ~complete).sum() / (included & (r > 20)).sum()
    assert round(100 * incomplete_5, 1) == 30.2
    assert round(100 * incomplete_20, 1) == 81.2


def test_sample_matches_reconstructed_paper_flags(gc_kinematics):
    assert (gc_kinematics["included"] == gc_kinematics["included_paper"]).all()


def test_borderline_cos_xi_clusters(gc_kinematics):
    row = {name: i for i, name in enumerate(gc_kinematics["name"])}
    for name in ("NGC 7492", "NGC 6569"):
        assert 0.95 < gc_kinematics["cos_xi"][row[name]] < 0.96
        assert gc_kinematics["included"][row[name]]
    assert not gc_kinematics["included"][row["2MS-GC02"]]
    assert not gc_kinematics["complete"][row["Pal 3"]] and gc_kinematics["included"][row["Pal 3"]]


def test_rounding_cos_xi_as_printed_would_lose_two_clusters(gc_table):
    # The rule needs cos(xi) from positions: with the table's rounded values it gives 87.
    has_vlos = np.isfinite(gc_table["vlos_kms"])
    has_pm = np.isfinite(gc_table["pmra_masyr"])
    included, _, _ = eadie16_selection(gc_table["name"], has_vlos, has_pm, gc_table["cos_xi"])
    assert included.sum() == 87


def test_velocities_known_exactly_when_complete(gc_kinematics):
    complete = gc_kinematics["complete"]
    for key in ("vr", "vtheta", "vphi", "vt", "vr_err", "vt_err"):
        assert np.isfinite(gc_kinematics[key][complete]).all(), key
    los_only = gc_kinematics["included"] & ~complete
    assert np.isnan(gc_kinematics["vt"][los_only]).all()
    assert np.allclose(gc_kinematics["vr"][los_only], gc_kinematics["vlos_gsr"][los_only])
    vt = np.hypot(gc_kinematics["vtheta"], gc_kinematics["vphi"])
    assert np.allclose(vt[complete], gc_kinematics["vt"][complete])


def test_distances_reproduce_table_radii(gc_kinematics):
    ok = gc_kinematics["distance_status"] != "no position"
    dr = np.abs(gc_kinematics["r_from_position_kpc"] - gc_kinematics["r_kpc"])[ok]
    tangent = (gc_kinematics["distance_status"] == "tangent point")[ok]
    assert dr[~tangent].max() < 1e-9
    assert dr[tangent].max() < 0.05  # only the rounding of r_gc to 0.1 kpc


def test_distances_agree_with_harris_r_sun(gc_kinematics):
    """Cross-check against Harris (2010): our distances come from galpy's directions and the
    table's r_gc, Harris's from his own. Where the sight-line crosses the r_gc sphere twice
    we may legitimately pick the other root (galpy's modern distance decides), so compare
    only the clusters with one root."""
    catalogue = harris.read_harris_positions(external_or_skip(paths.HARRIS_CATALOG_NAME))
    assert len(catalogue) == 157
    lookup = dict(zip(catalogue["name"], catalogue["r_sun_kpc"]))
    ours = gc_kinematics[gc_kinematics["distance_status"] == "one root"]
    theirs = np.array([lookup[name] for name in ours["name"]])
    relative = np.abs(ours["distance_kpc"] - theirs) / theirs
    assert len(ours) > 50
    assert np.median(relative) < 0.01
    assert relative.max() < 0.05
    # r_gc in Table 1 is Harris's, transcribed
    table_r = dict(zip(gc_kinematics["name"], gc_kinematics["r_kpc"]))
    assert all(table_r[n] == r for n, r in zip(catalogue["name"], catalogue["r_gc_kpc"]))


def test_gc_kinematics_round_trip(tmp_path, gc_kinematics):
    from mwlib.core import io

    path = tmp_path / "gc_kinematics.csv"
    io.write_table_csv(path, gc_kinematics["name", "r_kpc", "vr", "vt", "vtheta", "vphi", "vr_err",
                                           "vt_err", "vlos", "vlos_gsr", "cos_xi", "complete", "included"])
    table = cluster_kinematics.read_gc_kinematics(path)
    assert table["included"].dtype == bool and table["included"].sum() == 89
    assert np.allclose(table["vt"], gc_kinematics["vt"], equal_nan=True)
    text = path.read_text().replace("True", "maybe", 1)
    path.write_text(text)
    with pytest.raises(ValueError, match=r"'maybe' is not True/False"):
        cluster_kinematics.read_gc_kinematics(path)
    with pytest.raises(FileNotFoundError, match="run notebook 01"):
        cluster_kinematics.read_gc_kinematics(tmp_path / "absent.csv")


def test_galpy_edr3_kinematics_cover_the_sample(gc_kinematics):
    catalogue = galpy_clusters.load_galpy_named_objects()
    edr3 = galpy_clusters.galpy_gc_kinematics(catalogue=catalogue)
    assert len(edr3) == 161
    assert np.isfinite(edr3["vt"]).all() and (edr3["r_kpc"] > 0).all()
    keys = {galpy_clusters.galpy_key(n, catalogue) for n in gc_kinematics["name"][gc_kinematics["included"]]}
    assert keys <= set(edr3["galpy_key"])
    # Same sky positions, modern distances: radii agree roughly with Harris's.
    row = dict(zip(edr3["galpy_key"], edr3["r_kpc"]))
    assert row["NGC104"] == pytest.approx(7.4, rel=0.1)


def test_long_integer_ids_are_exact(tmp_path):
    big = ["1237648703520112952", "1237648703520112953"]
    text = f"{BHB_HEADER}\n" + "\n".join(BHB_ROW.replace("1,", f"{i},", 1) for i in big) + "\n"
    table = barbosa.read_barbosa_bhb(_write(tmp_path, text))
    assert [str(v) for v in table["objid"]] == big


_HARRIS_PART_I = """            Part I:  Identifications and Positional Data

   ID        Name           RA   DEC         L       B     R_Sun  R_gc    X     Y     Z

 NGC 104    47 Tuc       00 24 05.67  -72 04 52.6   305.89  -44.89    4.5   7.4   1.9  -2.6  -3.1
 NGC 288                 00 52 45.24  -26 34 57.4   152.30  -89.38    8.9  12.0  -0.1   0.0  -8.9

                    Part II:  Metallicity and Photometry
"""


def test_harris_reader_names_file_line_and_column_of_what_is_wrong(tmp_path):
    good = tmp_path / "mwgc.dat"
    good.write_text(_HARRIS_PART_I)
    t = harris.read_harris_positions(good)
    assert list(t["name"]) == ["NGC 104", "NGC 288"] and list(t["r_sun_kpc"]) == [4.5, 8.9]
    # a number that is not one: line 6 (1-based), the column where R_Sun starts
    bad_number = tmp_path / "bad_number.dat"
    text = _HARRIS_PART_I.replace("-89.38    8.9", "-89.38    8.x")
    bad_number.write_text(text)
    column = text.splitlines()[5].index("8.x") + 1
    with pytest.raises(ValueError, match=rf"bad_number.dat, line 6, column {column}: R_Sun = '8.x' is not a number"):
        harris.read_harris_positions(bad_number)
    # a byte that is not ASCII is reported, not replaced
    bad_byte = tmp_path / "bad_byte.dat"
    bad_byte.write_bytes(_HARRIS_PART_I.replace("47 Tuc", "47 T\xfcc").encode("latin-1"))
    with pytest.raises(ValueError, match=r"bad_byte.dat, line 5, column 17: byte 0xfc is not ASCII"):
        harris.read_harris_positions(bad_byte)
    no_part_i = tmp_path / "empty.dat"
    no_part_i.write_text("nothing here\n")
    with pytest.raises(ValueError, match="empty.dat: Part I of the Harris catalogue not found"):
        harris.read_harris_positions(no_part_i)
