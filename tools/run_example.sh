#!/usr/bin/env bash
# README command 1: set up (install what is missing, build in Release), then the whole pipeline on
# the bundled hybrid example (or the model given): plan for 2 ranks, run under `mpirun -n 2 engine
# --plan`, and draw a raster and a per-rank load plot (predicted vs measured).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$PARNET_ROOT"
model="${1:-examples/hybrid.json}"
out="out/$(basename "$model" .json)"
# Waiting ranks yield their core: on a shared machine a spinning rank slows the one it waits for.
export OMPI_MCA_mpi_yield_when_idle=1
"$PARNET_BUILD/bin/plan" "$model" --ranks 2 --output "$out/plan.h5"
mpirun --oversubscribe -n 2 "$PARNET_BUILD/bin/engine" --plan "$out/plan.h5" --output "$out" "$model"
/usr/bin/python3 tools/plot_run.py "$out"
/usr/bin/python3 tools/plan_vs_run.py "$out/plan.h5" "$out/report.json" --plot "$out/load_vs_plan.png"
