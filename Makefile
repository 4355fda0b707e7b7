# The two commands (README): `make demo` and `make test`. Both install the
# Debian packages they need first (as root), then build into $(BUILD).
# `make package` builds the Debian packages into $(BUILD) (docs/installing.md).
# `make test-asan` runs every test but the package test again in
# $(ASAN_BUILD), built with AddressSanitizer and UndefinedBehaviorSanitizer
# (a package of sanitized binaries is not one anybody installs, and it took
# a tenth of the sanitized run); `make fuzz` builds the
# fuzz targets with clang in $(FUZZ_BUILD) and runs each for FUZZ_SECONDS.
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
JOBS ?= 2

.PHONY: all deps configure build demo test test-asan fuzz bench bench-fleet package clean

all: build

deps:
	./scripts/install-deps

# Line tables only (-g1): stack traces and perf keep file and line, and the
# full debug info, which took a third of the compile time, is left out.
configure: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" \
	  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG"

build: configure
	cmake --build $(BUILD) -j$(JOBS)

demo: build
	./scripts/demo $(BUILD)

test: build
	./scripts/run-tests $(BUILD)

# Not optimised, line tables only (-O0 -g1): with the sanitizers' checks, -O1
# and full debug info made each file take about 3.5 times as long to compile,
# far more than the tests gain in speed from it; the benchmarks are left out.
test-asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O0 -g1" \
	  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O0 -g1" -DVIGIL_SANITIZE=address,undefined,float-cast-overflow,float-divide-by-zero \
	  -DVIGIL_BUILD_BENCHMARKS=OFF
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	./scripts/run-tests $(ASAN_BUILD) --label-exclude package

fuzz: deps
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
	  -DCMAKE_CXX_COMPILER=clang++ -DVIGIL_FUZZ=ON -DBUILD_TESTING=OFF
	cmake --build $(FUZZ_BUILD) -j$(JOBS) --target fuzz_targets
	./scripts/run-fuzz $(FUZZ_BUILD) $(FUZZ_SECONDS)

bench: build
	./scripts/run-benchmarks $(BUILD)

package: build
	cmake --build $(BUILD) --target package

# The fleet benchmark (bench/README.md): builds its own Release tree under
# $(BUILD)/bench-fleet; TREES, BACKENDS, REPEAT, ... choose what it runs.
bench-fleet: deps
	./bench/fleet/run --bench-dir $(BUILD)/bench-fleet

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
