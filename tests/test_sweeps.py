"""The sweep executor: same results in task order locally, in one process and on dask."""

from __future__ import annotations

import numpy as np
import pytest

from mwlib.core import sweeps
from mwlib.eh16 import df_mocks


def _draw(task):
    rng = np.random.default_rng(task["seed"])
    return {"seed": task["seed"], "value": float(rng.normal(task["mean"], 1.0, 1000).mean())}


TASKS = [{"seed": s, "mean": float(s)} for s in range(6)]


def test_local_processes_keep_task_order_and_seeds():
    serial = sweeps.run_sweep(_draw, TASKS, max_workers=1, progress=False)
    parallel = sweeps.run_sweep(_draw, TASKS, max_workers=2, progress=False)
    assert [r["seed"] for r in parallel] == list(range(6))
    assert serial == parallel
    assert [round(r["value"]) for r in serial] == list(range(6))


def test_empty_sweep():
    assert sweeps.run_sweep(_draw, [], progress=False) == []


def test_dask_local_cluster_by_address():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp",
                                  dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://127.0.0.1") or address.startswith("tcp://localhost")
        on_dask = sweeps.run_sweep(_draw, TASKS, scheduler=address, progress=False)
    assert on_dask == sweeps.run_sweep(_draw, TASKS, max_workers=1, progress=False)


def test_errors_propagate():
    def boom(task):
        raise RuntimeError(f"task {task['seed']} failed")

    with pytest.raises(RuntimeError, match="task 0 failed"):
        sweeps.run_sweep(boom, TASKS[:1], max_workers=1, progress=False)


def test_sweep_fit_task_on_a_mock():
    from mwlib.eh16 import model, scenario_fits

    rng = np.random.default_rng(3)
    mock = df_mocks.sample_power_law_df(60, 40.0, 0.5, 3.5, 0.2, 1.0, 100.0, rng=rng)
    mock = df_mocks.hide_tangential_velocity(mock, count=10, selection="outermost")
    task = {"scenario": "I", "seed": 0, "label": "x", "r_min_kpc": 5.0, "radii_kpc": (50.0,),
            "profile_r_kpc": [10.0, 100.0],
            "tracers": {k: mock[k] for k in ("r", "vr", "vt")}, "fit_kwargs": {"ess_min": 200.0}}
    out = sweeps.run_sweep(scenario_fits.sweep_fit, [task], max_workers=1, progress=False)[0]
    kept = mock["r"] > 5.0
    assert out["label"] == "x" and out["scenario"] == "I"
    assert out["n_tracers"] == kept.sum()
    assert out["incomplete_fraction"] == pytest.approx(np.isnan(mock["vt"][kept]).mean())
    truth = model.mass_enclosed(50.0, 40.0, 0.5)
    q = out["mass_at"][50.0]
    assert q["q2.5"] < truth < q["q97.5"]
    assert out["profile"]["mass_msun"].shape == (len(scenario_fits.PROFILE_PERCENTILES), 2)
