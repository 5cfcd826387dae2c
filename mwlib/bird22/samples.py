"""The halo-star samples of the Bird et al. (2022) part, and their Galactocentric kinematics.

Notebook 01 writes every sample's star table (the format of :mod:`mwlib.bird22.halo_table`) and the
sample list ``results/halo_samples.json`` (:func:`write_sample_list`); notebook 02 computes each
sample's kinematics once -- Galactocentric radii, spherical velocities (v_r, v_theta, v_phi) with
the paper's solar parameters and the per-star 3x3 velocity error covariance from Monte Carlo draws
(Section 4.1; :func:`compute_kinematics`) -- and writes them as ``results/local/halo_<sample>_kinematics.npz``;
notebooks 03, 04 and 06 read them (:func:`load_halo_samples`) instead of drawing them again.

A star table with a ``substructure`` column gives two samples: ``<name>`` (flagged stars removed,
the paper's choice) and ``<name>_uncleaned``. Every random draw of a sample comes from
:func:`sample_rng`, a generator of its own keyed by (seed, stage, sample name): the numbers of one
sample do not depend on which other samples exist (e.g. whether the real BHB file is present).

Sample kinds and their radial bins (Section 4.3) and tracer densities (Section 4.2):
``kgiant`` (bins 3-15-...-125 kpc; density 2.8 (adjusted) / 17 kpc / 4.6) and ``bhb``
(4-7-...-125 kpc; 3.5 / 22 kpc / 4.7).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from astropy.table import Table

from mwlib.bird22 import dispersion, halo_mocks, halo_table
from mwlib.bird22.density import BHB_DENSITY, KG_ALPHA_IN_ADJUSTED, KG_DENSITY, BrokenPowerLaw
from mwlib.core import coords, paths

__all__ = [
    "REAL_BHB",
    "STAND_IN",
    "SampleKind",
    "SAMPLE_LIST",
    "paper_density",
    "bin_edges",
    "sample_rng",
    "Kinematics",
    "compute_kinematics",
    "HaloSample",
    "write_sample_list",
    "read_sample_list",
    "say_what_is_skipped",
    "star_tables",
    "mock_truths",
    "kinematics_product",
    "write_kinematics",
    "read_kinematics",
    "load_halo_samples",
]

SampleKind = Literal["kgiant", "bhb"]
#: The real BHB samples of notebook 01 (each also ``<name>_uncleaned``, before substructure cleaning): the loose
#: selection, the clean one and the Xue et al. (2008) cross-match (:mod:`mwlib.bird22.bhb_selection`).
REAL_BHB: tuple[str, ...] = ("bhb_barbosa", "bhb_clean", "bhb_xue")
#: The public stand-in whose numbers the scorecard compares with the paper's BHB rows: the clean selection, fixed
#: on catalogue columns before any mass was computed (notebook 01).
STAND_IN = "bhb_clean"
#: The sample list written by notebook 01.
SAMPLE_LIST = "halo_samples.json"


def paper_density(kind: SampleKind) -> BrokenPowerLaw:
    """Bird et al. (2022) Section 4.2: K giants 2.8 (adjusted) / 17 kpc / 4.6; BHB 3.5 / 22 kpc / 4.7."""
    if kind == "kgiant":
        return KG_DENSITY.with_alpha_in(KG_ALPHA_IN_ADJUSTED)
    if kind == "bhb":
        return BHB_DENSITY
    raise ValueError(f"kind must be 'kgiant' or 'bhb'; got {kind!r}")


def bin_edges(kind: SampleKind) -> tuple[float, ...]:
    """The radial bin edges of Section 4.3 for a sample kind."""
    if kind not in ("kgiant", "bhb"):
        raise ValueError(f"kind must be 'kgiant' or 'bhb'; got {kind!r}")
    return dispersion.KG_EDGES_KPC if kind == "kgiant" else dispersion.BHB_EDGES_KPC


def sample_rng(seed: int, stage: str, sample: str) -> np.random.Generator:
    """The generator of one sample at one stage (e.g. "kinematics", "sigma fit"): independent of the others."""
    return np.random.default_rng([int(seed), zlib.crc32(stage.encode()), zlib.crc32(sample.encode())])


@dataclass(frozen=True)
class Kinematics:
    """Per-star Galactocentric radius [kpc], velocities (v_r, v_theta, v_phi) [km/s] and their 3x3 error
    covariance [(km/s)^2]."""

    star_id: np.ndarray
    r_kpc: np.ndarray
    v_kms: np.ndarray
    v_cov: np.ndarray


def compute_kinematics(table: Table, *, rng: np.random.Generator, n_draws: int, n_workers: int = 1,
                       sun: coords.SolarParameters = coords.BIRD22_SUN) -> Kinematics:
    """Radii, spherical velocities at the observed values and Monte Carlo error covariances of a star table.

    Each star's distance, line-of-sight velocity and correlated proper motions are drawn ``n_draws`` times
    (Section 4.1: 1000); the covariance of the transformed draws is the star's error covariance
    (:func:`mwlib.core.coords.monte_carlo_spherical_velocities_chunked`; ``n_workers`` threads, the result does
    not depend on it).
    """
    t = table
    mc = coords.monte_carlo_spherical_velocities_chunked(
        t["ra"], t["dec"], t["distance_kpc"], t["pmra_masyr"], t["pmdec_masyr"], t["vlos_kms"],
        pmra_err=t["pmra_err_masyr"], pmdec_err=t["pmdec_err_masyr"], vlos_err=t["vlos_err_kms"],
        distance_err=t["distance_err_kpc"], pm_corr=t["pm_corr"], sun=sun,
        n_draws=int(n_draws), rng=rng, n_workers=int(n_workers))
    r = np.linalg.norm(coords.galactocentric_positions(t["ra"], t["dec"], t["distance_kpc"], sun), axis=1)
    return Kinematics(np.asarray(t["star_id"]).astype(str), r, np.column_stack([mc["vr"], mc["vtheta"], mc["vphi"]]),
                      mc["cov"])


@dataclass(frozen=True)
class HaloSample:
    """One halo-star sample: its star table, kinematics and what the paper's analysis needs of it.

    ``kind`` "kgiant" or "bhb"; ``truth`` the mock's :class:`~mwlib.bird22.halo_mocks.HaloTruth` (None for real
    data); ``cleaned`` True/False for a sample with substructure flags (cleaned / uncleaned), None without;
    ``real`` True for public data (then ``source`` names the external file).
    """

    name: str
    kind: SampleKind
    table: Table
    kinematics: Kinematics
    truth: halo_mocks.HaloTruth | None
    cleaned: bool | None
    real: bool
    source: str | None = None

    @property
    def r_kpc(self) -> np.ndarray:
        return self.kinematics.r_kpc

    @property
    def v_kms(self) -> np.ndarray:
        return self.kinematics.v_kms

    @property
    def v_cov(self) -> np.ndarray:
        return self.kinematics.v_cov

    @property
    def edges_kpc(self) -> tuple[float, ...]:
        return bin_edges(self.kind)

    @property
    def density(self) -> BrokenPowerLaw:
        """The tracer density the paper adopts for this kind of star (:func:`paper_density`)."""
        return paper_density(self.kind)

    @property
    def is_mock(self) -> bool:
        return self.truth is not None


# -- the sample list of notebook 01 ----------------------------------------------------------------
def write_sample_list(run, entries: dict[str, dict[str, Any]]) -> None:
    """``results/halo_samples.json``: ``{"samples": {name: {"kind", "stars", "truth", "real", "source",
    "selection"}}, "external_files": {file: found}}`` (``stars``/``truth`` are product names under results/;
    ``external_files``: the external files notebook 01 looked for, from its run's record)."""
    for name, entry in entries.items():
        if entry.get("kind") not in ("kgiant", "bhb") or "stars" not in entry:
            raise ValueError(f"sample {name!r}: needs 'kind' ('kgiant' or 'bhb') and 'stars'")
    found = {name: run.has_external(name) for name in sorted(run.externals)}
    run.write_json(SAMPLE_LIST, {"samples": entries, "external_files": found})


def read_sample_list(run) -> dict[str, dict[str, Any]]:
    return run.read_json(SAMPLE_LIST, producer="01_data_prep")["samples"]


#: The external files real samples come from (the Harris catalogue only adds a column to notebook 01).
SAMPLE_SOURCES: tuple[str, ...] = (paths.BARBOSA_BHB_NAME, paths.XUE2008_BHB_NAME)


def say_what_is_skipped(run, skips: str) -> list[str]:
    """The external files of :data:`SAMPLE_SOURCES` notebook 01 looked for and did not find; if any, print one
    line saying so and what the calling notebook skips without them (``skips``). Returns their names."""
    data = run.read_json(SAMPLE_LIST, producer="01_data_prep")
    absent = [name for name, found in data.get("external_files", {}).items()
              if not found and name in SAMPLE_SOURCES]
    if absent:
        print(f"external file{'s' if len(absent) > 1 else ''} {', '.join(absent)} absent (notebook 01 ran without "
              f"{'them' if len(absent) > 1 else 'it'}): {skips} (python -m mwlib.data fetch downloads "
              f"{'them' if len(absent) > 1 else 'it'})")
    return absent


def star_tables(run) -> dict[str, tuple[Table, dict[str, Any], bool | None]]:
    """Every sample's star table (LAMOST velocities corrected by +8 km/s, Section 4.1), its list entry and its
    cleaning state, in the order of the list with ``<name>_uncleaned`` before ``<name>``."""
    out = {}
    for name, entry in read_sample_list(run).items():
        table = halo_table.read_halo_table(run.input(entry["stars"], producer="01_data_prep"))
        table, _ = halo_table.correct_vlos_offsets(table)
        if "substructure" in table.colnames:
            out[f"{name}_uncleaned"] = (table, entry, False)
            out[name] = (table[~np.asarray(table["substructure"], bool)], entry, True)
        else:
            out[name] = (table, entry, None)
    return out


def mock_truths(run) -> dict[str, halo_mocks.HaloTruth]:
    """The truth of every mock of the sample list (notebook 01)."""
    return {name: halo_mocks.HaloTruth.read_json(run.input(entry["truth"], producer="01_data_prep"))
            for name, entry in read_sample_list(run).items() if entry.get("truth")}


# -- kinematics products of notebook 02 ------------------------------------------------------------
def kinematics_product(name: str) -> str:
    return f"local/halo_{name}_kinematics.npz"


def write_kinematics(run, name: str, kinematics: Kinematics) -> None:
    run.write_npz(kinematics_product(name), star_id=kinematics.star_id, r_kpc=kinematics.r_kpc,
                  v_kms=kinematics.v_kms, v_cov=kinematics.v_cov)


def read_kinematics(run, name: str, table: Table) -> Kinematics:
    """Notebook 02's kinematics of sample ``name``, checked to belong to ``table``'s stars."""
    path = run.input(kinematics_product(name), producer="02_dispersion")
    with np.load(path) as stored:
        kin = Kinematics(stored["star_id"].astype(str), stored["r_kpc"], stored["v_kms"], stored["v_cov"])
    if not np.array_equal(kin.star_id, np.asarray(table["star_id"]).astype(str)):
        raise ValueError(f"{path}: the stars differ from sample {name!r} of notebook 01: rerun notebook 02")
    return kin


def load_halo_samples(run) -> dict[str, HaloSample]:
    """Every sample of notebook 01 with notebook 02's kinematics (for notebooks 03, 04 and 06)."""
    out = {}
    for name, (table, entry, cleaned) in star_tables(run).items():
        truth = (halo_mocks.HaloTruth.read_json(run.input(entry["truth"], producer="01_data_prep"))
                 if entry.get("truth") else None)
        out[name] = HaloSample(name, entry["kind"], table, read_kinematics(run, name, table), truth, cleaned,
                               bool(entry.get("real", False)), entry.get("source"))
    return out
