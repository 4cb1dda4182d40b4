# The only commands a newcomer needs: `make demo` and `make test`.
# Each creates .venv on first use and installs the project into it.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: test demo examples bench lint clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# The browser test opens the HTML report in Debian's chromium; install it when it is missing.
CHROMIUM := /usr/bin/chromium

$(CHROMIUM):
	apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

test: $(STAMP) $(CHROMIUM)
	$(VENV)/bin/ruff check .
	PERFKIT_REQUIRE_BROWSER=1 $(PY) -m pytest

# The demo starts from the engine: two profiled runs against the embedded simulator (the seed's
# baseline behaviour, then the lazy wrapper), then perfkit validates the lazy run against that
# baseline and against the seed's published figures. A no-go or marginal verdict is the demo's
# answer, not a failure: only exit code 2 (a usage or input error) stops it.
DEMO       := reports/demo
DEMO_SCALE ?= 0.05
AUTOTAG    := $(VENV)/bin/autotag
PERFKIT    := $(VENV)/bin/perfkit

demo: $(STAMP)
	rm -rf $(DEMO) reports/validation reports/validation-seed-figures
	$(AUTOTAG) run --dataset small --time-scale $(DEMO_SCALE) --preset seed-baseline \
		--profile $(DEMO)/seed-baseline.stats --run-dir $(DEMO)/run-seed-baseline
	$(AUTOTAG) run --dataset small --time-scale $(DEMO_SCALE) --preset lazy \
		--profile $(DEMO)/lazy.stats --run-dir $(DEMO)/run-lazy
	@echo; echo "== perfkit validate: lazy against the seed-baseline run =="
	@$(PERFKIT) validate $(DEMO)/lazy.stats --baseline $(DEMO)/seed-baseline.stats \
		--html reports/validation --junit $(DEMO)/perfkit-junit.xml \
		--markdown $(DEMO)/summary.md --json $(DEMO)/verdict.json; \
		code=$$?; echo "perfkit validate exit code: $$code"; test $$code -ne 2
	@echo; echo "== perfkit validate: lazy against the seed's published figures =="
	@$(PERFKIT) validate $(DEMO)/lazy.stats --baseline profiles/seed-baseline.toml \
		--html reports/validation-seed-figures --json $(DEMO)/verdict-seed-figures.json --quiet; \
		code=$$?; echo "perfkit validate exit code: $$code"; test $$code -ne 2
	@echo; echo "Open reports/validation/index.html (and reports/validation-seed-figures/index.html)."

# Re-profile the example program (the committed pair was made this way).
EXAMPLES := profiles/examples
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
