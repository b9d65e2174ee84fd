#!/usr/bin/env python3
"""The engine's three saving strategies (collective parallel HDF5, per-rank files merged by
`consolidate`, gather to rank 0) write identical datasets for the same 3-rank run of a mixed
network: spikes and every trace report, compared value for value.

Usage: saving_strategies.py --engine BIN --consolidate BIN --work DIR [--ranks 3]
"""
import argparse
import os
import sys

import numpy as np

from engine_runs import datasets, run

HERE = os.path.dirname(os.path.abspath(__file__))




def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--engine", required=True)
    p.add_argument("--consolidate", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--ranks", type=int, default=3)
    args = p.parse_args()
    model = os.path.join(HERE, "mixed_network.json")
    folders = {}
    for strategy in ["collective", "per-rank", "rank0"]:
        out = os.path.join(args.work, strategy)
        run(["mpirun", "--oversubscribe", "-n", str(args.ranks), args.engine, "--quiet", "--saving", strategy,
             "--output", out, model])
        if strategy == "per-rank":
            if os.path.exists(os.path.join(out, "spikes.h5")):
                sys.exit("FAIL: per-rank saving wrote the merged file before consolidation")
            run([args.consolidate, "-q", out])
        folders[strategy] = out
    files = sorted(f for f in os.listdir(folders["collective"]) if f.endswith(".h5"))
    failures = 0
    for name in files:
        reference = datasets(os.path.join(folders["collective"], name))
        for strategy in ["per-rank", "rank0"]:
            other = datasets(os.path.join(folders[strategy], name))
            same = reference.keys() == other.keys() and all(
                reference[k].dtype == other[k].dtype and np.array_equal(reference[k], other[k]) for k in reference)
            print(f"{name}: {strategy} {'identical' if same else 'DIFFERENT'} to collective ({len(reference)} datasets)")
            failures += 0 if same else 1
    if len(files) < 5:
        print(f"FAIL: expected spikes and 4 reports, found {files}")
        failures += 1
    print("PASS" if failures == 0 else f"FAIL: {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
