"""Run the notebooks in order with papermill: the engine behind ``make reproduce``.

Usage::

    python -m mwlib.reproduce                       # every notebook at the committed settings
    python -m mwlib.reproduce --only 05_bayesian_df # one notebook (repeat --only for more)
    python -m mwlib.reproduce --quick               # the notebooks' quick mode
    python -m mwlib.reproduce -p seed 3 -p n_mc 200 # override notebook parameters
    python -m mwlib.reproduce --scheduler tcp://host:8786  # notebook 06's sweeps on a dask cluster
    python -m mwlib.reproduce --quick --name try1   # products in runs/try1/

Where a run writes
------------------
Every run writes into its own **run folder**, with ``notebooks/`` (the executed copies),
``results/`` and ``figures/`` inside (:mod:`mwlib.repro.products`):

* a **complete run at the committed settings** -- every notebook, no ``--quick``, no ``-p``, no
  ``--only``, every external file present (``--scheduler`` is allowed: it does not change a
  number) -- runs in a staging folder ``runs/.staging-<time>/``. Only after every notebook has
  succeeded are the manifest written and ``results/``, ``figures/`` and the executed
  ``notebooks/*.ipynb`` of the repository replaced by the staged ones (stage, then swap), and
  the scorecard summary copied into README.md;
* **any other run** writes into ``runs/<name>/`` (``--name``, default the start time) or the
  folder given with ``--output-dir``, and never touches a tracked file. A notebook that needs a
  product of a notebook not in the run reads the committed one (and records that it did).

The jupytext ``.py`` file (py:percent) is the source of each notebook: it is converted to a
notebook in memory and executed by papermill with ``notebooks/`` as working directory. The run
stops at the first failing notebook and names it and the failing cell; the partially executed
copy is kept as ``<run folder>/notebooks/<name>.failed.ipynb``. Per-notebook wall times are
printed and written to ``<run folder>/results/timings.json``.

Reproducible arithmetic: kernels run with one BLAS thread, OpenBLAS's Haswell kernels and numpy's
AVX-512 code paths disabled (:data:`KERNEL_ENVIRONMENT`), so that machines of different x86
generations give the same floating-point results (a Markov chain amplifies a last-bit difference
into a different chain).
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import os
import platform
import re
import shutil
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jupytext
import nbformat
import papermill
from papermill.exceptions import PapermillExecutionError
from tqdm.auto import tqdm

from mwlib import data
from mwlib.core import paths
from mwlib.core.io import atomic_path, write_json, write_text
from mwlib.repro import products, scorecard
from mwlib.repro.kernel import QuietAsyncKernelManager

NOTEBOOKS = paths.NOTEBOOKS
#: How the notebooks may run: stages one after the other; within a stage, chains at the same time (one core each,
#: the kernels use one BLAS thread), each chain in order. A notebook reads only products of notebooks of earlier
#: stages or earlier in its chain: 02-04 (Bird et al.) and 05-05b (Eadie & Harris) need only 01.
STAGES: tuple[tuple[tuple[str, ...], ...], ...] = (
    (("01_data_prep",),),
    (("02_dispersion", "03_jeans", "04_tme"), ("05_bayesian_df", "05b_forensics")),
    (("06_sensitivity",),),
    (("07_comparison",),),
)
_STAGED = [n for stage in STAGES for chain in stage for n in chain]
assert sorted(_STAGED) == sorted(NOTEBOOKS), "STAGES must hold every notebook exactly once"
KERNEL_NAME = "python3"
JUPYTEXT_FORMATS = "ipynb,py:percent"
#: The runner's own products, owned by no notebook.
RUNNER = "runner"
TIMINGS_NAME = "timings.json"
# Per-run metadata that would make every rerun a diff in git without telling a reader anything.
_VOLATILE_CELL_METADATA = ("execution", "papermill")
_TABLE_ID = re.compile(r'id="table\d+"')


def kernel_environment() -> dict[str, str]:
    """Environment of the notebook kernels: one thread per BLAS, fixed SIMD code paths, no progress bars."""
    env = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "TQDM_DISABLE": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1", "PYTHONHASHSEED": "0"}
    if platform.machine() in ("x86_64", "AMD64"):
        env.update(OPENBLAS_CORETYPE="Haswell", NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL AVX512_SPR")
    return env


KERNEL_ENVIRONMENT: dict[str, str] = kernel_environment()


@dataclass(frozen=True)
class Layout:
    """Where the notebooks' sources, the committed products and the run folders are."""

    root: Path = paths.REPO_ROOT

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def results(self) -> Path:
        return self.root / "results"

    @property
    def figures(self) -> Path:
        return self.root / "figures"

    @property
    def runs(self) -> Path:
        return self.root / "runs"

    @property
    def readme(self) -> Path:
        return self.root / "README.md"


