#!/usr/bin/env python3
"""Replay (NEURON's PatternStim, design.md data flow): cells taken from a 3-rank run of a mixed
network (lif, intfire, cable and reaction-diffusion cable cells) are rebuilt alone on one rank with the input recorded in the run's spike file; their spike
times and traces must be bit-identical to those of the full run.

Usage: replay.py --engine BIN --work DIR [--ranks 3]
"""
import argparse
import os
import sys

import h5py
import numpy as np

from engine_runs import run

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = os.path.join(HERE, "mixed_network.json")
# gid layout of mixed_network.json: ext 0-59, exc 60-179, gate 180-199, pyr 200-205, rxd 206-209
FIRST = {"ext": 0, "exc": 60, "gate": 180, "pyr": 200, "rxd": 206}



def spikes_of(folder, pop, node):
    with h5py.File(os.path.join(folder, "spikes.h5"), "r") as f:
        g = f["spikes"][pop]
        ids, times = g["node_ids"][()], g["timestamps"][()]
    return np.sort(times[ids == node])


def trace_of(folder, name, pop, node):
    with h5py.File(os.path.join(folder, f"{name}.h5"), "r") as f:
        r = f["report"][pop]
        nodes = r["mapping/node_ids"][()].tolist()
        if node not in nodes:
            return None
        ptr = r["mapping/index_pointers"][()]
        k = nodes.index(node)
        return r["data"][:, ptr[k]:ptr[k + 1]]


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--engine", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--ranks", type=int, default=3)
    args = p.parse_args()
    full = os.path.join(args.work, "full")
    run(["mpirun", "--oversubscribe", "-n", str(args.ranks), args.engine, "--quiet", "--output", full, MODEL])

    # Cells that fired in the full run: a lif cell with a trace, an intfire cell, two cable cells.
    chosen = [("exc", 3, ["exc_v"]), ("gate", 4, ["gate_m"]), ("pyr", 0, ["pyr_v", "pyr_dend_v"]), ("pyr", 4, ["pyr_v"]),
              ("rxd", 1, ["rxd_cai", "rxd_v"])]
    gids = [FIRST[pop] + node for pop, node, _ in chosen]
    replay = os.path.join(args.work, "replay")
    run(["mpirun", "-n", "1", args.engine, "--quiet", "--output", replay, "--replay", os.path.join(full, "spikes.h5"),
         "--gids", ",".join(map(str, gids)), MODEL])

    failures = 0
    for pop, node, traces in chosen:
        a, b = spikes_of(full, pop, node), spikes_of(replay, pop, node)
        same = a.shape == b.shape and np.array_equal(a.view(np.uint64), b.view(np.uint64))
        print(f"{pop}[{node}]: {len(a)} spikes in the full run, {len(b)} replayed: {'bit-identical' if same else 'DIFFERENT'}")
        failures += 0 if same and len(a) > 0 else 1
        for name in traces:
            x, y = trace_of(full, name, pop, node), trace_of(replay, name, pop, node)
            same = x is not None and y is not None and x.shape == y.shape and np.array_equal(x.view(np.uint32), y.view(np.uint32))
            print(f"  trace {name}: {None if x is None else x.shape} {'bit-identical' if same else 'DIFFERENT'}")
            failures += 0 if same else 1
    print("PASS" if failures == 0 else f"FAIL: {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
