# perfeval — the commands people type. `make run` and `make test` do all the set-up on a fresh Debian 12 machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
HOST   ?= 127.0.0.1
PORT   ?= 8000

# Packages the project needs from Debian: CJK fonts and HarfBuzz subsetting for PDFs, poppler for PDF checks.
SYSTEM_PACKAGES := fonts-noto-cjk libharfbuzz-subset0 poppler-utils
# Browser tests drive Debian's Chromium (Playwright never downloads a browser here); the workbook round-trip test
# saves an exported workbook again with LibreOffice Calc, headless.
TEST_SYSTEM_PACKAGES := chromium libreoffice-calc-nogui

# A Python >= 3.12: python3.13, python3.12, a new-enough python3, or a pyenv build.
FIND_PYTHON := for p in python3.13 python3.12 python3 $$HOME/.pyenv/versions/3.13.*/bin/python3 \
	$$HOME/.pyenv/versions/3.12.*/bin/python3; do \
	  if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	    command -v $$p; exit 0; fi; done; exit 1

.PHONY: help
help:
	@echo "make run    — set up everything, load the demo data and serve on http://$(HOST):$(PORT)"
	@echo "make test   — set up everything and run ruff, the migrations check and the whole test suite"
	@echo "make fuzz   — Hypothesis fuzzing of every form and the Excel import (10,000+ inputs; prints the count)"
	@echo "make mutation — mutation testing (mutmut) of the engine, access, workflow and snapshots; MUTATION.md"
	@echo "make bench  — engine, assessment screens, report PDF and the 200-unit annual export with 1 and 2 workers (bench/RESULTS.md)"
	@echo "make lint / make format / make lock / make clean"
	@echo "make backup [BACKUP=dir] — PostgreSQL dump + MEDIA_ROOT into backups/<time>/ (or dir); make restore BACKUP=dir"
	@echo "make loadtest — locust against gunicorn + PostgreSQL on 127.0.0.1 (about 4 min; bench/RESULTS.md)"
	@echo "make bench-live — the live score in Chromium: last keystroke in the 自评表 to the new total shown (bench/RESULTS.md)"
	@echo "make bench-scale — list pages on 5,000 units × 3 years, PostgreSQL perfeval_scale (bench/RESULTS.md)"
	@echo "make attack — crawl, unauthorised writes and fuzz against gunicorn + PostgreSQL as every persona; prints leaks, 5xx, partial writes"

.PHONY: system-deps
system-deps:
	@$(call apt_install,$(SYSTEM_PACKAGES))

.PHONY: system-test-deps
system-test-deps: system-deps
	@$(call apt_install,$(TEST_SYSTEM_PACKAGES))

# Install missing Debian packages when we can (root, apt present); otherwise say what is missing and go on.
define apt_install
	missing=""; for pkg in $(1); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then \
	    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else echo "WARNING: missing system packages:$$missing — install them with apt-get as root."; fi; \
	fi
endef

$(VENV)/.installed: requirements.txt pyproject.toml
	@python=$$($(FIND_PYTHON)) || { echo "ERROR: perfeval needs Python >= 3.12 (python3.13, python3.12, or a pyenv build such as ~/.pyenv/versions/3.12.*/bin/python3). None was found."; exit 1; }; \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
	  echo "Creating $(VENV) with $$python"; rm -rf $(VENV); $$python -m venv $(VENV); fi
	$(PIP) install -q --disable-pip-version-check -r requirements.txt
	@touch $@

.PHONY: venv
venv: $(VENV)/.installed

# Bootstrap from the npm registry into the git-ignored static/vendor/: nothing is fetched from a CDN at run time.
static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf static/vendor && mkdir -p static/vendor/bootstrap/css static/vendor/bootstrap/js
	cp node_modules/bootstrap/dist/css/bootstrap.min.css* static/vendor/bootstrap/css/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js* static/vendor/bootstrap/js/
	@touch $@