def parse_value(text: str) -> Any:
    """A ``-p KEY VALUE`` value: a Python literal if it parses as one, else the string."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def notebook_from_source(name: str, notebooks_dir: Path = paths.NOTEBOOKS_DIR) -> nbformat.NotebookNode:
    """Read ``<name>.py`` (py:percent) into a notebook with pairing and kernel metadata."""
    source = notebooks_dir / f"{name}.py"
    if not source.is_file():
        raise FileNotFoundError(f"notebook source {source} not found")
    nb = jupytext.read(source)
    # Stable cell ids: a rerun that changes nothing leaves the .ipynb unchanged in git.
    for index, cell in enumerate(nb.cells):
        cell.id = f"cell-{index:03d}"
    nb.metadata.setdefault("jupytext", {})["formats"] = JUPYTEXT_FORMATS
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": KERNEL_NAME}
    return nb


def strip_volatile_metadata(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop per-run timestamps so that a rerun with the same results gives the same file."""
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        for key in _VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html")
            if html:  # astropy tables carry a memory address as HTML id
                html = "".join(html) if isinstance(html, list) else html
                output["data"]["text/html"] = _TABLE_ID.sub(f'id="table-{cell.id}"', html)
    return nb


class NotebookFailed(RuntimeError):
    """A notebook stopped with an error; the message names the notebook and the cell."""


@contextlib.contextmanager
def _environment(overrides: Mapping[str, str]) -> Iterator[None]:
    """Set environment variables for the kernels started inside the block, then restore them."""
    saved = {key: os.environ.get(key) for key in overrides}
    os.environ.update(overrides)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_notebook(name: str, run_dir: Path, parameters: Mapping[str, Any] | None = None, *,
                 notebooks_dir: Path = paths.NOTEBOOKS_DIR, env: Mapping[str, str] | None = None) -> float:
    """Execute one notebook into ``<run_dir>/notebooks/<name>.ipynb``; return its wall time in seconds."""
    nb = notebook_from_source(name, notebooks_dir)
    target = Path(run_dir) / "notebooks" / f"{name}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    with atomic_path(target) as tmp, _environment(env or {}):
        try:
            executed = papermill.execute_notebook(
                nb, str(tmp), parameters=dict(parameters or {}) or None, kernel_name=KERNEL_NAME,
                cwd=str(notebooks_dir), progress_bar=False, log_output=False,
                kernel_manager_class=QuietAsyncKernelManager,  # IPC sockets, no SIGINT at shutdown
            )
        except PapermillExecutionError as err:
            failed_copy = target.with_suffix(".failed.ipynb")
            tmp.replace(failed_copy)
            raise NotebookFailed(
                f"notebook {name} failed in cell {err.cell_index + 1} (counting every cell "
                f"from 1; execution count {err.exec_count}): {err.ename}: {err.evalue}\n"
                f"partially executed copy: {failed_copy}"
            ) from None
        nbformat.write(strip_volatile_metadata(executed), str(tmp))
    return time.perf_counter() - start


def format_timings(timings: Mapping[str, float], total: float) -> str:
    width = max(len(name) for name in [*timings, "total"])
    lines = [f"{'notebook':<{width}}  seconds", f"{'-' * width}  -------"]
    lines += [f"{name:<{width}}  {seconds:7.1f}" for name, seconds in timings.items()]
    lines.append(f"{'total':<{width}}  {total:7.1f}")
    return "\n".join(lines)


