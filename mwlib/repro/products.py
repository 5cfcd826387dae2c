"""Run folders, data products and their provenance: how notebooks read and write files.

Every notebook opens a :class:`Run` in its first code cell and does all its file I/O through it::

    run = products.open_run("02_dispersion", parameters={"seed": seed, "quick": quick})
    table = run.read_csv("halo_kgiant_mock_dispersion.csv")      # a product of an earlier notebook
    run.write_csv("halo_kgiant_mock_dispersion.csv", table)      # a product of this notebook
    run.save_figure(fig, "bird22_fig4_dispersion_profiles")
    run.finish()                                                 # last cell: writes the provenance

Where things go
---------------
A run writes into a **run folder** with ``results/`` and ``figures/`` inside: the folder named by
the environment variable ``MWLIB_RUN_DIR`` (the runner :mod:`mwlib.repro.runner` sets it), or
``runs/interactive/`` when a notebook is run by hand. Nothing a notebook does ever writes to the
committed ``results/`` and ``figures/``: only the runner replaces them, after a complete run at
the committed settings (see its docstring).

Reading a product looks first in this run's ``results/``, then -- unless ``MWLIB_RUN_FALLBACK=0``,
which the runner sets for a complete run -- in the committed ``results/``: a notebook run on its
own starts from the committed products of the notebooks before it. Which file was read, from
where and its sha256 go into the provenance.

Ownership
---------
Each product has one owner: the notebook that wrote it. :meth:`Run.output` refuses a name that
another notebook's provenance in the same run folder already lists, so no file is
read-modified-written by two notebooks.

Provenance
----------
:meth:`Run.finish` writes ``results/provenance/<notebook>.json``: the notebook's parameters, the
git commit (and whether the work tree was dirty), the versions of the main packages, every input
with its sha256 and origin, the external files it looked for (present with their sha256 and where they were
found -- a directory relative to the repository, or only the kind of directory outside it, never a machine's
absolute path -- or absent), and every output with its sha256. After a complete run the runner joins these into
``results/MANIFEST.json`` (:func:`build_manifest`).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from mwlib.core import paths
from mwlib.core.io import atomic_path, write_json, write_table_csv, write_text

__all__ = [
    "RUN_DIR_ENV", "FALLBACK_ENV", "SETTINGS_ENV", "MANIFEST_NAME", "PROVENANCE_DIR", "MAIN_PACKAGES",
    "Run", "open_run", "run_root", "provenance_records", "sha256_of", "git_state", "package_versions",
    "build_manifest", "read_manifest", "source_digest", "SOURCE_PATTERNS",
]

RUN_DIR_ENV = "MWLIB_RUN_DIR"
#: "0" (set by the runner for a complete run): inputs only from this run folder.
FALLBACK_ENV = "MWLIB_RUN_FALLBACK"
#: "committed" when the runner executes the committed settings, else a short description.
SETTINGS_ENV = "MWLIB_RUN_SETTINGS"
MANIFEST_NAME = "MANIFEST.json"
PROVENANCE_DIR = "provenance"
#: Packages whose versions every provenance record carries.
MAIN_PACKAGES: tuple[str, ...] = ("numpy", "scipy", "astropy", "galpy", "emcee", "arviz", "matplotlib", "corner",
                                  "papermill", "jupytext", "nbval")
INTERACTIVE_RUN = "interactive"


def sha256_of(path: str | os.PathLike, block_bytes: int = 1 << 20) -> str:
    """Hex sha256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(block_bytes), b""):
            digest.update(block)
    return digest.hexdigest()


