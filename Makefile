# The front door. `make serve` and `make test` install what is missing, build, and run.
SHELL := /bin/bash
BUILD_DEV := build/dev
BUILD_REL := build/release
JOBS ?= $(shell nproc)

.PHONY: all deps test-deps build build-dev web web-deps serve test unit e2e bench format clean

all: build

deps:
	scripts/install-deps.sh

test-deps:
	scripts/install-deps.sh --test

build: deps
	cmake --preset release >/dev/null
	cmake --build $(BUILD_REL) -j $(JOBS)

build-dev: test-deps
	cmake --preset dev >/dev/null
	cmake --build $(BUILD_DEV) -j $(JOBS)

# The web UI (web/): `npm ci` only when node_modules is missing or older than the lock file,
# then a production build into web/dist, which the server serves at /.
web-deps:
	@if [[ ! -f web/node_modules/.package-lock.json || web/package-lock.json -nt web/node_modules/.package-lock.json ]]; then \
	  echo "web: npm ci"; (cd web && npm ci --no-audit --no-fund) && touch web/node_modules/.package-lock.json; \
	fi

web: web-deps
	cd web && npm run build

serve: build web
	$(BUILD_REL)/src/cli/bucketflow server --host 127.0.0.1 --port 5000

# The release build is part of the test: -O2 finds warnings (errors here) that Debug does not,
# and `make serve` must keep building.
test: build-dev build web
	BF_UI_BUCKETFLOW_BIN=$(abspath $(BUILD_REL))/src/cli/bucketflow scripts/run-tests.sh $(BUILD_DEV)

bench: build
	$(BUILD_REL)/bench/bucketflow-bench --server $(BUILD_REL)/src/cli/bucketflow $(BENCH_ARGS)

format:
	tools/format.sh

clean:
	rm -rf build