def timings_record(timings: Mapping[str, float], total: float) -> dict[str, Any]:
    """``{"notebooks": {name: seconds}, "total": seconds}`` in notebook order."""
    ordered = {k: round(float(timings[k]), 2) for k in NOTEBOOKS if k in timings}
    return {"notebooks": ordered, "total": round(float(total), 2)}


def missing_external_files() -> list[str]:
    """External files the notebooks use that are found nowhere (:mod:`mwlib.data`)."""
    return [name for name in data.EXTERNAL_FILES if paths.find_external(name) is None]


@dataclass(frozen=True)
class Plan:
    """What a run does: which notebooks, with which parameters, into which folder."""

    names: tuple[str, ...]
    parameters: dict[str, Any]
    run_dir: Path
    committed: bool  # a complete run at the committed settings: staged, then swapped in
    settings: str  # "committed", or what differs from it

    @property
    def env(self) -> dict[str, str]:
        return {**KERNEL_ENVIRONMENT, products.RUN_DIR_ENV: str(self.run_dir),
                products.FALLBACK_ENV: "0" if set(self.names) == set(NOTEBOOKS) else "1",
                products.SETTINGS_ENV: self.settings}


def plan_run(args: argparse.Namespace, layout: Layout, missing_externals: Sequence[str]) -> Plan:
    parameters = {key: parse_value(value) for key, value in args.parameter}
    if args.quick:
        parameters["quick"] = True
    if args.scheduler:
        parameters["scheduler"] = args.scheduler
    names = tuple(name for name in NOTEBOOKS if not args.only or name in args.only)
    differences = []
    if args.only:
        differences.append("only " + ", ".join(names))
    if args.quick:
        differences.append("quick")
    differences += [f"{k}={v!r}" for k, v in parameters.items() if k not in ("quick", "scheduler")]
    if missing_externals:
        differences.append("without " + ", ".join(missing_externals))
    if args.output_dir is not None or args.name is not None:
        differences.append("own run folder")
    committed = not differences
    stamp = time.strftime("%Y%m%d-%H%M%S")
    if committed:
        run_dir = layout.runs / f".staging-{stamp}"
    elif args.output_dir is not None:
        run_dir = Path(args.output_dir)
    else:
        run_dir = layout.runs / (args.name or stamp)
    return Plan(names, parameters, run_dir.resolve(), committed, "committed" if committed else "; ".join(differences))


def swap_in(plan: Plan, layout: Layout) -> None:
    """Replace the repository's results/, figures/ and executed notebooks by the staged ones."""
    stamp = plan.run_dir.name
    for sub in ("results", "figures"):
        current, staged, old = layout.root / sub, plan.run_dir / sub, layout.root / f".{sub}.old-{stamp}"
        if current.exists():
            current.rename(old)
        staged.rename(current)
        if old.exists():
            shutil.rmtree(old)
    for executed in sorted((plan.run_dir / "notebooks").glob("*.ipynb")):
        os.replace(executed, layout.notebooks / executed.name)
    shutil.rmtree(plan.run_dir)


def refresh_readme_blocks(readme: Path, results: Path) -> list[str]:
    """Copy the files notebook 07 wrote for the README (:data:`mwlib.repro.scorecard.README_BLOCKS`) into its
    generated blocks; return the names of the blocks that changed."""
    text = readme.read_text()
    new, changed = text, []
    for name, file_name in scorecard.README_BLOCKS.items():
        source = results / file_name
        if source.is_file():
            updated = scorecard.readme_with_block(new, name, source.read_text())
            if updated != new:
                changed.append(name)
            new = updated
    if new != text:
        write_text(readme, new)
    return changed


def _run_chain(chain: Sequence[str], plan: Plan, layout: Layout, timings: dict[str, float], bar) -> None:
    for name in chain:
        timings[name] = run_notebook(name, plan.run_dir, plan.parameters, notebooks_dir=layout.notebooks)
        bar.set_postfix_str(name)
        bar.update(1)