def provenance_records(directory: Path) -> list[Path]:
    """The finished provenance records in ``directory``, sorted. Hidden files are skipped: they are the temporary
    files of records being written (:func:`mwlib.core.io.atomic_path`), e.g. by a notebook finishing in the other
    chain of a parallel run."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.glob("*.json") if not p.name.startswith("."))


def run_root() -> Path:
    """The run folder: ``$MWLIB_RUN_DIR``, else ``runs/interactive`` (a notebook run by hand)."""
    env = os.environ.get(RUN_DIR_ENV)
    root = Path(env) if env else paths.REPO_ROOT / "runs" / INTERACTIVE_RUN
    return root.resolve()


def git_state(repo: Path = paths.REPO_ROOT) -> dict[str, Any]:
    """The commit checked out and whether tracked files differ from it (None outside a git checkout)."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True,
                                check=True).stdout.strip()
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=repo,
                                capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": bool(status.strip())}


def package_versions(names: Iterable[str] = MAIN_PACKAGES) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _found_in(directory: Path, kind: str, repo: Path = paths.REPO_ROOT) -> str:
    """Where an external file was found, without a machine's absolute path: its directory relative to the
    repository when inside it, else the kind of directory (:data:`mwlib.core.paths.EXTERNAL_KINDS`)."""
    try:
        return directory.resolve().relative_to(repo.resolve()).as_posix() or "."
    except ValueError:
        return kind


def read_manifest(results_dir: Path = paths.RESULTS_DIR) -> dict[str, Any]:
    """The committed manifest (``{}`` when there is none, e.g. before the first complete run)."""
    path = Path(results_dir) / MANIFEST_NAME
    return json.loads(path.read_text()) if path.is_file() else {}