.PHONY: vendor
vendor: static/vendor/.installed

.PHONY: setup
setup: system-deps venv vendor

.PHONY: migrate
migrate: setup
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py createcachetable

.PHONY: demo
demo: migrate
	$(PY) manage.py load_demo

.PHONY: run
run: demo
	@echo ""
	@echo "perfeval 绩效自评 — http://$(HOST):$(PORT)/  (Ctrl-C 停止)"
	$(PY) manage.py runserver $(HOST):$(PORT)

.PHONY: lint
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/django-upgrade --target-version 6.0 $$(git ls-files '*.py')
	$(VENV)/bin/djhtml --check $$(git ls-files 'templates/*.html')

.PHONY: format
format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/django-upgrade --target-version 6.0 $$(git ls-files '*.py') || true
	$(VENV)/bin/djhtml $$(git ls-files 'templates/*.html') || true

.PHONY: migrations-check
migrations-check: setup
	$(PY) manage.py makemigrations --check --dry-run

# locust has its own virtual environment: its gevent and Flask pins stay out of the application's lock.
LOCUST_VENV := bench/.venv-locust
$(LOCUST_VENV)/.installed: bench/requirements-locust.txt
	@python=$$($(FIND_PYTHON)) || { echo "ERROR: the load test needs Python >= 3.12."; exit 1; }; \
	if [ ! -x $(LOCUST_VENV)/bin/python ]; then echo "Creating $(LOCUST_VENV) with $$python"; $$python -m venv $(LOCUST_VENV); fi
	$(LOCUST_VENV)/bin/pip install -q --disable-pip-version-check -r bench/requirements-locust.txt
	@touch $@

# Needs PostgreSQL on 127.0.0.1:5432; LOADTEST_ARGS passes options, e.g. LOADTEST_ARGS=--profile.
LOADTEST_ARGS ?=
.PHONY: loadtest
loadtest: setup $(LOCUST_VENV)/.installed
	$(PY) bench/loadtest.py $(LOADTEST_ARGS)

# The list pages on 5,000 units × 3 years (bench/RESULTS.md): the first run builds the data set
# (manage.py seed_scale, several minutes), then each page is timed 30 times. SCALE_ARGS e.g. --rounds 60 --only inbox.
SCALE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/perfeval_scale
SCALE_ARGS ?=
.PHONY: bench-scale
bench-scale: setup
	DATABASE_URL=$(SCALE_DATABASE_URL) $(PY) bench/scale.py $(SCALE_ARGS)

# The live score in Debian's headless Chromium (issue #18): from the last keystroke in the 自评表 (50 unit-written rows)
# to the score panel showing the new total, debounce included, beside fetches from the same page as the baseline;
# gunicorn with deploy/gunicorn.conf.py and PostgreSQL perfeval_live (demo data, rebuilt every run). About 3 min.
# LIVE_ARGS e.g. --rounds 120, --skip-seed, --profile 5 (a CPU profile of the page), --debounce-ms 150 (what-if).
LIVE_ARGS ?=
.PHONY: bench-live
bench-live: setup
	$(PY) bench/live_score.py $(LIVE_ARGS)

# Crawl-and-fuzz of a production-configured instance (bench/attack.py): PostgreSQL perfeval_attack, rebuilt every run,
# gunicorn with deploy/gunicorn.conf.py on a free port of 127.0.0.1. Exits 1 on any leak, 5xx or partial write.
# ATTACK_ARGS e.g. --rounds 3 (more fuzz rounds).
ATTACK_ARGS ?=
.PHONY: attack
attack: setup
	$(PY) bench/attack.py $(ATTACK_ARGS)

