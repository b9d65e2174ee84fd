#!/usr/bin/env bash
# README command 2: set up (install what is missing, build in Release) and run the whole test suite.
#   tools/run_tests.sh [ctest options]
#   tools/run_tests.sh --sanitize [ctest options]: also build the engine and the unit suites with
#     AddressSanitizer + UndefinedBehaviorSanitizer (incl. float-cast-overflow) under build-sanitize/
#     and run them there; any sanitizer report fails the run.
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
  cmake --build "$sanitize_build" -j "$(nproc)" --target engine consolidate plan fuzz_models test_unit test_cells
  cd "$sanitize_build"
  export ASAN_OPTIONS=detect_leaks=0:exitcode=86 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=86
  ctest --output-on-failure -j "$(nproc)" -R '^(BadInputs|EngineErrors|ModelReader|Network|EventQueue|RandomStream|StepCount|MemoryEstimate|IntFire|Lif|SpikeSource|.*LifConstantCurrent|fuzz)' "$@"
fi
