"""Notebooks: every .py (the source) has its executed .ipynb with the same code, a
parameters cell, and the runner reports failures and never leaves a half-written file."""

from __future__ import annotations

import json

import jupytext
import nbformat
import pytest

from mwlib.repro import runner as reproduce
from mwlib.core.paths import NOTEBOOKS_DIR


def _code_cells(nb) -> list[str]:
    # papermill's injected-parameters cell exists only in runs with overridden parameters.
    return [
        cell.source.strip() for cell in nb.cells
        if cell.cell_type == "code" and "injected-parameters" not in cell.metadata.get("tags", [])
    ]


@pytest.mark.parametrize("name", reproduce.NOTEBOOKS)
def test_py_and_ipynb_have_the_same_code(name):
    source = jupytext.read(NOTEBOOKS_DIR / f"{name}.py")
    ipynb_path = NOTEBOOKS_DIR / f"{name}.ipynb"
    assert ipynb_path.is_file(), f"{ipynb_path.name} missing: run make reproduce"
    executed = nbformat.read(ipynb_path, as_version=4)
    assert _code_cells(source) == _code_cells(executed), (
        f"{name}.py and {name}.ipynb differ in code: re-execute with "
        f"python -m mwlib.repro.runner --only {name}"
    )


@pytest.mark.parametrize("name", reproduce.NOTEBOOKS)
def test_notebook_is_executed_paired_and_parameterised(name):
    executed = nbformat.read(NOTEBOOKS_DIR / f"{name}.ipynb", as_version=4)
    tagged = [c for c in executed.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert "seed" in tagged[0].source and "quick" in tagged[0].source
    assert executed.metadata["jupytext"]["formats"] == "ipynb,py:percent"
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), "notebook not fully executed"
    assert not any(o.get("output_type") == "error" for c in code for o in c.outputs)


def test_parse_value():
    assert reproduce.parse_value("3") == 3
    assert reproduce.parse_value("True") is True
    assert reproduce.parse_value("0.5") == 0.5
    assert reproduce.parse_value("../data/x.csv") == "../data/x.csv"


def test_failing_notebook_is_named_and_leaves_no_output(tmp_path, monkeypatch):
    monkeypatch.setattr(reproduce, "REPO_ROOT", tmp_path)
    (tmp_path / "99_broken.py").write_text(
        "# %% tags=[\"parameters\"]\nseed = 0\n\n# %%\nx = 1\n\n# %%\nraise ValueError('boom')\n"
    )
    with pytest.raises(reproduce.NotebookFailed, match=r"99_broken failed in cell 3 .*ValueError: boom"):
        reproduce.run_notebook("99_broken", notebooks_dir=tmp_path)
    assert not (tmp_path / "99_broken.ipynb").exists()
    assert (tmp_path / ".reproduce-failed" / "99_broken.ipynb").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".reproduce-failed", "99_broken.py"]


def test_runner_writes_executed_notebook_with_parameters(tmp_path):
    (tmp_path / "98_ok.py").write_text(
        "# %% tags=[\"parameters\"]\nseed = 0\n\n# %%\nprint('seed is', seed)\n"
    )
    seconds = reproduce.run_notebook("98_ok", {"seed": 7}, notebooks_dir=tmp_path)
    assert seconds > 0
    nb = nbformat.read(tmp_path / "98_ok.ipynb", as_version=4)
    assert "seed is 7" in nb.cells[-1].outputs[0]["text"]
    assert "papermill" not in nb.metadata  # no per-run timestamps committed


def test_timings_record(tmp_path):
    path = tmp_path / "timings.json"
    full = {name: 1.0 for name in reproduce.NOTEBOOKS}
    reproduce.record_timings(full, 7.5, path)
    assert json.loads(path.read_text()) == {"notebooks": full, "total": 7.5}
    reproduce.record_timings({"01_data_prep": 3.0}, 3.0, path)
    record = json.loads(path.read_text())
    assert record["notebooks"]["01_data_prep"] == 3.0
    assert record["total"] == pytest.approx(9.0)


def test_reruns_are_byte_stable():
    """Cell ids and astropy's HTML table ids must not change from run to run."""
    first = reproduce.notebook_from_source("01_data_prep")
    second = reproduce.notebook_from_source("01_data_prep")
    assert [c.id for c in first.cells] == [c.id for c in second.cells]
    cell = nbformat.v4.new_code_cell("t")
    cell.id = "cell-007"
    cell.outputs = [nbformat.v4.new_output(
        "execute_result", data={"text/html": '<table id="table140070035751824" class="x">'})]
    nb = nbformat.v4.new_notebook(cells=[cell])
    html = reproduce.strip_volatile_metadata(nb).cells[0].outputs[0]["data"]["text/html"]
    assert html == '<table id="table-cell-007" class="x">'


def test_cli_passes_scheduler_and_parameters(tmp_path, monkeypatch):
    """--scheduler ADDRESS reaches the notebooks as the parameter ``scheduler`` (notebook 06's sweeps)."""
    seen = {}

    def fake_run(name, parameters=None, output_dir=None):
        seen[name] = dict(parameters or {})
        return 0.1

    monkeypatch.setattr(reproduce, "run_notebook", fake_run)
    monkeypatch.setattr(reproduce, "RESULTS_DIR", tmp_path)
    monkeypatch.setattr(reproduce, "REPO_ROOT", tmp_path)
    assert reproduce.main(["--only", "06_sensitivity", "--scheduler", "tcp://127.0.0.1:8786", "-p", "seed", "3",
                           "--quick"]) == 0
    assert seen == {"06_sensitivity": {"scheduler": "tcp://127.0.0.1:8786", "seed": 3, "quick": True}}
    assert json.loads((tmp_path / "timings.json").read_text())["notebooks"]["06_sensitivity"] == 0.1


def test_readme_summary_is_refreshed_only_at_the_committed_settings(tmp_path, monkeypatch):
    from mwlib.repro import scorecard

    monkeypatch.setattr(reproduce, "run_notebook", lambda name, parameters=None, output_dir=None: 0.1)
    monkeypatch.setattr(reproduce, "RESULTS_DIR", tmp_path)
    monkeypatch.setattr(reproduce, "REPO_ROOT", tmp_path)
    readme = tmp_path / "README.md"
    readme.write_text(f"a\n{scorecard.README_BEGIN}\nold\n{scorecard.README_END}\n")
    (tmp_path / "scorecard_summary.md").write_text("* new\n")
    assert reproduce.main(["--only", "07_comparison", "--quick"]) == 0
    assert "old" in readme.read_text()  # a quick run leaves the committed summary alone
    assert reproduce.main(["--only", "07_comparison"]) == 0
    assert "* new" in readme.read_text() and "old" not in readme.read_text()
    readme.write_text("no markers")
    with pytest.raises(ValueError, match="no block"):  # before any notebook runs
        reproduce.main(["--only", "07_comparison"])