# The benchmarks of the targets in bench/RESULTS.md, one after another (about 15 min on 2 cores; PostgreSQL on
# 127.0.0.1). Each prints its figures; the whole run, with the machine and the date, is kept in bench/out/.
BENCH_PG := postgres://postgres@127.0.0.1:5432
BENCH_UNITS ?= 200
.PHONY: bench
bench: setup
	@mkdir -p bench/out; export PYTHONUNBUFFERED=1; log=bench/out/bench-$$(date +%Y%m%d-%H%M%S).txt; \
	{ echo "# make bench — $$(date -Iseconds)"; echo "machine: $$(nproc) cores, $$(free -h | awk '/^Mem:/ {print $$2}') memory, $$(. /etc/os-release && echo $$PRETTY_NAME), $$($(PY) -V)"; \
	  echo "load average before: $$(cut -d' ' -f1-3 /proc/loadavg)"; \
	  echo; echo "## engine"; $(PY) bench/engine.py && \
	  echo; echo "## assessment screens"; DATABASE_URL=$(BENCH_PG)/perfeval_bench $(PY) bench/assessment_screens.py && \
	  echo; echo "## report PDF"; $(PY) bench/report_pdf.py && \
	  echo; echo "## annual export, 1 worker"; DATABASE_URL=$(BENCH_PG)/perfeval_bench_export $(PY) bench/annual_export.py --units $(BENCH_UNITS) --workers 1 && \
	  echo; echo "## annual export, 2 workers"; DATABASE_URL=$(BENCH_PG)/perfeval_bench_export $(PY) bench/annual_export.py --units $(BENCH_UNITS) --workers 2 && \
	  echo; echo "load average after: $$(cut -d' ' -f1-3 /proc/loadavg)"; } 2>&1 | grep --line-buffered -v "UserWarning: No directory at\|mw_instance = middleware" | tee $$log; \
	test $${PIPESTATUS[0]} -eq 0 && echo "written to $$log"

# PYTEST_ARGS narrows the run, e.g. make test PYTEST_ARGS='-m "not e2e"'.
PYTEST_ARGS ?=
.PHONY: test
test: system-test-deps setup lint migrations-check
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest $(PYTEST_ARGS)

# The fuzz tests (tests/fuzz) with the large Hypothesis profile: at least 10,000 generated inputs in all, counted in
# the last line; about 10 min on 2 cores. `make test` runs the same tests with a few inputs each (about 25 s).
.PHONY: fuzz
fuzz: setup
	HYPOTHESIS_PROFILE=fuzz DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest -m fuzz -q

# Backup and restore of the DATABASE_URL database (PostgreSQL) and MEDIA_ROOT: perfeval/backups.py. The settings come
# from the environment as for the application (e.g. set -a; . /etc/perfeval/perfeval.env; set +a; make backup).
.PHONY: backup
backup: venv
	$(PY) manage.py backup $(if $(BACKUP),--output "$(BACKUP)")

.PHONY: restore
restore: venv
	@if [ -z "$(BACKUP)" ]; then echo "用法 / usage: make restore BACKUP=backups/<时间>   (恢复到 DATABASE_URL 指定的空数据库或新数据库)"; exit 2; fi
	$(PY) manage.py restore "$(BACKUP)"

.PHONY: lock
lock: venv
	{ echo "# Full lock of every Python package perfeval installs (runtime and development)."; \
	  echo "# Regenerate after changing pyproject.toml: make lock"; $(PIP) freeze --exclude-editable; } > requirements.txt

.PHONY: clean
clean:
	rm -rf $(VENV) $(LOCUST_VENV) node_modules static/vendor staticfiles artifacts

# Mutation testing (mutmut) of the engine, the access helpers, the workflow services and the snapshot code: what is
# mutated is only_mutate in pyproject.toml, the tests are its test selection. A sample keeps it to about 30 min on
# 2 cores; MUTATION_ARGS e.g. --sample engine=1,access=1,workflow=1,snapshots=1 (everything), --offset 1 (another
# shard of the sample), --area workflow, --survivors.
# Figures and the equivalent mutants: MUTATION.md.
MUTATION_ARGS ?=
.PHONY: mutation
mutation: setup
	$(PY) bench/mutation.py --workers 2 $(MUTATION_ARGS)
