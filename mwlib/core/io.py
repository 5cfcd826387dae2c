"""Atomic file output: no result file is ever left half-written.

Every writer here writes to a temporary file in the destination directory and then
renames it over the target with :func:`os.replace`, which is atomic on POSIX file
systems: a reader (or a crashed run) sees either the old file or the complete new one.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; rename it onto ``target`` on success.

    The temporary file keeps the target's suffix (or ``suffix``) so that libraries which
    infer the format from the file name (matplotlib, numpy) write the right format.
    On an exception the temporary file is removed and ``target`` is left untouched.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=suffix if suffix is not None else target.suffix,
        dir=target.parent,
    )
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_text(target: str | os.PathLike, text: str) -> Path:
    """Write ``text`` to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_text(text)
    return Path(target)


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"cannot serialise {type(value).__name__} to JSON")


def write_json(target: str | os.PathLike, data: Any) -> Path:
    """Write ``data`` as indented JSON atomically (numpy scalars and arrays allowed)."""
    return write_text(target, json.dumps(data, indent=2, default=_json_default) + "\n")


def write_table_csv(target: str | os.PathLike, table) -> Path:
    """Write an astropy Table to CSV atomically (NaN written as ``nan``)."""
    with atomic_path(target) as tmp:
        table.write(tmp, format="ascii.csv", overwrite=True)
    return Path(target)
