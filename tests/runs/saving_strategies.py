#!/usr/bin/env python3
"""The engine's three saving strategies (collective parallel HDF5, per-rank files merged by
`consolidate`, gather to rank 0) write identical datasets for the same 3-rank run of a mixed
network: spikes and every trace report, compared value for value.

Usage: saving_strategies.py --engine BIN --consolidate BIN --work DIR [--ranks 3]
"""
import argparse
import os
import subprocess
import sys

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_mpi_yield_when_idle="1", OMP_WAIT_POLICY="passive")


def run(cmd):
    done = subprocess.run(cmd, env=ENV, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)}\n{done.stdout}{done.stderr}")


def load(path):
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda k, o: out.__setitem__(k, (o[()], o.dtype)) if isinstance(o, h5py.Dataset) else None)
    return out


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
        reference = load(os.path.join(folders["collective"], name))
        for strategy in ["per-rank", "rank0"]:
            other = load(os.path.join(folders[strategy], name))
            same = reference.keys() == other.keys() and all(
                reference[k][1] == other[k][1] and np.array_equal(reference[k][0], other[k][0]) for k in reference)
            print(f"{name}: {strategy} {'identical' if same else 'DIFFERENT'} to collective ({len(reference)} datasets)")
            failures += 0 if same else 1
    if len(files) < 5:
        print(f"FAIL: expected spikes and 4 reports, found {files}")
        failures += 1
    print("PASS" if failures == 0 else f"FAIL: {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
