# The front door. `make serve` and `make test` install what is missing, build, and run.
SHELL := /bin/bash
BUILD_DEV := build/dev
BUILD_REL := build/release
JOBS ?= $(shell nproc)

.PHONY: all deps test-deps build build-dev serve test unit e2e bench format clean

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

serve: build
	$(BUILD_REL)/src/cli/bucketflow server --host 127.0.0.1 --port 5000

# The release build is part of the test: -O2 finds warnings (errors here) that Debug does not,
# and `make serve` must keep building.
test: build-dev build
	scripts/run-tests.sh $(BUILD_DEV)

bench: build
	$(BUILD_REL)/bench/bucketflow-bench --server $(BUILD_REL)/src/cli/bucketflow $(BENCH_ARGS)

format:
	tools/format.sh

clean:
	rm -rf build
