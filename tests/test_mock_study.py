"""The mock study of Bird et al. (2022) (mwlib.bird22.mock_study): the bookkeeping of study_table on hand-made
realizations, and one real realization of the paper's chain on a mock of its own BHB answer (tiny settings)."""

from __future__ import annotations

import numpy as np
import pytest

from mwlib.bird22 import dispersion, halo_mocks, mock_study, published

COLUMNS = ["sample", "method", "quantity", "truth", "median", "bias_pct", "cover68", "cover95", "n_real"]
TINY = {"n_mc": 50, "n_jeans_mc": 20, "n_boot": 20, "sigma": {"n_walkers": 32, "n_steps": 150, "n_burn": 50},
        "nfw": {"n_walkers": 32, "n_steps": 150, "n_burn": 50}}


def _q(centre: float, half: float) -> tuple[float, ...]:
    """(p2.5, p16, p50, p84, p97.5) of an interval centred on ``centre`` with 68% half-width ``half``."""
    return (centre - 2 * half, centre - half, centre, centre + half, centre + 2 * half)


def _realization(kind: str, centre: float, m_last_truth: float) -> dict:
    """A hand-made realization: every estimate centred on ``centre`` x its truth with 68% half-width 0.1 x truth."""
    truth = {"M200_1e12": 1.0, "r200_kpc": 200.0, "c": 10.0, "M_last_1e11_jeans": m_last_truth,
             "M_last_1e11_tme": 2 * m_last_truth}
    out = {"kind": kind, "seed": 0, "truth": truth}
    for method in ("jeans", "tme"):
        t = {q: truth[q] for q in ("M200_1e12", "r200_kpc", "c")}
        t["M_last_1e11"] = truth[f"M_last_1e11_{method}"]
        out[method] = {q: _q(centre * v, 0.1 * v) for q, v in t.items()}
    return out


def test_study_table_bookkeeping():
    # centres 0.95, 1.0, 1.05, 1.15, 1.3 x truth with 68% half-width 0.1 x truth and 95% half-width 0.2 x truth:
    # the 68% interval holds the truth in 3 of 5 (0.95, 1.0, 1.05), the 95% interval in 4 of 5 (not 1.3)
    centres = (0.95, 1.0, 1.05, 1.15, 1.3)
    bhb = [_realization("bhb", c, m) for c, m in zip(centres, (4.0, 4.2, 4.4, 4.6, 4.8))]
    kg = [_realization("kgiant", 1.0, 4.3), _realization("kgiant", 1.0, 4.3)]
    table = mock_study.study_table(bhb + kg)
    assert table.colnames == COLUMNS
    assert len(table) == 2 * 2 * len(mock_study.QUANTITIES)
    assert list(dict.fromkeys(table["sample"])) == ["bhb_mock", "kgiant_mock"]
    assert list(table["quantity"][:4]) == list(mock_study.QUANTITIES) and list(table["method"][:8]) == ["jeans"] * 4 + ["tme"] * 4
    rows = {(r["sample"], r["method"], r["quantity"]): r for r in table}
    m200 = rows[("bhb_mock", "jeans", "M200_1e12")]
    assert m200["n_real"] == 5 and m200["truth"] == 1.0
    assert m200["median"] == pytest.approx(1.05) and m200["bias_pct"] == pytest.approx(5.0)
    assert m200["cover68"] == pytest.approx(3 / 5) and m200["cover95"] == pytest.approx(4 / 5)
    # M at the last bin: its truth differs between realizations and methods; the table gives the median truth
    last = rows[("bhb_mock", "tme", "M_last_1e11")]
    assert last["truth"] == pytest.approx(2 * 4.4) and last["bias_pct"] == pytest.approx(5.0)
    assert rows[("bhb_mock", "jeans", "M_last_1e11")]["truth"] == pytest.approx(4.4)
    assert last["median"] == pytest.approx(np.median([2 * c * m for c, m in zip(centres, (4.0, 4.2, 4.4, 4.6, 4.8))]))
    k = rows[("kgiant_mock", "tme", "c")]
    assert (k["n_real"], k["bias_pct"], k["cover68"], k["cover95"]) == (2, 0.0, 1.0, 1.0)
    # the bias is the median of the per-realization biases, not the bias of the median
    skew = mock_study.study_table([_realization("bhb", c, 4.0) for c in (0.5, 1.0, 1.6)])
    row = skew[(skew["method"] == "jeans") & (skew["quantity"] == "c")][0]
    assert row["bias_pct"] == pytest.approx(0.0) and row["cover68"] == pytest.approx(1 / 3)


@pytest.fixture(scope="module")
def realization():
    return mock_study.realization_task({"kind": "bhb", "seed": [2022, 1], "settings": TINY})


def test_one_realization_runs_the_chain_on_the_papers_bhb_answer(realization):
    out = realization
    assert out["kind"] == "bhb" and out["seed"] == [2022, 1]
    assert set(out) == {"kind", "seed", "truth", "jeans", "tme"}
    pub = published.BIRD22_RESULTS
    truth = out["truth"]
    # the truth is the paper's Table 2 Jeans BHB fit
    assert truth["M200_1e12"] == pytest.approx(pub[("Jeans BHB", "M200_1e12")]["value"])
    assert truth["c"] == pytest.approx(pub[("Jeans BHB", "c")]["value"])
    assert truth["r200_kpc"] == pytest.approx(pub[("Jeans BHB", "r200_kpc")]["value"], rel=0.01)
    model = halo_mocks.paper_answer_model("bhb")
    for method in ("jeans", "tme"):
        est = out[method]
        assert set(est) == set(mock_study.QUANTITIES) | {"r_last_kpc"}
        for quantity in mock_study.QUANTITIES:
            q = np.asarray(est[quantity], float)
            assert q.shape == (5,) and np.all(np.isfinite(q)) and np.all(np.diff(q) >= 0), (method, quantity)
        r_last = est["r_last_kpc"]
        assert dispersion.BHB_EDGES_KPC[0] < r_last < dispersion.BHB_EDGES_KPC[-1]
        assert truth[f"M_last_1e11_{method}"] == pytest.approx(float(model.mass_enclosed(np.array([r_last]))[0]) / 1e11)
        # an estimate of the right order: within a factor of 2 of the truth at the last bin
        assert 0.5 < est["M_last_1e11"][2] / truth[f"M_last_1e11_{method}"] < 2.0
    table = mock_study.study_table([out])
    assert table.colnames == COLUMNS and len(table) == 2 * len(mock_study.QUANTITIES)
    assert set(table["n_real"]) == {1} and set(table["sample"]) == {"bhb_mock"}
