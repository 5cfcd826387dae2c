"""Check the committed notebooks with nbval, in dependency order: the engine behind ``make nbval``.

Usage::

    python -m mwlib.repro.check_notebooks            # every notebook, into runs/nbval/
    python -m mwlib.repro.check_notebooks --jobs 1   # one notebook at a time

nbval re-executes each committed ``notebooks/*.ipynb`` and compares the cells marked
``NBVAL_CHECK_OUTPUT`` with their committed outputs. The notebooks form a chain of products
(:data:`mwlib.repro.runner.STAGES`): notebook 02 reads the star tables notebook 01 wrote under
``results/local/`` (not committed), 07 reads the scorecard records of every notebook. So they are
checked the way the runner executes them -- stage after stage, the independent chains of a stage
at the same time (one pytest process per chain) -- all into one run folder ``runs/nbval/`` with no
fall-back to the committed products (``MWLIB_RUN_FALLBACK=0``): every input a notebook reads was
written by this check, on a fresh clone as on a working copy, and no notebook can read a product
another one is still writing. Nothing under ``results/`` or ``figures/`` is touched.

Cells marked ``# NBVAL_CHECK_OUTPUT`` must give the committed output with or without the external files;
cells marked ``# NBVAL_CHECK_OUTPUT_WITH_EXTERNAL_DATA`` print numbers of the external files and are compared
only when every external file is present (the committed outputs are made with them).

Each chain's pytest output is printed when the chain ends; the exit status is 0 only if every
notebook passed. A failing stage does not stop the check (later notebooks then report what they
miss), so one run shows every difference.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from mwlib.core import paths
from mwlib.repro import products, runner

__all__ = ["NBVAL_RUN", "EXTERNAL_MARKER", "EXTERNAL_ENV", "pytest_command", "check", "main"]

#: The run folder of the check (git-ignored, like every run folder).
NBVAL_RUN = Path("runs") / "nbval"
#: Cells of real data carry this marker; they are compared only when every external file is present
#: (``tests/nbval_plugin.py``, which reads :data:`EXTERNAL_ENV`).
EXTERNAL_MARKER = "NBVAL_CHECK_OUTPUT_WITH_EXTERNAL_DATA"
EXTERNAL_ENV = "MWLIB_NBVAL_EXTERNAL"


def pytest_command(notebooks: Sequence[str], root: Path = paths.REPO_ROOT) -> list[str]:
    """The pytest call that checks ``notebooks`` (names without suffix), in this order."""
    return [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env",
            "--nbval-sanitize-with", str(root / "nbval_sanitize.cfg"), "-p", "no:cacheprovider",
            "-p", "tests.nbval_plugin", "-q", "--color=no",
            *[str(root / "notebooks" / f"{name}.ipynb") for name in notebooks]]


def _run_chain(chain: Sequence[str], env: dict[str, str], root: Path) -> tuple[Sequence[str], int, str, float]:
    start = time.perf_counter()
    done = subprocess.run(pytest_command(chain, root), cwd=root, env=env, capture_output=True, text=True)
    return chain, done.returncode, done.stdout + done.stderr, time.perf_counter() - start


def check(root: Path = paths.REPO_ROOT, jobs: int = 2, names: Sequence[str] | None = None) -> int:
    """Check ``names`` (default: every notebook) stage by stage; return 0 if every one passed."""
    run_dir = (root / NBVAL_RUN).resolve()
    shutil.rmtree(run_dir, ignore_errors=True)
    missing = runner.missing_external_files()
    env = {**os.environ, **runner.KERNEL_ENVIRONMENT, products.RUN_DIR_ENV: str(run_dir),
           products.FALLBACK_ENV: "0", products.SETTINGS_ENV: "nbval check",
           EXTERNAL_ENV: "0" if missing else "1"}
    print("nbval: every external file present: the cells of real data are checked too" if not missing else
          f"nbval: without {', '.join(missing)}: the cells of real data "
          f"(# {EXTERNAL_MARKER}) are executed but not compared")
    wanted = set(names or runner.NOTEBOOKS)
    failed: list[str] = []
    start = time.perf_counter()
    for stage in runner.STAGES:
        chains = [c for c in (tuple(n for n in chain if n in wanted) for chain in stage) if c]
        if not chains:
            continue
        with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(chains)))) as pool:
            for chain, code, output, seconds in pool.map(lambda c: _run_chain(c, env, root), chains):
                print(f"== nbval {' -> '.join(chain)}: {'passed' if code == 0 else 'FAILED'} in {seconds:.0f} s")
                print(output.rstrip())
                if code != 0:
                    failed.extend(chain)
    total = time.perf_counter() - start
    if failed:
        print(f"nbval: differences or errors in {', '.join(failed)} ({total:.0f} s); products in {run_dir}")
        return 1
    print(f"nbval: every checked output of {len(wanted)} notebooks reproduced ({total:.0f} s)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mwlib.repro.check_notebooks", description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, metavar="N", help="chains checked at the same time (default 2)")
    parser.add_argument("--only", action="append", choices=runner.NOTEBOOKS, metavar="NAME",
                        help="check only this notebook (repeatable); it must not need products of the others")
    args = parser.parse_args(argv)
    return check(jobs=args.jobs, names=args.only)


if __name__ == "__main__":
    raise SystemExit(main())
