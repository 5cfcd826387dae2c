"""The scorecard joins published and recorded numbers and judges agreement as documented (mwlib.repro.scorecard)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from mwlib.bird22 import published as bird22_published
from mwlib.core import paths
from mwlib.eh16 import published as eh16_published
from mwlib.repro import products, scorecard
from tests.conftest import run_folder

EH, B = eh16_published.EADIE16, bird22_published.BIRD22


def _rows(card):
    return {(str(p), str(q)): i for i, (p, q) in enumerate(zip(card["paper"], card["quantity"]))}


def test_record_writes_one_file_per_notebook_and_load_joins_them(tmp_path):
    committed = paths.RESULTS_DIR / scorecard.RECORD_DIR / "05_bayesian_df.json"
    before = committed.stat().st_mtime_ns if committed.exists() else None
    with run_folder(tmp_path):
        run05 = products.open_run("05_bayesian_df", {})
        scorecard.record(run05, "EH16", {("sample", "n_included"): 89, ("I", "M125"): 4.5})
        scorecard.record(run05, "EH16", {("XII", "M125"): 7.0, ("II", "M125"): float("nan"), ("III", "M125"): None})
        run02 = products.open_run("02_dispersion", {})
        scorecard.record(run02, "B22", {("BHB", "sigma0_kms"): 140.0})
        path = tmp_path / "results" / scorecard.RECORD_DIR / "05_bayesian_df.json"
        assert json.loads(path.read_text()) == {"EH16": {"sample|n_included": 89.0, "I|M125": 4.5, "XII|M125": 7.0,
                                                         "II|M125": None, "III|M125": None}}
        loaded = scorecard.load(products.open_run("07_comparison", {}), ["01_data_prep", "02_dispersion",
                                                                       "05_bayesian_df"])
    assert loaded["EH16"]["I|M125"] == 4.5 and loaded["B22"] == {"BHB|sigma0_kms": 140.0}
    assert (committed.stat().st_mtime_ns if committed.exists() else None) == before  # the repository's untouched


def test_build_judges_agreement():
    recorded = {"EH16": {"sample|n_included": 89, "sample|n_complete": 70, "I|M125": 4.5, "XII|M125": 7.0,
                         "W10 beta=0|M(<38.5)": 2.43, "diagnostic|w10_ratio": 1.36,
                         "diagnostic|best_hypothesis_value": 0.77},
                "B22": {"BHB sample|n_stars": 2525, "BHB|sigma0_kms": 150.0}}
    card = scorecard.build(recorded)
    rows = _rows(card)
    assert card["agrees"][rows[(EH, "n_included")]]  # exact count
    assert not card["agrees"][rows[(EH, "n_complete")]]  # 70 != 71
    assert card["agrees"][rows[(EH, "I: M125")]]  # inside (3.69, 4.73)
    assert not card["agrees"][rows[(EH, "XII: M125")]]  # outside (4.79, 5.63)
    assert "0.770" in card["explanation"][rows[(EH, "XII: M125")]]  # the best hypothesis' value
    assert not card["agrees"][rows[(EH, "W10 beta=0: M(<38.5)")]]
    assert "1.36" in card["explanation"][rows[(EH, "W10 beta=0: M(<38.5)")]]
    assert not card["agrees"][rows[(B, "BHB sample: n_stars")]]  # counts must match exactly
    assert not card["agrees"][rows[(B, "BHB: sigma0_kms")]]  # outside 143 +- 5
    assert card["unit"][rows[(B, "BHB: sigma0_kms")]] == "km/s"
    assert card["deviation"][rows[(EH, "I: M125")]] == pytest.approx(4.5 / 4.28 - 1)
    missing = rows[(EH, "II: M125")]
    assert card["reproduced"][missing] == "not computed yet" and np.isnan(card["value"][missing])
    assert not card["agrees"][missing] and card["explanation"][missing] == ""
    assert len(card) >= 40


def test_every_row_has_a_basis_and_circular_rows_are_absent():
    card = scorecard.build({})
    assert set(card["basis"]) <= set(scorecard.BASES)
    assert all(scorecard.basis_of("EH16" if p == EH else "B22", *_split(q)) == b
               for p, q, b in zip(card["paper"], card["quantity"], card["basis"]) if ": " in q)
    b22 = {str(q) for p, q in zip(card["paper"], card["quantity"]) if p == B}
    for (paper, label, quantity) in scorecard.CIRCULAR:
        assert paper == "B22" and f"{label}: {quantity}" not in b22
    assert "BHB: alpha_in" in b22 and "BHB sample: n_stars" in b22  # the non-circular twins stay
    n_published = (len(eh16_published.EADIE16_SAMPLE) + len(eh16_published.EADIE16_RESULTS)
                   + len(bird22_published.BIRD22_RESULTS))
    assert len(card) == n_published - len(scorecard.CIRCULAR) - len(scorecard.REPEATS)
    assert scorecard.basis_of("B22", "Fig. 8 all", "weighted mean_1e12") == "literature"
    assert scorecard.basis_of("B22", "Jeans KG", "M200_1e12") == "mock of the paper's answer"
    assert scorecard.basis_of("B22", "Jeans BHB", "M200_1e12") == "public stand-in"
    assert scorecard.basis_of("EH16", "XII", "M125") == "same data"


def _split(quantity: str) -> tuple[str, str]:
    label, _, qty = str(quantity).partition(": ")
    return label, qty


def test_prior_bound_fits_show_na():
    """An M200 beyond the prior bound (1e13 Msun), or a fit flagged at its bound, is 'n/a (prior bound)'."""
    recorded = {"B22": {"Jeans BHB|M200_1e12": 50.0, "Jeans BHB|r200_kpc": 700.0, "Jeans BHB|c": 0.05,
                        "diagnostic|jeans_bhb_at_prior_bound": 1.0, "TME BHB|M200_1e12": 0.7},
                "B22 mock": {"Jeans KG|M200_1e12": 12.0, "TME KG|M200_1e12": 0.46}}
    card = scorecard.build(recorded)
    rows = _rows(card)
    for quantity in ("Jeans BHB: M200_1e12", "Jeans BHB: r200_kpc", "Jeans BHB: c", "Jeans KG: M200_1e12"):
        i = rows[(B, quantity)]
        assert card["reproduced"][i] == "n/a (prior bound)", quantity
        assert not card["agrees"][i] and np.isnan(card["deviation"][i])
    assert card["agrees"][rows[(B, "TME BHB: M200_1e12")]] and card["agrees"][rows[(B, "TME KG: M200_1e12")]]
    # without the external BHB file the stand-in rows are not computed, whatever was recorded
    absent = scorecard.build(recorded, absent=[paths.BARBOSA_BHB_NAME])
    i = _rows(absent)[(B, "TME BHB: M200_1e12")]
    assert absent["reproduced"][i] == f"not computed: {paths.BARBOSA_BHB_NAME} absent" and np.isnan(absent["value"][i])
    assert absent["agrees"][_rows(absent)[(B, "TME KG: M200_1e12")]]  # a mock row needs no external file
    # the "needs" column names the file, so that a notebook can show the counts that do not depend on it
    assert absent["needs"][i] == paths.BARBOSA_BHB_NAME and absent["needs"][_rows(absent)[(B, "TME KG: M200_1e12")]] == ""
    independent = scorecard.headline_counts(absent[absent["needs"] == ""])
    assert "public stand-in" in independent["basis"] and independent["rows"][list(independent["basis"]).index(
        "public stand-in")] == 0


def test_systematic_rows_are_left_out_as_repeats_of_the_mass_rows():
    card = scorecard.build({})
    quantities = set(map(str, card["quantity"]))
    assert "Jeans BHB: M(<52) systematic" not in quantities and "Jeans KG: M200 systematic_1e12" not in quantities
    assert "Jeans BHB: M(<52)" in quantities and "Jeans KG: M200_1e12" in quantities
    assert scorecard.basis_of("B22", "BHB", "alpha_in") == "same data"


def test_deviations_beyond_1000_percent_are_nan():
    card = scorecard.build({"EH16": {"I|M125": 4.28 * 12.0, "II|M125": 4.38 * 10.5, "III|M125": 4.34 * 1.5}})
    rows = _rows(card)
    assert np.isnan(card["deviation"][rows[(EH, "I: M125")]])  # +1100%
    assert card["value"][rows[(EH, "I: M125")]] == pytest.approx(4.28 * 12.0)  # the value itself stays
    assert card["deviation"][rows[(EH, "II: M125")]] == pytest.approx(9.5)  # +950% is shown
    assert card["deviation"][rows[(EH, "III: M125")]] == pytest.approx(0.5)


def test_headline_counts_add_up_per_basis():
    recorded = {"EH16": {"sample|n_included": 89, "I|M125": 4.5, "XII|M125": 7.0},
                "B22": {"BHB|sigma0_kms": 143.0, "Fig. 8 all|weighted mean_1e12": 0.85},
                "B22 mock": {"Jeans KG|M(<73)": 4.0}, "EH16 best hypothesis": {"I|M125": 4.0, "XII|M125": 6.0, "II|M125": 4.5}}
    card = scorecard.build(recorded)
    counts = scorecard.headline_counts(card)
    assert list(counts["basis"]) == list(scorecard.BASES)
    assert int(np.sum(counts["rows"])) == len(card)
    by = {r["basis"]: r for r in counts}
    for basis in scorecard.BASES:
        sub = card[card["basis"] == basis]
        assert by[basis]["rows"] == len(sub)
        assert by[basis]["computed"] == int(np.isfinite(np.asarray(sub["value"], float)).sum())
        assert by[basis]["agree"] == int(np.sum(sub["agrees"])) <= by[basis]["computed"]
    assert (by["same data"]["computed"], by["same data"]["agree"]) == (2, 1)
    assert (by["count"]["computed"], by["count"]["agree"]) == (1, 1)
    assert by["public stand-in"]["agree"] == 1 and by["literature"]["agree"] == 1
    assert by["mock of the paper's answer"]["agree"] == 1  # 4.0 inside (3.35, 5.25)
    assert by["same data"]["agree under the best pipeline hypothesis"] == "2 of 3"  # 4.0 and 4.5 inside, 6.0 outside (4.79, 5.63)
    assert by["same data"]["median |deviation|"] == pytest.approx(np.median([4.5 / 4.28 - 1, 7.0 / 5.22 - 1]))
    md = scorecard.summary_markdown(card).splitlines()
    assert len(md) == 2 + len(scorecard.BASES) and all(f"| {b} |" in md[2 + k] for k, b in enumerate(scorecard.BASES))


def test_order_of_statements_agree_within_a_factor_of_two():
    """The paper's systematics are "of order 20 percent": agreement within a factor of 2 either way."""
    card = scorecard.build({"B22": {"distance +-10%|change of M(<r)_pct": 12.5,
                                    "distance +-10%|change of M200_pct": 10.0,
                                    "alpha_in|change of M(<r)_pct": 41.0}})
    rows = {q: i for i, (p, q) in enumerate(zip(card["paper"], card["quantity"])) if p == B}
    assert card["agrees"][rows["distance +-10%: change of M(<r)_pct"]]  # 12.5 vs 20
    assert not card["agrees"][rows["distance +-10%: change of M200_pct"]]  # 10 vs 50
    assert not card["agrees"][rows["alpha_in: change of M(<r)_pct"]]  # 41 vs 20
    assert card["unit"][rows["alpha_in: change of M(<r)_pct"]] == "%"
    assert "nb 06" in card["explanation"][rows["distance +-10%: change of M200_pct"]]


