#!/usr/bin/env bash
# README command 1: set up (install what is missing, build in Release) and run the bundled example
# network on 2 MPI ranks, printing a summary and writing SONATA spikes, a run report and plots.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$PARNET_ROOT"
model="${1:-examples/brunel.json}"
out="out/$(basename "$model" .json)"
mpirun --oversubscribe -n 2 "$PARNET_BUILD/bin/engine" --output "$out" "$model"
/usr/bin/python3 tools/plot_run.py "$out"
