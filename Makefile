# Two commands set SmallClaw up on a fresh machine:
#   make run    create .venv, install the core and every plugin, start the server and board
#   make test   the same install plus test tools (Chromium for the browser test, PostgreSQL for the
#               store tests), then the suite
#
# llama-cpp-python compiles llama.cpp for this machine's CPU (GGML_NATIVE). Before serving or
# testing, `llama-build` generates one token of the bundled model in a model process; only if that
# dies with an illegal instruction (a CPU that advertises AMX but does not run it) is llama-cpp-python
# rebuilt portable (-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON, ~10 minutes).
# The outcome is remembered, so later runs only print it. Choose the CMake flags yourself with
#   SMALLCLAW_LLAMA_CMAKE_ARGS="-DGGML_CUDA=on" make run      (empty: pip's own native build)
VENV    ?= .venv
PY      := $(VENV)/bin/python
PIP     := $(VENV)/bin/pip
PLUGINS := $(sort $(wildcard plugins/*))
STAMP   := $(VENV)/.installed

.PHONY: run test bench install install-test llama-build clean

$(STAMP): pyproject.toml $(wildcard plugins/*/pyproject.toml)
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	@echo "Installing SmallClaw and its plugins (the first time, llama-cpp-python compiles: several minutes)"
	$(PIP) install --quiet -e . $(foreach p,$(PLUGINS),-e $(p))
	touch $@

$(VENV)/.test-installed: $(STAMP)
	$(PIP) install --quiet -e '.[test]'
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Chromium (Debian package) for the browser test"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is not installed: the browser test will be skipped"; fi; \
	fi
	@if ! command -v initdb >/dev/null && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing PostgreSQL (Debian package) for the store tests; the tests start their own server"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	  else echo "PostgreSQL is not installed: the PostgreSQL store tests will be skipped"; fi; \
	fi
	touch $@

install: $(STAMP)

install-test: $(VENV)/.test-installed

llama-build: $(STAMP)
	$(PY) -m smallclaw_llamacpp.build_check

run: $(STAMP) llama-build
	$(VENV)/bin/smallclaw serve

test: $(VENV)/.test-installed llama-build
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) bench/store.py
	$(PY) bench/runner.py
	$(PY) bench/gateway.py
	$(PY) bench/prompt_cache.py
	$(PY) bench/model_process.py
	$(PY) bench/postgres.py

clean:
	rm -rf $(VENV) build *.egg-info plugins/*/*.egg-info
