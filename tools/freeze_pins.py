"""Regenerate requirements.txt and environment.yml from the active environment.

Run from the repository root with the project's venv after installing a new dependency:
    .venv/bin/python tools/freeze_pins.py
The direct dependencies are listed in DIRECT; everything else installed is pinned below them.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

DIRECT = ["numpy", "scipy", "astropy", "galpy", "emcee", "corner", "matplotlib", "arviz", "tqdm",
          "jupyterlab", "jupytext", "papermill", "nbval", "pytest", "ipykernel", "astroML",
          "scikit-learn", "dask", "distributed"]
SKIP = {"pip", "setuptools", "wheel", "mwlib"}
ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    freeze = subprocess.run([sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
                            capture_output=True, text=True, check=True).stdout
    pins = dict(re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)$", freeze, re.M))
    by_lower = {name.lower(): name for name in pins}
    missing = [d for d in DIRECT if d.lower() not in by_lower]
    if missing:
        sys.exit(f"not installed: {missing}")
    direct = [f"{by_lower[d.lower()]}=={pins[by_lower[d.lower()]]}" for d in DIRECT]
    direct_lower = {d.lower() for d in DIRECT}
    rest = sorted((f"{n}=={v}" for n, v in pins.items() if n.lower() not in direct_lower | SKIP), key=str.lower)
    header = [
        "# Exact versions for Python 3.11: `pip install -r requirements.txt` (the Makefile does this).",
        "# A paper supplement must rerun years later, so every package is pinned, not only the",
        "# direct dependencies. environment.yml (conda / Binder) lists the same pins;",
        "# tests/test_environment.py fails if the two files disagree. Regenerate both with",
        "# .venv/bin/python tools/freeze_pins.py",
    ]
    (ROOT / "requirements.txt").write_text(
        "\n".join(header + ["", "# Direct dependencies", *direct, "", "# Their dependencies", *rest]) + "\n")
    env = ["# conda / Binder environment with the same pins as requirements.txt",
           "# (tests/test_environment.py checks that the two agree).",
           "name: mw-mass-supplement", "channels:", "  - conda-forge", "dependencies:", "  - python=3.11",
           "  - pip", "  - pip:", *[f"      - {line}" for line in direct + rest]]
    (ROOT / "environment.yml").write_text("\n".join(env) + "\n")
    print(f"pinned {len(direct)} direct and {len(rest)} other packages")


if __name__ == "__main__":
    main()
