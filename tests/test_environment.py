"""The pins: requirements.txt (pip) and environment.yml (conda) agree, and match what runs."""

from __future__ import annotations

import re
from importlib import metadata

from mwlib.core.paths import REPO_ROOT

PIN = re.compile(r"^\s*(?:-\s+)?([A-Za-z0-9_.\-]+)==([^\s#]+)")
REQUIRED = {"numpy", "scipy", "astropy", "galpy", "emcee", "corner", "matplotlib", "arviz", "tqdm",
            "jupyterlab", "jupytext", "papermill", "nbval", "pytest"}


def _pins(path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        match = PIN.match(line)
        if match:
            pins[match.group(1).lower()] = match.group(2)
    return pins


def test_requirements_and_environment_agree():
    pip_pins = _pins(REPO_ROOT / "requirements.txt")
    conda_pins = _pins(REPO_ROOT / "environment.yml")
    assert pip_pins, "no pins found in requirements.txt"
    only_pip = {k: v for k, v in pip_pins.items() if conda_pins.get(k) != v}
    only_conda = {k: v for k, v in conda_pins.items() if pip_pins.get(k) != v}
    assert not only_pip and not only_conda, f"requirements.txt {only_pip} vs environment.yml {only_conda}"


def test_required_packages_are_pinned():
    assert REQUIRED <= set(_pins(REPO_ROOT / "requirements.txt"))


def test_python_version_pinned_in_environment():
    assert re.search(r"^\s*-\s*python=3\.11\s*$", (REPO_ROOT / "environment.yml").read_text(), re.M)


def test_installed_versions_match_pins():
    """The environment running the tests is the pinned one (catches a stale .venv)."""
    wrong = {}
    for name in REQUIRED:
        pinned = _pins(REPO_ROOT / "requirements.txt")[name]
        installed = metadata.version(name)
        if installed != pinned:
            wrong[name] = (pinned, installed)
    assert not wrong, f"pinned vs installed: {wrong}"
