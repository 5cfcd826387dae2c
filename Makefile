# The two commands of this repository (see README.md):
#   make reproduce   execute every notebook in order, regenerate figures/ and results/
#   make test        unit tests, then nbval over the committed notebooks
# Both create .venv (Python 3.11) and install the pinned requirements when needed.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Extra arguments for the runner, e.g. make reproduce ARGS="--only 01_data_prep --quick"
ARGS ?=
# Notebooks show figures inline (ipykernel's backend); scripts fall back to Agg headless.
export PYTHONHASHSEED := 0
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: reproduce test unit nbval install clean-venv

reproduce: $(STAMP)
	$(VPY) -m mwlib.reproduce $(ARGS)

test: unit nbval

unit: $(STAMP)
	$(VPY) -m pytest tests

nbval: $(STAMP)
	$(VPY) -m pytest --nbval-lax --nbval-current-env --nbval-sanitize-with nbval_sanitize.cfg -p no:cacheprovider notebooks/*.ipynb

install: $(STAMP)

$(VPY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt pyproject.toml | $(VPY)
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --quiet -r requirements.txt
	$(VPY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

clean-venv:
	rm -rf $(VENV)
