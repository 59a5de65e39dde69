# The daily verbs. The two that matter most: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PORT ?= 8000
PY := .venv/bin/python

.PHONY: help deps test-deps run test test-unit test-integration test-browser test-postgres \
        lint bench bench-limits load package package-test rehearse coldstart tf-check clean

help:
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

deps: ## install Python and npm packages (idempotent)
	@scripts/bootstrap.sh

test-deps: ## deps plus Debian packages the tests use (chromium, postgresql)
	@scripts/bootstrap.sh --test

run: deps ## start the whole platform locally on http://127.0.0.1:$(PORT)
	@PORT=$(PORT) $(PY) -m devstack.run

test: test-deps ## the whole test suite (unit, integration, browser, terraform when present)
	@scripts/test.sh

lint: deps ## ruff check + format check, and the GitHub workflows (check-jsonschema, zizmor)
	@.venv/bin/ruff check . && .venv/bin/ruff format --check . && bash scripts/lint_workflows.sh

load: deps ## load test: 16 users for 3 min on a throwaway local stack, then a consistency check
	@scripts/load.sh

bench: deps ## rendition speed: the platform's pipeline, and side by side with sharp
	@bash bench/run.sh

bench-limits: deps ## Lambda sizing: peak memory and time for the largest accepted files
	@.venv/bin/python -m bench.limits
	-@bash -c '.venv/bin/python scripts/coldstart.py'

package: deps ## build the Lambda zip with zappa package
	@bash scripts/package.sh

package-test: deps ## build the Lambda zip and run its handler tests against the local servers
	@.venv/bin/python -m pytest tests/lambda

rehearse: test-deps ## the package, production settings, emulated AWS + PostgreSQL, a user's journey
	@bash scripts/rehearse.sh $(STAGE)

coldstart: deps ## Lambda package sizes and cold start (median of fresh processes)
	@.venv/bin/python scripts/coldstart.py

tf-check: ## terraform fmt/validate/test, checkov and cost estimate, offline
	@bash terraform/scripts/check.sh

clean: ## remove local data (var/) — your images and users are deleted
	rm -rf var/
