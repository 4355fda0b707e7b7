# The two commands (README): `make demo` and `make test`. Both install the
# Debian packages they need first (as root), then build into $(BUILD).
# `make package` builds the Debian packages into $(BUILD) (docs/installing.md).
BUILD ?= build
JOBS ?= 2

.PHONY: all deps configure build demo test bench bench-fleet package clean

all: build

deps:
	./scripts/install-deps

configure: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: configure
	cmake --build $(BUILD) -j$(JOBS)

demo: build
	./scripts/demo $(BUILD)

test: build
	./scripts/run-tests $(BUILD)

bench: build
	./scripts/run-benchmarks $(BUILD)

package: build
	cmake --build $(BUILD) --target package

# The fleet benchmark (bench/README.md): builds its own Release tree under
# $(BUILD)/bench-fleet; TREES, BACKENDS, REPEAT, ... choose what it runs.
bench-fleet: deps
	./bench/fleet/run --bench-dir $(BUILD)/bench-fleet

clean:
	rm -rf $(BUILD)
