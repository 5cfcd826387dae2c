"""Run folders, products and provenance (mwlib.repro.products) and the runner's plan (mwlib.repro.runner): where a
notebook writes, who owns a product, where an input comes from, what the provenance and the manifest record, which
runs replace the committed results, and the order of the notebooks."""

from __future__ import annotations

import subprocess

import argparse
import ast
import importlib
import inspect
import json
import re

import numpy as np
import pytest
from astropy.table import Table

from mwlib.core import paths
from mwlib.repro import products, runner
from tests.conftest import run_folder


def _committed_product():
    """A file of the committed results/ (tracked in git), or skip."""
    for name in ("gc_kinematics.csv", "halo_samples.json", "df_summary.json"):
        if (paths.RESULTS_DIR / name).is_file():
            return name
    pytest.skip("no committed product in results/")


# ---- where a run writes -----------------------------------------------------------------------
def test_a_run_writes_into_its_run_folder_only(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    probe = "test_products_probe"
    with run_folder(tmp_path):
        run = products.open_run("02_dispersion", {"seed": 1})
        assert run.root == tmp_path.resolve() and run.settings == "test" and run.fallback is False
        written = [run.write_csv(f"{probe}.csv", Table({"a": [1, 2]})),
                   run.write_json(f"{probe}.json", {"x": np.float64(1.5)}),
                   run.write_text(f"sub/{probe}.txt", "hello\n"),
                   run.write_npz(f"local/{probe}.npz", a=np.arange(3))]
        fig, ax = plt.subplots()
        ax.plot([0, 1])
        written += run.save_figure(fig, probe)
        plt.close(fig)
    for path in written:
        assert path.is_file() and path.resolve().is_relative_to(tmp_path.resolve()), path
    assert (tmp_path / "results" / f"{probe}.csv").is_file() and (tmp_path / "figures" / f"{probe}.png").is_file()
    assert sorted(run.outputs) == sorted([f"results/{probe}.csv", f"results/{probe}.json", f"results/sub/{probe}.txt",
                                          f"results/local/{probe}.npz", f"figures/{probe}.pdf", f"figures/{probe}.png"])
    for repo_dir in (paths.RESULTS_DIR, paths.FIGURES_DIR):
        assert not list(repo_dir.rglob(f"{probe}*")), "a test product reached the repository"
    assert json.loads((tmp_path / "results" / f"{probe}.json").read_text()) == {"x": 1.5}


def test_the_run_folder_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv(products.RUN_DIR_ENV, raising=False)
    assert products.run_root() == (paths.REPO_ROOT / "runs" / "interactive").resolve()  # a notebook run by hand
    monkeypatch.setenv(products.RUN_DIR_ENV, str(tmp_path / "r"))
    monkeypatch.delenv(products.FALLBACK_ENV, raising=False)
    monkeypatch.delenv(products.SETTINGS_ENV, raising=False)
    run = products.open_run("01_data_prep", {})
    assert run.root == (tmp_path / "r").resolve() and run.fallback and run.settings == "interactive"
    assert run.results_dir.is_dir() and run.figures_dir.is_dir()


def test_every_product_has_one_owner(tmp_path):
    with run_folder(tmp_path):
        first = products.open_run("03_jeans", {})
        first.write_json("shared.json", {"by": "03"})
        first.write_json("shared.json", {"by": "03 again"})  # the owner may rewrite its own product
        first.finish()
        second = products.open_run("04_tme", {})
        with pytest.raises(PermissionError, match="shared.json belongs to notebook 03_jeans"):
            second.write_json("shared.json", {"by": "04"})
        assert second.read_json("shared.json", producer="03_jeans") == {"by": "03 again"}  # reading is allowed
        second.write_json("own.json", {})
        second.finish()
        again = products.open_run("03_jeans", {})
        with pytest.raises(PermissionError, match="own.json belongs to notebook 04_tme"):
            again.output("own.json")
        assert again.output("shared.json") == tmp_path.resolve() / "results" / "shared.json"


def test_owners_ignore_the_temp_file_of_a_provenance_being_written(tmp_path):
    """Run._owners and build_manifest read provenance/*.json; the atomic temp file .<notebook>.json.<random>.json of a
    notebook finishing in the other chain of the runner must not be read (it was: JSONDecodeError in a parallel run)."""
    with run_folder(tmp_path):
        done = products.open_run("01_data_prep", {})
        done.write_text("a.txt", "a")
        done.finish()
        # notebook 05 finishing at this moment in the other chain: its record is half written to a temp file
        (tmp_path / "results" / "provenance" / ".05_bayesian_df.json.k2j4h1.json").write_text('{"notebook": "05_ba')
        run = products.open_run("02_dispersion", {})
        run.write_text("b.txt", "b")  # must not read the temp file
        with pytest.raises(PermissionError, match="01_data_prep"):
            run.write_text("a.txt", "a")


def test_inputs_fall_back_to_the_committed_results_only_when_allowed(tmp_path, monkeypatch):
    name = _committed_product()
    monkeypatch.setenv(products.RUN_DIR_ENV, str(tmp_path))
    monkeypatch.setenv(products.FALLBACK_ENV, "1")
    run = products.open_run("05_bayesian_df", {})
    assert run.fallback and run.has_input(name, producer="01_data_prep")
    path = run.input(name, producer="01_data_prep")
    assert path == paths.RESULTS_DIR / name
    assert run.inputs[f"results/{name}"] == {"origin": "committed", "sha256": products.sha256_of(path),
                                             "producer": "01_data_prep"}
    # this run's own copy wins over the committed one
    (tmp_path / "results" / name).write_text("ours\n")
    assert run.input(name, producer="01_data_prep") == tmp_path / "results" / name
    assert run.inputs[f"results/{name}"]["origin"] == "run"
    (tmp_path / "results" / name).unlink()
    monkeypatch.setenv(products.FALLBACK_ENV, "0")  # a complete run: inputs from this run folder only
    strict = products.open_run("05_bayesian_df", {})
    assert not strict.fallback and not strict.has_input(name, producer="01_data_prep")
    with pytest.raises(FileNotFoundError, match="run notebook 01_data_prep first"):
        strict.input(name, producer="01_data_prep")


def test_finish_writes_the_provenance(tmp_path, capsys):
    name = _committed_product()
    with run_folder(tmp_path):
        producer = products.open_run("01_data_prep", {})
        producer.write_text(name, (paths.RESULTS_DIR / name).read_text())
        producer.finish()
        run = products.open_run("05_bayesian_df", {"seed": 3, "quick": True})
        run.input(name, producer="01_data_prep")
        run.data_file("data/eadie_harris2016_table1.csv")
        assert run.external("no_such_file.dat", skips="nothing") is None
        assert "external file no_such_file.dat absent: nothing" in capsys.readouterr().out
        run.write_json("out.json", {"a": 1})
        path = run.finish()
    assert path == tmp_path.resolve() / "results" / "provenance" / "05_bayesian_df.json"
    record = json.loads(path.read_text())
    assert record["notebook"] == "05_bayesian_df" and record["parameters"] == {"seed": 3, "quick": True}
    assert record["settings"] == "test" and set(record["git"]) == {"commit", "dirty"}
    assert record["packages"]["numpy"] == np.__version__
    assert record["inputs"][f"results/{name}"]["origin"] == "run"
    assert record["inputs"]["data/eadie_harris2016_table1.csv"] == {
        "origin": "data", "sha256": products.sha256_of(paths.GC_TABLE_PATH)}
    assert record["externals"] == {"no_such_file.dat": {"file": "no_such_file.dat", "found_in": None, "sha256": None}}
    assert record["outputs"] == {"results/out.json": products.sha256_of(tmp_path / "results" / "out.json")}
    assert record["elapsed_s"] >= 0


def test_external_files_are_recorded_without_absolute_paths(tmp_path, monkeypatch):
    """Where an external file was found: relative to the repository inside it, else only the kind of directory."""
    outside = tmp_path / "somewhere" / "external"
    outside.mkdir(parents=True)
    (outside / "ext.dat").write_text("x\n")
    sha = products.sha256_of(outside / "ext.dat")
    inside_name = paths.GC_TABLE_PATH.name  # a committed file under data/, standing in for an external one
    monkeypatch.setenv("MWLIB_EXTERNAL_DATA", str(outside))
    with run_folder(tmp_path / "run"):
        run = products.open_run("01_data_prep", {})
        assert run.external("ext.dat", skips="nothing") == outside / "ext.dat"
        assert run.externals["ext.dat"] == {"file": "ext.dat", "found_in": "MWLIB_EXTERNAL_DATA", "sha256": sha}
        assert run.external("ext.dat", skips="nothing", directory=outside) == outside / "ext.dat"
        assert run.external(inside_name, skips="nothing", directory=paths.DATA_DIR) == paths.GC_TABLE_PATH
        assert run.has_external("ext.dat") and run.has_external(inside_name) and not run.has_external("other.dat")
        path = run.finish()
    text = path.read_text()
    record = json.loads(text)["externals"]
    assert record["ext.dat"] == {"file": "ext.dat", "found_in": "explicit directory", "sha256": sha}
    assert record[inside_name] == {"file": inside_name, "found_in": "data",
                                   "sha256": products.sha256_of(paths.GC_TABLE_PATH)}
    assert str(tmp_path) not in text and str(paths.REPO_ROOT) not in text  # no machine's path in the record


def test_build_manifest_lists_every_file_with_its_hash_and_owner(tmp_path):
    with run_folder(tmp_path):
        a = products.open_run("01_data_prep", {})
        a.write_text("a.txt", "a")
        a.write_npz("local/a.npz", x=np.zeros(2))
        a.finish()
        b = products.open_run("02_dispersion", {})
        b.write_text("b.txt", "b")
        b.finish()
    (tmp_path / "results" / "timings.json").write_text("{}")
    manifest = products.build_manifest(tmp_path, extra_owners={"results/timings.json": runner.RUNNER})
    files = manifest["files"]
    on_disk = sorted(p.relative_to(tmp_path).as_posix() for d in ("results", "figures")
                     for p in (tmp_path / d).rglob("*") if p.is_file())
    assert sorted(files) == on_disk
    for rel, entry in files.items():
        assert entry["sha256"] == products.sha256_of(tmp_path / rel)
    assert files["results/a.txt"]["notebook"] == "01_data_prep" and files["results/b.txt"]["notebook"] == "02_dispersion"
    assert files["results/provenance/01_data_prep.json"]["notebook"] == "01_data_prep"
    assert files["results/timings.json"]["notebook"] == runner.RUNNER
    assert files["results/local/a.npz"]["tracked"] is False  # results/local/ is not committed (.gitignore)
    assert files["results/a.txt"]["tracked"] is True
    assert set(manifest["notebooks"]) == {"01_data_prep", "02_dispersion"}
    (tmp_path / "figures" / "stray.png").write_bytes(b"x")
    with pytest.raises(RuntimeError, match="no notebook claims"):
        products.build_manifest(tmp_path, extra_owners={"results/timings.json": runner.RUNNER})


def test_the_committed_manifest_matches_the_files_on_disk():
    """Both directions: every file under results/ and figures/ is in results/MANIFEST.json, and every entry of the
    manifest is on disk with its sha256. Uncommitted products (git-ignored, results/local/; the manifest marks them
    untracked) are skipped both ways: a fresh clone does not have them."""
    manifest = products.read_manifest()
    if not manifest:
        pytest.skip("no results/MANIFEST.json yet (a complete run at the committed settings writes it)")
    files = manifest["files"]
    assert files
    on_disk = sorted(p.relative_to(paths.REPO_ROOT).as_posix() for d in (paths.RESULTS_DIR, paths.FIGURES_DIR)
                     for p in d.rglob("*") if p.is_file() and p.name != products.MANIFEST_NAME)
    ignored = products._ignored(sorted(set(on_disk) | set(files)), paths.REPO_ROOT)
    for rel, entry in files.items():
        # the manifest's "tracked" is what git ignores, and only results/local/ is ignored
        assert entry["tracked"] == (rel not in ignored), f"{rel}: tracked={entry['tracked']} but git disagrees"
        assert entry["tracked"] or rel.startswith("results/local/"), rel
    for rel in on_disk:
        if rel in ignored:
            continue  # an uncommitted product
        assert rel in files, f"{rel} is on disk but not in results/MANIFEST.json"
    for rel, entry in files.items():
        if not entry["tracked"]:
            continue  # an uncommitted product (results/local/) of the run that wrote the manifest
        path = paths.REPO_ROOT / rel
        assert path.is_file(), f"{rel} is in the manifest but not on disk"
        assert products.sha256_of(path) == entry["sha256"], f"{rel} differs from the manifest"
        assert entry["notebook"] in (*paths.NOTEBOOKS, runner.RUNNER)


# ---- the runner's plan ------------------------------------------------------------------------
def _args(**kw) -> argparse.Namespace:
    base = dict(parameter=[], quick=False, scheduler=None, only=None, output_dir=None, name=None)
    return argparse.Namespace(**{**base, **kw})


@pytest.mark.parametrize("kw, missing, setting", [
    (dict(only=["03_jeans"]), [], "only 03_jeans"),
    (dict(quick=True), [], "quick"),
    (dict(name="try1"), [], "own run folder"),
    (dict(parameter=[("seed", "3")]), [], "seed=3"),
    (dict(), ["barbosa2022_segue_bhb_edr3.csv"], "without barbosa2022_segue_bhb_edr3.csv"),
])
def test_a_partial_run_is_not_committed_and_goes_to_its_own_folder(tmp_path, kw, missing, setting):
    layout = runner.Layout(root=tmp_path)
    plan = runner.plan_run(_args(**kw), layout, missing)
    assert not plan.committed and setting in plan.settings
    assert plan.run_dir.parent == (tmp_path / "runs").resolve()
    if "name" in kw:
        assert plan.run_dir == (tmp_path / "runs" / "try1").resolve()
    assert not plan.run_dir.name.startswith(".staging")
    assert plan.env[products.RUN_DIR_ENV] == str(plan.run_dir) and plan.env[products.SETTINGS_ENV] == plan.settings
    assert plan.env[products.FALLBACK_ENV] == ("1" if "only" in kw else "0")
    if "only" in kw:
        assert plan.names == ("03_jeans",)


def test_a_plain_run_is_committed_and_staged(tmp_path):
    layout = runner.Layout(root=tmp_path)
    plan = runner.plan_run(_args(), layout, [])
    assert plan.committed and plan.settings == "committed" and plan.names == runner.NOTEBOOKS
    assert plan.run_dir.parent == (tmp_path / "runs").resolve() and plan.run_dir.name.startswith(".staging-")
    assert plan.env[products.FALLBACK_ENV] == "0" and plan.env["OMP_NUM_THREADS"] == "1"
    # a scheduler changes no number: still committed
    sched = runner.plan_run(_args(scheduler="tcp://h:8786"), layout, [])
    assert sched.committed and sched.parameters == {"scheduler": "tcp://h:8786"}
    out = runner.plan_run(_args(output_dir=tmp_path / "elsewhere"), layout, [])
    assert not out.committed and out.run_dir == (tmp_path / "elsewhere").resolve()


def _position(name):
    for s, stage in enumerate(runner.STAGES):
        for c, chain in enumerate(stage):
            if name in chain:
                return s, c, chain.index(name)
    raise KeyError(name)


_PRODUCER = re.compile(r'producer="(\d\d\w*)"')


def _function_producers(module, name, seen):
    """The notebooks whose products a function of mwlib reads: its producer="..." literals and a PRODUCER table,
    and those of the functions of the same module it calls."""
    if (module.__name__, name) in seen:
        return set()
    seen.add((module.__name__, name))
    obj = getattr(module, name, None)
    if not callable(obj) or getattr(obj, "__module__", None) != module.__name__:
        return set()
    src = inspect.getsource(obj)
    out = set(_PRODUCER.findall(src))
    if "PRODUCER[" in src:
        out |= set(module.PRODUCER.values())
    for called in set(re.findall(r"(?<![\w.])(\w+)\(", src)) - {name}:
        out |= _function_producers(module, called, seen)
    return out


def _notebook_reads(name):
    """The notebooks whose products notebook ``name`` reads (static: its producer="..." literals, the mwlib
    functions it calls, and the notebooks whose scorecard records it loads)."""
    src = (paths.NOTEBOOKS_DIR / f"{name}.py").read_text()
    tree = ast.parse(src)
    modules = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("mwlib"):
            for alias in node.names:
                try:
                    modules[alias.asname or alias.name] = importlib.import_module(f"{node.module}.{alias.name}")
                except ModuleNotFoundError:
                    pass  # a function or constant, not a module
    out, seen = set(_PRODUCER.findall(src)), set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id in modules):
            continue
        module = modules[node.func.value.id]
        out |= _function_producers(module, node.func.attr, seen)
        if module.__name__ == "mwlib.repro.scorecard" and node.func.attr == "load":
            arg = node.args[1]
            if isinstance(arg, (ast.List, ast.Tuple)):
                out |= {e.value for e in arg.elts}
            else:  # paths.NOTEBOOKS: every notebook's record (its own included)
                assert isinstance(arg, ast.Attribute) and arg.attr == "NOTEBOOKS", ast.dump(arg)
                out |= set(paths.NOTEBOOKS)
    out.discard(name)
    return out


