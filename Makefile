# Two commands do all the set-up: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The browser test drives Debian's chromium (never `playwright install`, which downloads one).
CHROMIUM := /usr/bin/chromium

.PHONY: demo test bench clean chromium

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first, pinned: pip takes the local CPU build; anything else downloads CUDA.
	$(PY) -m pip install --quiet torch==2.13.0
	echo "torch==2.13.0" > $(VENV)/constraints.txt
	$(PY) -m pip install --quiet -c $(VENV)/constraints.txt -e ".[dev,bench,ray]"
	touch $(STAMP)

# Installs chromium when missing and we are root; otherwise says how (the browser test then
# skips locally and fails under CI=true).
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update && apt-get install -y --no-install-recommends chromium; \
	else \
		echo "chromium is missing: run 'sudo apt-get install -y chromium' for the browser test"; \
	fi

chromium: $(CHROMIUM)

demo: $(STAMP)
	$(VENV)/bin/answerkey demo

test: $(STAMP) chromium
	$(PY) -m pytest -q

bench: $(STAMP)
	mkdir -p build
	$(PY) benchmarks/verifiers_vs_math_verify.py --plot build/verifiers_vs_math_verify.png
	$(PY) benchmarks/pipeline_throughput.py --rows 100000

clean:
	rm -rf $(VENV) build *.egg-info
