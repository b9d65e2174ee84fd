#!/usr/bin/env python3
"""Bytes per synapse while running and at the set-up peak, measured with the real engine.

For each network size N it runs a LIF network of N cells with K inputs per cell (fixed in-degree
from the same population, 1.5 ms delays, a short run) and the same N cells with no connections,
on one rank, and reports (resident memory with K - without) / (N K) at the end of the run
('running') and for the process's peak ('set-up peak'). It reports; it asserts nothing.

    bench/memory_per_synapse.py [--cells 100000 1000000] [--indegree 100] [--engine build/bin/engine]
"""
import argparse
import json
import os
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def model(cells, indegree):
    m = {
        "run": {"tstop": 5, "dt": 0.1, "runid": 1},
        "populations": [{"name": "cells", "count": cells, "kind": "lif",
                         "params": {"tau_m": 20, "v_init": {"dist": "uniform", "low": -65, "high": -50}}}],
        "projections": [],
    }
    if indegree:
        m["projections"].append({"source": "cells", "target": "cells",
                                 "rule": {"type": "fixed_indegree", "indegree": indegree},
                                 "weight": 0.01, "delay": 1.5})
    return m


def run(engine, work, cells, indegree):
    path = os.path.join(work, f"m{cells}_{indegree}.json")
    with open(path, "w") as f:
        json.dump(model(cells, indegree), f)
    out = os.path.join(work, f"out{cells}_{indegree}")
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    subprocess.run(["mpirun", "-n", "1", engine, "--quiet", "--threads", "1", "-o", out, path], env=env, check=True)
    r = json.load(open(os.path.join(out, "report.json")))["per_rank"][0]
    return r.get("rss_mb", float("nan")), r["peak_rss_mb"], r["connections"], r["setup_s"]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--engine", default=os.path.join(ROOT, "build", "bin", "engine"))
    p.add_argument("--cells", type=int, nargs="+", default=[100000, 1000000])
    p.add_argument("--indegree", type=int, default=100)
    args = p.parse_args()
    mb = 1024.0 * 1024.0
    with tempfile.TemporaryDirectory() as work:
        for n in args.cells:
            rss0, peak0, _, _ = run(args.engine, work, n, 0)
            rss, peak, synapses, setup = run(args.engine, work, n, args.indegree)
            print(f"{n:>9} cells x {args.indegree} synapses: running {(rss - rss0) * mb / synapses:5.1f} B/synapse, "
                  f"set-up peak {(peak - peak0) * mb / synapses:5.1f} B/synapse "
                  f"(resident {rss:.0f} MB, peak {peak:.0f} MB, set-up {setup:.2f} s)", flush=True)


if __name__ == "__main__":
    main()
