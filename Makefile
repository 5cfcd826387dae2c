# The two commands of this repository (see README.md):
#   make reproduce   execute every notebook in order, regenerate figures/ and results/
#   make test        unit tests, then nbval re-executes the committed notebooks and checks their outputs
# Both create .venv (Python 3.11) and install the pinned requirements when needed.
#   make data        download the external files (sha256 checked; see mwlib/data.py)

PYTHON ?= $(shell command -v python3.11 || command -v python3 || command -v python)
VENV := .venv
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Extra arguments for the runner, e.g. make reproduce ARGS="--only 01_data_prep --quick"
ARGS ?=
# Reproducible arithmetic for the tests, as for the notebook kernels (mwlib.repro.runner.kernel_environment):
# one BLAS thread, and on x86-64 OpenBLAS's Haswell kernels and numpy without its AVX-512 code paths.
export PYTHONHASHSEED := 0
export PYDEVD_DISABLE_FILE_VALIDATION := 1
export OMP_NUM_THREADS := 1
export OPENBLAS_NUM_THREADS := 1
export MKL_NUM_THREADS := 1
ifeq ($(shell uname -m),x86_64)
export OPENBLAS_CORETYPE := Haswell
export NPY_DISABLE_CPU_FEATURES := X86_V4 AVX512_ICL AVX512_SPR
endif

.PHONY: reproduce test unit nbval install data clean-venv check-python

reproduce: $(STAMP)
	$(VPY) -m mwlib.reproduce $(ARGS)

test: unit nbval

unit: $(STAMP)
	$(VPY) -m pytest -n 2 tests

# nbval re-executes the committed notebooks and compares their checked outputs, in the runner's order (stage after
# stage; the Bird et al. and Eadie & Harris chains at the same time), all into runs/nbval/ (never results/ or
# figures/), each reading only what the check itself wrote before it (mwlib/repro/check_notebooks.py).
NBVAL_JOBS ?= 2
nbval: $(STAMP)
	TQDM_DISABLE=1 $(VPY) -m mwlib.repro.check_notebooks --jobs $(NBVAL_JOBS)

data: $(STAMP)
	$(VPY) -m mwlib.data fetch

install: $(STAMP)

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null || { \
	  echo "make: Python 3.11 is needed, found '$(PYTHON)' ($$($(PYTHON) --version 2>&1 | head -1)). Get it with conda" \
	       "(conda env create -f environment.yml && conda activate mw-mass-supplement && make PYTHON=python)" \
	       "or uv (uv python install 3.11 && make PYTHON=\$$(uv python find 3.11))."; exit 1; }

$(VPY): | check-python
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt pyproject.toml | $(VPY)
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --quiet -r requirements.txt
	$(VPY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

clean-venv:
	rm -rf $(VENV)