@dataclass
class Run:
    """One notebook's view of its run folder (see the module docstring). Use :func:`open_run`."""

    notebook: str
    root: Path
    parameters: dict[str, Any]
    fallback: bool = True
    settings: str = "interactive"
    inputs: dict[str, dict[str, str]] = field(default_factory=dict)
    externals: dict[str, dict[str, str | None]] = field(default_factory=dict)  # see external()
    outputs: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.time)
    #: state a notebook's helpers keep between cells (e.g. the scorecard records of this notebook)
    memo: dict[str, Any] = field(default_factory=dict)

    # -- folders ------------------------------------------------------------------------------
    @property
    def results_dir(self) -> Path:
        return self.root / "results"

    @property
    def figures_dir(self) -> Path:
        return self.root / "figures"

    # -- outputs ------------------------------------------------------------------------------
    def _owners(self) -> dict[str, str]:
        """Who owns which product: the committed manifest, then this run folder's provenance."""
        owners = {rel: entry["notebook"] for rel, entry in read_manifest().get("files", {}).items()}
        for record in provenance_records(self.results_dir / PROVENANCE_DIR):
            data = json.loads(record.read_text())
            for rel in data.get("outputs", {}):
                owners[rel] = data["notebook"]
        return owners

    def _claim(self, path: Path) -> Path:
        rel = _relative(path, self.root)
        owner = self._owners().get(rel)
        if owner is not None and owner != self.notebook:
            raise PermissionError(f"{rel} belongs to notebook {owner}: notebook {self.notebook} may read it "
                                  "but not write it (every product has one owner)")
        if rel not in self.outputs:
            self.outputs.append(rel)
        return path

    def output(self, name: str) -> Path:
        """Path of product ``name`` (relative to ``results/``) that this notebook writes."""
        path = self.results_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return self._claim(path)

    def write_csv(self, name: str, table) -> Path:
        """An astropy Table as ``results/<name>``, atomically."""
        return write_table_csv(self.output(name), table)

    def write_json(self, name: str, data: Any) -> Path:
        return write_json(self.output(name), data)

    def write_text(self, name: str, text: str) -> Path:
        return write_text(self.output(name), text)

    def write_npz(self, name: str, **arrays: np.ndarray) -> Path:
        """Arrays as a compressed ``.npz``, atomically."""
        target = self.output(name)
        with atomic_path(target) as tmp:
            np.savez_compressed(tmp, **arrays)
        return target

    def save_figure(self, fig, name: str) -> list[Path]:
        """``figures/<name>.pdf`` and ``.png`` (:func:`mwlib.core.plotting.save_figure`)."""
        from mwlib.core.plotting import save_figure

        written = save_figure(fig, name, self.figures_dir)
        for path in written:
            self._claim(path)
        return written

    # -- inputs -------------------------------------------------------------------------------
    def input(self, name: str, *, producer: str) -> Path:
        """Path of product ``name`` of notebook ``producer``: this run's, else the committed one."""
        candidates = [("run", self.results_dir / name)]
        if self.fallback:
            candidates.append(("committed", paths.RESULTS_DIR / name))
        for origin, path in candidates:
            if path.is_file():
                self.inputs[f"results/{name}"] = {"origin": origin, "sha256": sha256_of(path),
                                                  "producer": producer}
                return path
        where = " or ".join(str(p) for _, p in candidates)
        raise FileNotFoundError(f"results/{name} (written by notebook {producer}) is not in {where}: run "
                                f"notebook {producer} first (python -m mwlib.reproduce --only {producer})")

    def has_input(self, name: str, *, producer: str) -> bool:
        """Whether product ``name`` of notebook ``producer`` exists (this run's, or the committed one)."""
        return (self.results_dir / name).is_file() or (self.fallback and (paths.RESULTS_DIR / name).is_file())

    def read_json(self, name: str, *, producer: str) -> Any:
        return json.loads(self.input(name, producer=producer).read_text())

    def data_file(self, path: str | os.PathLike) -> Path:
        """A committed input under ``data/`` (Table 1, the literature tables), recorded with its sha256. A relative
        path is taken relative to the repository root (``"data/literature/eadie16_section6.csv"``)."""
        path = Path(path)
        if not path.is_absolute():
            path = paths.REPO_ROOT / path
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such file")
        self.inputs[_relative(path, paths.REPO_ROOT)] = {"origin": "data", "sha256": sha256_of(path)}
        return path

    def external(self, name: str, *, skips: str, directory: str | os.PathLike | None = None) -> Path | None:
        """An external file (:mod:`mwlib.data`), or None -- and then one printed line saying what is skipped.

        Recorded as ``{"file", "found_in", "sha256"}``: ``found_in`` is the directory relative to the repository
        when it lies inside it (``"data/external"``), else only the kind of directory
        (:data:`mwlib.core.paths.EXTERNAL_KINDS`: ``"MWLIB_EXTERNAL_DATA"``, ``"../shared/data"``, ...), so that
        the provenance names no machine's absolute path; None when the file is absent."""
        found = paths.locate_external(name, directory)
        if found is None:
            self.externals[name] = {"file": name, "found_in": None, "sha256": None}
            print(f"external file {name} absent: {skips} (python -m mwlib.data fetch downloads it)")
            return None
        path, kind = found
        self.externals[name] = {"file": path.name, "found_in": _found_in(path.parent, kind),
                                "sha256": sha256_of(path)}
        return path

    def has_external(self, name: str) -> bool:
        return bool(self.externals.get(name, {}).get("found_in"))

    # -- provenance ---------------------------------------------------------------------------
    def record(self) -> dict[str, Any]:
        outputs = {rel: sha256_of(self.root / rel) for rel in self.outputs if (self.root / rel).is_file()}
        return {
            "notebook": self.notebook,
            "parameters": self.parameters,
            "settings": self.settings,
            "git": git_state(),
            "packages": package_versions(),
            "inputs": dict(sorted(self.inputs.items())),
            "externals": dict(sorted(self.externals.items())),
            "outputs": dict(sorted(outputs.items())),
            "elapsed_s": round(time.time() - self.started, 1),
        }

    def finish(self) -> Path:
        """Write ``results/provenance/<notebook>.json`` (call it in the notebook's last cell)."""
        path = self.results_dir / PROVENANCE_DIR / f"{self.notebook}.json"
        write_json(path, self.record())
        return path


