"""Atomic writes: a failure leaves the previous file intact and no temporary behind."""

from __future__ import annotations

import json

import numpy as np
import pytest
from astropy.table import Table

from mwlib.core import io


def test_atomic_path_replaces_on_success(tmp_path):
    target = tmp_path / "sub" / "out.txt"
    io.write_text(target, "one")
    io.write_text(target, "two")
    assert target.read_text() == "two"
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.txt"]


def test_atomic_path_keeps_old_file_on_failure(tmp_path):
    target = tmp_path / "out.json"
    io.write_json(target, {"a": 1})
    with pytest.raises(RuntimeError):
        with io.atomic_path(target) as tmp:
            tmp.write_text('{"a": ')  # half-written
            raise RuntimeError("crash while writing")
    assert json.loads(target.read_text()) == {"a": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_json_and_csv_writers(tmp_path):
    io.write_json(tmp_path / "x.json", {"n": np.int64(3), "v": np.arange(2.0)})
    assert json.loads((tmp_path / "x.json").read_text()) == {"n": 3, "v": [0.0, 1.0]}
    io.write_table_csv(tmp_path / "t.csv", Table({"a": [1.0, np.nan], "b": ["x", "y"]}))
    assert (tmp_path / "t.csv").read_text().splitlines()[0] == "a,b"


def test_temporary_keeps_suffix(tmp_path):
    with io.atomic_path(tmp_path / "figure.pdf") as tmp:
        assert tmp.suffix == ".pdf"
        tmp.write_bytes(b"%PDF")
