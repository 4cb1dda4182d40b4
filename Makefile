# The only commands a newcomer needs: `make demo` and `make test`.
# Each creates .venv on first use and installs the project into it.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: test fuzz demo examples bench lint clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

# The long runs (tests marked `long`, left out of `make test`): the pstats reader's fuzz tests
# with FUZZ_SCALE times their usual number of inputs (about 15 minutes at the default 40).
FUZZ_SCALE ?= 40

fuzz: $(STAMP)
	FUZZ_SCALE=$(FUZZ_SCALE) $(PY) -m pytest -m long --timeout 3600 --durations 0 tests/perfkit/test_reader_fuzz.py

# Until the autotag engine exists, the demo runs perfkit on a committed before/after pair of
# profiles of a real program (profiles/examples/lazy_tags.py, eager vs lazy detail loading).
EXAMPLES := profiles/examples

demo: $(STAMP)
	$(VENV)/bin/perfkit show $(EXAMPLES)/eager.stats --limit 12
	$(VENV)/bin/perfkit compare $(EXAMPLES)/eager.stats $(EXAMPLES)/lazy.stats \
		--match get_asset_info --match recv --limit 8 --json reports/example-diff.json

# Re-profile the example program (the committed pair was made this way).
examples: $(STAMP)
	$(PY) -m cProfile -o $(EXAMPLES)/eager.stats $(EXAMPLES)/lazy_tags.py --mode eager
	$(PY) -m cProfile -o $(EXAMPLES)/lazy.stats $(EXAMPLES)/lazy_tags.py --mode lazy

bench: $(STAMP)
	$(PY) -m pytest benchmarks --benchmark-only --benchmark-columns=min,median,mean,rounds

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache .benchmarks
