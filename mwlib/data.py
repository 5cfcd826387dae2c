"""External data: what each file adds, where it comes from, its checksum, and downloading it.

Three files come from other projects and are never committed here; the notebooks look for them
(:func:`mwlib.core.paths.find_external`) in ``$MWLIB_EXTERNAL_DATA``, ``data/external/`` and
``../shared/data``, and run without them (each notebook says in one line what it skips)::

    python -m mwlib.data fetch            # download every file into data/external/, sha256 checked
    python -m mwlib.data fetch NAME       # one of them
    python -m mwlib.data verify [PATH]    # check copies against the pinned sha256
    python -m mwlib.data where            # where the notebooks look, and what they find

``make data`` runs the first. Every source is pinned: a URL at a fixed commit, and the sha256 of
the file that URL serves. The checksums below were computed on the repositories' own snapshots at
those commits (through the search tool's mirror of GitHub, 2026-12-01) and are equal to those of
the copies in ``../shared/data`` from which the committed results were made:

* ``barbosa2022_segue_bhb_edr3.csv`` = ``bhb_final_pm.csv`` of guilhermelimberg/bhb_dist at
  985d540f (the commit that last changed it);
* ``xue2008_segue_bhb.txt`` = ``data/xue08_bhb.txt`` of adrn/BruceWillis at 843d40ab (MIT): the
  ApJ machine-readable table of Xue et al. (2008), the CDS ReadMe and the data in one file. VizieR
  (J/ApJ/684/1143) serves the same table as a separate ReadMe and ``table2.dat``, which are not
  this file and would need their own checksums;
* ``harris2010_mwgc.dat`` = ``mwgc.dat`` of balbinot/mwgc at ac6a8b26, byte-identical to the copy
  used here. Its original home is W. E. Harris's page at McMaster University
  (https://physics.mcmaster.ca/~harris/mwgc.dat), which this machine cannot reach: it is tried
  second and accepted only if it serves the same bytes.

A download goes to a temporary file that replaces the target only after its sha256 matches, so
a failed or altered download never leaves a file behind; offline, ``fetch`` fails with one line.
"""

from __future__ import annotations

import argparse
import os
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from mwlib.core import paths
from mwlib.core.io import atomic_path
from mwlib.repro.products import sha256_of

__all__ = [
    "ExternalFile",
    "BARBOSA_BHB",
    "XUE2008_BHB",
    "HARRIS2010",
    "EXTERNAL_FILES",
    "verify",
    "fetch",
    "locate",
    "main",
]


@dataclass(frozen=True)
class ExternalFile:
    """A file the notebooks read from outside the repository."""

    name: str  # the name the notebooks look for
    urls: tuple[str, ...]  # public sources, tried in order
    sha256: str
    size_bytes: int
    reference: str
    licence: str
    adds: str  # what the notebooks do with it (and skip without it)


BARBOSA_BHB = ExternalFile(
    name=paths.BARBOSA_BHB_NAME,
    urls=("https://raw.githubusercontent.com/guilhermelimberg/bhb_dist/"
          "985d540f53bfb99bc08ec52a305c922c679867ed/bhb_final_pm.csv",),
    sha256="0e7e0c0fe7a03df35cb11a95637fda2129a413b793d9548c7bde43abe8690b65",
    size_bytes=2_504_410,
    reference=("Barbosa, Santucci, Rossi, Limberg, Perez-Villegas & Perottoni (2022), ApJ, 'The "
               "SDSS-Gaia view of the color-magnitude relation for blue horizontal-branch stars', DOI "
               "10.3847/1538-4357/ac983f; file bhb_final_pm.csv of github.com/guilhermelimberg/bhb_dist"),
    licence="public catalogue of the paper; not redistributed here",
    adds="the real SEGUE BHB stars with Gaia EDR3 proper motions: every real-data number of the Bird et al. "
         "(2022) part (notebooks 01-04, 06, 07)",
)

XUE2008_BHB = ExternalFile(
    name=paths.XUE2008_BHB_NAME,
    urls=("https://raw.githubusercontent.com/adrn/BruceWillis/"
          "843d40ab134618c1c0e486c1542ad31072522ac9/data/xue08_bhb.txt",),
    sha256="fdd8d0e637fd83982115f35bed65ad1b1de83901180e55a57e9dcee4f90224ac",
    size_bytes=721_803,
    reference=("Xue, Rix, Zhao et al. (2008), ApJ 684, 1143, Table 2: 2558 SDSS DR6 BHB stars (CDS ReadMe and "
               "data; VizieR J/ApJ/684/1143); copy of github.com/adrn/BruceWillis (MIT)"),
    licence="published table (AAS); the copy's repository is MIT-licensed; not redistributed here",
    adds="the Balmer-line BHB classification and distances on the scale Bird et al. used: the Xue-matched "
         "real BHB sample (notebooks 01-04)",
)

HARRIS2010 = ExternalFile(
    name=paths.HARRIS_CATALOG_NAME,
    urls=("https://raw.githubusercontent.com/balbinot/mwgc/"
          "ac6a8b264dd15ab4d64d90ff36c213ffca8a9fe6/mwgc.dat",
          "https://physics.mcmaster.ca/~harris/mwgc.dat"),
    sha256="c3b5fd4d8efd62c1e6d383b58666f25c2e219eb1fd43925b9575a180ba4841ba",
    size_bytes=49_355,
    reference="Harris (1996, AJ 112, 1487), 2010 edition (arXiv:1012.3224), McMaster University",
    licence="free of charge; redistribution must cite the original source; not redistributed here",
    adds="Harris's heliocentric distances: a cross-check of the cluster distances of notebook 01 only",
)

