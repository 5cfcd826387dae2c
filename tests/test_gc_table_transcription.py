"""Provenance: data/eadie_harris2016_table1.csv against the paper's own text.

Every number of the transcription (r, proper motions, v_los, their errors, cos xi) is
compared with the table as printed in the seed text of Eadie & Harris (2016); skipped
when the paper text is not beside the repository.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest

from mwlib.eh16 import gc_table
from mwlib.core import paths

PAPER = "003_f374d2f237895c67.txt"
PAIR = re.compile(r"(-?[\d.]+) ± (-?[\d.]+)")


def _paper_text() -> str:
    for directory in (os.environ.get("MWLIB_PAPERS_DIR"), paths.REPO_ROOT.parent / "shared" / "papers"):
        if directory and (Path(directory) / PAPER).is_file():
            return (Path(directory) / PAPER).read_text()
    pytest.skip(f"paper text {PAPER} not found (set MWLIB_PAPERS_DIR)")


def _printed_rows(text: str, names) -> dict[str, dict]:
    start, stop = text.find("Object r"), text.find("After culling the data")
    lines = [line.replace("±plus-or-minus\\pm", "±") for line in text[start:stop].splitlines()]
    rows = {}
    for name in names:
        line = next(line for line in lines if line.startswith(f"{name} "))
        rest = line[len(name) + 1 :]
        radius, remainder = rest.split(None, 1)
        pairs = PAIR.findall(remainder)
        tail = PAIR.sub("", remainder).split()
        row = {"r": float(radius), "cos_xi": float(tail[0]), "ref": " ".join(tail[1:])}
        if len(pairs) == 3:
            row.update(pmra=pairs[0], pmdec=pairs[1], vlos=pairs[2])
        elif len(pairs) == 1:
            row.update(vlos=pairs[0])
        else:
            assert not pairs, line
        rows[name] = row
    return rows


def _same(value: float, printed: tuple[str, str] | None, error: float) -> bool:
    if printed is None:
        return bool(np.isnan(value) and np.isnan(error))
    return value == float(printed[0]) and error == float(printed[1])


def test_every_number_matches_the_printed_table():
    table = gc_table.read_gc_table(paths.GC_TABLE_PATH)
    printed = _printed_rows(_paper_text(), table["name"])
    assert len(printed) == 157
    mismatches = []
    for row in table:
        p = printed[row["name"]]
        checks = [
            row["r_gc_kpc"] == p["r"],
            row["cos_xi"] == p["cos_xi"],
            _same(row["vlos_kms"], p.get("vlos"), row["vlos_err"]),
            _same(row["pmra_masyr"], p.get("pmra"), row["pmra_err"]),
            _same(row["pmdec_masyr"], p.get("pmdec"), row["pmdec_err"]),
        ]
        if not all(checks):
            mismatches.append(row["name"])
    assert not mismatches, f"transcription differs from the paper for {mismatches}"
