"""Where things live: the repository layout and the external (not redistributed) data.

Three input files come from other projects and are never committed here:
``harris2010_mwgc.dat`` (Harris 1996, 2010 edition), ``barbosa2022_segue_bhb_edr3.csv``
(Barbosa et al. 2022) and ``xue2008_segue_bhb.txt`` (Xue et al. 2008). They are looked up, in order,
in an explicit directory given by the caller, in ``$MWLIB_EXTERNAL_DATA``, in
``data/external/`` and in ``../shared/data`` next to the repository (:func:`locate_external` also says which).
"""

from __future__ import annotations

import os
from pathlib import Path

#: The repository root (the directory holding ``mwlib/``).
REPO_ROOT: Path = Path(__file__).resolve().parents[2]
DATA_DIR: Path = REPO_ROOT / "data"
RESULTS_DIR: Path = REPO_ROOT / "results"
FIGURES_DIR: Path = REPO_ROOT / "figures"
NOTEBOOKS_DIR: Path = REPO_ROOT / "notebooks"
#: The notebooks in the order they run (each reads only the products of those before it).
NOTEBOOKS: tuple[str, ...] = ("01_data_prep", "02_dispersion", "03_jeans", "04_tme", "05_bayesian_df", "05b_forensics",
                              "06_sensitivity", "07_comparison")

#: The second paper's Table 1, transcribed (committed, see data/README.md).
GC_TABLE_PATH: Path = DATA_DIR / "eadie_harris2016_table1.csv"

HARRIS_CATALOG_NAME = "harris2010_mwgc.dat"
BARBOSA_BHB_NAME = "barbosa2022_segue_bhb_edr3.csv"
XUE2008_BHB_NAME = "xue2008_segue_bhb.txt"


#: The kinds of directory searched for external data (:func:`external_data_locations`), in search order.
EXTERNAL_KINDS: tuple[str, ...] = ("explicit directory", "MWLIB_EXTERNAL_DATA", "data/external", "../shared/data")


def external_data_locations(explicit: str | os.PathLike | None = None) -> list[tuple[str, Path]]:
    """Candidate directories for external data, in the order they are searched, each with its kind
    (:data:`EXTERNAL_KINDS`: how it was chosen, which says where it is without naming a machine's path)."""
    candidates: list[tuple[str, Path]] = []
    if explicit:
        candidates.append(("explicit directory", Path(explicit)))
    if os.environ.get("MWLIB_EXTERNAL_DATA"):
        candidates.append(("MWLIB_EXTERNAL_DATA", Path(os.environ["MWLIB_EXTERNAL_DATA"])))
    candidates += [("data/external", DATA_DIR / "external"), ("../shared/data", REPO_ROOT.parent / "shared" / "data")]
    return candidates


def external_data_dirs(explicit: str | os.PathLike | None = None) -> list[Path]:
    """Candidate directories for external data, in the order they are searched."""
    return [directory for _, directory in external_data_locations(explicit)]


def locate_external(name: str, explicit_dir: str | os.PathLike | None = None) -> tuple[Path, str] | None:
    """The path of external data file ``name`` and the kind of directory it was found in, or None."""
    for kind, directory in external_data_locations(explicit_dir):
        path = directory / name
        if path.is_file():
            return path, kind
    return None


def find_external(name: str, explicit_dir: str | os.PathLike | None = None) -> Path | None:
    """Return the path of external data file ``name``, or None when it is not available."""
    found = locate_external(name, explicit_dir)
    return None if found is None else found[0]
