"""mwlib.data: checksums, the download (tested offline with file:// URLs), the "file absent"
path and the real BHB selection."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from astropy.table import Table

from mwlib import data
from mwlib.bird22 import barbosa, bhb_selection
from mwlib.core import coords, paths
from mwlib.repro.products import sha256_of
from tests.conftest import external_or_skip


@pytest.fixture()
def small_entry(tmp_path, monkeypatch):
    """A tiny stand-in for the Barbosa file, registered under the real name."""
    source = tmp_path / "source.csv"
    source.write_bytes(b"objid,ra\n1,2\n")
    entry = data.ExternalFile(
        name=paths.BARBOSA_BHB_NAME, urls=(source.as_uri(),),
        sha256=hashlib.sha256(source.read_bytes()).hexdigest(), size_bytes=source.stat().st_size,
        reference="test", licence="test", adds="test",
    )
    monkeypatch.setitem(data.EXTERNAL_FILES, entry.name, entry)
    return source, entry


@pytest.mark.parametrize("entry", list(data.EXTERNAL_FILES.values()), ids=list(data.EXTERNAL_FILES))
def test_pinned_checksum_matches_the_shared_copy(entry):
    path = external_or_skip(entry.name)
    assert sha256_of(path) == entry.sha256
    assert path.stat().st_size == entry.size_bytes
    assert data.verify(path, entry) == path
    # every source is pinned at a commit (or, for Harris's own page, only accepted with the same bytes)
    assert entry.urls[0].startswith("https://raw.githubusercontent.com/") and len(entry.urls[0].split("/")[5]) == 40


def test_fetch_tries_the_next_source(tmp_path, small_entry, monkeypatch):
    source, entry = small_entry
    two = data.ExternalFile(**{**entry.__dict__, "urls": ((tmp_path / "absent.csv").as_uri(), source.as_uri())})
    monkeypatch.setitem(data.EXTERNAL_FILES, two.name, two)
    assert data.fetch(two.name, tmp_path / "ext").read_bytes() == source.read_bytes()


def test_verify_rejects_a_different_file(tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("not the catalogue\n")
    with pytest.raises(ValueError, match="differs from the pinned"):
        data.verify(other, data.BARBOSA_BHB)
    with pytest.raises(FileNotFoundError):
        data.verify(tmp_path / "absent.csv", data.BARBOSA_BHB)


def test_fetch_downloads_and_verifies(tmp_path, small_entry):
    source, entry = small_entry
    dest = tmp_path / "external"
    path = data.fetch(entry.name, dest)
    assert path == dest / entry.name and path.read_bytes() == source.read_bytes()
    source.write_bytes(b"changed upstream\n")  # an existing verified copy is kept
    assert data.fetch(entry.name, dest).read_bytes() == b"objid,ra\n1,2\n"


def test_fetch_refuses_a_corrupted_download_and_leaves_nothing(tmp_path, small_entry):
    source, entry = small_entry
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"tampered\n")
    dest = tmp_path / "external"
    with pytest.raises(ValueError, match="nothing written"):
        data.fetch(entry.name, dest, url=bad.as_uri())
    assert not dest.exists() or list(dest.iterdir()) == []


def test_fetch_without_a_reachable_source_says_what_to_do(tmp_path, small_entry):
    _, entry = small_entry
    with pytest.raises(RuntimeError, match="MWLIB_EXTERNAL_DATA"):
        data.fetch(entry.name, tmp_path / "external", url=(tmp_path / "absent.csv").as_uri())
    assert data.main(["fetch", entry.name, "--dest", str(tmp_path / "x"), "--url",
                      (tmp_path / "absent.csv").as_uri()]) == 1
    with pytest.raises(ValueError, match="unknown external file"):
        data.fetch("nothing.csv")


def test_absent_file_is_reported_as_none(tmp_path, monkeypatch):
    monkeypatch.setenv("MWLIB_EXTERNAL_DATA", str(tmp_path / "nowhere"))
    monkeypatch.setattr(paths, "DATA_DIR", tmp_path / "data")
    monkeypatch.setattr(paths, "REPO_ROOT", tmp_path / "repo")
    assert all(data.locate(name) is None for name in data.EXTERNAL_FILES)
    assert data.main(["verify"]) == 0  # nothing to check is not an error
    assert data.main(["where"]) == 0


def _raw(n: int = 6) -> Table:
    t = Table()
    t["objid"] = [str(10**18 + i) for i in range(n)]
    t["ra"] = np.full(n, 180.0)
    t["dec"] = np.full(n, 60.0)
    t["rv_adop"] = np.zeros(n)
    t["rv_adop_unc"] = np.full(n, 5.0)
    t["dist_gr"] = np.array([1.0, 10.0, 20.0, 40.0, 80.0, 20.0]) * 1000
    t["dist_gr_unc"] = 0.015 * t["dist_gr"]
    t["dist_ur"] = t["dist_gr"]
    t["dist_ur_unc"] = t["dist_gr_unc"]
    t["probability"] = [100.0, 100.0, 100.0, 100.0, 100.0, 60.0]
    for c in ("pmra", "pmdec"):
        t[c] = np.zeros(n)
        t[f"{c}_error"] = np.full(n, 0.1)
    return t


def test_selection_counts_each_step():
    sample, counts = bhb_selection.select_bhb_sample(_raw())
    assert list(counts.values()) == [6, 5, 4]  # probability cut, then 4 < r < 60 kpc (80 kpc out)
    r = np.linalg.norm(coords.galactocentric_positions(sample["ra"], sample["dec"], sample["distance_kpc"],
                                                       coords.BIRD22_SUN), axis=1)
    assert np.all((r > 4) & (r < 60))
    np.testing.assert_allclose(sample["r_kpc"], r)
    loose, counts = bhb_selection.select_bhb_sample(_raw(), bhb_selection.BhbSelection(min_probability_pct=50))
    assert len(loose) == 5


def test_real_selection_mirrors_the_paper_range():
    raw_path = external_or_skip(paths.BARBOSA_BHB_NAME)
    sample, counts = bhb_selection.select_bhb_sample(barbosa.read_barbosa_bhb(raw_path))
    assert 4 < sample["r_kpc"].min() and sample["r_kpc"].max() < 60
    assert len(sample) == list(counts.values())[-1] > 2526  # larger than the paper's cleaned sample
