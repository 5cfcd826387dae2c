"""The halo-star table format (mwlib.bird22.halo_table, mwlib.bird22.barbosa): validated reading, writing, the Barbosa et al.
(2022) file and its conversion, the LAMOST velocity correction."""

from __future__ import annotations

import numpy as np
import pytest
from astropy.table import Table

from mwlib.bird22 import barbosa, halo_table
from mwlib.core import paths
from tests.conftest import external_or_skip


def _table(n: int = 4) -> Table:
    t = Table()
    t["star_id"] = [f"s{i}" for i in range(n)]
    t["ra"] = np.linspace(10, 300, n)
    t["dec"] = np.linspace(-60, 60, n)
    t["distance_kpc"] = np.linspace(5, 50, n)
    t["distance_err_kpc"] = 0.1 * t["distance_kpc"]
    t["vlos_kms"] = np.linspace(-200, 200, n)
    t["vlos_err_kms"] = np.full(n, 5.0)
    t["pmra_masyr"] = np.linspace(-2, 2, n)
    t["pmra_err_masyr"] = np.full(n, 0.1)
    t["pmdec_masyr"] = np.linspace(1, -1, n)
    t["pmdec_err_masyr"] = np.full(n, 0.1)
    t["pm_corr"] = np.linspace(-0.3, 0.3, n)
    t["sample"] = ["test"] * n
    t["survey"] = ["LAMOST", "SDSS"] * (n // 2)
    t["feh"] = np.linspace(-2.5, -0.5, n)
    return t


def _write_text(tmp_path, table: Table, edit=None):
    path = tmp_path / "halo.csv"
    halo_table.write_halo_table(path, table)
    if edit is not None:
        lines = path.read_text().splitlines()
        lines = edit(lines)
        path.write_text("\n".join(lines) + "\n")
    return path


def test_round_trip_keeps_values_and_optional_columns(tmp_path):
    t = _table()
    t["substructure"] = [False, True, False, False]
    t["iom_group"] = [-1, 0, -1, -1]
    back = halo_table.read_halo_table(_write_text(tmp_path, t))
    assert list(back.colnames) == list(halo_table.HALO_TABLE_COLUMNS) + ["feh", "iom_group", "substructure"]
    np.testing.assert_allclose(back["distance_kpc"], t["distance_kpc"], rtol=1e-6)
    np.testing.assert_allclose(back["pm_corr"], t["pm_corr"], atol=1e-4)
    assert back["substructure"].dtype == bool and back["substructure"].tolist() == [False, True, False, False]
    assert back["iom_group"].tolist() == [-1, 0, -1, -1]


def test_feh_is_optional(tmp_path):
    t = _table()
    t.remove_column("feh")
    back = halo_table.read_halo_table(_write_text(tmp_path, t))
    assert "feh" not in back.colnames


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("vlos_kms", "fast", r"line 3, column 'vlos_kms': 'fast' is not a number"),
        ("pm_corr", "1.5", r"line 3, column 'pm_corr'.*outside \[-1.0, 1.0\]"),
        ("distance_err_kpc", "-1", r"line 3, column 'distance_err_kpc'"),
        ("distance_kpc", "0", r"line 3, column 'distance_kpc': the distance must be positive"),
        ("pmra_masyr", "", r"line 3, column 'pmra_masyr': a value is required"),
        ("star_id", "s0", r"line 3, column 'star_id': 's0' repeats line 2"),
    ],
)
def test_bad_values_name_file_line_and_column(tmp_path, column, value, message):
    t = _table()

    def edit(lines):
        header = lines[0].split(",")
        row = lines[2].split(",")
        row[header.index(column)] = value
        lines[2] = ",".join(row)
        return lines

    path = _write_text(tmp_path, t, edit)
    with pytest.raises(ValueError, match=message) as err:
        halo_table.read_halo_table(path)
    assert str(path) in str(err.value)


