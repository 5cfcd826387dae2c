"""Benchmark: notebooks 03 (Jeans) and 04 (TME) end to end, as ``make reproduce`` runs them.

Each notebook is executed by ``mwlib.repro.runner.run_notebook`` (papermill, a fresh kernel each, so
the time includes kernel start-up and imports) at the paper's settings unless ``--quick``:
1000 Monte Carlo draws per star, the exponential sigma_r fit with 1000 walkers x 1500 steps (500
burn-in), 100 Jeans Monte Carlo realizations, 100 TME bootstrap resamples, and NFW fits with 500
walkers x 400 steps (250 burn-in).

Nothing in the repository is touched: the executed notebooks, figures and result files go to a
temporary directory. The star samples are read where notebook 01 left them (``results/``, via a
copy of the manifest with absolute paths), so run notebooks 01 and 02 first.

Target (brief): both notebooks together under 60 s on a 2-core machine.

Usage: python benchmarks/bench_notebooks_03_04.py [--quick] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from mwlib.core.paths import RESULTS_DIR
from mwlib.repro.runner import run_notebook

NOTEBOOKS = ("03_jeans", "04_tme")


def scratch_results(target: Path) -> Path:
    """A results directory holding the manifest of notebook 01 with absolute star/truth paths."""
    manifest = json.loads((RESULTS_DIR / "halo_samples.json").read_text())
    for entry in manifest["samples"].values():
        for key in ("stars", "truth"):
            if entry.get(key):
                entry[key] = str((RESULTS_DIR / entry[key]).resolve())
    target.mkdir(parents=True, exist_ok=True)
    (target / "halo_samples.json").write_text(json.dumps(manifest, indent=2))
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the notebooks' quick mode")
    parser.add_argument("--repeat", type=int, default=1, help="runs of the pair (the best is reported)")
    args = parser.parse_args(argv)
    if not (RESULTS_DIR / "halo_samples.json").is_file():
        print("results/halo_samples.json missing: run python -m mwlib.repro.runner --only 01_data_prep "
              "--only 02_dispersion first", file=sys.stderr)
        return 2

    best: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        results = scratch_results(tmp / "results")
        parameters = {"results_dir": str(results), "figures_dir": str(tmp / "figures"), "quick": args.quick}
        for _ in range(max(1, args.repeat)):
            for name in NOTEBOOKS:
                t0 = time.perf_counter()
                run_notebook(name, parameters, output_dir=tmp)
                seconds = time.perf_counter() - t0
                best[name] = min(best.get(name, float("inf")), seconds)
    total = sum(best.values())
    mode = "quick mode" if args.quick else "paper settings"
    print(f"notebooks 03 and 04 end to end ({mode}, best of {max(1, args.repeat)}):")
    for name, seconds in best.items():
        print(f"  {name:10s} {seconds:6.1f} s")
    print(f"  {'total':10s} {total:6.1f} s   (target < 60 s)")
    return 0 if total < 60 else 1


if __name__ == "__main__":
    sys.exit(main())
