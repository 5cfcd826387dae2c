"""External data: provenance, checksum, download, and the real BHB sample of Bird et al. (2022).

Bird et al. (2022) use the SEGUE BHB stars of Bird et al. (2021) (Xue et al. 2011 selection,
Gaia DR2 proper motions), which are not public. The closest public sample is the SEGUE BHB
catalogue of Barbosa et al. (2022, ApJ; arXiv:2210.02820, DOI 10.3847/1538-4357/ac983f)
with Gaia EDR3 proper motions, distributed by its authors in the GitHub repository
``guilhermelimberg/bhb_dist`` as ``bhb_final_pm.csv``. This repository never redistributes it:
the notebooks find it through :func:`mwlib.core.paths.find_external`, and

    python -m mwlib.data fetch            # download into data/external/ and verify sha256
    python -m mwlib.data verify [PATH]    # check a copy against the recorded sha256
    python -m mwlib.data where            # where the notebooks look, and what they find

Provenance of the URL and the checksum: :data:`BARBOSA_BHB` pins the file at commit
``985d540f53bfb99bc08ec52a305c922c679867ed`` of that repository (whose README names the
file as the catalogue of Barbosa et al. 2022). The sha256 recorded here is that of the copy
in ``../shared/data`` used to build the notebooks; the pinned file has the same header,
the same size (2,504,410 bytes) and the same first and last 16 kB as that copy (checked
through a code-search index; this machine could not download it to compare the whole
file). If the download's checksum differs, ``fetch`` refuses it and says so.

The selection (:func:`select_bhb_sample`) follows Bird et al. (2022, Section 4.1) where the
file allows: a BHB probability cut, one of the two distance calibrations, and the radial
range 4 < r < 60 kpc (Galactocentric, with the paper's solar parameters).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from mwlib.core import paths
from mwlib.core.io import atomic_path

__all__ = [
    "ExternalFile",
    "BARBOSA_BHB",
    "EXTERNAL_FILES",
    "sha256_of",
    "verify",
    "fetch",
    "locate",
    "main",
]


@dataclass(frozen=True)
class ExternalFile:
    """A file the notebooks read from outside the repository."""

    name: str  # the name the notebooks look for
    url: str | None  # public source (None: no public download known)
    sha256: str
    size_bytes: int
    reference: str
    licence: str


BARBOSA_BHB = ExternalFile(
    name=paths.BARBOSA_BHB_NAME,
    url=(
        "https://raw.githubusercontent.com/guilhermelimberg/bhb_dist/"
        "985d540f53bfb99bc08ec52a305c922c679867ed/bhb_final_pm.csv"
    ),
    sha256="0e7e0c0fe7a03df35cb11a95637fda2129a413b793d9548c7bde43abe8690b65",
    size_bytes=2_504_410,
    reference=(
        "Barbosa, Santucci, Rossi, Limberg, Perez-Villegas & Perottoni (2022), ApJ, "
        "'The SDSS-Gaia view of the color-magnitude relation for blue horizontal-branch "
        "stars', DOI 10.3847/1538-4357/ac983f; file bhb_final_pm.csv of "
        "github.com/guilhermelimberg/bhb_dist"
    ),
    licence="public catalogue of the paper; not redistributed here",
)

EXTERNAL_FILES: dict[str, ExternalFile] = {BARBOSA_BHB.name: BARBOSA_BHB}


def sha256_of(path: str | os.PathLike, block_bytes: int = 1 << 20) -> str:
    """Hex sha256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(block_bytes), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(path: str | os.PathLike, expected: ExternalFile = BARBOSA_BHB) -> Path:
    """Check ``path`` against the recorded sha256; ValueError (naming both) if it differs."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    actual = sha256_of(path)
    if actual != expected.sha256:
        raise ValueError(
            f"{path}: sha256 {actual} differs from the recorded {expected.sha256} of "
            f"{expected.name} ({expected.reference})"
        )
    return path


def fetch(
    name: str = BARBOSA_BHB.name,
    dest_dir: str | os.PathLike | None = None,
    *,
    url: str | None = None,
    force: bool = False,
    timeout_s: float = 60.0,
) -> Path:
    """Download external file ``name`` into ``dest_dir`` (default ``data/external/``).

    The download goes to a temporary file that replaces the target only after its sha256
    matches the recorded one, so a failed or corrupted download never leaves a file
    behind. ``url`` overrides the recorded source (e.g. a mirror, or ``file://`` in tests).
    An existing, verified target is kept unless ``force``.
    """
    if name not in EXTERNAL_FILES:
        raise ValueError(f"unknown external file {name!r}; known: {', '.join(EXTERNAL_FILES)}")
    entry = EXTERNAL_FILES[name]
    source = url or entry.url
    if source is None:
        raise RuntimeError(f"no public source is recorded for {name}: put a copy in {paths.DATA_DIR / 'external'}")
    target = Path(dest_dir) if dest_dir is not None else paths.DATA_DIR / "external"
    target = target / name
    if target.is_file() and not force:
        return verify(target, entry)
    try:
        with urllib.request.urlopen(source, timeout=timeout_s) as response, atomic_path(target) as tmp:
            with open(tmp, "wb") as handle:
                for block in iter(lambda: response.read(1 << 20), b""):
                    handle.write(block)
            actual = sha256_of(tmp)
            if actual != entry.sha256:
                raise ValueError(
                    f"the download from {source} has sha256 {actual}, not the recorded "
                    f"{entry.sha256} of {name}: nothing written"
                )
    except (urllib.error.URLError, OSError) as err:
        raise RuntimeError(
            f"could not download {name} from {source}: {err}. Without network access, copy the "
            f"file into {target.parent} or set MWLIB_EXTERNAL_DATA to a directory that holds it."
        ) from None
    return target


def locate(name: str = BARBOSA_BHB.name, explicit_dir: str | os.PathLike | None = None) -> Path | None:
    """The path the notebooks would use for ``name``, or None (see :mod:`mwlib.core.paths`)."""
    return paths.find_external(name, explicit_dir)


# --------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mwlib.data", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_fetch = sub.add_parser("fetch", help="download an external file and verify its sha256")
    p_fetch.add_argument("name", nargs="?", default=BARBOSA_BHB.name, choices=sorted(EXTERNAL_FILES))
    p_fetch.add_argument("--dest", type=Path, default=None, help="directory (default data/external/)")
    p_fetch.add_argument("--url", default=None, help="override the recorded source")
    p_fetch.add_argument("--force", action="store_true", help="download even if a verified copy exists")
    p_verify = sub.add_parser("verify", help="check a copy against the recorded sha256")
    p_verify.add_argument("path", nargs="?", type=Path, default=None)
    sub.add_parser("where", help="where the notebooks look for external files")
    args = parser.parse_args(argv)

    if args.command == "fetch":
        try:
            path = fetch(args.name, args.dest, url=args.url, force=args.force)
        except (RuntimeError, ValueError) as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
        print(f"{path}: sha256 verified")
        return 0
    if args.command == "verify":
        path = args.path or locate(BARBOSA_BHB.name)
        if path is None:
            print(f"error: {BARBOSA_BHB.name} not found; run `python -m mwlib.data fetch`", file=sys.stderr)
            return 1
        try:
            verify(path)
        except (FileNotFoundError, ValueError) as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
        print(f"{path}: sha256 matches {BARBOSA_BHB.sha256}")
        return 0
    print("search order:", *map(str, paths.external_data_dirs()), sep="\n  ")
    for name in EXTERNAL_FILES:
        print(f"{name}: {locate(name) or 'not found'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
