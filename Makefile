# cunjing - the two commands of the README, and a few more.
#   make run    install missing Debian packages, build, serve the demo district
#   make test   install what tests need, build with ASan/UBSan, run every test (ctest)
#   make build  release build (hardened) into build/
#   make bench  benchmarks (bench/), reported as ratios
.POSIX:
SHELL := /bin/bash
JOBS ?= $(shell nproc)
DB ?= sqlite:data/cunjing.db
LISTEN ?= 127.0.0.1:8080

.PHONY: all deps build run test asan format format-check clean bench

all: build

deps:
	@scripts/deps.sh build

build: deps
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCUNJING_TESTS=OFF >/dev/null
	@cmake --build build -j$(JOBS)

run: build
	@scripts/run-demo.sh "$(DB)" "$(LISTEN)"

asan:
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCUNJING_SANITIZE=ON >/dev/null
	@cmake --build build-asan -j$(JOBS)

test:
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory asan
	@cd build-asan && ctest --output-on-failure -j$(JOBS) --timeout 600

# BENCH_QUICK=1 (~3 min), BENCH_RUNS, BENCH_DURATION, BENCH_PG=0, BENCH_CITY=1: see bench/README.md
bench: build
	@bench/run.sh

format:
	@clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h' 'scripts/*.c')

format-check:
	@clang-format --dry-run -Werror $$(git ls-files 'src/*.c' 'src/*.h' 'scripts/*.c')

clean:
	rm -rf build build-asan
