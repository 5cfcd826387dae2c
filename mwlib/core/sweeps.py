"""One executor for every sweep (r_cut x scenario, systematics, mock coverage).

A sweep is a picklable function applied to a list of task dictionaries. By default the tasks
run in local processes (``concurrent.futures``); given a dask.distributed scheduler address
(``"tcp://host:port"``) or a ``distributed.Client``, the same sweep runs on that cluster.
Results come back in task order whatever the order of completion, and every task carries
its own seed, so a sweep gives the same numbers on one core, two cores or a cluster.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

from tqdm import tqdm

Task = dict[str, Any]


def run_sweep(
    func: Callable[[Task], Any],
    tasks: Sequence[Task],
    *,
    scheduler: str | Any | None = None,
    max_workers: int | None = None,
    progress: bool = True,
    desc: str = "sweep",
) -> list[Any]:
    """Apply ``func`` to every task; return the results in task order.

    scheduler: None for local processes (``max_workers`` of them, default the CPU count;
    1 runs in this process, handy for debugging), a dask scheduler address such as
    ``"tcp://127.0.0.1:8786"``, or an existing ``distributed.Client``.
    """
    tasks = list(tasks)
    if not tasks:
        return []
    if scheduler is not None:
        return _run_dask(func, tasks, scheduler, progress, desc)
    workers = max_workers or os.cpu_count() or 1
    if workers == 1:
        return [func(task) for task in tqdm(tasks, desc=desc, disable=not progress)]
    results: list[Any] = [None] * len(tasks)
    pool = _local_pool(workers)
    futures = {pool.submit(func, task): i for i, task in enumerate(tasks)}
    for future in tqdm(as_completed(futures), total=len(tasks), desc=desc, disable=not progress):
        results[futures[future]] = future.result()
    return results


_POOLS: dict[int, ProcessPoolExecutor] = {}


def _local_pool(workers: int) -> ProcessPoolExecutor:
    """One pool of local processes per size, kept for the next sweep: its workers have imported the library
    already (a few seconds each), and a notebook runs several sweeps. Shut down at interpreter exit."""
    import atexit

    pool = _POOLS.get(workers)
    if pool is None or getattr(pool, "_broken", False):  # a crashed worker breaks a pool: start a new one
        pool = _POOLS[workers] = ProcessPoolExecutor(max_workers=workers)
        atexit.register(pool.shutdown)
    return pool


def _run_dask(func, tasks: list[Task], scheduler, progress: bool, desc: str) -> list[Any]:
    from distributed import Client, as_completed as dask_as_completed

    client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    try:
        # pure=False: tasks with equal arguments are still distinct runs.
        futures = client.map(func, tasks, pure=False)
        index = {future.key: i for i, future in enumerate(futures)}
        results: list[Any] = [None] * len(tasks)
        for future in tqdm(dask_as_completed(futures), total=len(tasks), desc=desc, disable=not progress):
            results[index[future.key]] = future.result()
        return results
    finally:
        if client is not scheduler:
            client.close()
