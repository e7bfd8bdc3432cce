# Two commands on a fresh Debian machine (as root): `make demo` and `make test`.
# Each installs what is missing first: Debian's python3-venv and chromium, a virtual
# environment with the pinned Python packages. Nothing is downloaded at run time.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
CHROMIUM ?= /usr/bin/chromium
APT := DEBIAN_FRONTEND=noninteractive apt-get

.PHONY: setup system chromium openssl pywb demo test check bench eval clean

system:
	@python3 -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null || \
	  { $(APT) update -qq && $(APT) install -y -qq python3 python3-venv python3-pip; }
	@python3 -m venv --help >/dev/null 2>&1 || { $(APT) update -qq && $(APT) install -y -qq python3-venv; }

$(VENV)/.installed: pyproject.toml | system
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

chromium:
	@test -x $(CHROMIUM) || { $(APT) update -qq && $(APT) install -y chromium; }
	@command -v certutil >/dev/null || { $(APT) update -qq && $(APT) install -y -qq libnss3-tools; }

demo: setup chromium
	$(PY) -m archiver scan seeds/
	$(PY) -m archiver archive --simx seed seeds/
	$(PY) -m archiver report --format html

pywb:
	bash scripts/setup_pywb.sh .tools/pywb

openssl:
	@command -v openssl >/dev/null || { $(APT) update -qq && $(APT) install -y -qq openssl; }

test: setup chromium pywb openssl
	ARCHIVER_PYWB=.tools/pywb ARCHIVER_REQUIRE_PYWB=1 $(PY) -m pytest -q

check: setup
	bash scripts/check

eval: setup
	$(PY) scripts/eval_corpus.py

bench: setup
	$(PY) scripts/bench_scan.py
	$(PY) scripts/bench_check.py

clean:
	rm -rf $(VENV) .tools .pytest_cache .mypy_cache .ruff_cache .hypothesis
