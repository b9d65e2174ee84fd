#!/usr/bin/env bash
# README command 2: set up (install what is missing, build in Release) and run the whole test suite.
#   tools/run_tests.sh [ctest options]
#   tools/run_tests.sh --sanitize [ctest options] (what CI runs): also build the programs and the
#     unit, cell, MPI engine and I/O suites and the fuzzers with AddressSanitizer +
#     UndefinedBehaviorSanitizer (incl. float-cast-overflow) under build-sanitize/ and run them there
#     (ctest labels unit, cells, engine_mpi, io_mpi, fuzz); any sanitizer report fails the run.
#     The whole suite passes so too (cmake --build build-sanitize; ctest there).
set -euo pipefail
sanitize=0
if [[ "${1:-}" == "--sanitize" ]]; then sanitize=1; shift; fi
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$PARNET_BUILD"
ctest --output-on-failure -j "$(nproc)" "$@"
if ((sanitize)); then
  sanitize_build="${PARNET_SANITIZE_BUILD:-$PARNET_ROOT/build-sanitize}"
  # -O1 (with -g1 from PARNET_SANITIZE): as the sanitizers advise, and less compile time than -O2 -g.
  cmake -S "$PARNET_ROOT" -B "$sanitize_build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -DNDEBUG" \
        -DPARNET_SANITIZE=ON -DPARNET_BUILD_BENCH=OFF -DPARNET_NATIVE=OFF >/dev/null
  cmake --build "$sanitize_build" -j "$(nproc)" --target engine consolidate plan fuzz_models fuzz_sonata \
        test_unit test_cells test_engine_mpi test_io_mpi
  cd "$sanitize_build"
  export ASAN_OPTIONS=detect_leaks=0:exitcode=86 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=86
  ctest --output-on-failure -j "$(nproc)" -L '^(unit|cells|engine_mpi|io_mpi|fuzz)$' "$@"
fi
