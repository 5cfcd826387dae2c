"""The scorecard joins published and recorded numbers and judges agreement as documented."""

from __future__ import annotations

import numpy as np

from mwlib import published, scorecard


def test_record_merges_and_build_judges(tmp_path):
    scorecard.record(tmp_path, "EH16", {("sample", "n_included"): 89, ("I", "M125"): 4.5})
    scorecard.record(tmp_path, "EH16", {("XII", "M125"): 7.0, ("diagnostic", "w10_ratio"): 1.36})
    scorecard.record(tmp_path, "B22", {("BHB sample", "n_stars"): 2525})
    card = scorecard.build(tmp_path)
    rows = {(p, q): i for i, (p, q) in enumerate(zip(card["paper"], card["quantity"]))}
    eh, b = published.EADIE16, published.BIRD22
    assert card["agrees"][rows[(eh, "n_included")]]  # exact count
    assert card["agrees"][rows[(eh, "I: M125")]]  # inside (3.69, 4.73)
    assert not card["agrees"][rows[(eh, "XII: M125")]]  # outside (4.79, 5.63)
    assert "1.36" in card["explanation"][rows[(eh, "XII: M125")]]
    assert not card["agrees"][rows[(b, "BHB sample: n_stars")]]  # counts must match exactly
    assert card["explanation"][rows[(eh, "n_complete")]] == "not computed yet"
    assert np.isnan(card["reproduced"][rows[(eh, "n_complete")]])
    assert len(card) >= 40
