#!/usr/bin/env bash
# README command 2: set up (install what is missing, build in Release) and run the whole test suite.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$PARNET_BUILD"
ctest --output-on-failure -j "$(nproc)" "$@"