EXTERNAL_FILES: dict[str, ExternalFile] = {f.name: f for f in (BARBOSA_BHB, XUE2008_BHB, HARRIS2010)}


def _entry(name: str) -> ExternalFile:
    if name not in EXTERNAL_FILES:
        raise ValueError(f"unknown external file {name!r}; known: {', '.join(EXTERNAL_FILES)}")
    return EXTERNAL_FILES[name]


def verify(path: str | os.PathLike, expected: ExternalFile) -> Path:
    """Check ``path`` against the pinned sha256; ValueError (naming both) if it differs."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    actual = sha256_of(path)
    if actual != expected.sha256:
        raise ValueError(f"{path}: sha256 {actual} differs from the pinned {expected.sha256} of "
                         f"{expected.name} ({expected.reference})")
    return path


def _download(source: str, target: Path, entry: ExternalFile, timeout_s: float) -> None:
    with urllib.request.urlopen(source, timeout=timeout_s) as response, atomic_path(target) as tmp:
        with open(tmp, "wb") as handle:
            for block in iter(lambda: response.read(1 << 20), b""):
                handle.write(block)
        actual = sha256_of(tmp)
        if actual != entry.sha256:
            raise ValueError(f"the download from {source} has sha256 {actual}, not the pinned {entry.sha256} "
                             f"of {entry.name}: nothing written")


def fetch(name: str, dest_dir: str | os.PathLike | None = None, *, url: str | None = None, force: bool = False,
          timeout_s: float = 60.0) -> Path:
    """Download external file ``name`` into ``dest_dir`` (default ``data/external/``), sha256 checked.

    The recorded sources are tried in order (``url`` replaces them, e.g. a mirror or ``file://`` in
    tests). An existing, verified target is kept unless ``force``. RuntimeError (one line) if no
    source can be reached, ValueError if a source serves other bytes.
    """
    entry = _entry(name)
    target = (Path(dest_dir) if dest_dir is not None else paths.DATA_DIR / "external") / name
    if target.is_file() and not force:
        return verify(target, entry)
    failures = []
    for source in ((url,) if url else entry.urls):
        try:
            _download(source, target, entry, timeout_s)
            return target
        except (urllib.error.URLError, OSError) as err:
            failures.append(f"{source}: {getattr(err, 'reason', err)}")
    raise RuntimeError(f"could not download {name} ({'; '.join(failures)}); offline, copy the file into "
                       f"{target.parent} or set MWLIB_EXTERNAL_DATA to a directory that holds it")


def locate(name: str, explicit_dir: str | os.PathLike | None = None) -> Path | None:
    """The path the notebooks would use for ``name``, or None (see :mod:`mwlib.core.paths`)."""
    return paths.find_external(name, explicit_dir)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mwlib.data", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_fetch = sub.add_parser("fetch", help="download external files and check their sha256")
    p_fetch.add_argument("names", nargs="*", metavar="NAME",
                         help=f"default: all ({', '.join(EXTERNAL_FILES)})")
    p_fetch.add_argument("--dest", type=Path, default=None, help="directory (default data/external/)")
    p_fetch.add_argument("--url", default=None, help="replace the recorded sources (one file only)")
    p_fetch.add_argument("--force", action="store_true", help="download even if a verified copy exists")
    p_verify = sub.add_parser("verify", help="check copies against the pinned sha256")
    p_verify.add_argument("path", nargs="?", type=Path, default=None, help="one file (default: every file found)")
    sub.add_parser("where", help="where the notebooks look for external files, and what each adds")
    args = parser.parse_args(argv)

    if args.command == "fetch":
        names = args.names or list(EXTERNAL_FILES)
        unknown = [n for n in names if n not in EXTERNAL_FILES]
        if unknown:
            parser.error(f"unknown external file(s) {', '.join(unknown)}; known: {', '.join(EXTERNAL_FILES)}")
        if args.url and len(names) != 1:
            parser.error("--url needs exactly one NAME")
        status = 0
        for name in names:
            try:
                path = fetch(name, args.dest, url=args.url, force=args.force)
                print(f"{path}: sha256 verified")
            except (RuntimeError, ValueError) as err:
                print(f"error: {err}", file=sys.stderr)
                status = 1
        return status
    if args.command == "verify":
        found = ({args.path.name: args.path} if args.path else
                 {name: locate(name) for name in EXTERNAL_FILES})
        status = 0
        for name, path in found.items():
            if path is None:
                print(f"{name}: not found (python -m mwlib.data fetch)")
                continue
            try:
                verify(path, _entry(name))
                print(f"{path}: sha256 matches")
            except (FileNotFoundError, ValueError) as err:
                print(f"error: {err}", file=sys.stderr)
                status = 1
        return status
    print("search order:", *map(str, paths.external_data_dirs()), sep="\n  ")
    for entry in EXTERNAL_FILES.values():
        print(f"{entry.name}: {locate(entry.name) or 'not found'}\n  adds: {entry.adds}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
