# Two commands do everything on a fresh machine with only Python and pip:
#   make lab    - set up .venv (if missing), install the course, open JupyterLab on course/
#   make test   - set up .venv (if missing), install the course and its test tools, run every test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev
ARGS   ?=
# Jupyter refuses to run as root unless told; containers and CI machines often are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test install lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

lab: install
	$(BIN)/jupyter lab --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/course $(ROOT_FLAG) $(ARGS)

test: install
	$(BIN)/ruff check dlcore grading tests benchmarks
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check dlcore grading tests benchmarks

bench: install
	$(BIN)/python benchmarks/mlp_epoch.py
	$(BIN)/python benchmarks/digits_fit.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
