"""Run the notebooks in order with papermill: the engine behind ``make reproduce``.

Usage::

    python -m mwlib.reproduce                       # every notebook, paper settings
    python -m mwlib.reproduce --only 05_bayesian_df # one notebook (repeat --only for more)
    python -m mwlib.reproduce --quick               # the notebooks' quick mode
    python -m mwlib.reproduce -p seed 3 -p n_mc 200 # override notebook parameters
    python -m mwlib.reproduce --scheduler tcp://host:8786  # notebook 06's sweeps on a dask cluster

The jupytext ``.py`` file (py:percent) is the source of each notebook: it is converted
to a notebook in memory, executed by papermill with the notebook directory as working
directory, and the executed notebook replaces ``notebooks/<name>.ipynb`` only once it
has run to the end (written to a temporary file, then renamed). The run stops at the
first failing notebook and names it and the failing cell; the partially executed copy
is kept in ``.reproduce-failed/`` for inspection. Per-notebook wall times are printed
and written to ``results/timings.json``.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import time
from pathlib import Path

import jupytext
import nbformat
import papermill
from papermill.exceptions import PapermillExecutionError
from tqdm.auto import tqdm

from mwlib.repro import scorecard
from mwlib.core.io import atomic_path, write_json, write_text
from mwlib.core.paths import NOTEBOOKS_DIR, REPO_ROOT, RESULTS_DIR

NOTEBOOKS = (
    "01_data_prep",
    "02_dispersion",
    "03_jeans",
    "04_tme",
    "05_bayesian_df",
    "06_sensitivity",
    "07_comparison",
)
KERNEL_NAME = "python3"
JUPYTEXT_FORMATS = "ipynb,py:percent"
# Per-run metadata that would make every rerun a diff in git without telling a reader anything.
_VOLATILE_CELL_METADATA = ("execution", "papermill")
_TABLE_ID = re.compile(r'id="table\d+"')


def parse_value(text: str):
    """A ``-p KEY VALUE`` value: a Python literal if it parses as one, else the string."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def notebook_from_source(name: str, notebooks_dir: Path = NOTEBOOKS_DIR) -> nbformat.NotebookNode:
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


def run_notebook(
    name: str,
    parameters: dict | None = None,
    notebooks_dir: Path = NOTEBOOKS_DIR,
    output_dir: Path | None = None,
) -> float:
    """Execute one notebook; return its wall time in seconds.

    The executed notebook goes to ``output_dir`` (default: next to its source).
    """
    nb = notebook_from_source(name, notebooks_dir)
    target = (output_dir or notebooks_dir) / f"{name}.ipynb"
    start = time.perf_counter()
    with atomic_path(target) as tmp:
        try:
            executed = papermill.execute_notebook(
                nb, str(tmp), parameters=parameters or None, kernel_name=KERNEL_NAME,
                cwd=str(notebooks_dir), progress_bar=False, log_output=False,
            )
        except PapermillExecutionError as err:
            failed_copy = REPO_ROOT / ".reproduce-failed" / f"{name}.ipynb"
            failed_copy.parent.mkdir(exist_ok=True)
            tmp.replace(failed_copy)
            raise NotebookFailed(
                f"notebook {name} failed in cell {err.cell_index + 1} (counting every cell "
                f"from 1; execution count {err.exec_count}): {err.ename}: {err.evalue}\n"
                f"partially executed copy: {failed_copy.relative_to(REPO_ROOT)}"
            ) from None
        nbformat.write(strip_volatile_metadata(executed), str(tmp))
    return time.perf_counter() - start


def format_timings(timings: dict[str, float], total: float) -> str:
    width = max(len(name) for name in [*timings, "total"])
    lines = [f"{'notebook':<{width}}  seconds", f"{'-' * width}  -------"]
    lines += [f"{name:<{width}}  {seconds:7.1f}" for name, seconds in timings.items()]
    lines.append(f"{'total':<{width}}  {total:7.1f}")
    return "\n".join(lines)


def record_timings(timings: dict[str, float], total: float, path: Path) -> dict:
    """Write ``{"notebooks": {...}, "total": s}``; a partial run updates its notebooks only.

    For a partial run the total is the sum of the recorded notebooks' times.
    """
    record = {"notebooks": {}, "total": total}
    partial = set(timings) != set(NOTEBOOKS)
    if partial and path.is_file():
        import json

        record["notebooks"] = json.loads(path.read_text()).get("notebooks", {})
    record["notebooks"].update({k: round(v, 2) for k, v in timings.items()})
    record["notebooks"] = {k: record["notebooks"][k] for k in NOTEBOOKS if k in record["notebooks"]}
    record["total"] = round(sum(record["notebooks"].values()) if partial else total, 2)
    write_json(path, record)
    return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m mwlib.reproduce", description="Execute the notebooks in order with papermill."
    )
    parser.add_argument("--only", action="append", choices=NOTEBOOKS, metavar="NAME",
                        help="run only this notebook (repeatable); choices: " + ", ".join(NOTEBOOKS))
    parser.add_argument("--quick", action="store_true", help="set the notebooks' quick=True parameter")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                        metavar=("KEY", "VALUE"), help="override a notebook parameter")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="run the sweeps of notebook 06 on this dask.distributed scheduler "
                             "(e.g. tcp://host:8786); same as -p scheduler ADDRESS")
    parser.add_argument("--output-dir", type=Path, default=None,
                        help="write executed notebooks here instead of notebooks/")
    args = parser.parse_args(argv)

    parameters = {key: parse_value(value) for key, value in args.parameter}
    if args.quick:
        parameters["quick"] = True
    if args.scheduler:
        parameters["scheduler"] = args.scheduler
    names = [name for name in NOTEBOOKS if not args.only or name in args.only]
    # Only a run at the committed settings may rewrite README.md's scorecard summary.
    refresh_readme = "07_comparison" in names and args.output_dir is None and not parameters
    if refresh_readme:
        scorecard.readme_with_summary((REPO_ROOT / "README.md").read_text(), "")  # markers present?

    timings: dict[str, float] = {}
    start = time.perf_counter()
    progress = tqdm(names, desc="notebooks", unit="nb", file=sys.stdout)
    for name in progress:
        progress.set_postfix_str(name)
        try:
            timings[name] = run_notebook(name, parameters, output_dir=args.output_dir)
        except NotebookFailed as err:
            progress.close()
            print(f"\nFAILED: {err}", file=sys.stderr)
            if timings:
                print(format_timings(timings, time.perf_counter() - start))
            return 1
    progress.close()
    total = time.perf_counter() - start
    print(format_timings(timings, total))
    record_timings(timings, total, RESULTS_DIR / "timings.json")
    print(f"timings written to {(RESULTS_DIR / 'timings.json').relative_to(REPO_ROOT)}")
    if refresh_readme:
        refresh_readme_summary(REPO_ROOT / "README.md", RESULTS_DIR / "scorecard_summary.md")
    return 0


def refresh_readme_summary(readme: Path, summary: Path) -> None:
    """Copy the scorecard summary notebook 07 wrote into README.md's generated block (runs at the
    committed settings only: not with --quick, -p or --output-dir)."""
    if not summary.is_file():
        return
    text = readme.read_text()
    new = scorecard.readme_with_summary(text, summary.read_text())
    if new != text:
        write_text(readme, new)
        print(f"README.md: scorecard summary updated from {summary.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
