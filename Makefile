# The only commands a newcomer needs: `make demo` and `make test`.
# Each creates .venv on first use and installs the project into it.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: test fuzz demo examples bench lint clean report-strategies realistic calibrate load concurrency notebook

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# The browser test opens the HTML report in Debian's chromium; install it when it is missing.
CHROMIUM := /usr/bin/chromium

$(CHROMIUM):
	apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

# The pprof export is checked by Go's own `go tool pprof`, from Debian's golang-go.
GO := /usr/bin/go

$(GO):
	apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y golang-go

test: $(STAMP) $(CHROMIUM) $(GO)
	$(VENV)/bin/ruff check .
	PERFKIT_REQUIRE_BROWSER=1 PERFKIT_REQUIRE_GO=1 $(PY) -m pytest

# The long runs (tests marked `long`, left out of `make test`): the pstats reader's fuzz tests
# with FUZZ_SCALE times their usual number of inputs (about 15 minutes at the default 40).
FUZZ_SCALE ?= 40

fuzz: $(STAMP)
	FUZZ_SCALE=$(FUZZ_SCALE) $(PY) -m pytest -m long --timeout 3600 --durations 0 tests/perfkit/test_reader_fuzz.py

# The demo starts from the engine: profiled runs against the embedded simulator with the seed's
# baseline behaviour, with the lazy wrapper (the seed's change) and with the optimised preset,
# two of each, interleaved so that a change in the machine's load hits every side alike. perfkit
# then validates lazy and optimized against the baseline runs (medians, and a significance test)
# and lazy against the seed's published figures, with autotag's settings (autotag/perfkit.toml:
# the seed's target, predictions and bands; perfkit alone knows none of them). A no-go or marginal verdict is the demo's
# answer, not a failure: only exit code 2 (usage or input error) stops it.
DEMO       := reports/demo
DEMO_SCALE ?= 0.1
AUTOTAG    := $(VENV)/bin/autotag
PERFKIT    := $(VENV)/bin/perfkit
DEMO_RUN    = $(AUTOTAG) run --dataset small --time-scale $(DEMO_SCALE) --quiet
VALIDATE    = code=$$?; echo "perfkit validate exit code: $$code"; test $$code -ne 2

demo: $(STAMP)
	rm -rf $(DEMO) reports/validation reports/validation-optimized reports/validation-seed-figures
	for n in 1 2; do for p in seed-baseline lazy optimized; do \
		$(DEMO_RUN) --preset $$p --profile $(DEMO)/$$p-$$n.stats --run-dir $(DEMO)/run-$$p-$$n \
		|| exit 1; done; done
	@echo; echo "== perfkit validate: lazy (the seed's change) against seed-baseline =="
	@$(PERFKIT) validate $(DEMO)/lazy-1.stats $(DEMO)/lazy-2.stats \
		--baseline $(DEMO)/seed-baseline-1.stats $(DEMO)/seed-baseline-2.stats \
		--config autotag/perfkit.toml \
		--html reports/validation --junit $(DEMO)/perfkit-junit.xml \
		--markdown $(DEMO)/summary.md --json $(DEMO)/verdict.json; $(VALIDATE)
	@echo; echo "== perfkit validate: optimized against seed-baseline =="
	@$(PERFKIT) validate $(DEMO)/optimized-1.stats $(DEMO)/optimized-2.stats \
		--baseline $(DEMO)/seed-baseline-1.stats $(DEMO)/seed-baseline-2.stats \
		--config autotag/strategies.toml --quiet \
		--html reports/validation-optimized --json $(DEMO)/verdict-optimized.json; $(VALIDATE)
	@echo; echo "== perfkit validate: lazy against the seed's published figures =="
	@$(PERFKIT) validate $(DEMO)/lazy-1.stats $(DEMO)/lazy-2.stats \
		--baseline profiles/seed-baseline.toml --config autotag/perfkit.toml --quiet \
		--html reports/validation-seed-figures --json $(DEMO)/verdict-seed-figures.json; \
		$(VALIDATE)
	@echo; echo "Open reports/validation/index.html (lazy), reports/validation-optimized/index.html"
	@echo "and reports/validation-seed-figures/index.html."

# notebooks/exploration.ipynb executed headless in the .venv's own kernel: the committed baseline
# against your newest `make demo` run (else a fresh run of the ci dataset). The executed copy and
# an HTML rendering go to reports/notebook/.
notebook: $(STAMP)
	$(PY) scripts/run_notebook.py notebooks/exploration.ipynb --out reports/notebook

# Every preset of the optimisation chain, each validated against the step before it and against
# seed-baseline: reports and a summary table in reports/strategies/ (about 3 minutes).
STRATEGY_SCALE ?= 0.1
report-strategies: $(STAMP)
	$(AUTOTAG) strategies --dataset small --time-scale $(STRATEGY_SCALE) --out reports/strategies

# The seed's latencies (time scale 1): seed-baseline, lazy and optimized on the small library
# (about 11 minutes; not part of make test).
realistic: $(STAMP)
	$(AUTOTAG) strategies --dataset small --time-scale 1 \
		--presets seed-baseline,lazy,optimized --out reports/strategies-scale-1

# seed-baseline on the seed's library: the seed's call counts, reproduced (about a minute).
calibrate: $(STAMP)
	$(AUTOTAG) calibrate --dataset seed

# The optimised engine on a 400,000-asset library: peak memory and its curve (about 5 minutes).
load: $(STAMP)
	$(PY) scripts/load_test.py --assets 400000

# 1 to 64 requests in flight against three server models: why naive parallelism hurt the seed's
# team, and where bounded concurrency helps (about 5 minutes).
concurrency: $(STAMP)
	$(PY) scripts/concurrency_study.py --time-scale 0.5

# Re-profile the example program (the committed pair was made this way).
EXAMPLES := profiles/examples
examples: $(STAMP)
	$(PY) -m cProfile -o $(EXAMPLES)/eager.stats $(EXAMPLES)/lazy_tags.py --mode eager
	$(PY) -m cProfile -o $(EXAMPLES)/lazy.stats $(EXAMPLES)/lazy_tags.py --mode lazy
	for m in eager lazy; do $(PY) scripts/relative_profile_paths.py $(EXAMPLES)/$$m.stats \
		--root "$(CURDIR)" -o $(EXAMPLES)/$$m.stats || exit 1; done

bench: $(STAMP)
	$(PY) -m pytest benchmarks --benchmark-only --benchmark-columns=min,median,mean,rounds

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache .benchmarks