def test_stages_hold_every_notebook_once_and_dependencies_come_first():
    staged = [n for stage in runner.STAGES for chain in stage for n in chain]
    assert sorted(staged) == sorted(paths.NOTEBOOKS) and len(staged) == len(set(staged))
    reads = {name: _notebook_reads(name) for name in paths.NOTEBOOKS}
    assert reads["01_data_prep"] == set()
    assert {"01_data_prep", "02_dispersion"} <= reads["03_jeans"] and "03_jeans" in reads["04_tme"]
    assert "05_bayesian_df" in reads["05b_forensics"]
    for name, producers in reads.items():
        assert producers <= set(paths.NOTEBOOKS), (name, producers)
        stage, chain, index = _position(name)
        for producer in producers:
            p_stage, p_chain, p_index = _position(producer)
            assert p_stage < stage or (p_stage == stage and p_chain == chain and p_index < index), (name, producer)


def test_recorded_provenance_respects_the_stages():
    """Where a run's provenance exists (the committed results/), every input of a notebook was produced earlier."""
    records = sorted((paths.RESULTS_DIR / products.PROVENANCE_DIR).glob("*.json"))
    if not records:
        pytest.skip("no committed provenance yet (a complete run at the committed settings writes it)")
    for path in records:
        record = json.loads(path.read_text())
        stage, chain, index = _position(record["notebook"])
        for rel, entry in record["inputs"].items():
            producer = entry.get("producer")
            if producer is None or producer == record["notebook"]:
                continue
            p_stage, p_chain, p_index = _position(producer)
            assert p_stage < stage or (p_stage == stage and p_chain == chain and p_index < index), (path.name, rel)