def open_run(notebook: str, parameters: Mapping[str, Any]) -> Run:
    """The :class:`Run` of ``notebook`` in the current run folder, creating its results/ and figures/."""
    root = run_root()
    run = Run(notebook=notebook, root=root, parameters=dict(parameters),
              fallback=os.environ.get(FALLBACK_ENV, "1") != "0",
              settings=os.environ.get(SETTINGS_ENV, "interactive"))
    run.results_dir.mkdir(parents=True, exist_ok=True)
    run.figures_dir.mkdir(parents=True, exist_ok=True)
    return run


def _ignored(paths_: list[str], repo: Path) -> set[str]:
    """Which of ``paths_`` (relative to the repository) git ignores (untracked products)."""
    if not paths_:
        return set()
    try:
        out = subprocess.run(["git", "check-ignore", "--no-index", "--stdin"], cwd=repo, input="\n".join(paths_),
                             capture_output=True, text=True).stdout
    except OSError:
        return set()
    return {line.strip() for line in out.splitlines() if line.strip()}


#: What made the committed results, beyond the git commit: the library, the notebooks' sources, the committed data and
#: the pinned environment (:func:`source_digest`).
SOURCE_PATTERNS: tuple[str, ...] = ("mwlib/**/*.py", "notebooks/*.py", "data/**/*", "requirements.txt")


def source_digest(repo: Path = paths.REPO_ROOT) -> dict[str, Any]:
    """One sha256 over every file of :data:`SOURCE_PATTERNS` (path and content) that git does not ignore, and their
    number: it changes with any edit of the code, the notebooks' sources, the committed data or the pins, committed
    or not, and not with files a clone lacks (``data/external/``). The manifest
    records it, so that a test can tell whether the committed results were made by the code beside them even
    when the run's work tree was not yet committed (``git.dirty``)."""
    repo = Path(repo)
    files = sorted({p for pattern in SOURCE_PATTERNS for p in repo.glob(pattern)
                    if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith(".")})
    # only what a clone has: not the fetched external files of data/external/ or anything else git ignores
    ignored = _ignored([p.relative_to(repo).as_posix() for p in files], repo)
    files = [p for p in files if p.relative_to(repo).as_posix() not in ignored]
    digest = hashlib.sha256()
    for path in files:
        digest.update(f"{path.relative_to(repo).as_posix()} {sha256_of(path)}\n".encode())
    return {"sha256": digest.hexdigest(), "files": len(files), "patterns": list(SOURCE_PATTERNS)}


def build_manifest(root: Path, *, extra_owners: Mapping[str, str] | None = None) -> dict[str, Any]:
    """``results/MANIFEST.json`` of a run folder: every file under results/ and figures/ with its sha256 and
    owner, each notebook's provenance, the git state and the package versions."""
    root = Path(root)
    records = {}
    owners = dict(extra_owners or {})
    for path in provenance_records(root / "results" / PROVENANCE_DIR):
        data = json.loads(path.read_text())
        records[data["notebook"]] = data
        owners.update({rel: data["notebook"] for rel in data["outputs"]})
        owners[_relative(path, root)] = data["notebook"]
    files = sorted(p for d in ("results", "figures") for p in (root / d).rglob("*")
                   if p.is_file() and p.name != MANIFEST_NAME)
    rels = [_relative(p, root) for p in files]
    ignored = _ignored(rels, paths.REPO_ROOT)
    unowned = [rel for rel in rels if rel not in owners]
    if unowned:
        raise RuntimeError(f"files in the run folder that no notebook claims: {unowned[:10]}")
    return {
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "git": git_state(),
        "sources": source_digest(),
        "packages": package_versions(),
        "files": {rel: {"sha256": sha256_of(p), "notebook": owners[rel], "tracked": rel not in ignored}
                  for rel, p in zip(rels, files)},
        "notebooks": {name: {k: rec[k] for k in ("parameters", "settings", "git", "inputs", "externals",
                                                 "elapsed_s")} for name, rec in records.items()},
    }
