"""The numbers of real data that notebook 01 prints in unchecked cells (they depend on external files, so nbval
cannot check them: a clone without the files must pass nbval too). Skipped, with a message, without the files.
"""

from __future__ import annotations

import numpy as np
import pytest

from mwlib.bird22 import barbosa, bhb_selection, fast_stars, xue2008
from mwlib.core import coords, paths


def _external(name: str):
    path = paths.find_external(name)
    if path is None:
        pytest.skip(f"{name} not found (python -m mwlib.data fetch, or MWLIB_EXTERNAL_DATA): real-data numbers skipped")
    return path


@pytest.fixture(scope="module")
def raw():
    return barbosa.read_barbosa_bhb(_external(paths.BARBOSA_BHB_NAME))


@pytest.fixture(scope="module")
def matched(raw):
    return xue2008.match_to_barbosa(raw, xue2008.read_xue2008(_external(paths.XUE2008_BHB_NAME)))


def test_file_and_selection_counts(raw):
    assert len(raw) == 5699
    loose, steps = bhb_selection.select_bhb_sample(raw, bhb_selection.LOOSE, coords.BIRD22_SUN)
    assert list(steps.values()) == [5699, 4567, 4514]
    clean, steps = bhb_selection.select_bhb_sample(raw, bhb_selection.CLEAN, coords.BIRD22_SUN, sample="bhb_clean")
    assert list(steps.values()) == [5699, 4567, 4390, 4390, 3831, 3301, 3292]
    assert set(clean["star_id"]) <= set(loose["star_id"])


def test_xue_cross_match(raw, matched):
    assert len(matched) == 1979 and matched.meta["n_duplicates"] == 0
    assert np.all(matched["sep_xue_arcsec"] < 2.0)
    # the Barbosa (g-r) distances are about 5% longer than Xue's
    assert np.median(matched["dist_gr"] / matched["dist_xue"]) == pytest.approx(1.051, abs=0.002)
    sample, steps = bhb_selection.select_bhb_sample(matched, bhb_selection.XUE_MATCHED, coords.BIRD22_SUN,
                                                    sample="bhb_xue")
    assert len(sample) == 1977


def test_the_clean_selection_removes_the_fast_stars(raw, matched):
    v_esc = fast_stars.published_model_escape_speed("Jeans BHB")
    loose = fast_stars.fast_fraction(bhb_selection.select_bhb_sample(raw, bhb_selection.LOOSE)[0], v_esc)
    clean = fast_stars.fast_fraction(bhb_selection.select_bhb_sample(raw, bhb_selection.CLEAN)[0], v_esc)
    xue = fast_stars.fast_fraction(bhb_selection.select_bhb_sample(matched, bhb_selection.XUE_MATCHED)[0], v_esc)
    assert (loose["n_r_gt_35"], loose["n_fast_400"]) == (663, 110)
    assert (clean["n_r_gt_35"], clean["n_fast_400"], clean["n_above_vesc"]) == (349, 4, 4)
    assert (xue["n_r_gt_35"], xue["n_fast_400"]) == (152, 12)
    assert clean["frac_faster_400"] < 0.02 < 0.15 < loose["frac_faster_400"]
