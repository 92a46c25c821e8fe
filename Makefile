# Two commands do all the set-up: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# The packages mypy checks: those that exist (trainer/ joins when it lands).
PACKAGES := $(wildcard verifiers pipeline annotation trainer answerkey)

.PHONY: demo test test-fast lint bench clean system-packages

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first, pinned here (the package asks only torch>=2.4): pip takes the local CPU build;
	# anything else downloads CUDA. Then every extra and the dev tools, with torch held at the pin.
	$(PY) -m pip install --quiet torch==2.13.0
	echo "torch==2.13.0" > $(VENV)/constraints.txt
	$(PY) -m pip install --quiet -c $(VENV)/constraints.txt -e ".[all,dev]"
	touch $(STAMP)

# System packages some tests use: Debian's chromium (the browser test; never `playwright install`,
# which downloads a browser) and redis-server (the --redis test). Installed when missing and we are
# root; otherwise we say how (those tests then skip locally and fail under CI=true).
SYSTEM_PACKAGES := chromium redis-server
system-packages:
	@missing=""; for tool in $(SYSTEM_PACKAGES); do command -v $$tool >/dev/null || missing="$$missing $$tool"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update && apt-get install -y $$missing; \
	else \
		echo "missing:$$missing: run 'sudo apt-get install -y$$missing' for the browser and Redis tests"; \
	fi

demo: $(STAMP)
	$(VENV)/bin/answerkey demo

test: $(STAMP) system-packages
	$(PY) -m pytest -q

# ruff (format and lint, rules in pyproject.toml) on everything; mypy on the packages.
lint: $(STAMP)
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy $(PACKAGES)

# The unit tests only: no Argilla server, browser, shared data or slow runs (markers in pyproject.toml).
test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not slow and not server and not browser and not shared"

bench: $(STAMP)
	mkdir -p build
	$(PY) benchmarks/verifiers_vs_math_verify.py --plot build/verifiers_vs_math_verify.png
	$(PY) benchmarks/pipeline_throughput.py --rows 100000
	$(PY) benchmarks/argilla_push.py
	$(PY) benchmarks/annotation_load.py
	$(PY) benchmarks/trainer_vs_trl.py --json build/trainer_vs_trl.json --plot build/trainer_vs_trl.png
	$(PY) benchmarks/demo_seeds.py --seeds 0 1 2 --json build/demo_seeds.json
	$(PY) benchmarks/key_audit.py --demo build/demo-seeds/seed-0 --ks 4 8 16 --out build/key-audit

clean:
	rm -rf $(VENV) build *.egg-info
