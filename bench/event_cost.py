#!/usr/bin/env python3
"""Cost per delivered event as the network grows, measured with the real engine on one core.

For each size N: N Poisson sources (10 Hz) drive N LIF cells through `--indegree` connections
each (subthreshold weights, so the count of events is fixed by the sources), 1 rank x 1 thread.
The same network with no connections is run too; the cost per event is the difference of their
compute CPU time over the events delivered. It reports; it asserts nothing.

    bench/event_cost.py [--cells 10000 100000 1000000] [--indegree 100] [--tstop 50]
"""
import argparse
import json
import os
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def model(cells, indegree, tstop):
    m = {
        "run": {"tstop": tstop, "dt": 0.1, "runid": 1},
        "populations": [
            {"name": "src", "count": cells, "kind": "spike_source", "model": "poisson", "params": {"rate": 10}},
            {"name": "cells", "count": cells, "kind": "lif", "params": {"tau_m": 20}}],
        "projections": [],
    }
    if indegree:
        m["projections"].append({"source": "src", "target": "cells",
                                 "rule": {"type": "fixed_indegree", "indegree": indegree},
                                 "weight": 0.001, "delay": {"dist": "uniform", "low": 1.0, "high": 3.0}})
    return m


def run(engine, work, cells, indegree, tstop):
    path = os.path.join(work, f"m{cells}_{indegree}.json")
    with open(path, "w") as f:
        json.dump(model(cells, indegree, tstop), f)
    out = os.path.join(work, f"out{cells}_{indegree}")
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    # no watchdog: on a loaded machine an epoch of a large network may take longer than its limit
    subprocess.run(["mpirun", "-n", "1", engine, "--quiet", "--threads", "1", "--watchdog", "0", "-o", out, path],
                   env=env, check=True)
    report = json.load(open(os.path.join(out, "report.json")))
    return report["per_rank"][0]["compute_cpu_s"], report["events_delivered"]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--engine", default=os.path.join(ROOT, "build", "bin", "engine"))
    p.add_argument("--cells", type=int, nargs="+", default=[10000, 100000, 1000000])
    p.add_argument("--indegree", type=int, default=100)
    p.add_argument("--tstop", type=float, default=50.0)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as work:
        for n in args.cells:
            base, _ = run(args.engine, work, n, 0, args.tstop)
            cpu, events = run(args.engine, work, n, args.indegree, args.tstop)
            print(f"{n:>9} cells: {events:>11,} events, {1e9 * (cpu - base) / max(events, 1):6.1f} ns per event "
                  f"(compute {cpu:.2f} s CPU, {base:.2f} s without connections)", flush=True)


if __name__ == "__main__":
    main()