def execute(plan: Plan, layout: Layout = Layout(), *, progress: bool = True, jobs: int = 2) -> int:
    """Run the plan (:data:`STAGES`; ``jobs`` chains at a time); return the exit status (0: every notebook
    succeeded)."""
    from concurrent.futures import ThreadPoolExecutor

    if plan.committed:
        for name in scorecard.README_BLOCKS:  # markers present? (fails early, before any notebook runs)
            scorecard.readme_with_block(layout.readme.read_text(), name, "")
    timings: dict[str, float] = {}
    start = time.perf_counter()
    bar = tqdm(total=len(plan.names), desc="notebooks", unit="nb", file=sys.stdout, disable=not progress)
    with _environment(plan.env):
        for stage in STAGES:
            chains = [tuple(n for n in chain if n in plan.names) for chain in stage]
            chains = [c for c in chains if c]
            if not chains:
                continue
            with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(chains)))) as pool:
                futures = [pool.submit(_run_chain, chain, plan, layout, timings, bar) for chain in chains]
                errors = [f.exception() for f in futures if f.exception() is not None]
            if errors:
                bar.close()
                for err in errors:
                    if not isinstance(err, NotebookFailed):
                        raise err
                    print(f"\nFAILED: {err}", file=sys.stderr)
                if timings:
                    print(format_timings(timings, time.perf_counter() - start))
                if plan.committed:
                    print(f"the committed results/, figures/ and notebooks are unchanged; the staged run is in "
                          f"{plan.run_dir}", file=sys.stderr)
                return 1
    bar.close()
    total = time.perf_counter() - start
    timings = {name: timings[name] for name in NOTEBOOKS if name in timings}
    print(format_timings(timings, total))
    results = plan.run_dir / "results"
    write_json(results / TIMINGS_NAME, timings_record(timings, total))
    manifest = products.build_manifest(plan.run_dir, extra_owners={f"results/{TIMINGS_NAME}": RUNNER})
    write_json(results / products.MANIFEST_NAME, manifest)
    if not plan.committed:
        print(f"run folder: {plan.run_dir} ({plan.settings}); the committed results/, figures/ and "
              "notebooks are untouched")
        return 0
    swap_in(plan, layout)
    print(f"results/, figures/ and notebooks/*.ipynb replaced by this run (manifest: results/"
          f"{products.MANIFEST_NAME}); timings in results/{TIMINGS_NAME}")
    for name in refresh_readme_blocks(layout.readme, layout.results):
        print(f"README.md: block {name} updated from results/{scorecard.README_BLOCKS[name]}")
    return 0


def main(argv: list[str] | None = None, layout: Layout = Layout()) -> int:
    parser = argparse.ArgumentParser(prog="python -m mwlib.reproduce",
                                     description="Execute the notebooks in order with papermill.")
    parser.add_argument("--only", action="append", choices=NOTEBOOKS, metavar="NAME",
                        help="run only this notebook (repeatable); choices: " + ", ".join(NOTEBOOKS))
    parser.add_argument("--quick", action="store_true", help="set the notebooks' quick=True parameter")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                        metavar=("KEY", "VALUE"), help="override a notebook parameter")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="run the sweeps of notebook 06 on this dask.distributed scheduler "
                             "(e.g. tcp://host:8786); same as -p scheduler ADDRESS")
    parser.add_argument("--jobs", type=int, default=2, metavar="N",
                        help="notebooks run at the same time where they do not depend on each other (default 2)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--name", default=None, help="run folder runs/NAME (default: the start time)")
    where.add_argument("--output-dir", type=Path, default=None, help="run folder DIR (notebooks, results, figures)")
    args = parser.parse_args(argv)
    missing = missing_external_files()
    plan = plan_run(args, layout, missing)
    if missing:
        print(f"external files not found: {', '.join(missing)} (python -m mwlib.data fetch); the notebooks "
              "skip what needs them and this run goes to its own folder")
    print(f"run folder: {plan.run_dir}" + (" (staging; swapped in when every notebook has succeeded)"
                                            if plan.committed else f" ({plan.settings})"))
    return execute(plan, layout, jobs=args.jobs)
