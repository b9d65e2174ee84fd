#!/bin/bash
# Planning-only figures for docs/planning.md: for columnar models of 1e5 and 1e6 cells (about 100
# connections per cell, mixed lif / intfire / cable cells), runs `plan` for 64, 256, 1024 and 4096
# ranks and prints, per method, the predicted imbalance, the share of connections cut and the mean
# distinct remote source gids per rank, with plan's wall time and peak memory. Nothing is simulated.
#
#   bench/plan_scaling.sh [build dir, default build] [sizes, default "100000 1000000"] [ranks, default "64 256 1024 4096"]
#
# Costs come from the static complexity model (--static-costs), so the figures do not depend on
# this machine's load; OMP_NUM_THREADS (default 2) threads list the connections.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
sizes=${2:-"100000 1000000"}
ranks_list=${3:-"64 256 1024 4096"}
plan=$build/bin/plan
[ -x "$plan" ] || { echo "plan_scaling: $plan not found; build the plan target first" >&2; exit 1; }
work=${PLAN_SCALING_DIR:-$build/plan_scaling}
mkdir -p "$work"
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2}

make_model() {  # cells -> model file
    /usr/bin/python3 - "$1" "$2" <<'PY'
import json, sys
cells, out = int(sys.argv[1]), sys.argv[2]
column = 5000                       # cells per column: 3800 lif, 900 intfire, 250 + 50 cable
columns = cells // column
def cable(ncomp):
    return {"Ra": 100, "sections": [
        {"name": "soma", "length": 20, "diam": 20, "mechanisms": {"hh": {}}},
        {"name": "dend", "parent": "soma", "length": 400, "diam": 1.5, "ncomp": ncomp - 1,
         "mechanisms": {"pas": {"g": 0.0001, "e": -65}}}],
        "synapses": [{"name": "exc", "type": "expsyn", "section": "dend", "tau": 2}]}
pops = [{"name": "ext", "count": 2000, "kind": "spike_source", "model": "poisson", "params": {"rate": 5}}]
projs = []
for c in range(columns):
    n = lambda k: f"c{c}_{k}"
    pops += [{"name": n("exc"), "count": 3800, "kind": "lif"},
             {"name": n("inh"), "count": 900, "kind": "intfire"},
             {"name": n("bas"), "count": 250, "kind": "cable", "cell": "small"},
             {"name": n("pyr"), "count": 50, "kind": "cable", "cell": "big"}]
    def p(src, tgt, k, syn=None):
        d = {"source": src, "target": tgt, "rule": {"type": "fixed_indegree", "indegree": k},
             "weight": 0.01, "delay": {"dist": "uniform", "low": 1, "high": 3}}
        if syn: d["synapse"] = syn
        projs.append(d)
    p(n("exc"), n("exc"), 70); p(n("inh"), n("exc"), 20, "inh"); p("ext", n("exc"), 10)
    p(n("exc"), n("inh"), 90); p("ext", n("inh"), 10)
    p(n("exc"), n("bas"), 80, "exc"); p("ext", n("bas"), 20, "exc")
    p(n("exc"), n("pyr"), 80, "exc"); p("ext", n("pyr"), 20, "exc")
    if columns > 1:  # a little traffic to the next column, so columns are not islands
        p(f"c{(c + 1) % columns}_exc", n("exc"), 5)
model = {"name": f"columns-{cells}", "run": {"tstop": 1000, "dt": 0.025},
         "cell_templates": {"small": cable(20), "big": cable(200)},
         "populations": pops, "projections": projs}
json.dump(model, open(out, "w"))
print(f"{out}: {sum(p['count'] for p in pops)} cells, {len(pops)} populations, {len(projs)} projections")
PY
}

printf "%-8s %6s %-12s %10s %10s %14s %9s %9s\n" cells ranks method imbalance cut remote/rank plan_s peak_MB
for cells in $sizes; do
    model=$work/columns-$cells.json
    [ -f "$model" ] || make_model "$cells" "$model" >&2
    for ranks in $ranks_list; do
        report=$work/plan-$cells-$ranks.json
        "$plan" "$model" --ranks "$ranks" --static-costs --progress 10 -q \
            -o "$work/plan-$cells-$ranks.h5" --report-json "$report"
        /usr/bin/python3 - "$report" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for m in r["methods"]:
    print(f"{r['cells']:<8} {r['ranks']:>6} {m['method']:<12} {m['imbalance']:>10.3f} {100 * m['cut_fraction']:>9.1f}% "
          f"{m['remote_sources_mean']:>14.0f} {r['seconds']['total']:>9.1f} {r['peak_memory_mb']:>9.0f}")
PY
    done
done
