"""mwlib.repro.literature: the Bird et al. (2022) Fig. 8 compilation and its weighted means."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mwlib.repro import literature as lit

FIG8 = Path(__file__).resolve().parents[1] / "data" / "literature" / "bird22_fig8.csv"


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
