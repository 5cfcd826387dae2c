"""Timing of the coverage study of notebook 06 (mwlib.eh16.coverage): N mocks x 15 scenarios, batched fits.

The same tasks as notebook 06, section 4 (truth of each scenario: notebook 05's posterior means from the committed
``results/df_summary.json``; mocks at the real sample's size, range and incompleteness), run through
``mwlib.core.sweeps.run_sweep`` with 1 and with 2 local processes. Prints per scenario the seconds, the worst
R-hat / smallest ESS of its fits and the coverage of M125, then the totals.

Run: .venv/bin/python benchmarks/bench_coverage.py [--mocks 200] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from mwlib.core import sweeps  # noqa: E402
from mwlib.core.paths import RESULTS_DIR  # noqa: E402
from mwlib.eh16 import cluster_kinematics, coverage, reports, scenario_fits  # noqa: E402
from mwlib.eh16.scenarios import alpha_prior_from_radii  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mocks", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    gc = cluster_kinematics.read_gc_kinematics(RESULTS_DIR / cluster_kinematics.PRODUCT)
    tracers = scenario_fits.gc_tracers(gc)
    prior = alpha_prior_from_radii(np.asarray(gc["r_kpc"][~np.asarray(gc["included"])]))
    summaries = json.loads((RESULTS_DIR / scenario_fits.SUMMARY).read_text())
    design = vars(coverage.MockDesign.like(tracers))
    tasks = [{"scenario": name, "variant": "baseline", "design": design, "n_mocks": args.mocks,
              "seed": [args.seed, 6000 + k], "alpha_prior": prior,
              "truth": {p: summaries[name]["summary"]["params"][p]["mean"] for p in ("phi0", "gamma", "alpha", "beta")}}
             for k, name in enumerate(reports.ORDER)]
    for workers in args.workers:
        t0 = time.perf_counter()
        results = sweeps.run_sweep(coverage.coverage_task, tasks, max_workers=workers, progress=False)
        total = time.perf_counter() - t0
        table = coverage.coverage_table(results)
        m125 = table[table["quantity"] == "M125"]
        print(f"{workers} process(es): {len(tasks)} scenarios x {args.mocks} mocks in {total:.1f} s "
              f"({total / len(tasks) / args.mocks * 100:.2f} s per 100 mocks per scenario); fits meeting the bars: "
              f"{int(np.sum(m125['n_converged']))} of {len(tasks) * args.mocks}")
    print("M125 coverage (last run):")
    m125["scenario", "cover50", "cover50_err", "cover95", "cover95_err", "bias_pct"].pprint(max_lines=-1)


if __name__ == "__main__":
    main()