def test_readme_block_is_replaced_and_matches_the_committed_summary():
    begin, end = scorecard.readme_markers("scorecard-summary")
    text = f"intro\n{begin}\nold\n{end}\nrest\n"
    assert scorecard.readme_with_block(text, "scorecard-summary", "* new\n") == f"intro\n{begin}\n* new\n{end}\nrest\n"
    with pytest.raises(ValueError, match="no block"):
        scorecard.readme_with_block("no markers", "scorecard-summary", "x")
    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text()
    for name, file_name in scorecard.README_BLOCKS.items():
        source = root / "results" / file_name
        assert source.is_file(), f"no committed results/{file_name} (make reproduce writes it)"
        assert scorecard.readme_with_block(readme, name, source.read_text()) == readme, \
            f"README.md's block {name} is stale: run make reproduce (or notebook 07 and mwlib.repro.runner)"


def test_findings_quote_the_scorecard_rows():
    card = scorecard.build({"EH16": {"XII|M125": 6.9}, "EH16 best hypothesis": {"XII|M125": 5.3}})
    text = scorecard.findings_markdown(card)
    line = next(x for x in text.splitlines() if "Scenario XII" in x)
    assert "| 5.22 (4.79, 5.63) | 6.9 | same data | 5.3 (inside the published interval) |" in line
    assert "not computed yet" in next(x for x in text.splitlines() if "Scenario I " in x)