def test_the_committed_results_were_made_by_the_code_beside_them():
    """The manifest's source digest (library, notebook sources, committed data, pins) is that of this checkout: the
    committed results, figures and executed notebooks are current. Fails after any such edit until make reproduce
    has been run at the committed settings."""
    manifest = products.read_manifest()
    if not manifest:
        pytest.skip("no results/MANIFEST.json yet (a complete run at the committed settings writes it)")
    now = products.source_digest()
    assert manifest.get("sources", {}).get("sha256") == now["sha256"], (
        "the committed results were made by other sources (library, notebooks, data or pins): run make reproduce")


def test_the_source_digest_follows_every_source_file(tmp_path):
    (tmp_path / "mwlib").mkdir()
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "mwlib" / "a.py").write_text("x = 1\n")
    (tmp_path / "notebooks" / "01.py").write_text("# %%\n")
    (tmp_path / "notebooks" / "01.ipynb").write_text("{}")  # executed notebooks are products, not sources
    first = products.source_digest(tmp_path)
    assert first["files"] == 2
    (tmp_path / "notebooks" / "01.ipynb").write_text('{"changed": 1}')
    assert products.source_digest(tmp_path)["sha256"] == first["sha256"]
    # a file git ignores (a fetched external file) is not a source
    (tmp_path / ".gitignore").write_text("data/external/\n")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / "data" / "external").mkdir(parents=True)
    (tmp_path / "data" / "external" / "big.csv").write_text("x\n")
    assert products.source_digest(tmp_path)["sha256"] == first["sha256"]
    (tmp_path / "mwlib" / "a.py").write_text("x = 2\n")
    assert products.source_digest(tmp_path)["sha256"] != first["sha256"]
