"""Notebooks and the runner (mwlib.repro.runner): every .py (the source) has its executed .ipynb with the same
code and a parameters cell; the runner executes a notebook into a run folder, reports a failure with the notebook
and the cell and never leaves a half-written file, and replaces the committed results only after a complete run
at the committed settings. No test here executes one of the project's notebooks (``make nbval`` does); the few
notebooks executed are two-cell stand-ins written by the tests."""

from __future__ import annotations

import json
import os
import threading

import jupytext
import nbformat
import pytest

from mwlib.core.paths import NOTEBOOKS_DIR
from mwlib.repro import products, scorecard
from mwlib.repro import runner as reproduce


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


def test_failing_notebook_is_named_and_leaves_no_output(tmp_path):
    (tmp_path / "99_broken.py").write_text(
        "# %% tags=[\"parameters\"]\nseed = 0\n\n# %%\nx = 1\n\n# %%\nraise ValueError('boom')\n"
    )
    run_dir = tmp_path / "run"
    with pytest.raises(reproduce.NotebookFailed, match=r"99_broken failed in cell 3 .*ValueError: boom"):
        reproduce.run_notebook("99_broken", run_dir, notebooks_dir=tmp_path)
    assert sorted(p.name for p in (run_dir / "notebooks").iterdir()) == ["99_broken.failed.ipynb"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["99_broken.py", "run"]  # nothing beside the source


def test_runner_writes_executed_notebook_with_parameters_and_environment(tmp_path):
    (tmp_path / "98_ok.py").write_text(
        "# %% tags=[\"parameters\"]\nseed = 0\n\n# %%\nimport os\nprint('seed is', seed, os.environ['MWLIB_TEST_VAR'])\n"
    )
    assert "MWLIB_TEST_VAR" not in os.environ
    seconds = reproduce.run_notebook("98_ok", tmp_path / "run", {"seed": 7}, notebooks_dir=tmp_path,
                                     env={"MWLIB_TEST_VAR": "from-the-runner"})
    assert seconds > 0 and "MWLIB_TEST_VAR" not in os.environ  # the environment is restored
    nb = nbformat.read(tmp_path / "run" / "notebooks" / "98_ok.ipynb", as_version=4)
    assert "seed is 7 from-the-runner" in nb.cells[-1].outputs[0]["text"]
    assert "papermill" not in nb.metadata  # no per-run timestamps committed
    assert not (tmp_path / "98_ok.ipynb").exists()  # the source folder is left alone


def test_timings_record_and_table():
    timings = {"03_jeans": 2.004, "01_data_prep": 1.0}
    assert reproduce.timings_record(timings, 3.5) == {"notebooks": {"01_data_prep": 1.0, "03_jeans": 2.0},
                                                      "total": 3.5}
    lines = reproduce.format_timings(timings, 3.0).splitlines()
    assert len(lines) == 5 and lines[-1].split() == ["total", "3.0"]


def test_kernel_environment_pins_the_arithmetic():
    env = reproduce.KERNEL_ENVIRONMENT
    assert env["OMP_NUM_THREADS"] == env["OPENBLAS_NUM_THREADS"] == env["MKL_NUM_THREADS"] == "1"
    assert env["PYTHONHASHSEED"] == "0"


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


def _layout(tmp_path):
    """A repository-like folder: README with the summary block, committed results/figures, notebook sources."""
    layout = reproduce.Layout(root=tmp_path)
    for sub in ("notebooks", "results", "figures", "runs"):
        (tmp_path / sub).mkdir()
    (tmp_path / "results" / "old.csv").write_text("old\n")
    layout.readme.write_text("a\n" + "".join(f"{b}\nold\n{e}\n" for b, e in map(scorecard.readme_markers,
                                                                              scorecard.README_BLOCKS)))
    return layout


def _fake_notebooks(monkeypatch, fail: str | None = None):
    """run_notebook stand-in: each notebook writes one product through mwlib.repro.products (07 the scorecard
    summary) and its executed copy; ``fail`` names one that fails."""
    seen = {}
    # one fake notebook at a time: the runner's chains run in threads, and Run._owners would otherwise read the
    # atomic temp file of a provenance record being written by the other chain (see
    # tests/test_products.py::test_owners_ignore_the_temp_file_of_a_provenance_being_written)
    lock = threading.Lock()

    def fake_run(name, run_dir, parameters=None, *, notebooks_dir=None, env=None):
        with lock:
            return _fake_notebook(name, run_dir, parameters)

    def _fake_notebook(name, run_dir, parameters):
        seen[name] = {"parameters": dict(parameters or {}), "run_dir": os.environ.get(products.RUN_DIR_ENV),
                      "fallback": os.environ.get(products.FALLBACK_ENV)}
        if name == fail:
            raise reproduce.NotebookFailed(f"notebook {name} failed in cell 2")
        run = products.open_run(name, dict(parameters or {}))
        if name == "07_comparison":
            run.write_text("scorecard_summary.md", "* new\n")
            run.write_text("findings.md", "* found\n")
        else:
            run.write_text(f"{name}.txt", name)
        run.finish()
        target = run_dir / "notebooks" / f"{name}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("{}")
        return 0.1

    monkeypatch.setattr(reproduce, "run_notebook", fake_run)
    return seen


def test_cli_passes_scheduler_and_parameters_and_keeps_the_committed_results(tmp_path, monkeypatch):
    """--scheduler ADDRESS reaches the notebooks as the parameter ``scheduler`` (notebook 06's sweeps); a partial
    run writes into runs/<name>/ only."""
    layout = _layout(tmp_path)
    seen = _fake_notebooks(monkeypatch)
    argv = ["--only", "06_sensitivity", "--scheduler", "tcp://127.0.0.1:8786", "-p", "seed", "3", "--quick",
            "--name", "try1"]
    assert reproduce.main(argv, layout) == 0
    run_dir = tmp_path / "runs" / "try1"
    assert seen == {"06_sensitivity": {"parameters": {"scheduler": "tcp://127.0.0.1:8786", "seed": 3, "quick": True},
                                       "run_dir": str(run_dir), "fallback": "1"}}
    assert json.loads((run_dir / "results" / "timings.json").read_text())["notebooks"]["06_sensitivity"] == 0.1
    manifest = json.loads((run_dir / "results" / products.MANIFEST_NAME).read_text())
    assert manifest["files"]["results/06_sensitivity.txt"]["notebook"] == "06_sensitivity"
    assert manifest["files"]["results/timings.json"]["notebook"] == reproduce.RUNNER
    assert sorted(p.name for p in (tmp_path / "results").iterdir()) == ["old.csv"]  # untouched
    assert "old" in layout.readme.read_text()


def _committed_plan(layout):
    return reproduce.Plan(names=reproduce.NOTEBOOKS, parameters={}, run_dir=layout.runs / ".staging-test",
                          committed=True, settings="committed")


def test_a_complete_committed_run_is_staged_then_swapped_in(tmp_path, monkeypatch):
    layout = _layout(tmp_path)
    seen = _fake_notebooks(monkeypatch)
    plan = _committed_plan(layout)
    assert reproduce.execute(plan, layout, progress=False) == 0
    assert list(seen) and set(seen) == set(reproduce.NOTEBOOKS)
    assert {v["run_dir"] for v in seen.values()} == {str(plan.run_dir)}
    assert {v["fallback"] for v in seen.values()} == {"0"}  # a complete run reads only its own products
    assert not plan.run_dir.exists()
    results = sorted(p.name for p in (tmp_path / "results").iterdir())
    assert "old.csv" not in results and "scorecard_summary.md" in results and products.MANIFEST_NAME in results
    assert sorted(p.name for p in layout.notebooks.glob("*.ipynb")) == sorted(f"{n}.ipynb" for n in reproduce.NOTEBOOKS)
    text = layout.readme.read_text()
    assert "* new" in text and "* found" in text and "old" not in text
    manifest = json.loads((tmp_path / "results" / products.MANIFEST_NAME).read_text())
    assert manifest["files"]["results/scorecard_summary.md"]["notebook"] == "07_comparison"
    assert set(manifest["notebooks"]) == set(reproduce.NOTEBOOKS)


def test_a_failed_committed_run_leaves_the_committed_results(tmp_path, monkeypatch, capsys):
    layout = _layout(tmp_path)
    seen = _fake_notebooks(monkeypatch, fail="03_jeans")
    plan = _committed_plan(layout)
    assert reproduce.execute(plan, layout, progress=False) == 1
    assert "07_comparison" not in seen and "03_jeans" in seen
    assert "FAILED: notebook 03_jeans" in capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "results").iterdir()) == ["old.csv"]
    assert plan.run_dir.is_dir() and "old" in layout.readme.read_text()


def test_a_committed_run_needs_the_readme_block_before_any_notebook_runs(tmp_path, monkeypatch):
    layout = _layout(tmp_path)
    seen = _fake_notebooks(monkeypatch)
    layout.readme.write_text("no markers")
    with pytest.raises(ValueError, match="no block"):
        reproduce.execute(_committed_plan(layout), layout, progress=False)
    assert seen == {}