def test_missing_column_and_missing_file(tmp_path):
    t = _table()
    t.remove_column("feh")
    path = _write_text(tmp_path, t, lambda lines: [",".join(x.split(",")[:-1]) for x in lines])  # drop survey
    with pytest.raises(ValueError, match="missing column.*survey"):
        halo_table.read_halo_table(path)
    with pytest.raises(FileNotFoundError):
        halo_table.read_halo_table(tmp_path / "nope.csv")
    with pytest.raises(ValueError, match="lacks halo-table column"):
        halo_table.write_halo_table(tmp_path / "x.csv", t[["star_id", "ra"]])


def test_lamost_offset_correction():
    t = _table()
    corrected, applied = halo_table.correct_vlos_offsets(t)
    lamost = np.asarray(t["survey"]) == "LAMOST"
    np.testing.assert_allclose(applied, np.where(lamost, halo_table.LAMOST_VLOS_OFFSET_KMS, 0.0))
    np.testing.assert_allclose(corrected["vlos_kms"] - t["vlos_kms"], applied)
    _, none = halo_table.correct_vlos_offsets(t, {})
    assert not none.any()


BARBOSA_HEADER = ("objid,ra,dec,l,b,rv_adop,rv_adop_unc,dist_gr,dist_gr_unc,dist_ur,dist_ur_unc,"
                  "probability,pmra,pmra_error,pmdec,pmdec_error")


def _barbosa_file(tmp_path, rows):
    path = tmp_path / "bhb.csv"
    path.write_text(BARBOSA_HEADER + "\n" + "\n".join(rows) + "\n")
    return path


def test_barbosa_ids_stay_exact_and_units_convert(tmp_path):
    # Two 19-digit ids that a float64 cannot tell apart.
    rows = [
        "1237648720699588608,193.1,2.0,300.0,60.0,10.0,5.0,20000.0,300.0,19000.0,200.0,100.0,-1.0,0.1,-2.0,0.2",
        "1237648720699588609,193.0,2.1,300.1,60.1,-10.0,5.0,40000.0,600.0,41000.0,400.0,85.0,1.0,0.1,2.0,0.2",
    ]
    raw = barbosa.read_barbosa_bhb(_barbosa_file(tmp_path, rows))
    assert raw["objid"].tolist() == ["1237648720699588608", "1237648720699588609"]
    assert float(raw["objid"][0]) == float(raw["objid"][1])  # why they must be text
    halo = barbosa.barbosa_to_halo_table(raw)
    np.testing.assert_allclose(halo["distance_kpc"], [20.0, 40.0])
    np.testing.assert_allclose(halo["distance_err_kpc"], [2.0, 4.0])  # 10% by default
    assert np.all(halo["pm_corr"] == 0) and "feh" not in halo.colnames
    ur = barbosa.barbosa_to_halo_table(raw, distance="ur", distance_err_frac=None)
    np.testing.assert_allclose(ur["distance_kpc"], [19.0, 41.0])
    np.testing.assert_allclose(ur["distance_err_kpc"], [0.2, 0.4])
    with pytest.raises(ValueError, match="distance must be"):
        barbosa.barbosa_to_halo_table(raw, distance="ug")


def test_barbosa_bad_row_is_named(tmp_path):
    rows = ["1,193.1,2.0,300.0,60.0,10.0,5.0,-20000.0,300.0,19000.0,200.0,100.0,-1.0,0.1,-2.0,0.2"]
    with pytest.raises(ValueError, match=r"line 2, column 'dist_gr'"):
        barbosa.read_barbosa_bhb(_barbosa_file(tmp_path, rows))


def test_real_barbosa_file_has_unique_ids():
    path = external_or_skip(paths.BARBOSA_BHB_NAME)
    raw = barbosa.read_barbosa_bhb(path)
    assert len(raw) == 5699 and len(np.unique(raw["objid"])) == 5699
    assert raw["probability"].min() > 50
