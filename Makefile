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

# The demo starts from the engine: profiled runs against the embedded simulator with the seed's
# baseline behaviour and with the lazy wrapper, two of each, interleaved so that a change in the
# machine's load hits both sides alike. perfkit then validates the lazy runs against the baseline
# runs (medians, and a significance test) and against the seed's published figures. A no-go or
# marginal verdict is the demo's answer, not a failure: only exit code 2 (usage or input error)
# stops it.
DEMO       := reports/demo
DEMO_SCALE ?= 0.05
AUTOTAG    := $(VENV)/bin/autotag
PERFKIT    := $(VENV)/bin/perfkit
DEMO_RUN    = $(AUTOTAG) run --dataset small --time-scale $(DEMO_SCALE) --quiet

demo: $(STAMP)
	rm -rf $(DEMO) reports/validation reports/validation-seed-figures
	$(DEMO_RUN) --preset seed-baseline --profile $(DEMO)/seed-baseline.stats --run-dir $(DEMO)/run-seed-baseline
	$(DEMO_RUN) --preset lazy --profile $(DEMO)/lazy.stats --run-dir $(DEMO)/run-lazy
	$(DEMO_RUN) --preset seed-baseline --profile $(DEMO)/seed-baseline-2.stats --run-dir $(DEMO)/run-seed-baseline-2
	$(DEMO_RUN) --preset lazy --profile $(DEMO)/lazy-2.stats --run-dir $(DEMO)/run-lazy-2
	@echo; echo "== perfkit validate: the lazy runs against the seed-baseline runs =="
	@$(PERFKIT) validate $(DEMO)/lazy.stats $(DEMO)/lazy-2.stats \
		--baseline $(DEMO)/seed-baseline.stats $(DEMO)/seed-baseline-2.stats \
		--html reports/validation --junit $(DEMO)/perfkit-junit.xml \
		--markdown $(DEMO)/summary.md --json $(DEMO)/verdict.json; \
		code=$$?; echo "perfkit validate exit code: $$code"; test $$code -ne 2
	@echo; echo "== perfkit validate: the lazy runs against the seed's published figures =="
	@$(PERFKIT) validate $(DEMO)/lazy.stats $(DEMO)/lazy-2.stats \
		--baseline profiles/seed-baseline.toml --quiet \
		--html reports/validation-seed-figures --json $(DEMO)/verdict-seed-figures.json; \
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
