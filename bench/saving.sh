#!/usr/bin/env bash
# Saving strategies (issue 6): the same spike and trace volume written collectively, per rank
# (+ the consolidation), and through rank 0, at 1, 2 and 4 ranks; prints one table.
#
#   bench/saving.sh [build dir] [saving_bench options...]
#   bench/saving.sh build --spikes 2000000 --nodes 4000 --rows 1000     # the defaults
#
# Times are the slowest rank's wall seconds of one write (create, appends, finish with sorting);
# "merge" is the serial consolidation of the per-rank parts. On a small shared machine the
# figures are noisy: run it twice and compare before concluding anything.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../build}"
shift || true
bench="$build/bench/saving_bench"
[ -x "$bench" ] || { echo "saving.sh: $bench not built (cmake --build $build --target saving_bench)" >&2; exit 1; }
out="$build/saving_bench_out"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1

results="$(mktemp)"
trap 'rm -f "$results"; rm -rf "$out"' EXIT
for ranks in 1 2 4; do
    mpirun --oversubscribe -n "$ranks" "$bench" --out "$out" "$@" | tee -a "$results" >&2
done

/usr/bin/python3 - "$results" <<'PY'
import sys
rows, volume = [], ""
for line in open(sys.argv[1]):
    if line.startswith("# ranks"):
        volume = line[line.index("(") :].strip()
    if line.startswith("#") or not line.strip():
        continue
    rows.append(line.split())
print(f"\nSaving strategies {volume}; seconds of the slowest rank, MB of the final file")
print(f"{'ranks':>5} {'strategy':<10} {'spikes s':>9} {'merge s':>8} {'spikes MB':>9} {'report s':>9} {'merge s':>8} {'report MB':>9}")
for r in rows:
    ranks, name, s, sm, sb, rs, rm, rb = r
    print(f"{ranks:>5} {name:<10} {float(s):9.3f} {float(sm):8.3f} {int(sb)/1e6:9.1f} {float(rs):9.3f} {float(rm):8.3f} {int(rb)/1e6:9.1f}")
PY
