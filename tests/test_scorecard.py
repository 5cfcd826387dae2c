"""The scorecard joins published and recorded numbers and judges agreement as documented."""

from __future__ import annotations

import numpy as np

from mwlib.bird22 import published as bird22_published
from mwlib.eh16 import published as eh16_published
from mwlib.repro import scorecard


def test_record_merges_and_build_judges(tmp_path):
    scorecard.record(tmp_path, "EH16", {("sample", "n_included"): 89, ("I", "M125"): 4.5})
    scorecard.record(tmp_path, "EH16", {("XII", "M125"): 7.0, ("diagnostic", "w10_ratio"): 1.36})
    scorecard.record(tmp_path, "B22", {("BHB sample", "n_stars"): 2525})
    card = scorecard.build(tmp_path)
    rows = {(p, q): i for i, (p, q) in enumerate(zip(card["paper"], card["quantity"]))}
    eh, b = eh16_published.EADIE16, bird22_published.BIRD22
    assert card["agrees"][rows[(eh, "n_included")]]  # exact count
    assert card["agrees"][rows[(eh, "I: M125")]]  # inside (3.69, 4.73)
    assert not card["agrees"][rows[(eh, "XII: M125")]]  # outside (4.79, 5.63)
    assert "1.36" in card["explanation"][rows[(eh, "XII: M125")]]
    assert not card["agrees"][rows[(b, "BHB sample: n_stars")]]  # counts must match exactly
    assert card["explanation"][rows[(eh, "n_complete")]] == "not computed yet"
    assert np.isnan(card["reproduced"][rows[(eh, "n_complete")]])
    assert len(card) >= 40


def test_order_of_statements_agree_within_a_factor_of_two(tmp_path):
    """The paper's systematics are "of order 20 percent": agreement within a factor of 2 either way."""
    scorecard.record(tmp_path, "B22", {("distance +-10%", "change of M(<r)_pct"): 12.5,
                                       ("distance +-10%", "change of M200_pct"): 10.0,
                                       ("alpha_in", "change of M(<r)_pct"): 41.0})
    card = scorecard.build(tmp_path)
    rows = {q: i for i, (p, q) in enumerate(zip(card["paper"], card["quantity"])) if p == bird22_published.BIRD22}
    assert card["agrees"][rows["distance +-10%: change of M(<r)_pct"]]  # 12.5 vs 20
    assert not card["agrees"][rows["distance +-10%: change of M200_pct"]]  # 10 vs 50
    assert not card["agrees"][rows["alpha_in: change of M(<r)_pct"]]  # 41 vs 20
    assert card["unit"][rows["alpha_in: change of M(<r)_pct"]] == "%"
    assert "nb 06" in card["explanation"][rows["distance +-10%: change of M200_pct"]]


def test_readme_block_is_replaced_and_matches_the_committed_summary():
    from pathlib import Path

    import pytest

    text = f"intro\n{scorecard.README_BEGIN}\nold\n{scorecard.README_END}\nrest\n"
    assert scorecard.readme_with_summary(text, "* new\n") == (
        f"intro\n{scorecard.README_BEGIN}\n* new\n{scorecard.README_END}\nrest\n")
    with pytest.raises(ValueError, match="no block"):
        scorecard.readme_with_summary("no markers", "x")
    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text()
    summary = (root / "results" / "scorecard_summary.md").read_text()
    assert scorecard.readme_with_summary(readme, summary) == readme, \
        "README.md's scorecard summary is stale: run make reproduce (or notebook 07 and mwlib.repro.runner)"
